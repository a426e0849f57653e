"""Compiling a ``@websocket`` method into a SocketEndpoint, and serving one connection.

Like HTTP endpoints, everything that needs ``inspect`` or type hints happens once in
:func:`compile_socket_endpoint`. Serving a connection runs, in order: the Origin check,
the guards (``@auth.login_required`` ...), the controller's ``before_request`` hooks,
then the handler; a refusal on the way answers the handshake before it is accepted.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from ..controller.base import Controller
from ..controller.endpoint import (
    EndpointDefinitionError,
    as_async,
    controller_hooks,
    plan_parameters,
    resolved_hints,
    route_arguments,
)
from ..controller.guards import Guard, guards_of
from ..controller.metadata import WRAPPER_CHECKS_ATTR, endpoint_meta, injected_parameters
from ..controller.query import QueryPlan
from ..exceptions.http_exceptions import UnauthorizedException
from ..origins import OriginList, same_origin
from ..serialization import Serializer, dump_json, model_serializer
from .connection import SocketState, WebSocket, WebSocketDisconnect
from .decorators import SocketOptions
from .errors import close_for_exception, refusal_response

if TYPE_CHECKING:
    from ..config import BaseConfig

logger = logging.getLogger(__name__)


class OriginRefused(UnauthorizedException):
    """A browser opened the socket from a page of another site (403 on the handshake)."""

    default_message = "WebSocket origin not allowed"


class OriginCheck:
    """Same-origin handshakes pass; other origins only when the allowed list names them.

    A handshake without an ``Origin`` header comes from a non-browser client, which no
    other site can drive, so it passes: the check exists to stop cross-site WebSocket
    hijacking, where a page on another site opens a socket that carries the user's cookies.
    """

    __slots__ = ("allowed",)

    def __init__(self, allowed: OriginList) -> None:
        self.allowed = allowed

    def __call__(self, ws: WebSocket) -> None:
        origin = ws.headers.get("origin")
        if origin is None:
            return
        if origin != "null" and same_origin(origin, ws.headers.get("host", ""), ws.scheme):
            return
        if self.allowed.allows(origin):
            return
        logger.warning("WebSocket %s: refused handshake from origin %r", ws.path, origin[:200])
        raise OriginRefused()


class IdleWatchdog:
    """Closes a socket (1001) after ``timeout`` seconds without a message either way.

    One timer per connection, re-armed only when it fires early, so a busy socket costs
    a float store per message instead of a timer per ``receive``.
    """

    __slots__ = ("_handle", "_loop", "task", "timeout", "ws")

    def __init__(self, ws: WebSocket, timeout: float) -> None:
        self.ws = ws
        self.timeout = timeout
        self._loop = asyncio.get_running_loop()
        self.task: asyncio.Task[None] | None = None
        ws.track_idle()
        self._handle = self._loop.call_at(ws.last_activity + timeout, self._check)

    def _check(self) -> None:
        deadline = self.ws.last_activity + self.timeout
        if self._loop.time() < deadline:
            self._handle = self._loop.call_at(deadline, self._check)
            return
        if self.ws.socket_state is SocketState.CONNECTED:
            logger.info("WebSocket %s: idle for %ss, closing", self.ws.path, self.timeout)
            self.task = self._loop.create_task(self.ws.close(1001, "Idle timeout"))

    def cancel(self) -> None:
        self._handle.cancel()


class SocketEndpoint:
    """A ``@websocket`` handler ready to serve connections."""

    __slots__ = (
        "after_hooks",
        "before_hooks",
        "call",
        "controller",
        "func",
        "guards",
        "idle_timeout",
        "max_message_size",
        "message_adapter",
        "meta",
        "name",
        "options",
        "origin_check",
        "query",
        "route_param_names",
        "serialize",
    )

    def __init__(self, name: str, controller: Controller, func: Callable[..., Any]) -> None:
        self.name = name
        self.controller = controller
        self.func = func
        self.meta = endpoint_meta(func)
        self.options: SocketOptions = self.meta.websocket
        self.guards: tuple[Guard, ...] = ()
        self.before_hooks: tuple[Callable[[Any], Awaitable[Any]], ...] = ()
        self.after_hooks: tuple[Callable[[Any], Awaitable[Any]], ...] = ()
        self.route_param_names: tuple[str, ...] = ()
        self.query: QueryPlan | None = None
        self.origin_check: OriginCheck | None = None
        self.max_message_size = 0
        self.idle_timeout = 0.0
        self.message_adapter: TypeAdapter[Any] | None = None
        self.serialize: Serializer = dump_json
        self.call: Callable[[WebSocket, dict[str, Any]], Awaitable[Any]]

    async def serve(self, ws: WebSocket) -> None:
        """Run one connection from handshake to close; nothing it raises escapes."""
        ws.max_message_size = self.max_message_size
        ws.message_adapter = self.message_adapter
        ws.serialize_message = self.serialize
        watchdog: IdleWatchdog | None = None
        try:
            if not await ws.wait_for_connect():
                return
            if self.origin_check is not None:
                self.origin_check(ws)
            for guard in self.guards:
                await guard(ws)
            ws.passed_guards = self.guards
            for hook in self.before_hooks:
                await hook(ws)
            params = ws.route_parameters
            kwargs = {name: params[name] for name in self.route_param_names}
            if self.query is not None:
                kwargs.update(self.query.read(ws.query_params))
            if self.idle_timeout:
                watchdog = IdleWatchdog(ws, self.idle_timeout)
            await self.call(ws, kwargs)
        except WebSocketDisconnect:
            pass
        except Exception as exc:
            await self.fail(ws, exc)
        finally:
            if watchdog is not None:
                watchdog.cancel()
            await self.finish(ws)

    async def fail(self, ws: WebSocket, exc: Exception) -> None:
        """Refuse the handshake, or close an open socket with the code ``exc`` maps to."""
        app = self.controller.app
        try:
            if ws.socket_state is SocketState.CONNECTING:
                await ws.deny(await refusal_response(app, ws, exc))
            elif ws.socket_state is SocketState.CONNECTED:
                code, reason = await close_for_exception(app, ws, exc, self.name)
                await ws.close(code, reason)
            else:
                logger.error("%s raised after its socket closed", self.name, exc_info=exc)
        except Exception:  # the client vanished while we answered: nothing left to tell
            logger.debug("%s: could not report %r to the client", self.name, exc, exc_info=True)

    async def finish(self, ws: WebSocket) -> None:
        """Close what the handler left open, then run close callbacks and after hooks."""
        try:
            if ws.socket_state is SocketState.CONNECTING:
                await ws.close()  # the handler returned without accepting: refuse
            elif ws.socket_state is SocketState.CONNECTED:
                await ws.close()
        except Exception:
            logger.debug("%s: closing the socket failed", self.name, exc_info=True)
        await ws.run_close_callbacks()
        if not self.after_hooks:
            return
        response = ws.handshake_response or ws.response.status(403)
        for hook in self.after_hooks:
            try:
                await hook(response)
            except Exception:
                logger.exception("after_request hook of %s failed on a WebSocket", self.name)


def _option(value: Any, config_value: Any) -> Any:
    return config_value if value is None else value


def origin_check_for(options: SocketOptions, configs: BaseConfig, name: str) -> OriginCheck | None:
    """The endpoint's Origin check: WEBSOCKET_ALLOWED_ORIGINS plus CORS's named origins.

    A CORS wildcard does not carry over: ``*`` means "no credentials" to CORS, while a
    WebSocket handshake always carries the site's cookies.
    """
    if not _option(options.check_origin, configs.WEBSOCKET_CHECK_ORIGIN):
        return None
    entries: list[Any] = list(_option(options.allowed_origins, configs.WEBSOCKET_ALLOWED_ORIGINS))
    setting = "WEBSOCKET_ALLOWED_ORIGINS"
    if options.allowed_origins is not None:
        setting = f"{name}: @websocket(allowed_origins=...)"
    elif configs.CORS_ENABLED:
        entries += [entry for entry in configs.CORS_ALLOW_ORIGINS if entry != "*"]
    return OriginCheck(OriginList(entries, setting))


def compile_socket_endpoint(
    name: str, controller: Controller, func: Callable[..., Any], urls: list[str]
) -> SocketEndpoint:
    """Inspect ``func`` once and return the SocketEndpoint that serves it."""
    endpoint = SocketEndpoint(name, controller, func)
    if any(route.method != "WEBSOCKET" for route in endpoint.meta.routes):
        raise EndpointDefinitionError(
            f"{name}: a method is either a WebSocket endpoint or an HTTP endpoint, not both"
        )
    for check in getattr(func, WRAPPER_CHECKS_ATTR, ()):
        check(endpoint)
    hints = resolved_hints(func)
    params = list(inspect.signature(func).parameters.values())[1:]  # drop self
    if not params:
        raise EndpointDefinitionError(
            f"{name}: a WebSocket handler receives the socket: async def {func.__name__}"
            "(self, ws: WebSocket, ...)"
        )
    plan = plan_parameters(
        name,
        params[1:],
        hints,
        route_arguments(urls),
        injected_parameters(func),
        takes_body=False,
    )
    endpoint.route_param_names = tuple(plan.route_names)
    endpoint.query = plan.query

    app = controller.app
    options = endpoint.options
    configs = app.configs
    endpoint.max_message_size = int(
        _option(options.max_message_size, configs.WEBSOCKET_MAX_MESSAGE_SIZE)
    )
    endpoint.idle_timeout = float(
        _option(options.idle_timeout, configs.WEBSOCKET_IDLE_TIMEOUT) or 0
    )
    endpoint.origin_check = origin_check_for(options, configs, name)
    if options.receives is not None:
        endpoint.message_adapter = TypeAdapter(options.receives)
    if options.sends is not None:
        endpoint.serialize = model_serializer(options.sends, app.strict_responses)
    endpoint.guards = guards_of(func)
    endpoint.before_hooks, endpoint.after_hooks = map(tuple, controller_hooks(controller))

    bound = as_async(func.__get__(controller, type(controller)))

    async def call(ws: WebSocket, kwargs: dict[str, Any]) -> Any:
        return await bound(ws, **kwargs)

    endpoint.call = call
    return endpoint
