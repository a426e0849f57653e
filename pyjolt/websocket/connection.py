"""WebSocket: one socket connection, as the handler sees it.

A WebSocket is also a :class:`~pyjolt.request.Request` for its handshake: headers,
cookies, query parameters, ``user`` and ``state`` work the same, so a ``user_loader``,
a guard or a ``before_request`` hook written for HTTP requests serves sockets unchanged.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any, NoReturn

import orjson
from pydantic import TypeAdapter, ValidationError

from ..exceptions.http_exceptions import BadRequest
from ..request import MAX_JSON_DEPTH, Receive, Request, Scope, Send, nested_deeper_than
from ..serialization import Serializer, dump_json

if TYPE_CHECKING:
    from ..app import PyJolt
    from ..response import Response

logger = logging.getLogger(__name__)


class CloseCode(enum.IntEnum):
    """RFC 6455 close codes PyJolt sends."""

    NORMAL = 1000
    GOING_AWAY = 1001
    UNSUPPORTED_DATA = 1003
    NO_STATUS = 1005
    ABNORMAL = 1006
    INVALID_PAYLOAD = 1007
    POLICY_VIOLATION = 1008
    MESSAGE_TOO_BIG = 1009
    INTERNAL_ERROR = 1011


class SocketState(enum.Enum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    CLOSED = "closed"


class WebSocketDisconnect(Exception):
    """The socket is closed (by the client, by the server, or by a limit).

    Raised by ``receive_*`` and ``send_*``; a handler that lets it propagate simply ends.
    """

    def __init__(self, code: int = CloseCode.NORMAL, reason: str = "") -> None:
        self.code = int(code)
        self.reason = reason
        super().__init__(
            f"WebSocket closed with code {self.code}" + (f": {reason}" if reason else "")
        )


class InvalidMessage(BadRequest):
    """A received message is not what the handler asked for.

    Uncaught, it closes the socket with ``close_code`` (1007 for bad JSON or a message
    that fails its model, 1003 for a binary frame where text was expected). A handler may
    catch it, answer with an error message and keep the socket open.
    """

    close_code: int = CloseCode.INVALID_PAYLOAD

    def __init__(
        self, message: str, close_code: int | None = None, errors: list[Any] | None = None
    ) -> None:
        if close_code is not None:
            self.close_code = close_code
        self.errors = errors or []
        super().__init__(message)


def close_reason(text: str) -> str:
    """``text`` cut to the 123 bytes a close frame's reason may hold (whole characters)."""
    data = text.encode("utf-8")
    if len(data) <= 123:
        return text
    return data[:123].decode("utf-8", errors="ignore")


