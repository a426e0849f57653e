"""The Channels extension: publish a message to every socket in a named group.

In-process by default, which is right for one worker (development). With
``CHANNELS_REDIS_URL`` set, ``publish`` goes through Redis pub/sub and each worker
delivers the message to its own sockets, so a message published by any worker (or by a
request, a scheduled job, another service) reaches every subscriber on every host.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from ..extension import BaseExtension, configured_workers
from ..serialization import dump_json
from ..websocket.connection import WebSocket, WebSocketDisconnect
from .settings import ChannelsSettings

if TYPE_CHECKING:
    from ..app import PyJolt
    from .redis import RedisBroadcast

logger = logging.getLogger(__name__)

TEXT, BINARY = b"t", b"b"


def encode_message(message: Any) -> tuple[bytes, bytes]:
    """``(kind, payload)``: text for ``str``, binary for ``bytes``, JSON text otherwise."""
    if isinstance(message, str):
        return TEXT, message.encode("utf-8")
    if isinstance(message, (bytes, bytearray, memoryview)):
        return BINARY, bytes(message)
    return TEXT, dump_json(message)


class Channels(BaseExtension):
    """``await channels.subscribe(ws, "room:1")``; ``await channels.publish("room:1", data)``.

    Config: ``CHANNELS_REDIS_URL`` (unset: in-process only) and ``CHANNELS_KEY_PREFIX``
    (``"pyjolt:channels:"``; the Redis channel of group ``g`` is prefix + ``g``). A socket
    leaves its groups when its handler ends.
    """

    name = "channels"

    def __init__(self, variable_prefix: str = "") -> None:
        super().__init__(variable_prefix)
        self._groups: dict[str, set[WebSocket]] = {}
        self._memberships: dict[WebSocket, set[str]] = {}
        self.broadcast: RedisBroadcast | None = None

    def init_app(self, app: PyJolt) -> None:
        super().init_app(app)
        settings = app.configs.register_section(ChannelsSettings, self.variable_prefix)
        if settings.CHANNELS_REDIS_URL:
            from .redis import RedisBroadcast

            self.broadcast = RedisBroadcast(
                settings.CHANNELS_REDIS_URL, settings.CHANNELS_KEY_PREFIX, self.deliver
            )
            app.add_on_startup(self._start_broadcast)
            app.add_on_shutdown(self._stop_broadcast)
        elif configured_workers() > 1:
            logger.warning(
                "Channels is in-process but WEB_CONCURRENCY=%d workers run: a message "
                "reaches only the sockets of the worker that publishes it. Set "
                "CHANNELS_REDIS_URL to broadcast across workers",
                configured_workers(),
            )

    def _is_the_apps(self) -> bool:
        # The app makes a default Channels when EXTENSIONS lists none; one initialised
        # later replaces it, and the replaced one must not listen to Redis as well.
        return self._app is not None and self._app.extensions.get(self.name) is self

    async def _start_broadcast(self) -> None:
        if self.broadcast is not None and self._is_the_apps():
            await self.broadcast.start()

    async def _stop_broadcast(self) -> None:
        if self.broadcast is not None and self._is_the_apps():
            await self.broadcast.stop()

    # --- membership --------------------------------------------------------------------
    async def subscribe(self, ws: WebSocket, group: str) -> None:
        """Add ``ws`` to ``group`` (on this worker; published messages reach it from any)."""
        if ws not in self._memberships:
            self._memberships[ws] = set()
            ws.on_close(self._leave_all)
        self._memberships[ws].add(group)
        self._groups.setdefault(group, set()).add(ws)

    async def unsubscribe(self, ws: WebSocket, group: str) -> None:
        self._memberships.get(ws, set()).discard(group)
        members = self._groups.get(group)
        if members is not None:
            members.discard(ws)
            if not members:
                del self._groups[group]

    async def _leave_all(self, ws: WebSocket) -> None:
        for group in self._memberships.pop(ws, set()):
            await self.unsubscribe(ws, group)

    def group_size(self, group: str) -> int:
        """How many sockets of this worker are in ``group``."""
        return len(self._groups.get(group, ()))

    # --- publishing ----------------------------------------------------------------------
    async def publish(self, group: str, message: Any) -> None:
        """Send ``message`` to every socket in ``group``: ``str`` as text, ``bytes`` as
        binary, anything else as JSON text (serialised like response bodies).

        With Redis, a publish that fails (Redis down) is logged and delivered to this
        worker's sockets only.
        """
        kind, payload = encode_message(message)
        if self.broadcast is None:
            await self.deliver(group, kind, payload)
            return
        try:
            await self.broadcast.publish(group, kind, payload)
        except Exception as exc:
            logger.warning(
                "Channels: publishing to %r through Redis failed (%r); delivered to this "
                "worker's sockets only",
                group,
                exc,
            )
            await self.deliver(group, kind, payload)

    async def deliver(self, group: str, kind: bytes, payload: bytes) -> None:
        """Send a message to this worker's sockets in ``group`` (all at once)."""
        members = list(self._groups.get(group, ()))
        if not members:
            return
        text = payload.decode("utf-8") if kind == TEXT else None
        results = await asyncio.gather(
            *(self._send(ws, text, payload) for ws in members), return_exceptions=True
        )
        for ws, result in zip(members, results, strict=True):
            if isinstance(result, BaseException) and not isinstance(result, WebSocketDisconnect):
                logger.warning("Channels: sending to %r failed: %r", ws, result)

    @staticmethod
    async def _send(ws: WebSocket, text: str | None, payload: bytes) -> None:
        if not ws.is_connected:
            return
        if text is not None:
            await ws.send_text(text)
        else:
            await ws.send_bytes(payload)
