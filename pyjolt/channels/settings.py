"""The Channels extension's settings (``CHANNELS_*``)."""

from __future__ import annotations

from pydantic import Field

from ..settings import SettingsSection

DEFAULT_KEY_PREFIX = "pyjolt:channels:"


class ChannelsSettings(SettingsSection):
    """Redis to broadcast through (unset: in-process only) and its channel prefix."""

    families = ("CHANNELS_",)

    CHANNELS_REDIS_URL: str | None = Field(
        default=None, description="redis:// URL: messages reach sockets of every worker"
    )
    CHANNELS_KEY_PREFIX: str = DEFAULT_KEY_PREFIX
