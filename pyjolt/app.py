"""PyJolt: the ASGI application, its ``@app`` decorator, build step and lifespan."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, TypeVar

from .app_cli import CliCommand
from .building import build_routes_and_handlers
from .config import BaseConfig, load_config
from .controller.base import Controller
from .controller.endpoint import (
    as_async,
)
from .exceptions.answering import answer_exception
from .exceptions.handler import ExceptionHandler
from .exceptions.http_exceptions import BadRequest
from .exceptions.registry import ExceptionRegistry, HandlerCall
from .hosts import AllowedHosts
from .importing import load_import_string
from .lifecycle import lifecycle_methods, serve_lifespan
from .openapi.controller import register_openapi_controller
from .request import ClientDisconnected, Receive, Request, Scope, Send
from .response import Response
from .routing import Router, UrlBuildError
from .settings import warn_about_unknown_variables
from .static import static_controller
from .websocket.connection import WebSocket
from .websocket.errors import refusal_response

if TYPE_CHECKING:
    from .channels import Channels
    from .templating import ContextProvider, Templates

logger = logging.getLogger(__name__)

A = TypeVar("A", bound=type)
Hook = Callable[[], Awaitable[Any]]
AsgiEntry = Callable[[Scope, Receive, Send], Awaitable[None]]


class AppBuildError(RuntimeError):
    """The application could not be assembled (bad controller, handler or extension)."""


def app(
    import_name: str, configs: type[BaseConfig] | BaseConfig | dict[str, Any] | None = None
) -> Callable[[A], A]:
    """Class decorator binding an application class to its module and config.

    ``import_name`` is the ``__name__`` of the app module; its folder becomes BASE_PATH
    when the config does not set one.
    """

    def decorate(cls: A) -> A:
        setattr(cls, "_import_name", import_name)  # noqa: B010
        setattr(cls, "_config_source", configs)  # noqa: B010
        return cls

    return decorate


def app_path(prefix: str) -> Callable[[A], A]:
    """Class decorator mounting every route of the application under ``prefix``."""
    if not prefix.startswith("/"):
        raise ValueError(f"app_path({prefix!r}): the prefix must start with '/'")

    def decorate(cls: A) -> A:
        setattr(cls, "_url_prefix", prefix.rstrip("/"))  # noqa: B010
        return cls

    return decorate


class PyJolt:
    """The application. Subclass it and decorate the subclass with ``@app``.

    Instances are ASGI applications; ``uvicorn module:Application --factory`` works
    because calling the class builds a ready instance.
    """

    _import_name: ClassVar[str | None] = None
    _config_source: ClassVar[Any] = None
    _url_prefix: ClassVar[str] = ""

    def __init__(self, configs: type[BaseConfig] | BaseConfig | dict[str, Any] | None = None):
        source = configs if configs is not None else type(self)._config_source
        self.configs: BaseConfig = load_config(source)
        if not self.configs.BASE_PATH:
            self.configs.BASE_PATH = self._default_base_path()
        self.debug: bool = self.configs.DEBUG
        strict = self.configs.STRICT_RESPONSES
        #: Response models refuse wrongly typed data (on in DEBUG unless configured).
        self.strict_responses: bool = self.debug if strict is None else strict
        self.max_body_size: int = self.configs.MAX_BODY_SIZE
        allowed = self.configs.ALLOWED_HOSTS
        #: Compiled ALLOWED_HOSTS; None when every host is allowed.
        self.allowed_hosts: AllowedHosts | None = (
            AllowedHosts(allowed) if allowed is not None else None
        )
        self.extensions: dict[str, Any] = {}
        self.controllers: list[type[Controller]] = []
        self.exception_handlers: list[type[ExceptionHandler]] = []
        self.models: list[Any] = []
        self.router = Router(strict_slashes=self.configs.STRICT_SLASHES)
        #: WebSocket routes; apart from HTTP routes, so a GET never reaches a socket.
        self.socket_router = Router(strict_slashes=self.configs.STRICT_SLASHES)
        self.exception_registry = ExceptionRegistry()
        #: Middleware added with add_middleware(), inside those listed in MIDDLEWARE.
        self.middleware: list[tuple[Any, dict[str, Any]]] = []
        self._http_entry: AsgiEntry = self._build_then_serve
        self._websocket_entry: AsgiEntry = self._build_then_serve
        self.default_exception_handlers: list[tuple[type[BaseException], HandlerCall]] = []
        self._startup_hooks: list[Hook] = []
        self._shutdown_hooks: list[Hook] = []
        self.cli_commands: dict[str, CliCommand] = {}
        self._built = False
        self._openapi_spec: tuple[Router, dict[str, Any]] | None = None
        self.template_context_providers: list[ContextProvider] = []
        self._templates: Templates | None = None
        self._load_configured()
        # After the extensions registered their settings: every key is known now.
        warn_about_unknown_variables(self.configs)

    # --- assembling -------------------------------------------------------------------
    def _default_base_path(self) -> str:
        module = sys.modules.get(self._import_name or "")
        module_file = getattr(module, "__file__", None)
        return os.path.dirname(os.path.abspath(module_file)) if module_file else os.getcwd()

    def _load_configured(self) -> None:
        """Import everything the config lists, extensions first (they add hooks)."""
        for entry in self.configs.EXTENSIONS:
            extension = load_import_string(entry, "EXTENSIONS")
            if not hasattr(extension, "init_app"):
                raise AppBuildError(f"EXTENSIONS entry {entry!r} has no init_app(app) method")
            extension.init_app(self)
        self._ensure_channels()
        for entry in self.configs.MODELS:
            self.models.append(load_import_string(entry, "MODELS"))
        for entry in self.configs.CONTROLLERS:
            self.register_controller(load_import_string(entry, "CONTROLLERS"), entry)
        for entry in self.configs.EXCEPTION_HANDLERS:
            self.register_exception_handler(load_import_string(entry, "EXCEPTION_HANDLERS"), entry)
        self.register_controller(static_controller(self.configs.STATIC_URL))
        register_openapi_controller(self)

    def register_controller(self, controller: type[Controller], entry: str | None = None) -> None:
        """Add a controller class (CONTROLLERS entries are added this way)."""
        if not (isinstance(controller, type) and issubclass(controller, Controller)):
            where = f"CONTROLLERS entry {entry!r}" if entry else repr(controller)
            raise AppBuildError(f"{where} is not a Controller subclass")
        if controller not in self.controllers:
            self.controllers.append(controller)
            self._mark_stale()

    def register_exception_handler(
        self, handler: type[ExceptionHandler], entry: str | None = None
    ) -> None:
        """Add an ExceptionHandler class (EXCEPTION_HANDLERS entries are added this way)."""
        if not (isinstance(handler, type) and issubclass(handler, ExceptionHandler)):
            where = f"EXCEPTION_HANDLERS entry {entry!r}" if entry else repr(handler)
            raise AppBuildError(f"{where} is not an ExceptionHandler subclass")
        if handler not in self.exception_handlers:
            self.exception_handlers.append(handler)
            self._mark_stale()

    def add_default_exception_handler(
        self,
        exc_type: type[BaseException],
        handler: Callable[[Request, Any], Awaitable[Response[Any]]],
    ) -> None:
        """Answer ``exc_type`` with ``async handler(req, exc)`` unless the app handles it.

        For extensions (SqlDatabase answers IntegrityError with 409). Like the framework's
        own defaults, an ExceptionHandler's ``@handles`` for the same class wins.
        """
        if (exc_type, handler) not in self.default_exception_handlers:
            self.default_exception_handlers.append((exc_type, handler))
            self._mark_stale()

    def add_middleware(self, middleware: Any, **options: Any) -> None:
        """Wrap the app in ``middleware`` (a class), inside those listed in MIDDLEWARE.

        ``options`` are passed to its constructor. A PyJolt middleware class (``async def
        __call__(self, req, call_next)``) is built as ``cls(app, **options)``, an ASGI
        middleware class as ``cls(asgi_app, **options)``.
        """
        self.middleware.append((middleware, options))
        self._mark_stale()

    def _mark_stale(self) -> None:
        """Something changed: build again before the next request."""
        self._built = False
        self._http_entry = self._websocket_entry = self._build_then_serve

    def _ensure_channels(self) -> None:
        """A Channels extension from the start when EXTENSIONS lists none.

        Made when the app is created, not on first use, so that with CHANNELS_REDIS_URL
        set its Redis listener is a startup hook like any extension's: one made after
        startup would publish to Redis but never hear what other workers publish.
        """
        from .channels import Channels

        if not isinstance(self.extensions.get(Channels.name), Channels):
            Channels().init_app(self)

    @property
    def channels(self) -> Channels:
        """The app's Channels extension: the one in EXTENSIONS, or a default one."""
        from .channels import Channels

        found = self.extensions.get(Channels.name)
        if not isinstance(found, Channels):
            self._ensure_channels()
            found = self.extensions[Channels.name]
        return found

    def add_extension(self, extension: Any, name: str | None = None) -> None:
        """Record an extension under its name (extensions call this from ``init_app``)."""
        key = name or getattr(extension, "db_name", None) or getattr(extension, "name", None)
        self.extensions[str(key or type(extension).__name__)] = extension

    def add_on_startup(self, hook: Hook) -> None:
        """Run ``hook()`` at startup, before the application's own ``@on_startup`` methods."""
        self._startup_hooks.append(hook)

    def add_on_shutdown(self, hook: Hook) -> None:
        """Run ``hook()`` at shutdown, after the application's own ``@on_shutdown`` methods."""
        self._shutdown_hooks.append(hook)

    def add_cli_command(self, name: str, callback: Callable[..., Any], help: str = "") -> None:
        """Add a command to the app CLI (``app.run_cli()``); extensions call this in init_app.

        The callback's parameters become the command's options (typer); see pyjolt.app_cli.
        """
        if name in self.cli_commands:
            raise AppBuildError(
                f"CLI command {name!r} is already registered; give the second extension "
                "its own command prefix (e.g. Migrate(db, command_prefix='analytics-'))"
            )
        self.cli_commands[name] = CliCommand(name, callback, help)

    def run_cli(self, argv: list[str] | None = None) -> NoReturn:
        """Run the command named in ``argv`` (default ``sys.argv[1:]``) and exit with its code.

        For a project's ``cli.py``: ``Application().run_cli()``. Never prompts; a failure
        prints one line on stderr (the traceback only with ``--verbose``).
        """
        from .app_cli import run_app_cli

        raise SystemExit(run_app_cli(self, argv))

    @property
    def templates(self) -> Templates:
        """The Jinja2 environments, created (and jinja2 imported) on first use."""
        if self._templates is None:
            from .templating import Templates

            self._templates = Templates(self)
        return self._templates

    def global_context(self, provider: ContextProvider) -> ContextProvider:
        """Register a function whose dict is available in every template."""
        self.template_context_providers.append(provider)
        return provider

    def get_conf(self, key: str, default: Any = None) -> Any:
        return self.configs.get(key, default)

    # --- build ------------------------------------------------------------------------
    def build(self) -> None:
        """Compile every endpoint and exception handler (once; not per request)."""
        build_routes_and_handlers(self)
        self._install_entries()
        self._built = True

    @property
    def url_prefix(self) -> str:
        """The ``@app_path`` prefix every route is mounted under (``""`` without one)."""
        return self._url_prefix

    def _install_entries(self) -> None:
        """Choose, once, what serves requests: the flat path, or the middleware chain."""
        from .middleware.chain import build_entries

        entries = build_entries(self)
        self._http_entry, self._websocket_entry = entries.http, entries.websocket

    async def _build_then_serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.build()
        entry = self._http_entry if scope["type"] == "http" else self._websocket_entry
        await entry(scope, receive, send)

    def url_for(
        self, endpoint: str, *, _external: bool = False, _scheme: str = "https", **values: Any
    ) -> str:
        """The URL path of ``"Controller.method"`` with its route parameters filled in.

        ``_external=True`` gives an absolute URL on the first plain name of ALLOWED_HOSTS
        (outside a request there is no Host header to trust); inside a handler use
        ``req.url_for(..., _external=True)``, which uses the request's (allowed) host.
        """
        if not self._built:
            self.build()
        if endpoint not in self.router.endpoints and endpoint in self.socket_router.endpoints:
            path = self.socket_router.url_for(endpoint, **values)
        else:
            path = self.router.url_for(endpoint, **values)
        if not _external:
            return path
        host = self.allowed_hosts.canonical if self.allowed_hosts is not None else None
        if host is None:
            raise UrlBuildError(
                f"url_for({endpoint!r}, _external=True) outside a request needs a host: "
                "set ALLOWED_HOSTS (its first plain name is used), or call "
                "req.url_for(...) in a handler"
            )
        return f"{_scheme}://{host}{path}"

    def openapi_spec(self) -> dict[str, Any]:
        """The OpenAPI 3.1 document of the registered controllers (built once per build)."""
        if not self._built:
            self.build()
        if self._openapi_spec is None or self._openapi_spec[0] is not self.router:
            from .openapi.builder import build_openapi_spec

            self._openapi_spec = (self.router, build_openapi_spec(self))
        return self._openapi_spec[1]

    # --- lifespan ---------------------------------------------------------------------
    async def startup(self) -> None:
        """Run extension hooks, then ``@on_startup`` methods, in registration order."""
        if not self._built:
            self.build()
        hooks = list(self._startup_hooks)
        hooks += [getattr(self, name) for name in lifecycle_methods(type(self), "startup")]
        for hook in hooks:
            await as_async(hook)()

    async def shutdown(self) -> None:
        """Run ``@on_shutdown`` methods, then extension hooks (reverse of startup)."""
        hooks = [getattr(self, name) for name in lifecycle_methods(type(self), "shutdown")]
        hooks += list(reversed(self._shutdown_hooks))
        for hook in hooks:
            await as_async(hook)()

    # --- requests ---------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http_entry(scope, receive, send)
        elif kind == "websocket":
            await self._websocket_entry(scope, receive, send)
        elif kind == "lifespan":
            await serve_lifespan(self, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The request path without middleware: match, handle, answer."""
        req = Request(scope, receive, self)
        method = scope["method"]
        try:
            if self.allowed_hosts is not None and not self.allowed_hosts.allows_scope(scope):
                raise BadRequest("Invalid Host header: not in ALLOWED_HOSTS")
            endpoint, req.route_parameters = self.router.match(
                scope["path"], method, scope.get("query_string", b"")
            )
            response = await endpoint.handle(req)
            response.render_body()
        except ClientDisconnected:
            return
        except Exception as exc:
            response = await self.response_for_exception(req, exc)
        try:
            await response.send_to(send, head_only=method == "HEAD")
        finally:
            req.close()

    async def dispatch(self, req: Request) -> Response[Any]:
        """Match and handle ``req``; errors become their responses (the innermost call_next)."""
        scope = req.scope
        try:
            endpoint, req.route_parameters = self.router.match(
                scope["path"], scope["method"], scope.get("query_string", b"")
            )
            response = await endpoint.handle(req)
            response.render_body()
        except ClientDisconnected:
            raise
        except Exception as exc:
            response = await self.response_for_exception(req, exc)
        return response

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A WebSocket connection without middleware: match, then serve it to the end."""
        ws = WebSocket(scope, receive, send, self)
        try:
            endpoint, ws.route_parameters = self.socket_router.match(scope["path"], "GET")
        except Exception as exc:
            await ws.deny(await refusal_response(self, ws, exc))
            return
        await endpoint.serve(ws)  # type: ignore[attr-defined]

    async def dispatch_websocket(self, ws: WebSocket) -> Response[Any]:
        """Match and serve ``ws``; returns how its handshake was answered."""
        try:
            endpoint, ws.route_parameters = self.socket_router.match(ws.path, "GET")
        except Exception as exc:
            return await refusal_response(self, ws, exc)
        await endpoint.serve(ws)  # type: ignore[attr-defined]
        return ws.handshake_response or ws.response.status(403)

    async def response_for_exception(self, req: Request, exc: Exception) -> Response[Any]:
        """Answer ``exc`` with its handler, or 500 (re-raised in DEBUG when unhandled).

        A handler that re-raises the very exception it was given declines it: the
        exception is then treated as unhandled.
        """
        return await answer_exception(self, req, exc)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.configs.APP_NAME!r}>"
