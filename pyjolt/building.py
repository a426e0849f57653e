"""The build step: controllers compiled into routes, exception handlers into a registry.

Everything that inspects a handler happens here, once, when the app is built (or rebuilt
after a controller or handler is registered); the request path only looks things up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .controller.decorators import PATH_ATTR
from .controller.endpoint import (
    Endpoint,
    as_async,
    compile_endpoint,
    resolved_hints,
    response_defaults,
    response_model_of,
)
from .controller.metadata import META_ATTR
from .exceptions.defaults import DEFAULT_HANDLERS
from .exceptions.registry import ExceptionRegistry, HandlerEntry
from .response import ResponseDefaults
from .routing import Router
from .websocket.endpoint import SocketEndpoint, compile_socket_endpoint

if TYPE_CHECKING:
    from .app import PyJolt
    from .controller.base import Controller
    from .exceptions.handler import ExceptionHandler


def join_url(*parts: str) -> str:
    """Join URL parts: ``('/api', '/users', '/')`` gives ``/api/users/``."""
    url = "".join(part for part in parts if part and part != "/")
    if parts and parts[-1] == "/":
        url += "/"
    return url or "/"


def build_routes_and_handlers(app: PyJolt) -> None:
    """Fresh routers and exception registry for ``app``, from what it has registered."""
    app.router = Router(strict_slashes=app.configs.STRICT_SLASHES)
    app.socket_router = Router(strict_slashes=app.configs.STRICT_SLASHES)
    app.exception_registry = ExceptionRegistry()
    for controller_class in app.controllers:
        _build_controller(app, controller_class)
    for exc_type, func in (*DEFAULT_HANDLERS, *app.default_exception_handlers):
        name = getattr(func, "__name__", type(func).__name__)
        entry = HandlerEntry(func, ResponseDefaults(), f"default:{name}")
        app.exception_registry.register_default(exc_type, entry)
    for handler_class in app.exception_handlers:
        _build_exception_handler(app, handler_class)


def _build_controller(app: PyJolt, controller_class: type[Controller]) -> None:
    spec = getattr(controller_class, PATH_ATTR, None)
    prefix = spec.url if spec else ""
    controller = controller_class(app)
    seen: set[str] = set()
    for klass in reversed(controller_class.__mro__):
        for attr, func in vars(klass).items():
            meta = getattr(func, META_ATTR, None) if callable(func) else None
            if meta is None or not meta.routes or attr in seen:
                continue
            seen.add(attr)
            name = f"{controller_class.__name__}.{attr}"
            urls = [join_url(app.url_prefix, prefix, route.url) for route in meta.routes]
            if meta.websocket is not None:
                socket = compile_socket_endpoint(name, controller, getattr(klass, attr), urls)
                _add_socket_routes(app, name, socket, urls)
                continue
            endpoint = compile_endpoint(name, controller, getattr(klass, attr), urls)
            _add_routes(app, name, endpoint, urls)


def _add_socket_routes(app: PyJolt, name: str, endpoint: SocketEndpoint, urls: list[str]) -> None:
    for url in dict.fromkeys(urls):
        app.socket_router.add(url, ["GET"], name, endpoint)  # type: ignore[arg-type]


def _add_routes(app: PyJolt, name: str, endpoint: Endpoint, urls: list[str]) -> None:
    by_url: dict[str, list[str]] = {}
    for route, url in zip(endpoint.meta.routes, urls, strict=True):
        by_url.setdefault(url, []).append(route.method)
    for url, methods in by_url.items():
        app.router.add(url, methods, name, endpoint)


def _build_exception_handler(app: PyJolt, handler_class: type[ExceptionHandler]) -> None:
    instance = handler_class(app)
    for method_name, exc_types in handler_class.handler_methods():
        method = getattr(instance, method_name)
        model = response_model_of(resolved_hints(method))
        defaults = response_defaults(None, model, app.strict_responses)
        entry = HandlerEntry(
            as_async(method), defaults, f"{handler_class.__name__}.{method_name}", model
        )
        for exc_type in exc_types:
            app.exception_registry.register(exc_type, entry)
