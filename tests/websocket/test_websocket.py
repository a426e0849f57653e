"""WebSocket endpoints through the in-process test client."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from pyjolt.controller import Controller, EndpointDefinitionError, get, path
from pyjolt.testing import PyJoltTestClient
from pyjolt.websocket import WebSocket, WebSocketDisconnect, websocket
from pyjolt.websocket.testing import WebSocketDenied

from .apps import SocketsApi, create_app


@pytest.fixture
def app() -> Any:
    SocketsApi.events.clear()
    return create_app()


async def test_text_and_binary_messages_echo(app: Any) -> None:
    async with PyJoltTestClient(app) as client, client.websocket_connect("/ws/echo") as ws:
        await ws.send_text("héllo")
        assert await ws.receive_text() == "héllo"
        await ws.send_bytes(b"\x00\xff")
        assert await ws.receive_bytes() == b"\x00\xff"


async def test_json_round_trip_with_route_and_query_parameters(app: Any) -> None:
    async with PyJoltTestClient(app) as client, client.websocket_connect("/ws/json/7?q=1") as ws:
        await ws.send_json({"a": [1, 2]})
        assert await ws.receive_json() == {"number": 7, "prefix": "n", "got": {"a": [1, 2]}}
    async with (
        PyJoltTestClient(app) as client,
        client.websocket_connect("/ws/json/7?prefix=x") as ws,
    ):
        await ws.send_json(None)
        assert await ws.receive_json() == {"number": 7, "prefix": "x", "got": None}


async def test_route_converter_refuses_a_non_integer_with_404(app: Any) -> None:
    async with PyJoltTestClient(app) as client:
        with pytest.raises(WebSocketDenied) as denied:
            async with client.websocket_connect("/ws/json/abc"):
                pass
    assert denied.value.status == 404


async def test_a_model_validated_message_is_parsed_and_answered_through_the_send_model(
    app: Any,
) -> None:
    async with PyJoltTestClient(app) as client, client.websocket_connect("/ws/chat") as ws:
        await ws.send_json({"room": "r1", "text": "hi", "extra": "dropped"})
        assert await ws.receive_json() == {"room": "r1", "text": "hi", "length": 3}
        await ws.send_json({"room": "", "text": "hi"})
        assert await ws.receive_text() == "invalid: ('room',)"


async def test_an_invalid_message_nobody_catches_closes_with_1007(app: Any) -> None:
    async with PyJoltTestClient(app) as client, client.websocket_connect("/ws/strict") as ws:
        await ws.send_text("{not json")
        with pytest.raises(WebSocketDisconnect) as closed:
            await ws.receive_text()
    assert closed.value.code == 1007


async def test_anonymous_handshake_is_refused_before_accept_with_401(app: Any) -> None:
    async with PyJoltTestClient(app) as client:
        with pytest.raises(WebSocketDenied) as denied:
            async with client.websocket_connect("/ws/private"):
                pass
    assert denied.value.status == 401
    assert denied.value.json()["message"] == "Login required"


async def test_refusal_is_a_close_before_accept_when_the_server_cannot_send_http(
    app: Any,
) -> None:
    async with PyJoltTestClient(app) as client:
        with pytest.raises(WebSocketDenied) as denied:
            async with client.websocket_connect("/ws/private", http_response_extension=False):
                pass
    assert denied.value.status == 403  # what servers answer to a close before accept


async def test_logged_in_user_is_loaded_from_the_handshake_cookie(app: Any) -> None:
    async with PyJoltTestClient(app) as client:
        await client.post("/ws/login/2")
        async with client.websocket_connect("/ws/private") as ws:
            assert await ws.receive_json() == {"user": 2}


async def test_role_required_refuses_a_user_without_the_role_with_403(app: Any) -> None:
    async with PyJoltTestClient(app) as client:
        await client.post("/ws/login/2")
        with pytest.raises(WebSocketDenied) as denied:
            async with client.websocket_connect("/ws/admin"):
                pass
        assert denied.value.status == 403
        await client.post("/ws/login/1")
        async with client.websocket_connect("/ws/admin") as ws:
            assert await ws.receive_text() == "welcome admin"


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (None, True),  # not a browser
        ("http://testserver", True),  # the app's own pages
        ("https://testserver:443", True),
        ("https://evil.example", False),
        ("http://testserver.evil.example", False),
        ("null", False),  # sandboxed iframes, file:// pages
    ],
)
async def test_origin_of_a_browser_handshake_is_checked(
    app: Any, origin: str | None, allowed: bool
) -> None:
    headers = {"origin": origin} if origin else {}
    async with PyJoltTestClient(app) as client:
        if allowed:
            async with client.websocket_connect("/ws/echo", headers=headers) as ws:
                await ws.send_text("x")
                assert await ws.receive_text() == "x"
        else:
            with pytest.raises(WebSocketDenied) as denied:
                async with client.websocket_connect("/ws/echo", headers=headers):
                    pass
            assert denied.value.status == 403


async def test_allowed_origins_config_admits_a_named_site_and_regex() -> None:
    app = create_app(
        WEBSOCKET_ALLOWED_ORIGINS=["https://app.example.com", r"^https://[a-z]+\.example\.org$"]
    )
    async with PyJoltTestClient(app) as client:
        for origin in ("https://app.example.com", "https://tenant.example.org"):
            async with client.websocket_connect("/ws/echo", headers={"origin": origin}) as ws:
                await ws.send_text("y")
                assert await ws.receive_text() == "y"
        with pytest.raises(WebSocketDenied):
            async with client.websocket_connect(
                "/ws/echo", headers={"origin": "https://x.example.org.evil.net"}
            ):
                pass


def test_an_unanchored_origin_regex_is_refused_when_the_app_is_built() -> None:
    with pytest.raises(ValueError, match="anchored"):
        create_app(WEBSOCKET_ALLOWED_ORIGINS=[r"^https://.*\.example\.com"]).build()


async def test_origin_check_can_be_turned_off() -> None:
    app = create_app(WEBSOCKET_CHECK_ORIGIN=False)
    async with PyJoltTestClient(app) as client:
        headers = {"origin": "https://elsewhere.example"}
        async with client.websocket_connect("/ws/echo", headers=headers) as ws:
            await ws.send_text("z")
            assert await ws.receive_text() == "z"


async def test_an_oversized_message_closes_with_1009(app: Any) -> None:
    async with PyJoltTestClient(app) as client, client.websocket_connect("/ws/small") as ws:
        await ws.send_text("a" * 16)
        assert await ws.receive_text() == "ok 16"
        await ws.send_text("é" * 9)  # 9 characters, 18 bytes
        with pytest.raises(WebSocketDisconnect) as closed:
            await ws.receive_text()
    assert closed.value.code == 1009


async def test_the_configured_message_limit_applies_to_binary_messages() -> None:
    app = create_app(WEBSOCKET_MAX_MESSAGE_SIZE=8)
    async with PyJoltTestClient(app) as client, client.websocket_connect("/ws/echo") as ws:
        await ws.send_bytes(b"12345678")
        assert await ws.receive_bytes() == b"12345678"
        await ws.send_bytes(b"123456789")
        with pytest.raises(WebSocketDisconnect) as closed:
            await ws.receive_bytes()
    assert closed.value.code == 1009


async def test_a_handler_exception_closes_with_1011_and_is_logged_while_others_keep_working(
    app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    async with PyJoltTestClient(app) as client:
        async with (
            client.websocket_connect("/ws/crash") as doomed,
            client.websocket_connect("/ws/echo") as other,
        ):
            await doomed.send_text("boom")
            with pytest.raises(WebSocketDisconnect) as closed:
                await doomed.receive_text()
            await other.send_text("still here")
            assert await other.receive_text() == "still here"
        response = await client.get("/ws/plain")
    assert closed.value.code == 1011
    assert response.text == "plain http"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and errors[0].exc_info and "handler bug" in str(errors[0].exc_info[1])


async def test_exception_handlers_answer_a_refused_handshake(app: Any) -> None:
    async with PyJoltTestClient(app) as client:
        with pytest.raises(WebSocketDenied) as denied:
            async with client.websocket_connect("/ws/refuse-early"):
                pass
    assert denied.value.status == 409
    assert denied.value.json() == {"status": "error", "message": "refused"}


async def test_a_handled_exception_after_accept_closes_with_the_code_of_its_status(
    app: Any,
) -> None:
    async with PyJoltTestClient(app) as client, client.websocket_connect("/ws/refuse-late") as ws:
        await ws.send_text("go")
        with pytest.raises(WebSocketDisconnect) as closed:
            await ws.receive_text()
    assert closed.value.code == 1008  # 409: a 4xx the client caused
    assert closed.value.reason == "Conflict"


async def test_before_and_after_hooks_run_for_sockets(app: Any) -> None:
    async with PyJoltTestClient(app) as client:
        async with client.websocket_connect("/ws/echo") as ws:
            await ws.send_text("hi")
            await ws.receive_text()
        with pytest.raises(WebSocketDenied) as denied:
            async with client.websocket_connect("/ws/echo?veto=1"):
                pass
    assert denied.value.status == 400
    assert SocketsApi.events[:2] == ["before /ws/echo", "after 101"]
    assert SocketsApi.events[2:] == ["before /ws/echo", "after 400"]


async def test_an_idle_socket_is_closed_with_1001(app: Any) -> None:
    async with PyJoltTestClient(app) as client, client.websocket_connect("/ws/idle") as ws:
        await ws.send_text("awake")
        assert await ws.receive_text() == "awake"
        with pytest.raises(WebSocketDisconnect) as closed:
            await ws.receive_text(timeout=2)
    assert closed.value.code == 1001


async def test_subprotocol_is_chosen_from_those_offered(app: Any) -> None:
    async with (
        PyJoltTestClient(app) as client,
        client.websocket_connect("/ws/protocols", subprotocols=["chat.v1", "chat.v2"]) as ws,
    ):
        assert ws.accepted_subprotocol == "chat.v2"
        assert await ws.receive_text() == "chat.v2"


async def test_a_handler_that_never_accepts_refuses_the_handshake(app: Any) -> None:
    async with PyJoltTestClient(app) as client:
        with pytest.raises(WebSocketDenied) as denied:
            async with client.websocket_connect("/ws/never-accepts"):
                pass
    assert denied.value.status == 403


async def test_http_requests_never_reach_socket_routes_and_sockets_never_reach_http(
    app: Any,
) -> None:
    async with PyJoltTestClient(app) as client:
        assert (await client.get("/ws/echo")).status_code == 404
        with pytest.raises(WebSocketDenied) as denied:
            async with client.websocket_connect("/ws/plain"):
                pass
    assert denied.value.status == 404


async def test_a_client_leaving_mid_handler_is_not_an_error(
    app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    async with PyJoltTestClient(app) as client:
        async with client.websocket_connect("/ws/slow") as ws:
            await ws.close()
        await asyncio.sleep(0.1)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_url_for_builds_socket_routes(app: Any) -> None:
    assert app.url_for("SocketsApi.json_echo", number=3) == "/ws/json/3"


def test_a_handler_without_the_socket_parameter_fails_the_build(make_app: Any) -> None:
    @path("/bad")
    class Bad(Controller):
        @websocket("/x")
        async def broken(self) -> None: ...

    with pytest.raises(EndpointDefinitionError, match="receives the socket"):
        make_app(Bad)


def test_a_method_cannot_be_both_http_and_websocket(make_app: Any) -> None:
    @path("/bad")
    class Both(Controller):
        @get("/x")
        @websocket("/y")
        async def both(self, ws: WebSocket) -> None: ...

    with pytest.raises(EndpointDefinitionError, match="not both"):
        make_app(Both)


def test_public_names_are_importable_from_their_packages() -> None:
    import pyjolt
    import pyjolt.testing

    assert pyjolt.WebSocket is WebSocket
    assert pyjolt.WebSocketDisconnect is WebSocketDisconnect
    assert pyjolt.testing.WebSocketDenied is WebSocketDenied
