"""WebSocket routes in the OpenAPI document (x-websockets) and in ``pyjolt routes``."""

from __future__ import annotations

from pathlib import Path

from openapi_spec_validator import validate

from pyjolt.cli.project import Project
from pyjolt.cli.routes import collect_routes

from .apps import create_app


def test_sockets_are_listed_under_x_websockets_not_as_http_operations() -> None:
    spec = create_app(OPEN_API=True, DEBUG=True).openapi_spec()
    validate(spec)
    sockets = spec["x-websockets"]
    assert not any(path.startswith("/ws/echo") for path in spec["paths"])
    assert "/ws/plain" in spec["paths"]
    echo = sockets["/ws/json/{number}"]
    assert echo["name"] == "SocketsApi.json_echo"
    assert [(p["name"], p["in"]) for p in echo["parameters"]] == [
        ("number", "path"),
        ("prefix", "query"),
    ]
    chat = sockets["/ws/chat"]
    schemas = spec["components"]["schemas"]
    assert chat["receives"] == {"$ref": "#/components/schemas/ChatIn"}
    assert set(schemas["ChatIn"]["properties"]) == {"room", "text"}
    assert chat["sends"] == {"$ref": "#/components/schemas/ChatOut"}
    assert sockets["/ws/private"]["authentication"] == ["login"]
    assert sockets["/ws/admin"]["authentication"] == ["login", "roles"]
    assert "authentication" not in sockets["/ws/echo"]


def test_pyjolt_routes_shows_sockets_with_method_ws(tmp_path: Path) -> None:
    app = create_app()
    app.build()
    rows = collect_routes(app, Project(tmp_path, "app:Application", {}))
    echo = next(row for row in rows if row["path"] == "/ws/echo")
    assert echo["method"] == "WS"
    assert echo["endpoint"] == "SocketsApi.echo"
    assert echo["file"].endswith("tests/websocket/apps.py") and echo["line"] > 0
    assert any(row["method"] == "GET" and row["path"] == "/ws/plain" for row in rows)
