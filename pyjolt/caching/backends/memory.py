"""In-process cache: TTL per entry, bounded by entry count and total bytes (LRU eviction)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

DEFAULT_MAX_ENTRIES = 1000
DEFAULT_MAX_MEMORY = 64 * 1024 * 1024


class MemoryCacheBackend:
    """A per-process LRU dictionary whose entries expire.

    Expired entries are dropped when read; when the cache is over ``max_entries`` or
    ``max_memory`` bytes the least recently used entries are evicted, so memory stays
    bounded whatever the traffic.
    """

    def __init__(
        self,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_memory: int = DEFAULT_MAX_MEMORY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1:
            raise ValueError(f"CACHE_MAX_ENTRIES must be at least 1, got {max_entries}")
        if max_memory < 1:
            raise ValueError(f"CACHE_MAX_MEMORY must be at least 1 byte, got {max_memory}")
        self.max_entries = max_entries
        self.max_memory = max_memory
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._size = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes of values currently held."""
        return self._size

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._entries.clear()
        self._size = 0

    async def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, value = entry
        if expires_at <= self._clock():
            self._remove(key)
            return None
        self._entries.move_to_end(key)
        return value

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        self._remove(key)
        if ttl <= 0 or len(value) > self.max_memory:
            return
        self._entries[key] = (self._clock() + ttl, value)
        self._size += len(value)
        while len(self._entries) > self.max_entries or self._size > self.max_memory:
            _, (_, evicted) = self._entries.popitem(last=False)
            self._size -= len(evicted)

    async def delete(self, key: str) -> None:
        self._remove(key)

    async def delete_prefix(self, prefix: str) -> None:
        for key in [key for key in self._entries if key.startswith(prefix)]:
            self._remove(key)

    def _remove(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._size -= len(entry[1])
