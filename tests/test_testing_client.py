"""PyJoltTestClient: methods, cookies, lifespan switch and server exceptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from pyjolt import MediaType, PyJolt, Request, Response, on_startup
from pyjolt.controller import Controller, consumes, delete, get, patch, path, post, put
from pyjolt.testing import PyJoltTestClient

MakeApp = Callable[..., PyJolt]


class Note(BaseModel):
    title: str


@path("/echo")
class EchoApi(Controller):
    @get("/")
    async def read(self, req: Request) -> dict[str, Any]:
        return {"method": req.method, "query": dict(req.query_params)}

    @post("/")
    async def create(self, req: Request) -> dict[str, Any]:
        return {"method": req.method, "body": (await req.body()).decode()}

    @put("/")
    async def replace(self, req: Request) -> dict[str, Any]:
        return {"method": req.method, "body": (await req.body()).decode()}

    @patch("/")
    async def update(self, req: Request) -> dict[str, Any]:
        return {"method": req.method, "body": (await req.body()).decode()}

    @delete("/")
    async def remove(self, req: Request) -> dict[str, Any]:
        return {"method": req.method, "body": (await req.body()).decode()}

    @post("/notes")
    @consumes(MediaType.APPLICATION_JSON)
    async def create_note(self, req: Request, note: Note) -> Response:
        return req.response.json({"title": note.title}).status(201)

    @get("/headers")
    async def headers(self, req: Request) -> dict[str, Any]:
        return {"x-custom": req.headers.get("x-custom"), "host": req.host}


@path("/session")
class SessionApi(Controller):
    @post("/login")
    async def login(self, req: Request) -> Response:
        return req.response.json({"logged_in": True}).set_cookie("session_id", "s3cr3t")

    @get("/me")
    async def me(self, req: Request) -> dict[str, Any]:
        return {"session_id": req.cookies.get("session_id")}

    @post("/logout")
    async def logout(self, req: Request) -> Response:
        return req.response.json({"logged_in": False}).delete_cookie("session_id")


@path("/boom")
class BoomApi(Controller):
    @get("/")
    async def boom(self, req: Request) -> dict[str, Any]:
        raise RuntimeError("kaboom")


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
async def test_method_helpers_send_their_method(make_app: MakeApp, method: str) -> None:
    async with PyJoltTestClient(make_app(EchoApi)) as client:
        response = await getattr(client, method)("/echo/")
    assert response.status_code == 200
    assert response.json()["method"] == method.upper()


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
async def test_request_sends_any_method(make_app: MakeApp, method: str) -> None:
    async with PyJoltTestClient(make_app(EchoApi)) as client:
        response = await client.request(method, "/echo/")
    assert response.json()["method"] == method


@pytest.mark.parametrize("method", ["post", "put", "patch"])
async def test_body_helpers_send_content(make_app: MakeApp, method: str) -> None:
    async with PyJoltTestClient(make_app(EchoApi)) as client:
        response = await getattr(client, method)("/echo/", content=b"payload")
    assert response.json()["body"] == "payload"


async def test_request_with_body_for_delete(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(EchoApi)) as client:
        response = await client.request("DELETE", "/echo/", content=b"gone")
    assert response.json() == {"method": "DELETE", "body": "gone"}


async def test_head_returns_headers_without_body(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(EchoApi)) as client:
        response = await client.head("/echo/")
    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["content-length"]) > 0


async def test_get_passes_query_params(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(EchoApi)) as client:
        response = await client.get("/echo/", params={"page": "2", "q": "a b"})
    assert response.json()["query"] == {"page": "2", "q": "a b"}


async def test_json_keyword_sends_a_json_body(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(EchoApi)) as client:
        response = await client.post("/echo/notes", json={"title": "Groceries"})
    assert response.status_code == 201
    assert response.json() == {"title": "Groceries"}


async def test_headers_keyword_and_default_host(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(EchoApi)) as client:
        response = await client.get("/echo/headers", headers={"X-Custom": "yes"})
    assert response.json() == {"x-custom": "yes", "host": "testserver"}


async def test_base_url_sets_the_host(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(EchoApi), base_url="http://api.example.org") as client:
        response = await client.get("/echo/headers")
    assert response.json()["host"] == "api.example.org"


async def test_cookies_set_by_a_response_are_sent_on_later_requests(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(SessionApi)) as client:
        before = await client.get("/session/me")
        await client.post("/session/login")
        after = await client.get("/session/me")
    assert before.json() == {"session_id": None}
    assert after.json() == {"session_id": "s3cr3t"}


async def test_cookies_are_visible_on_the_client(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(SessionApi)) as client:
        await client.post("/session/login")
        assert client.cookies.get("session_id") == "s3cr3t"


async def test_deleted_cookie_is_no_longer_sent(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(SessionApi)) as client:
        await client.post("/session/login")
        await client.post("/session/logout")
        response = await client.get("/session/me")
    assert response.json() == {"session_id": None}


async def test_cookies_are_not_shared_between_clients(make_app: MakeApp) -> None:
    application = make_app(SessionApi)
    async with PyJoltTestClient(application) as first:
        await first.post("/session/login")
    async with PyJoltTestClient(application) as second:
        response = await second.get("/session/me")
    assert response.json() == {"session_id": None}


async def test_client_returns_httpx_responses(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(EchoApi)) as client:
        response = await client.get("/echo/")
    assert isinstance(response, httpx.Response)


async def test_client_used_outside_async_with_raises(make_app: MakeApp) -> None:
    client = PyJoltTestClient(make_app(EchoApi))
    with pytest.raises(RuntimeError, match="async with"):
        await client.get("/echo/")


class StartupFlagApplication(PyJolt):
    started = False

    @on_startup
    async def mark_started(self) -> None:
        type(self).started = True


async def test_lifespan_false_skips_startup_hooks(make_app: MakeApp) -> None:
    StartupFlagApplication.started = False
    async with PyJoltTestClient(
        make_app(EchoApi, app_class=StartupFlagApplication), lifespan=False
    ):
        pass
    assert StartupFlagApplication.started is False


async def test_lifespan_runs_startup_hooks_by_default(make_app: MakeApp) -> None:
    StartupFlagApplication.started = False
    async with PyJoltTestClient(make_app(EchoApi, app_class=StartupFlagApplication)):
        assert StartupFlagApplication.started is True


async def test_unhandled_error_in_debug_propagates_into_the_test(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(BoomApi, DEBUG=True)) as client:
        with pytest.raises(RuntimeError, match="kaboom"):
            await client.get("/boom/")


async def test_unhandled_error_in_debug_is_a_500_when_not_raising(make_app: MakeApp) -> None:
    application = make_app(BoomApi, DEBUG=True)
    async with PyJoltTestClient(application, raise_server_exceptions=False) as client:
        response = await client.get("/boom/")
    assert response.status_code == 500


async def test_unhandled_error_without_debug_is_a_generic_500(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(BoomApi, DEBUG=False)) as client:
        response = await client.get("/boom/")
    assert response.status_code == 500
    assert response.json() == {"status": "error", "message": "Internal server error"}
    assert "kaboom" not in response.text
