"""The Cache extension's settings (``CACHE_*``), read from the config or the environment."""

from __future__ import annotations

from pydantic import Field

from ..settings import SettingsSection
from .backends.memory import DEFAULT_MAX_ENTRIES, DEFAULT_MAX_MEMORY
from .backends.redis import DEFAULT_RETRY_INTERVAL, DEFAULT_TIMEOUT

DEFAULT_DURATION = 300
DEFAULT_KEY_PREFIX = "pyjolt:cache:"
DEFAULT_MAX_ENTRY_SIZE = 1024 * 1024


class CacheSettings(SettingsSection):
    """``CACHE_REDIS_URL`` chooses Redis; the rest tune entries and the backends."""

    families = ("CACHE_",)

    CACHE_DURATION: float = Field(default=DEFAULT_DURATION, gt=0, description="Seconds kept")
    CACHE_REDIS_URL: str | None = Field(
        default=None, description="redis:// URL: entries shared by every worker (else memory)"
    )
    CACHE_REDIS_PASSWORD: str | None = None
    CACHE_KEY_PREFIX: str = DEFAULT_KEY_PREFIX
    CACHE_MAX_ENTRIES: int = Field(default=DEFAULT_MAX_ENTRIES, gt=0, description="Memory only")
    CACHE_MAX_MEMORY: int = Field(default=DEFAULT_MAX_MEMORY, gt=0, description="Memory, bytes")
    CACHE_MAX_ENTRY_SIZE: int = Field(default=DEFAULT_MAX_ENTRY_SIZE, gt=0)
    CACHE_REDIS_TIMEOUT: float = Field(default=DEFAULT_TIMEOUT, gt=0)
    CACHE_REDIS_RETRY_INTERVAL: float = Field(default=DEFAULT_RETRY_INTERVAL, ge=0)
