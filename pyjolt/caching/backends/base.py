"""What a cache backend provides: async get/set/delete of bytes under string keys."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class CacheBackend(Protocol):
    """Storage for cached values. Backends never raise on an unreachable store.

    A backend that cannot reach its store answers ``get`` with None and drops writes,
    logging a warning, so requests are served uncached instead of failing.
    """

    async def start(self) -> None:
        """Open connections (called at app startup)."""

    async def close(self) -> None:
        """Release connections (called at app shutdown)."""

    async def get(self, key: str) -> bytes | None:
        """The value stored under ``key``, or None when missing or expired."""

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds."""

    async def delete(self, key: str) -> None:
        """Remove ``key`` (missing keys are fine)."""

    async def delete_prefix(self, prefix: str) -> None:
        """Remove every key starting with ``prefix`` (``""``: everything of this cache)."""
