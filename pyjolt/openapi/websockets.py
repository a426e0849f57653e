"""WebSocket routes in the OpenAPI document: under the ``x-websockets`` extension key.

OpenAPI describes HTTP operations; a WebSocket is not one (its GET only upgrades the
connection, and what matters is the messages afterwards). Listing sockets as ``get``
operations would make generated clients and contract fuzzers call them as plain GETs,
which the app answers 404. So they are left out of ``paths`` and described beside them,
in the same vocabulary: path and query parameters, security, and the JSON schemas of
the messages the socket receives and sends (``@websocket(receives=..., sends=...)``),
and which authentication checks its handshake passes.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from ..auth.guards import AuthGuard
from ..controller.decorators import PATH_ATTR
from .paths import openapi_path
from .security import endpoint_security

if TYPE_CHECKING:
    from ..app import PyJolt
    from ..websocket.endpoint import SocketEndpoint
    from .schemas import SchemaRegistry

#: The extension key (OpenAPI allows any ``x-`` key at the top level).
WEBSOCKETS_KEY = "x-websockets"


def websocket_routes(
    app: PyJolt, registry: SchemaRegistry, query_parameters: Any
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """``(x-websockets entries by path template, security schemes they use)``."""
    described: dict[str, Any] = {}
    schemes: dict[str, dict[str, Any]] = {}
    for _, url, name in app.socket_router.rules:
        endpoint: SocketEndpoint = app.socket_router.endpoints[name]  # type: ignore[assignment]
        if not _documented(endpoint):
            continue
        template, parameters = openapi_path(url, app.socket_router.map)
        if template in described:
            continue
        entry: dict[str, Any] = {"name": name}
        doc = inspect.getdoc(inspect.unwrap(endpoint.func))
        if doc:
            entry["summary"] = doc.partition("\n")[0].strip()
        query = query_parameters(endpoint, registry)
        if parameters or query:
            entry["parameters"] = [*parameters, *query]
        options = endpoint.options
        if options.receives is not None:
            where = f"the messages {name} receives"
            entry["receives"] = registry.schema(options.receives, "validation", where)
        if options.sends is not None:
            where = f"the messages {name} sends"
            entry["sends"] = registry.schema(options.sends, "serialization", where)
        checks = [g.requirement for g in endpoint.guards if isinstance(g, AuthGuard)]
        if checks:  # "login", "roles", "optional": even when no header scheme describes it
            entry["authentication"] = list(dict.fromkeys(checks))
        security = endpoint_security(endpoint)  # type: ignore[arg-type]
        if security.requirements is not None:
            entry["security"] = security.requirements
            schemes.update(security.schemes)
        described[template] = entry
    return described, schemes


def _documented(endpoint: SocketEndpoint) -> bool:
    controller_spec = getattr(type(endpoint.controller), PATH_ATTR, None)
    if controller_spec is not None and not controller_spec.open_api_spec:
        return False
    return all(route.open_api_spec for route in endpoint.meta.routes)
