"""Middleware: the ``MIDDLEWARE`` config list and the middleware PyJolt ships."""

from .chain import CallNext, Middleware, MiddlewareError

__all__ = ["CallNext", "Middleware", "MiddlewareError"]
