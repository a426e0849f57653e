"""The MIDDLEWARE list: order, both kinds, errors, WebSockets, and the flat path."""

from __future__ import annotations

from typing import Any

import pytest

from pyjolt import BaseConfig, PyJolt, Request, Response
from pyjolt.controller import Controller, get, path
from pyjolt.importing import ImportStringError
from pyjolt.middleware import MiddlewareError
from pyjolt.testing import PyJoltTestClient
from pyjolt.websocket import WebSocket, websocket
from pyjolt.websocket.testing import WebSocketDenied

from . import recording
from .recording import CALLS

M = "tests.middleware.recording"


@path("")
class Api(Controller):
    @get("/hello")
    async def hello(self, req: Request) -> Response:
        CALLS.append("handler")
        return req.response.json({"hello": "world"})

    @get("/body")
    async def body(self, req: Request) -> Response:
        return req.response.text("x" * 10)

    @websocket("/ws")
    async def ws(self, ws: WebSocket) -> None:
        CALLS.append("socket handler")
        await ws.accept()
        await ws.send_text("hi")


@pytest.fixture(autouse=True)
def clear_calls() -> None:
    CALLS.clear()


def make(middleware: list[str], **settings: Any) -> PyJolt:
    app = PyJolt(BaseConfig(DEBUG=False, OPEN_API=False, MIDDLEWARE=middleware, **settings))
    app.register_controller(Api)
    app.build()
    return app


async def test_middleware_run_outermost_first() -> None:
    app = make([f"{M}:Outer", f"{M}:Inner"])
    async with PyJoltTestClient(app) as client:
        response = await client.get("/hello")
    assert response.json() == {"hello": "world"}
    assert CALLS == ["outer in", "inner in", "handler", "inner out", "outer out"]
    assert response.headers["x-order"] == "inner,outer"


async def test_a_class_of_the_right_shape_needs_no_base_class() -> None:
    app = make([f"{M}:PlainClass"])
    async with PyJoltTestClient(app) as client:
        assert (await client.get("/hello")).status_code == 200
    assert CALLS == ["plain", "handler"]


@pytest.mark.parametrize(
    ("order", "calls"),
    [
        (["AsgiHeader", "Outer"], ["asgi in", "outer in", "handler", "outer out", "asgi out"]),
        (["Outer", "AsgiHeader"], ["outer in", "asgi in", "handler", "asgi out", "outer out"]),
        (
            ["Outer", "AsgiHeader", "Inner"],
            ["outer in", "asgi in", "inner in", "handler", "inner out", "asgi out", "outer out"],
        ),
    ],
)
async def test_asgi_and_pyjolt_middleware_mix_in_the_listed_order(
    order: list[str], calls: list[str]
) -> None:
    app = make([f"{M}:{name}" for name in order])
    async with PyJoltTestClient(app) as client:
        response = await client.get("/hello")
    assert response.json() == {"hello": "world"}
    assert response.headers["x-asgi"] == "asgi"
    assert calls == CALLS


async def test_add_middleware_passes_options_and_sits_inside_the_configured_ones() -> None:
    app = PyJolt(BaseConfig(DEBUG=False, OPEN_API=False, MIDDLEWARE=[f"{M}:Outer"]))
    app.register_controller(Api)
    app.add_middleware(recording.AsgiHeader, value="custom")
    async with PyJoltTestClient(app) as client:
        response = await client.get("/hello")
    assert response.headers["x-asgi"] == "custom"
    assert CALLS[:2] == ["outer in", "asgi in"]


async def test_a_middleware_may_answer_without_calling_the_endpoint() -> None:
    app = make([f"{M}:Outer", f"{M}:Refuser"])
    async with PyJoltTestClient(app) as client:
        response = await client.get("/hello?refuse=1")
    assert response.status_code == 418
    assert "handler" not in CALLS
    assert response.headers["x-order"] == "outer"


async def test_error_responses_pass_through_the_middleware() -> None:
    app = make([f"{M}:Outer"])
    async with PyJoltTestClient(app) as client:
        response = await client.get("/nowhere")
    assert response.status_code == 404
    assert response.headers["x-order"] == "outer"


async def test_an_exception_in_a_middleware_is_a_500_not_a_crash() -> None:
    app = make([f"{M}:Broken"])
    async with PyJoltTestClient(app, raise_server_exceptions=False) as client:
        response = await client.get("/hello")
    assert response.status_code == 500
    assert response.json() == {"status": "error", "message": "Internal server error"}


async def test_middleware_apply_to_websocket_handshakes() -> None:
    app = make([f"{M}:Outer", f"{M}:AsgiHeader", f"{M}:Refuser"])
    async with PyJoltTestClient(app) as client:
        async with client.websocket_connect("/ws") as ws:
            assert await ws.receive_text() == "hi"
        assert CALLS == ["outer in", "asgi websocket", "socket handler", "outer out"]
        with pytest.raises(WebSocketDenied) as denied:
            async with client.websocket_connect("/ws?refuse=1"):
                pass
    assert denied.value.status == 418


@pytest.mark.parametrize(
    ("entry", "error", "message"),
    [
        (f"{M}:NotAMiddleware", MiddlewareError, "must be 'async def __call__"),
        (f"{M}:CALLS", MiddlewareError, "must be a class"),
        (f"{M}:Missing", ImportStringError, "has no attribute 'Missing'"),
    ],
)
def test_an_unusable_entry_fails_the_build_naming_it(
    entry: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make([entry])


def test_without_middleware_the_app_serves_through_its_flat_path() -> None:
    app = make([])
    assert app._http_entry == app._http
    assert app._websocket_entry == app._websocket
    chained = make([f"{M}:Outer"])
    assert chained._http_entry != chained._http
