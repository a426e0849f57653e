"""An in-process WebSocket client for tests: speaks ASGI to the app as uvicorn would."""

from __future__ import annotations

import asyncio
import base64
import os
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import orjson

from .connection import CloseCode, WebSocketDisconnect

if TYPE_CHECKING:
    from ..app import PyJolt

DEFAULT_TIMEOUT = 5.0


class WebSocketDenied(Exception):
    """The app refused the handshake: ``status`` (403 for a close before accept), body."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        super().__init__(f"WebSocket handshake refused with HTTP {status}")

    def json(self) -> Any:
        return orjson.loads(self.body)


class TestWebSocketSession:
    """One socket between a test and the app (``client.websocket_connect(url)``)."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        app: PyJolt,
        base_url: str,
        url: str,
        headers: dict[str, str],
        subprotocols: list[str],
        http_response_extension: bool = True,
    ) -> None:
        self.app = app
        base = urlsplit(base_url)
        target = urlsplit(url)
        host = target.netloc or base.netloc
        secure = (target.scheme or base.scheme) in ("https", "wss")
        raw_headers = [
            ("host", host),
            ("connection", "Upgrade"),
            ("upgrade", "websocket"),
            ("sec-websocket-version", "13"),
            ("sec-websocket-key", base64.b64encode(os.urandom(16)).decode()),
        ]
        if subprotocols:
            raw_headers.append(("sec-websocket-protocol", ", ".join(subprotocols)))
        raw_headers += [(k.lower(), v) for k, v in headers.items()]
        self.scope: dict[str, Any] = {
            "type": "websocket",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "scheme": "wss" if secure else "ws",
            "server": ("testserver", 443 if secure else 80),
            "client": ("127.0.0.1", 50000),
            "root_path": "",
            "path": unquote(target.path or "/"),
            "raw_path": (target.path or "/").encode("latin-1"),
            "query_string": target.query.encode("latin-1"),
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in raw_headers],
            "subprotocols": subprotocols,
            "state": {},
            "extensions": {"websocket.http.response": {}} if http_response_extension else {},
        }
        self._to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.accepted_subprotocol: str | None = None
        self.accept_headers: dict[str, str] = {}
        self.close_code: int | None = None
        self.close_reason = ""
        self._app_closed = False

    # --- the app's side of the channel ---------------------------------------------------
    async def _receive(self) -> dict[str, Any]:
        return await self._to_app.get()

    async def _send(self, message: Any) -> None:
        if self._app_closed:
            raise OSError("the WebSocket is closed")  # as uvicorn's ClientDisconnected
        message = dict(message)
        if message["type"] == "websocket.close":
            self._app_closed = True
            # The client answers the close frame; the app's next receive sees it.
            self._to_app.put_nowait({"type": "websocket.disconnect", "code": message.get("code")})
        await self._from_app.put(message)

    # --- connecting -----------------------------------------------------------------------
    async def __aenter__(self) -> TestWebSocketSession:
        self._task = asyncio.create_task(self.app(self.scope, self._receive, self._send))
        await self._to_app.put({"type": "websocket.connect"})
        message = await self._next_message()
        kind = message["type"]
        if kind == "websocket.accept":
            self.accepted_subprotocol = message.get("subprotocol")
            self.accept_headers = {
                k.decode("latin-1"): v.decode("latin-1") for k, v in message.get("headers", [])
            }
            return self
        await self._finish()
        if kind == "websocket.close":
            raise WebSocketDenied(403, {}, b"")
        if kind == "websocket.http.response.start":
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in message["headers"]}
            body = b""
            while True:
                part = await self._next_message()
                body += part.get("body", b"")
                if not part.get("more_body", False):
                    break
            raise WebSocketDenied(int(message["status"]), headers, body)
        raise RuntimeError(f"unexpected first message from the app: {kind!r}")

    async def _next_message(self, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
        assert self._task is not None
        getter = asyncio.ensure_future(self._from_app.get())
        done, _ = await asyncio.wait(
            {getter, self._task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if getter in done:
            return getter.result()
        getter.cancel()
        if self._task in done:
            self._task.result()  # re-raises what the app raised
            if not self._from_app.empty():
                return self._from_app.get_nowait()
            raise WebSocketDisconnect(self.close_code or CloseCode.ABNORMAL, "app returned")
        raise TimeoutError(f"no message from the app within {timeout}s")

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self._app_closed and self.close_code is None:
            await self.close()
        await self._finish()

    async def _finish(self) -> None:
        if self._task is None:
            return
        try:
            await asyncio.wait_for(self._task, DEFAULT_TIMEOUT)
        except TimeoutError:
            self._task.cancel()
            raise

    # --- talking to the app ------------------------------------------------------------------
    async def send_text(self, text: str) -> None:
        await self._to_app.put({"type": "websocket.receive", "text": text})

    async def send_bytes(self, data: bytes) -> None:
        await self._to_app.put({"type": "websocket.receive", "bytes": data})

    async def send_json(self, data: Any) -> None:
        await self.send_text(orjson.dumps(data).decode())

    async def receive(self, timeout: float = DEFAULT_TIMEOUT) -> str | bytes:
        """The next message; WebSocketDisconnect (with the app's close code) once closed."""
        if self.close_code is not None:
            raise WebSocketDisconnect(self.close_code, self.close_reason)
        message = await self._next_message(timeout)
        if message["type"] == "websocket.close":
            self.close_code = int(message.get("code", CloseCode.NORMAL))
            self.close_reason = str(message.get("reason") or "")
            raise WebSocketDisconnect(self.close_code, self.close_reason)
        if message.get("text") is not None:
            return str(message["text"])
        return bytes(message.get("bytes") or b"")

    async def receive_text(self, timeout: float = DEFAULT_TIMEOUT) -> str:
        data = await self.receive(timeout)
        assert isinstance(data, str), f"expected a text message, got {data!r}"
        return data

    async def receive_bytes(self, timeout: float = DEFAULT_TIMEOUT) -> bytes:
        data = await self.receive(timeout)
        assert isinstance(data, bytes), f"expected a binary message, got {data!r}"
        return data

    async def receive_json(self, timeout: float = DEFAULT_TIMEOUT) -> Any:
        return orjson.loads(await self.receive(timeout))

    async def close(self, code: int = CloseCode.NORMAL) -> None:
        """Close from the client's side (the app's receive sees a disconnect)."""
        if self.close_code is None:
            self.close_code = code
            await self._to_app.put({"type": "websocket.disconnect", "code": code})
