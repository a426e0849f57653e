"""Redis pub/sub transport for Channels: one subscription per worker, for all groups.

Each worker pattern-subscribes to ``prefix*`` once at startup and delivers what arrives
to its own sockets. One subscription instead of one per group means joining a group
needs no round trip to Redis (so no message published right after a join can be
missed), at the cost of every worker receiving every group's messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from ..importing import import_optional

logger = logging.getLogger(__name__)

Deliver = Callable[[str, bytes, bytes], Awaitable[None]]
RECONNECT_DELAY = 1.0


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


class RedisBroadcast:
    """Publishes ``kind + payload`` to ``prefix + group``; a listener task delivers."""

    def __init__(self, url: str, prefix: str, deliver: Deliver) -> None:
        self._redis = import_optional("redis.asyncio", "Channels over Redis", "cache")
        self.url = url
        self.prefix = prefix
        self.deliver = deliver
        # Connects on first use; a short timeout so a publish never hangs on a dead Redis.
        self._client: Any = self._redis.Redis.from_url(
            url, socket_connect_timeout=2.0, health_check_interval=30
        )
        self._pubsub: Any = None
        self._task: asyncio.Task[None] | None = None

    @property
    def where(self) -> str:
        return urlsplit(self.url).netloc.rpartition("@")[2]  # never log a password

    async def start(self) -> None:
        """Connect and subscribe before the app serves, so no early message is lost."""
        await self._subscribe()
        self._task = asyncio.create_task(self._listen(), name="pyjolt-channels-listener")

    async def _subscribe(self) -> None:
        self._pubsub = self._client.pubsub()
        await self._pubsub.psubscribe(glob_escape(self.prefix) + "*")
        while True:  # wait for Redis to confirm the subscription
            message = await self._pubsub.get_message(timeout=5.0)
            if message is None:
                raise TimeoutError(f"Redis at {self.where} did not confirm the subscription")
            if message["type"] == "psubscribe":
                return

    async def _listen(self) -> None:
        while True:
            try:
                async for message in self._pubsub.listen():
                    if message["type"] != "pmessage":
                        continue
                    group = message["channel"][len(self.prefix.encode()) :].decode("utf-8")
                    data = bytes(message["data"])
                    try:
                        await self.deliver(group, data[:1], data[1:])
                    except Exception:
                        logger.exception("Channels: delivering a message of %r failed", group)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.warning(
                    "Channels: lost the Redis subscription at %s (%r); reconnecting",
                    self.where,
                    exc,
                )
            await asyncio.sleep(RECONNECT_DELAY)
            try:
                await self._pubsub.aclose()
                await self._subscribe()
            except Exception as exc:
                logger.warning("Channels: resubscribing at %s failed: %r", self.where, exc)

    async def publish(self, group: str, kind: bytes, payload: bytes) -> None:
        await self._client.publish(self.prefix + group, kind + payload)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._pubsub is not None:
            await self._pubsub.aclose()
        await self._client.aclose()
