"""PyJoltTestClient: drive an app in-process through httpx, with its lifespan running."""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from types import TracebackType
from typing import Any

import httpx

from .app import PyJolt
from .websocket.testing import TestWebSocketSession, WebSocketDenied

__all__ = ["LifespanError", "PyJoltTestClient", "TestWebSocketSession", "WebSocketDenied"]


class LifespanError(RuntimeError):
    """The application's startup or shutdown failed; the message is the app's own."""


class _LifespanRunner:
    """Speaks the ASGI lifespan protocol to the app, as a server would."""

    def __init__(self, application: PyJolt) -> None:
        self.app = application
        self._to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def _exchange(self, message_type: str) -> dict[str, Any]:
        await self._to_app.put({"type": message_type})
        assert self._task is not None
        reply = asyncio.ensure_future(self._from_app.get())
        done, _ = await asyncio.wait({reply, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if reply in done:
            return reply.result()
        reply.cancel()
        self._task.result()  # re-raises what the app raised
        raise LifespanError(f"the application returned before answering {message_type}")

    async def _send(self, message: MutableMapping[str, Any]) -> None:
        await self._from_app.put(dict(message))

    async def startup(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        self._task = asyncio.create_task(self.app(scope, self._to_app.get, self._send))
        reply = await self._exchange("lifespan.startup")
        if reply["type"] == "lifespan.startup.failed":
            raise LifespanError(reply.get("message", "startup failed"))

    async def shutdown(self) -> None:
        reply = await self._exchange("lifespan.shutdown")
        if self._task is not None:
            await self._task
        if reply["type"] == "lifespan.shutdown.failed":
            raise LifespanError(reply.get("message", "shutdown failed"))


class PyJoltTestClient:
    """``async with PyJoltTestClient(app) as client: await client.get("/")``.

    Runs startup and shutdown hooks around the block and keeps cookies between requests.
    Unhandled exceptions propagate into the test (set ``raise_server_exceptions=False``
    to receive the 500 response instead).
    """

    def __init__(
        self,
        app: PyJolt,
        base_url: str = "http://testserver",
        raise_server_exceptions: bool = True,
        lifespan: bool = True,
    ) -> None:
        self.app = app
        self.base_url = base_url
        self.raise_server_exceptions = raise_server_exceptions
        self.lifespan = lifespan
        self._runner = _LifespanRunner(app)
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> PyJoltTestClient:
        if self.lifespan:
            await self._runner.startup()
        transport = httpx.ASGITransport(
            app=self.app, raise_app_exceptions=self.raise_server_exceptions
        )
        self._client = httpx.AsyncClient(transport=transport, base_url=self.base_url)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
        if self.lifespan:
            await self._runner.shutdown()

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("use the test client inside 'async with PyJoltTestClient(app)'")
        return self._client

    @property
    def cookies(self) -> httpx.Cookies:
        return self.client.cookies

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.request(method, url, **kwargs)

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.get(url, **kwargs)

    async def head(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.head(url, **kwargs)

    async def options(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.options(url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.post(url, **kwargs)

    async def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.put(url, **kwargs)

    async def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.patch(url, **kwargs)

    async def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.delete(url, **kwargs)

    def websocket_connect(
        self,
        url: str,
        headers: dict[str, str] | None = None,
        subprotocols: list[str] | None = None,
        http_response_extension: bool = True,
    ) -> TestWebSocketSession:
        """``async with client.websocket_connect("/ws") as ws:`` opens a socket in-process.

        The client's cookies go with the handshake. A refused handshake raises
        :class:`~pyjolt.websocket.testing.WebSocketDenied` with the status and body the
        app answered (as a server supporting the ASGI ``websocket.http.response``
        extension would send them; ``http_response_extension=False`` simulates one that
        does not, where a refusal is a close before accept).
        """
        merged = dict(headers or {})
        cookie_header = "; ".join(f"{c.name}={c.value}" for c in self.client.cookies.jar)
        if cookie_header and not any(k.lower() == "cookie" for k in merged):
            merged["cookie"] = cookie_header
        return TestWebSocketSession(
            self.app, self.base_url, url, merged, subprotocols or [], http_response_extension
        )
