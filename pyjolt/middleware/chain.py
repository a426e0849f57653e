"""Wrapping the app in its middleware, once, when it is built.

Two kinds of middleware are accepted, in one ordered list (outermost first):

- a **PyJolt middleware**: a class with ``async def __call__(self, req, call_next) ->
  Response``, built as ``cls(app, **options)``. It sees the :class:`Request` and the
  :class:`Response` objects, so it can read and change headers without parsing bytes.
- an **ASGI middleware**: a class with ``async def __call__(self, scope, receive,
  send)``, built as ``cls(asgi_app, **options)`` (Starlette's and most others).

Each is bound to the next one here, at build time: a request goes through plain calls,
with no list walked and no decision made per request. An app without middleware keeps
the flat request path (``PyJolt._http``) untouched.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..importing import load_import_string
from ..request import ClientDisconnected, Message, Receive, Request, Scope, Send
from ..response import Response
from ..websocket.connection import SocketState, WebSocket
from ..websocket.errors import refusal_response

if TYPE_CHECKING:
    from ..app import PyJolt

logger = logging.getLogger(__name__)

RequestHandler = Callable[[Request], Awaitable[Response[Any]]]
SocketHandler = Callable[[WebSocket], Awaitable[Response[Any]]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]
#: What a PyJolt middleware's ``call_next`` is: the rest of the chain, as one call.
CallNext = RequestHandler
"""What a middleware's ``call_next`` is: ``await call_next(req)`` runs the rest of the
chain and the endpoint, and returns the ``Response``."""


class MiddlewareError(TypeError):
    """A MIDDLEWARE entry cannot be used; raised when the app is built."""


class Middleware:
    """Optional base class of PyJolt middleware (any class with the same shape works).

    ``websocket = False`` keeps the middleware off WebSocket handshakes (compression
    has nothing to do there). For a socket, ``req`` is the :class:`WebSocket` and the
    response ``call_next`` returns tells how the handshake was answered (101 once
    accepted); a middleware that returns its own response without calling ``call_next``
    refuses the handshake with it (a 429, a 400...).
    """

    websocket: bool = True

    def __init__(self, app: PyJolt) -> None:
        self.app = app

    async def __call__(self, req: Request, call_next: CallNext) -> Response[Any]:
        return await call_next(req)


@dataclass
class Entries:
    """What build() installs as the app's ASGI entry for each kind of scope."""

    http: AsgiApp
    websocket: AsgiApp


def middleware_kind(factory: Any, name: str) -> Literal["pyjolt", "asgi"]:
    """``"pyjolt"`` for ``__call__(self, req, call_next)``, ``"asgi"`` for three arguments."""
    if not isinstance(factory, type):
        raise MiddlewareError(
            f"{name}: a middleware must be a class (with async def __call__), got "
            f"{type(factory).__name__}"
        )
    call = getattr(factory, "__call__", None)  # noqa: B004
    try:
        params = list(inspect.signature(call).parameters.values())[1:]  # type: ignore[arg-type]
    except (TypeError, ValueError):
        params = []
    positional = [
        p
        for p in params
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    ]
    if len(positional) == 2 and inspect.iscoroutinefunction(call):
        return "pyjolt"
    if len(positional) == 3:
        return "asgi"
    raise MiddlewareError(
        f"{name}: {factory.__qualname__}.__call__ must be 'async def __call__(self, req, "
        "call_next)' (a PyJolt middleware) or 'async def __call__(self, scope, receive, "
        "send)' (an ASGI middleware)"
    )


def configured_middleware(app: PyJolt) -> list[tuple[Any, dict[str, Any], str]]:
    """MIDDLEWARE entries (loaded), then those added with ``app.add_middleware``."""
    found: list[tuple[Any, dict[str, Any], str]] = []
    for entry in app.configs.MIDDLEWARE:
        factory = load_import_string(entry, "MIDDLEWARE")
        found.append((factory, {}, f"MIDDLEWARE entry {entry!r}"))
    for factory, options in app.middleware:
        found.append((factory, options, f"add_middleware({getattr(factory, '__name__', factory)})"))
    return found


def _bind(middleware: Any, inner: Callable[[Any], Awaitable[Response[Any]]]) -> Any:
    async def call(req: Any) -> Response[Any]:
        return await middleware(req, inner)

    call.__qualname__ = f"{type(middleware).__name__}.chain"
    return call


def _instantiate(factory: type, options: dict[str, Any], app: PyJolt, name: str) -> Any:
    try:
        return factory(app, **options)
    except TypeError as exc:
        raise MiddlewareError(
            f"{name}: {factory.__qualname__}(app, **options) failed: {exc}"
        ) from exc


