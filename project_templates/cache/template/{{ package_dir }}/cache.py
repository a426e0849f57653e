"""Response caching: put ``@cache.cache(duration=60)`` directly above a GET handler.

In memory by default; set CACHE_REDIS_URL (``pip install "pyjolt[cache]"``) to share
the cache between processes. Only successful responses without cookies are stored.
"""

from pyjolt.caching import Cache

cache: Cache = Cache()
