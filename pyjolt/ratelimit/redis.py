"""Counting rate limits in Redis, shared by every worker and host.

Each hit is one Lua script, so counting and deciding are atomic without a lock, and time
comes from the Redis server (workers' clocks may differ). If Redis cannot be reached the
limit is not enforced (fail open) and a warning is logged at most once a minute: an
outage of the limiter should not take the API down with it.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from ..importing import import_optional
from .limits import Decision, RateLimit, Strategy

logger = logging.getLogger(__name__)

FIXED_WINDOW = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local period = tonumber(ARGV[1])
local window = math.floor(now_ms / period)
local key = KEYS[1] .. ':' .. window
local count = redis.call('INCR', key)
if count == 1 then redis.call('PEXPIRE', key, period) end
return {count, (window + 1) * period - now_ms}
"""

TOKEN_BUCKET = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local capacity = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local rate = capacity / period
local data = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(data[1]) or capacity
local ts = tonumber(data[2]) or now_ms
tokens = math.min(capacity, tokens + math.max(now_ms - ts, 0) * rate)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now_ms))
redis.call('PEXPIRE', KEYS[1], period + 1000)
return {allowed, wait, math.floor(tokens)}
"""


class RedisRateLimitBackend:
    """Counters under ``key_prefix`` in Redis; they expire with their window or bucket."""

    def __init__(
        self, url: str, key_prefix: str = "pyjolt:ratelimit:", timeout: float = 1.0
    ) -> None:
        self._redis = import_optional("redis.asyncio", "the Redis rate limit backend", "cache")
        self.url = url
        self.key_prefix = key_prefix
        self.timeout = timeout
        self._client: Any = None
        self._scripts: dict[str, Any] = {}
        self._last_warning = float("-inf")

    def _connect(self) -> Any:
        if self._client is None:
            self._client = self._redis.Redis.from_url(
                self.url, socket_connect_timeout=self.timeout, socket_timeout=self.timeout
            )
            self._scripts = {
                "fixed-window": self._client.register_script(FIXED_WINDOW),
                "token-bucket": self._client.register_script(TOKEN_BUCKET),
            }
        return self._client

    async def start(self) -> None:
        self._connect()

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def hit(self, key: str, limit: RateLimit, strategy: Strategy) -> Decision:
        self._connect()
        period_ms = max(int(limit.period * 1000), 1)
        try:
            if strategy == "token-bucket":
                allowed, wait, left = await self._scripts[strategy](
                    keys=[self.key_prefix + "tb:" + key], args=[limit.limit, period_ms]
                )
                return Decision(bool(allowed), int(wait) / 1000, int(left))
            count, window_left = await self._scripts[strategy](
                keys=[self.key_prefix + "fw:" + key], args=[period_ms]
            )
        except Exception as exc:  # redis errors and timeouts: fail open, say so
            self._warn(exc)
            return Decision(True)
        count = int(count)
        if count <= limit.limit:
            return Decision(True, 0.0, limit.limit - count)
        return Decision(False, max(int(window_left), 1) / 1000, 0)

    def _warn(self, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._last_warning >= 60:
            self._last_warning = now
            where = urlsplit(self.url).netloc.rpartition("@")[2]  # never log a password
            logger.warning("Rate limits not enforced: Redis at %s failed: %r", where, exc)