def build_entries(app: PyJolt) -> Entries:
    """Bind the app's middleware, innermost first, into the entries build() installs.

    The innermost request handler is the app's own ``dispatch`` (or the CORS-aware one
    when any endpoint allows cross-origin requests). A PyJolt middleware listed outside
    an ASGI one calls it through :class:`AsgiCallNext`, which collects what the ASGI
    middleware sends into a Response (buffered: list ASGI middleware first to avoid it).
    With nothing to wrap, the entries are the app's flat ``_http`` and ``_websocket``.
    """
    from ..cors.dispatch import cors_dispatcher

    http: RequestHandler = cors_dispatcher(app) or app.dispatch
    socket: SocketHandler = app.dispatch_websocket
    asgi: AsgiApp | None = None  # set while the outermost layer so far is ASGI
    for factory, options, name in reversed(configured_middleware(app)):
        if middleware_kind(factory, name) == "asgi":
            inner = asgi if asgi is not None else RequestChains(app, http, socket)
            asgi = factory(inner, **options)
            continue
        instance = _instantiate(factory, options, app, name)
        if asgi is not None:
            http, socket, asgi = AsgiCallNext(app, asgi), SocketAsgiCallNext(asgi), None
        http = _bind(instance, http)
        if getattr(instance, "websocket", True):
            socket = _bind(instance, socket)
    if asgi is not None:
        return Entries(asgi, asgi)
    chains = RequestChains(app, http, socket)
    return Entries(
        app._http if http == app.dispatch else chains,
        app._websocket if socket == app.dispatch_websocket else chains,
    )


class RequestChains:
    """The request-level chains as one ASGI app: makes the Request (or WebSocket),
    runs the chain, and sends what it answers."""

    __slots__ = ("app", "http", "websocket")

    def __init__(self, app: PyJolt, http: RequestHandler, websocket: SocketHandler) -> None:
        self.app = app
        self.http = http
        self.websocket = websocket

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self.serve_http(scope, receive, send)
        elif kind == "websocket":
            await self.serve_websocket(scope, receive, send)

    async def serve_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self.app
        req = Request(scope, receive, app)
        try:
            response = await self.http(req)
            response.render_body()
        except ClientDisconnected:
            return
        except Exception as exc:  # raised by a middleware itself
            response = await app.response_for_exception(req, exc)
        try:
            await response.send_to(send, head_only=scope["method"] == "HEAD")
        finally:
            req.close()

    async def serve_websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        ws = WebSocket(scope, receive, send, self.app)
        try:
            response = await self.websocket(ws)
        except Exception as exc:  # raised by a middleware itself
            if ws.socket_state is not SocketState.CONNECTING:
                logger.error("Middleware failed on WebSocket %s", ws.path, exc_info=exc)
                return
            response = await refusal_response(self.app, ws, exc)
        if ws.socket_state is SocketState.CONNECTING:
            await ws.deny(response)  # a middleware answered without calling call_next


class AsgiCallNext:
    """``call_next`` for a PyJolt middleware whose inner neighbour is ASGI middleware.

    Runs the ASGI app and collects what it sends into a Response (body buffered).
    A body the outer middleware already read is handed on again.
    """

    def __init__(self, app: PyJolt, asgi: AsgiApp) -> None:
        self.app = app
        self.asgi = asgi

    async def __call__(self, req: Request) -> Response[Any]:
        response: Response[Any] = Response(self.app, req)
        response.media_type = "empty"
        chunks: list[bytes] = []
        body = getattr(req, "_body", None)
        pending = [body] if body is not None else []

        async def receive() -> Message:
            if pending:
                return {"type": "http.request", "body": pending.pop(), "more_body": False}
            return await req._receive()

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                response.status_code = int(message["status"])
                for raw_name, raw_value in message.get("headers", ()):
                    _collect_header(response, raw_name.decode("latin-1"), raw_value)
            elif message["type"] == "http.response.body":
                chunks.append(bytes(message.get("body", b"")))

        await self.asgi(req.scope, receive, send)
        response.body = b"".join(chunks)
        return response


def _collect_header(response: Response[Any], name: str, raw_value: bytes) -> None:
    value = raw_value.decode("latin-1")
    key = name.lower()
    if key == "content-type":
        response.media_type = value
    elif key == "content-length":
        return
    elif key == "set-cookie":
        response.cookies.append(value)
    elif key in response.headers:
        response.headers[key] += ", " + value
    else:
        response.headers[key] = value


class SocketAsgiCallNext:
    """``call_next`` for a socket whose inner neighbour is ASGI middleware.

    The inner app serves the whole connection on the original channels; what comes back
    is a record of a served handshake (101), since the inner app answered it itself.
    """

    def __init__(self, asgi: AsgiApp) -> None:
        self.asgi = asgi

    async def __call__(self, ws: WebSocket) -> Response[Any]:
        ws.socket_state = SocketState.CLOSED  # the inner app owns the connection now
        await self.asgi(ws.scope, ws._receive, ws._send)
        return ws.response.status(101)
