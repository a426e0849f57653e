"""Response caching: the Cache extension with memory and Redis backends.

``from pyjolt.caching import Cache`` (see docs/caching.md).
"""

from .backends import CacheBackend, MemoryCacheBackend, RedisCacheBackend
from .cache import Cache
from .entries import CachedResponse

__all__ = ["Cache", "CacheBackend", "CachedResponse", "MemoryCacheBackend", "RedisCacheBackend"]
