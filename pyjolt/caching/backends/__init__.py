"""Cache storage backends: in-process memory (default) and Redis."""

from .base import CacheBackend
from .memory import MemoryCacheBackend
from .redis import RedisCacheBackend

__all__ = ["CacheBackend", "MemoryCacheBackend", "RedisCacheBackend"]
