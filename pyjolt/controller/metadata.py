"""Metadata that the controller decorators attach to handler functions.

Decorators only record facts here; :mod:`pyjolt.controller.endpoint` turns them into a
compiled Endpoint once, at build time. The record lives in the function's ``__dict__``,
which ``functools.wraps`` copies, so wrapping decorators (auth, cache, sessions) keep it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

META_ATTR = "__pyjolt_endpoint__"
HOOK_ATTR = "__pyjolt_hook__"
INJECTS_ATTR = "__pyjolt_injects__"
WRAPPER_CHECKS_ATTR = "__pyjolt_wrapper_checks__"


@dataclass
class RouteSpec:
    """One ``@get``/``@post``/... registration of a handler."""

    method: str
    url: str
    open_api_spec: bool = True
    tags: list[str] | None = None


@dataclass
class EndpointMeta:
    """Everything the decorators said about one handler."""

    routes: list[RouteSpec] = field(default_factory=list)
    consumes: str | None = None
    produces: str | None = None
    status_code: int | None = None
    descriptors: list[Any] = field(default_factory=list)
    #: The ``@websocket`` options (a SocketOptions) when the handler serves a WebSocket.
    websocket: Any = None
    #: ``@cors(...)`` / ``@no_cors`` on the handler: a CorsSettings, or False for no CORS.
    cors: Any = None


def endpoint_meta(func: Callable[..., Any]) -> EndpointMeta:
    """Return the metadata record of ``func``, creating it on first use."""
    meta = func.__dict__.get(META_ATTR)
    if meta is None:
        meta = EndpointMeta()
        setattr(func, META_ATTR, meta)
    return meta


def injected_parameters(func: Callable[..., Any]) -> frozenset[str]:
    """Parameter names that wrapping decorators supply themselves (e.g. ``session``)."""
    return frozenset(getattr(func, INJECTS_ATTR, ()))


def declare_injected(wrapper: Callable[..., Any], *names: str) -> None:
    """Tell the endpoint compiler that ``wrapper`` fills these handler parameters."""
    setattr(wrapper, INJECTS_ATTR, injected_parameters(wrapper) | frozenset(names))


def add_wrapper_check(wrapper: Callable[..., Any], check: Callable[[Any], None]) -> None:
    """Register a build-time check (e.g. role_required needs login_required)."""
    checks = list(getattr(wrapper, WRAPPER_CHECKS_ATTR, ()))
    checks.append(check)
    setattr(wrapper, WRAPPER_CHECKS_ATTR, tuple(checks))