class WebSocket(Request):
    """A WebSocket connection: accept it, receive and send messages, close it.

    ``await ws.receive_text()`` / ``receive_bytes()`` / ``receive_json()`` /
    ``receive()``; ``await ws.send_text(...)`` / ``send_bytes`` / ``send_json``;
    ``async for message in ws`` until the client goes away. Receiving or sending accepts
    the connection first if the handler has not called :meth:`accept`.
    """

    __slots__ = (
        "_connect_received",
        "_on_close",
        "_send",
        "accepted_subprotocol",
        "close_code",
        "close_reason",
        "handshake_response",
        "idle_clock",
        "last_activity",
        "max_message_size",
        "message_adapter",
        "serialize_message",
        "socket_state",
    )

    def __init__(self, scope: Scope, receive: Receive, send: Send, app: PyJolt) -> None:
        super().__init__(scope, receive, app)
        self._send = send
        self._connect_received = False
        self._on_close: list[Callable[[WebSocket], Awaitable[None]]] = []
        self.socket_state = SocketState.CONNECTING
        self.accepted_subprotocol: str | None = None
        self.close_code: int | None = None
        self.close_reason = ""
        #: What the handshake was answered with: 101 once accepted, or the refusal.
        self.handshake_response: Response[Any] | None = None
        self.last_activity = 0.0
        #: The loop's clock while an idle timeout watches this socket; None: not tracked.
        self.idle_clock: Callable[[], float] | None = None
        self.max_message_size: int = app.configs.WEBSOCKET_MAX_MESSAGE_SIZE
        self.message_adapter: TypeAdapter[Any] | None = None
        self.serialize_message: Serializer = dump_json

    # --- the handshake as a request -----------------------------------------------------
    @property
    def method(self) -> str:
        """``GET``: a WebSocket handshake is a GET request."""
        return "GET"

    @property
    def scheme(self) -> str:
        return str(self.scope.get("scheme", "ws"))

    @property
    def requested_subprotocols(self) -> list[str]:
        """The subprotocols the client offered (``Sec-WebSocket-Protocol``), in its order."""
        return list(self.scope.get("subprotocols", ()))

    async def body(self) -> bytes:
        raise RuntimeError("a WebSocket handshake has no body; use ws.receive_*() for messages")

    @property
    def is_connected(self) -> bool:
        return self.socket_state is SocketState.CONNECTED

    def on_close(self, callback: Callable[[WebSocket], Awaitable[None]]) -> None:
        """Run ``await callback(ws)`` when the socket's handler has finished (Channels)."""
        self._on_close.append(callback)

    async def run_close_callbacks(self) -> None:
        callbacks, self._on_close = self._on_close, []
        for callback in callbacks:
            try:
                await callback(self)
            except Exception:
                logger.exception("WebSocket close callback %r failed", callback)

    # --- handshake ----------------------------------------------------------------------
    async def wait_for_connect(self) -> bool:
        """Receive the ``websocket.connect`` message; False if the client left before it."""
        if self._connect_received:
            return True
        message = await self._receive()
        if message["type"] == "websocket.connect":
            self._connect_received = True
            return True
        self.socket_state = SocketState.CLOSED
        self.close_code = int(message.get("code", CloseCode.ABNORMAL))
        return False

    async def accept(
        self, subprotocol: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        """Complete the handshake, choosing ``subprotocol`` among those the client offered."""
        if self.socket_state is not SocketState.CONNECTING:
            raise RuntimeError(f"accept() on a WebSocket that is already {self.socket_state.value}")
        if subprotocol is not None and subprotocol not in self.requested_subprotocols:
            raise ValueError(
                f"accept(subprotocol={subprotocol!r}): the client offered "
                f"{self.requested_subprotocols or 'none'}"
            )
        if not await self.wait_for_connect():
            raise WebSocketDisconnect(self.close_code or CloseCode.ABNORMAL)
        message: dict[str, Any] = {"type": "websocket.accept", "subprotocol": subprotocol}
        if headers:
            message["headers"] = [
                (name.lower().encode("latin-1"), value.encode("latin-1"))
                for name, value in headers.items()
            ]
        await self._send(message)
        self.socket_state = SocketState.CONNECTED
        self.accepted_subprotocol = subprotocol
        self.handshake_response = self.response.status(101)

    async def deny(self, response: Response[Any]) -> None:
        """Refuse the handshake with an HTTP ``response`` (or close 1008 if the server cannot).

        Servers that support the ASGI ``websocket.http.response`` extension (uvicorn does)
        send the response as it is, so a refused login shows as 401 with its
        ``WWW-Authenticate`` challenge; others answer the handshake with 403.
        """
        if self.socket_state is not SocketState.CONNECTING:
            return
        self.handshake_response = response
        self.socket_state = SocketState.CLOSED
        if not await self.wait_for_connect():
            return
        extensions = self.scope.get("extensions") or {}
        if "websocket.http.response" in extensions:
            body = response.render_body()
            await self._send(
                {
                    "type": "websocket.http.response.start",
                    "status": response.status_code,
                    "headers": response.header_list(len(body)),
                }
            )
            await self._send({"type": "websocket.http.response.body", "body": body})
        else:
            await self._send({"type": "websocket.close", "code": CloseCode.POLICY_VIOLATION})
        self.close_code = CloseCode.POLICY_VIOLATION

    # Request.close() releases a request's uploads; a socket has none, and "close" is the
    # name every WebSocket API gives to ending the connection, so it is replaced here.
    async def close(  # type: ignore[override]
        self, code: int = CloseCode.NORMAL, reason: str = ""
    ) -> None:
        """Close the connection (before accept: refuse the handshake with 403)."""
        if self.socket_state is SocketState.CLOSED:
            return
        if self.socket_state is SocketState.CONNECTING:
            self.socket_state = SocketState.CLOSED
            if await self.wait_for_connect():
                await self._send({"type": "websocket.close", "code": CloseCode.POLICY_VIOLATION})
            self.close_code = code
            return
        self.socket_state = SocketState.CLOSED
        self.close_code, self.close_reason = int(code), close_reason(reason)
        try:
            await self._send(
                {"type": "websocket.close", "code": self.close_code, "reason": self.close_reason}
            )
        except OSError:  # the client went away first; it is closed either way
            logger.debug("WebSocket %s: client gone before the close frame", self.path)

    # --- receiving ----------------------------------------------------------------------
    def track_idle(self) -> None:
        """Start noting activity (for the idle timeout), from now."""
        self.idle_clock = asyncio.get_running_loop().time
        self.last_activity = self.idle_clock()

    async def _ready(self) -> None:
        """Accept if not done yet; raise WebSocketDisconnect if the socket is closed."""
        if self.socket_state is SocketState.CONNECTING:
            await self.accept()
        if self.socket_state is SocketState.CLOSED:
            raise WebSocketDisconnect(self.close_code or CloseCode.ABNORMAL, self.close_reason)

    async def _receive_frame(self) -> str | bytes:
        # The per-message path: one state check, no helper calls unless needed.
        if self.socket_state is not SocketState.CONNECTED:
            await self._ready()
        message = await self._receive()
        kind = message["type"]
        if kind == "websocket.receive":
            text = message.get("text")
            limit = self.max_message_size
            if text is not None:
                # A character is at most 4 bytes: measure exactly only near the limit.
                if len(text) * 4 > limit and len(text.encode("utf-8")) > limit:
                    await self._too_big()
                if self.idle_clock is not None:
                    self.last_activity = self.idle_clock()
                return str(text)
            data = message.get("bytes") or b""
            if len(data) > limit:
                await self._too_big()
            if self.idle_clock is not None:
                self.last_activity = self.idle_clock()
            return bytes(data)
        if kind == "websocket.disconnect":
            self.socket_state = SocketState.CLOSED
            self.close_code = int(message.get("code", CloseCode.NORMAL))
            self.close_reason = str(message.get("reason") or "")
            raise WebSocketDisconnect(self.close_code, self.close_reason)
        raise RuntimeError(f"unexpected ASGI message {kind!r} on a WebSocket")

    async def _too_big(self) -> None:
        logger.warning(
            "WebSocket %s: message over %d bytes, closing with 1009",
            self.path,
            self.max_message_size,
        )
        await self.close(CloseCode.MESSAGE_TOO_BIG, "Message too big")
        raise WebSocketDisconnect(CloseCode.MESSAGE_TOO_BIG, "Message too big")

    async def receive_text(self) -> str:
        """The next message, which must be a text frame (a binary one raises InvalidMessage)."""
        data = await self._receive_frame()
        if not isinstance(data, str):
            raise InvalidMessage("Expected a text message", CloseCode.UNSUPPORTED_DATA)
        return data

    async def receive_bytes(self) -> bytes:
        """The next message, which must be a binary frame (a text one raises InvalidMessage)."""
        data = await self._receive_frame()
        if not isinstance(data, bytes):
            raise InvalidMessage("Expected a binary message", CloseCode.UNSUPPORTED_DATA)
        return data

    async def receive_json(self) -> Any:
        """The next message parsed as JSON, validated by the endpoint's ``receives`` model.

        Malformed JSON, NaN/Infinity and messages failing the model raise InvalidMessage
        (uncaught: close 1007).
        """
        return self.decode_message(await self._receive_frame())

    async def receive(self) -> Any:
        """The next message: the ``receives`` model when the endpoint declares one, else
        the text (``str``) or binary (``bytes``) message as it came."""
        data = await self._receive_frame()
        return data if self.message_adapter is None else self.decode_message(data)

    def decode_message(self, data: str | bytes) -> Any:
        if self.message_adapter is not None:
            try:
                return self.message_adapter.validate_json(data)
            except ValidationError as exc:
                errors = exc.errors(include_url=False, include_context=False, include_input=False)
                raise InvalidMessage(
                    f"Message does not fit {self.message_adapter!r}"[:100], errors=list(errors)
                ) from None
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise InvalidMessage(f"Malformed JSON message: {exc}"[:120]) from None
        if len(data) > MAX_JSON_DEPTH and nested_deeper_than(value, MAX_JSON_DEPTH):
            raise InvalidMessage(f"JSON message nested deeper than {MAX_JSON_DEPTH} levels")
        return value

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Any]:
        """Messages as :meth:`receive` gives them, until the client closes the socket."""
        receive_frame = self._receive_frame
        adapter = self.message_adapter
        while True:
            try:
                data = await receive_frame()
            except WebSocketDisconnect:
                return
            yield data if adapter is None else self.decode_message(data)

    # --- sending ------------------------------------------------------------------------
    async def _send_frame(self, message: dict[str, Any]) -> None:
        if self.socket_state is not SocketState.CONNECTED:
            await self._ready()
        try:
            await self._send(message)
        except OSError as exc:  # uvicorn: the client has gone
            self._gone(exc)
        if self.idle_clock is not None:
            self.last_activity = self.idle_clock()

    def _gone(self, exc: OSError) -> NoReturn:
        self.socket_state = SocketState.CLOSED
        self.close_code = self.close_code or CloseCode.ABNORMAL
        raise WebSocketDisconnect(self.close_code) from exc

    async def send_text(self, text: str) -> None:
        # The per-message path, written out (send_bytes and send_json go through _send_frame).
        if self.socket_state is not SocketState.CONNECTED:
            await self._ready()
        try:
            await self._send({"type": "websocket.send", "text": text})
        except OSError as exc:
            self._gone(exc)
        if self.idle_clock is not None:
            self.last_activity = self.idle_clock()

    async def send_bytes(self, data: bytes) -> None:
        await self._send_frame({"type": "websocket.send", "bytes": data})

    async def send_json(self, data: Any) -> None:
        """Send ``data`` as a JSON text message, through the endpoint's ``sends`` model.

        Serialised exactly as response bodies are (orjson, pydantic models by alias).
        """
        await self._send_frame(
            {"type": "websocket.send", "text": self.serialize_message(data).decode("utf-8")}
        )

    def __repr__(self) -> str:
        return f"<WebSocket {self.path!r} {self.socket_state.value}>"
