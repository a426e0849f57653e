"""Channels: named groups of WebSockets to broadcast to, across every worker with Redis."""

from .channels import Channels

__all__ = ["Channels"]
