"""Redis cache backend (redis.asyncio); an unreachable Redis means cache misses, not errors."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from ...importing import import_optional

logger = logging.getLogger(__name__)

#: After a failure Redis is not asked again for this many seconds, so an outage costs
#: each request nothing instead of a connection attempt.
DEFAULT_RETRY_INTERVAL = 5.0
DEFAULT_TIMEOUT = 1.0


def _import_redis() -> Any:
    return import_optional("redis.asyncio", "the Redis cache backend", "cache")


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


class RedisCacheBackend:
    """Keys live under ``key_prefix`` in Redis and expire with Redis's own TTLs.

    Connection errors and timeouts are logged (a warning when Redis goes away, then at
    most one per ``warn_interval``) and answered as misses; writes are dropped.
    """

    def __init__(
        self,
        url: str,
        password: str | None = None,
        key_prefix: str = "pyjolt:cache:",
        timeout: float = DEFAULT_TIMEOUT,
        retry_interval: float = DEFAULT_RETRY_INTERVAL,
        warn_interval: float = 60.0,
    ) -> None:
        self._redis = _import_redis()  # fail at init_app, with the install hint
        self.url = url
        self.password = password
        self.key_prefix = key_prefix
        self.timeout = timeout
        self.retry_interval = retry_interval
        self.warn_interval = warn_interval
        self._client: Any = None
        self._down_until = 0.0
        self._last_warning = float("-inf")
        self._available = True

    @property
    def available(self) -> bool:
        """False while Redis is considered down (after a failed command)."""
        return self._available

    def _make_client(self) -> Any:
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        options: dict[str, Any] = {
            "socket_connect_timeout": self.timeout,
            "socket_timeout": self.timeout,
            "retry": Retry(NoBackoff(), 1),
        }
        if self.password:
            options["password"] = self.password
        return self._redis.Redis.from_url(self.url, **options)

    async def start(self) -> None:
        self._client = self._make_client()
        try:
            await self._client.ping()
        except Exception as exc:
            self._failed("connect", exc)
        else:
            logger.debug("Cache connected to Redis at %s", self._safe_url())

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                await client.aclose()
            except Exception as exc:
                logger.debug("Closing the Redis cache client failed: %s", exc)

    def _safe_url(self) -> str:
        return re.sub(r"//[^@/]*@", "//***@", self.url)

    def _usable(self) -> Any:
        if not self._available and time.monotonic() < self._down_until:
            return None
        if self._client is None:  # used without the app's lifespan
            self._client = self._make_client()
        return self._client

    def _failed(self, operation: str, exc: BaseException) -> None:
        now = time.monotonic()
        self._down_until = now + self.retry_interval
        if self._available or now - self._last_warning >= self.warn_interval:
            logger.warning(
                "Redis cache at %s unavailable (%s failed: %s: %s); serving uncached",
                self._safe_url(),
                operation,
                type(exc).__name__,
                exc,
            )
            self._last_warning = now
        self._available = False

    def _succeeded(self) -> None:
        if not self._available:
            logger.info("Redis cache at %s is reachable again", self._safe_url())
            self._available = True

    async def _run(self, operation: str, *args: Any, **kwargs: Any) -> Any:
        client = self._usable()
        if client is None:
            return None
        try:
            result = await getattr(client, operation)(*args, **kwargs)
        except (self._redis.RedisError, OSError) as exc:
            self._failed(operation, exc)
            return None
        self._succeeded()
        return result

    async def get(self, key: str) -> bytes | None:
        value = await self._run("get", self.key_prefix + key)
        return bytes(value) if value is not None else None

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        if ttl <= 0:
            await self.delete(key)
            return
        await self._run("set", self.key_prefix + key, value, px=max(1, int(ttl * 1000)))

    async def delete(self, key: str) -> None:
        await self._run("delete", self.key_prefix + key)

    async def delete_prefix(self, prefix: str) -> None:
        client = self._usable()
        if client is None:
            logger.warning("Redis cache unavailable: entries under %r not deleted", prefix)
            return
        pattern = _glob_escape(self.key_prefix + prefix) + "*"
        try:
            batch: list[Any] = []
            async for key in client.scan_iter(match=pattern, count=500):
                batch.append(key)
                if len(batch) >= 500:
                    await client.delete(*batch)
                    batch = []
            if batch:
                await client.delete(*batch)
        except (self._redis.RedisError, OSError) as exc:
            self._failed("delete", exc)
            return
        self._succeeded()
