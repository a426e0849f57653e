"""Routing: converters, methods, slashes, prefixes, hooks, sync handlers and url_for."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from pyjolt import HttpStatus, MediaType, PyJolt, Request, Response, UrlBuildError, abort
from pyjolt.controller import (
    Controller,
    after_request,
    before_request,
    consumes,
    delete,
    get,
    patch,
    path,
    post,
    put,
)
from pyjolt.exceptions import ExceptionHandler, NotFound, handles
from pyjolt.testing import PyJoltTestClient

MakeApp = Callable[..., PyJolt]
SAMPLE_UUID = uuid.UUID("12345678-1234-5678-1234-567812345678")


# --- converters ------------------------------------------------------------------------
@path("/conv")
class ConvertersApi(Controller):
    @get("/int/<int:value>")
    async def as_int(self, req: Request, value: int) -> dict[str, Any]:
        assert isinstance(value, int)
        return {"type": type(value).__name__, "value": value}

    @get("/string/<string:value>")
    async def as_string(self, req: Request, value: str) -> dict[str, Any]:
        assert isinstance(value, str)
        return {"type": type(value).__name__, "value": value}

    @get("/default/<value>")
    async def as_default(self, req: Request, value: str) -> dict[str, Any]:
        assert isinstance(value, str)
        return {"type": type(value).__name__, "value": value}

    @get("/path/<path:value>")
    async def as_path(self, req: Request, value: str) -> dict[str, Any]:
        assert isinstance(value, str)
        return {"type": type(value).__name__, "value": value}

    @get("/float/<float:value>")
    async def as_float(self, req: Request, value: float) -> dict[str, Any]:
        assert isinstance(value, float)
        return {"type": type(value).__name__, "value": value}

    @get("/uuid/<uuid:value>")
    async def as_uuid(self, req: Request, value: uuid.UUID) -> dict[str, Any]:
        assert isinstance(value, uuid.UUID)
        return {"type": type(value).__name__, "value": str(value)}

    @get("/two/<int:first>/<string:second>")
    async def two(self, req: Request, second: str, first: int) -> dict[str, Any]:
        return {"first": first, "second": second, "params": dict(req.route_parameters)}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/conv/int/42", {"type": "int", "value": 42}),
        ("/conv/int/0", {"type": "int", "value": 0}),
        ("/conv/string/alice", {"type": "str", "value": "alice"}),
        ("/conv/string/hello%20world", {"type": "str", "value": "hello world"}),
        ("/conv/string/%C4%8Dok", {"type": "str", "value": "\u010dok"}),
        ("/conv/default/bob", {"type": "str", "value": "bob"}),
        ("/conv/path/account/dashboard/main", {"type": "str", "value": "account/dashboard/main"}),
        ("/conv/path/file.txt", {"type": "str", "value": "file.txt"}),
        ("/conv/float/1.5", {"type": "float", "value": 1.5}),
        (f"/conv/uuid/{SAMPLE_UUID}", {"type": "UUID", "value": str(SAMPLE_UUID)}),
    ],
)
async def test_converter_injects_typed_value(
    make_app: MakeApp, url: str, expected: dict[str, Any]
) -> None:
    async with PyJoltTestClient(make_app(ConvertersApi)) as client:
        response = await client.get(url)
    assert response.status_code == 200
    assert response.json() == expected


@pytest.mark.parametrize(
    "url",
    [
        "/conv/int/abc",
        "/conv/int/1.5",
        "/conv/int/-1",
        "/conv/float/1",
        "/conv/float/abc",
        "/conv/uuid/not-a-uuid",
        "/conv/string/a/b",
        "/conv/path/",
    ],
)
async def test_value_the_converter_refuses_is_not_found(make_app: MakeApp, url: str) -> None:
    async with PyJoltTestClient(make_app(ConvertersApi)) as client:
        response = await client.get(url)
    assert response.status_code == 404


async def test_several_route_parameters_are_passed_by_name(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(ConvertersApi)) as client:
        response = await client.get("/conv/two/7/seven")
    assert response.json() == {
        "first": 7,
        "second": "seven",
        "params": {"first": 7, "second": "seven"},
    }


async def test_unknown_path_is_a_json_404(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(ConvertersApi)) as client:
        response = await client.get("/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["status"] == "error"


async def test_404_message_quotes_the_path(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(ConvertersApi)) as client:
        response = await client.get("/nowhere")
    assert response.json()["message"] == "No route for '/nowhere'"


async def test_404_message_escapes_markup_in_the_path(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(ConvertersApi)) as client:
        response = await client.get("/nowhere/<script>alert(1)</script>")
    assert response.json()["message"] == (
        "No route for '/nowhere/&lt;script&gt;alert(1)&lt;/script&gt;'"
    )


async def test_404_message_cuts_a_long_path(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(ConvertersApi)) as client:
        response = await client.get("/" + "x" * 10_000)
    message = response.json()["message"]
    assert len(message) < 120
    assert message.endswith("...'")


# --- methods ---------------------------------------------------------------------------
@path("/items")
class ItemsApi(Controller):
    @get("/")
    async def list_items(self, req: Request) -> dict[str, str]:
        return {"handler": "list_items", "method": req.method}

    @post("/")
    async def create_item(self, req: Request) -> Response:
        return req.response.json({"handler": "create_item"}).status(HttpStatus.CREATED)

    @get("/<int:item_id>")
    async def get_item(self, req: Request, item_id: int) -> dict[str, Any]:
        return {"handler": "get_item", "id": item_id}

    @put("/<int:item_id>")
    async def replace_item(self, req: Request, item_id: int) -> dict[str, Any]:
        return {"handler": "replace_item", "id": item_id}

    @patch("/<int:item_id>")
    async def update_item(self, req: Request, item_id: int) -> dict[str, Any]:
        return {"handler": "update_item", "id": item_id}

    @delete("/<int:item_id>")
    async def delete_item(self, req: Request, item_id: int) -> Response:
        return req.response.no_content()

    @get("/search")
    @post("/search")
    async def search(self, req: Request) -> dict[str, str]:
        return {"handler": "search", "method": req.method}

    @get("/first-alias")
    @get("/second-alias")
    async def aliased(self, req: Request) -> dict[str, str]:
        return {"handler": "aliased", "path": req.path}

    @post("/only-post")
    async def only_post(self, req: Request) -> dict[str, str]:
        return {"handler": "only_post"}


@pytest.mark.parametrize(
    ("method", "url", "status", "handler"),
    [
        ("GET", "/items/", 200, "list_items"),
        ("POST", "/items/", 201, "create_item"),
        ("GET", "/items/5", 200, "get_item"),
        ("PUT", "/items/5", 200, "replace_item"),
        ("PATCH", "/items/5", 200, "update_item"),
        ("DELETE", "/items/5", 204, None),
        ("GET", "/items/search", 200, "search"),
        ("POST", "/items/search", 200, "search"),
        ("GET", "/items/first-alias", 200, "aliased"),
        ("GET", "/items/second-alias", 200, "aliased"),
        ("POST", "/items/only-post", 200, "only_post"),
    ],
)
async def test_each_method_and_route_reaches_its_handler(
    make_app: MakeApp, method: str, url: str, status: int, handler: str | None
) -> None:
    async with PyJoltTestClient(make_app(ItemsApi)) as client:
        response = await client.request(method, url)
    assert response.status_code == status
    if handler is None:
        assert response.content == b""
    else:
        assert response.json()["handler"] == handler


async def test_head_runs_the_get_handler_with_method_head(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(ItemsApi)) as client:
        head = await client.head("/items/")
        got = await client.get("/items/")
    assert head.status_code == 200
    assert head.content == b""
    assert got.json() == {"handler": "list_items", "method": "GET"}
    assert int(head.headers["content-length"]) == len(got.content) + len("HEAD") - len("GET")


async def test_one_handler_for_two_methods_sees_the_method(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(ItemsApi)) as client:
        got = await client.get("/items/search")
        posted = await client.post("/items/search")
    assert got.json()["method"] == "GET"
    assert posted.json()["method"] == "POST"


@pytest.mark.parametrize("url", ["/items/5", "/items/first-alias"])
async def test_head_is_answered_by_the_get_route_without_a_body(
    make_app: MakeApp, url: str
) -> None:
    async with PyJoltTestClient(make_app(ItemsApi)) as client:
        got = await client.get(url)
        head = await client.head(url)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("DELETE", "/items/", "GET, HEAD, POST"),
        ("PUT", "/items/", "GET, HEAD, POST"),
        ("POST", "/items/5", "DELETE, GET, HEAD, PATCH, PUT"),
        ("PUT", "/items/search", "GET, HEAD, POST"),
        ("GET", "/items/only-post", "POST"),
        ("HEAD", "/items/only-post", "POST"),
    ],
)
async def test_wrong_method_is_405_with_allow_header(
    make_app: MakeApp, method: str, url: str, allowed: str
) -> None:
    async with PyJoltTestClient(make_app(ItemsApi)) as client:
        response = await client.request(method, url)
    assert response.status_code == 405
    assert response.headers["allow"] == allowed


async def test_405_body_is_json(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(ItemsApi)) as client:
        response = await client.delete("/items/")
    assert response.json()["status"] == "error"


# --- trailing slashes ------------------------------------------------------------------
@path("/users")
class SlashApi(Controller):
    @get("/")
    async def index(self, req: Request) -> dict[str, str]:
        return {"handler": "index"}

    @post("/")
    async def create(self, req: Request) -> dict[str, str]:
        return {"handler": "create"}

    @get("/active")
    async def active(self, req: Request) -> dict[str, str]:
        return {"handler": "active"}

    @get("/<int:user_id>/")
    async def profile(self, req: Request, user_id: int) -> dict[str, Any]:
        return {"handler": "profile", "id": user_id}


@pytest.mark.parametrize(
    ("method", "url", "handler"),
    [
        ("GET", "/users", "index"),
        ("GET", "/users/", "index"),
        ("POST", "/users", "create"),
        ("POST", "/users/", "create"),
        ("GET", "/users/active", "active"),
        ("GET", "/users/active/", "active"),
        ("GET", "/users/3", "profile"),
        ("GET", "/users/3/", "profile"),
    ],
)
async def test_non_strict_slashes_serve_both_forms(
    make_app: MakeApp, method: str, url: str, handler: str
) -> None:
    async with PyJoltTestClient(make_app(SlashApi, STRICT_SLASHES=False)) as client:
        response = await client.request(method, url)
    assert response.status_code == 200
    assert response.json()["handler"] == handler


def test_strict_slashes_is_off_by_default(make_app: MakeApp) -> None:
    assert make_app(SlashApi).configs.STRICT_SLASHES is False


@pytest.mark.parametrize(
    ("method", "url", "location"),
    [
        ("GET", "/users", "/users/"),
        ("POST", "/users", "/users/"),
        ("GET", "/users?page=2", "/users/?page=2"),
        ("GET", "/users/3", "/users/3/"),
    ],
)
async def test_strict_slashes_redirect_to_the_slash_form_with_308(
    make_app: MakeApp, method: str, url: str, location: str
) -> None:
    async with PyJoltTestClient(make_app(SlashApi, STRICT_SLASHES=True)) as client:
        response = await client.request(method, url)
    assert response.status_code == 308
    assert response.headers["location"] == location


@pytest.mark.parametrize("url", ["/users/", "/users/active", "/users/3/"])
async def test_strict_slashes_serve_the_declared_form(make_app: MakeApp, url: str) -> None:
    async with PyJoltTestClient(make_app(SlashApi, STRICT_SLASHES=True)) as client:
        response = await client.get(url)
    assert response.status_code == 200


async def test_strict_slashes_do_not_serve_an_added_slash(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(SlashApi, STRICT_SLASHES=True)) as client:
        response = await client.get("/users/active/")
    assert response.status_code == 404


@path("/api/tags")
class TagsApi(Controller):
    @get("/")
    async def index(self, req: Request) -> dict[str, str]:
        return {"handler": "tags"}


@path("/api/labels")
class LabelsApi(Controller):
    @get("")
    async def index(self, req: Request) -> dict[str, str]:
        return {"handler": "labels"}

    @post("")
    async def create(self, req: Request) -> dict[str, str]:
        return {"handler": "create label"}


SLASH_SPELLINGS = ["/api/tags", "/api/tags/", "/api/labels", "/api/labels/", "/users", "/users/"]


@pytest.mark.parametrize(
    ("strict", "url"),
    # With strict slashes, /api/labels/ is not a route of @get("") at all (404 below).
    [(False, url) for url in SLASH_SPELLINGS]
    + [(True, url) for url in SLASH_SPELLINGS if url != "/api/labels/"],
)
async def test_a_wrong_method_is_405_on_both_slash_spellings(
    make_app: MakeApp, strict: bool, url: str
) -> None:
    application = make_app(TagsApi, LabelsApi, SlashApi, STRICT_SLASHES=strict)
    async with PyJoltTestClient(application) as client:
        response = await client.delete(url)
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]


async def test_an_empty_route_path_is_the_controllers_own_path(make_app: MakeApp) -> None:
    application = make_app(LabelsApi, STRICT_SLASHES=True)
    async with PyJoltTestClient(application) as client:
        listed = await client.get("/api/labels")
        created = await client.post("/api/labels")
    assert listed.json() == {"handler": "labels"}
    assert created.json() == {"handler": "create label"}
    assert application.url_for("LabelsApi.index") == "/api/labels"


async def test_an_empty_route_path_also_answers_with_a_slash_when_not_strict(
    make_app: MakeApp,
) -> None:
    async with PyJoltTestClient(make_app(LabelsApi)) as client:
        response = await client.get("/api/labels/")
    assert response.json() == {"handler": "labels"}


async def test_strict_slashes_do_not_add_a_slash_to_an_empty_route_path(
    make_app: MakeApp,
) -> None:
    async with PyJoltTestClient(make_app(LabelsApi, STRICT_SLASHES=True)) as client:
        response = await client.get("/api/labels/")
    assert response.status_code == 404


@path("/ids")
class IdsApi(Controller):
    @get("/<id:item_id>")
    async def show(self, req: Request, item_id: int) -> dict[str, int]:
        return {"id": item_id}

    @patch("/<id:item_id>")
    async def change(self, req: Request, item_id: int) -> dict[str, int]:
        return {"id": item_id}


@pytest.mark.parametrize("url", ["/ids/2147483648", "/ids/0", "/ids/99999999999999999999"])
async def test_a_wrong_method_on_a_value_no_converter_accepts_is_404(
    make_app: MakeApp, url: str
) -> None:
    async with PyJoltTestClient(make_app(IdsApi)) as client:
        response = await client.put(url)
    assert response.status_code == 404


async def test_a_wrong_method_on_an_accepted_value_is_405_with_allow(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(IdsApi)) as client:
        response = await client.put("/ids/5")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, PATCH"


async def test_an_unknown_path_is_still_404(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(TagsApi, LabelsApi)) as client:
        response = await client.delete("/api/nothing")
    assert response.status_code == 404


def test_a_route_path_without_a_leading_slash_is_refused() -> None:
    with pytest.raises(ValueError, match="must start with '/'"):
        get("labels")


# --- controller prefixes and self.app --------------------------------------------------
@path("/api/v1/accounts")
class AccountsApi(Controller):
    @get("/")
    async def index(self, req: Request) -> dict[str, str]:
        return {"controller": "accounts"}

    @get("/settings")
    async def settings(self, req: Request) -> dict[str, Any]:
        return {"app_name": self.app.configs.APP_NAME, "same_app": self.app is req.app}


@path("/api/v1/orders/")
class OrdersApi(Controller):
    @get("/")
    async def index(self, req: Request) -> dict[str, str]:
        return {"controller": "orders"}


class UnprefixedApi(Controller):
    @get("/about")
    async def about(self, req: Request) -> dict[str, str]:
        return {"controller": "unprefixed"}


@path("/")
class SlashPrefixApi(Controller):
    @get("/contact")
    async def contact(self, req: Request) -> dict[str, str]:
        return {"controller": "slash-prefix"}


@pytest.mark.parametrize(
    ("url", "controller"),
    [
        ("/api/v1/accounts/", "accounts"),
        ("/api/v1/orders/", "orders"),
        ("/about", "unprefixed"),
        ("/contact", "slash-prefix"),
    ],
)
async def test_controller_path_prefixes_its_routes(
    make_app: MakeApp, url: str, controller: str
) -> None:
    application = make_app(AccountsApi, OrdersApi, UnprefixedApi, SlashPrefixApi)
    async with PyJoltTestClient(application) as client:
        response = await client.get(url)
    assert response.status_code == 200
    assert response.json() == {"controller": controller}


async def test_controller_reaches_the_application_through_self_app(make_app: MakeApp) -> None:
    application = make_app(AccountsApi, APP_NAME="Routing tests")
    async with PyJoltTestClient(application) as client:
        response = await client.get("/api/v1/accounts/settings")
    assert response.json() == {"app_name": "Routing tests", "same_app": True}


def test_path_prefix_must_start_with_a_slash() -> None:
    with pytest.raises(ValueError, match="must start with '/'"):
        path("api")


def test_route_must_start_with_a_slash() -> None:
    with pytest.raises(ValueError, match="must start with '/'"):
        get("users")


# --- before/after request hooks --------------------------------------------------------
hook_calls: list[str] = []


@pytest.fixture(autouse=True)
def reset_hook_calls() -> None:
    hook_calls.clear()


class AuditedBase(Controller):
    @before_request
    async def base_before(self, req: Request) -> None:
        hook_calls.append("base_before")
        req.state["trail"] = ["base_before"]


@path("/hooked")
class HookedApi(AuditedBase):
    @before_request
    async def zulu_before(self, req: Request) -> None:
        hook_calls.append("zulu_before")
        req.state["trail"].append("zulu_before")

    @before_request
    def alpha_before(self, req: Request) -> None:
        hook_calls.append("alpha_before")
        req.state["trail"].append("alpha_before")
        if req.query_params.get("deny"):
            abort("Denied by hook", status_code=HttpStatus.FORBIDDEN)

    @after_request
    async def yankee_after(self, res: Response) -> None:
        hook_calls.append("yankee_after")
        res.set_header("X-Trail", "yankee")

    @after_request
    async def bravo_after(self, res: Response) -> None:
        hook_calls.append("bravo_after")
        res.set_header("X-Trail", res.headers["x-trail"] + ",bravo")
        if res.status_code == HttpStatus.OK:
            res.status(HttpStatus.ACCEPTED)

    @get("/")
    async def index(self, req: Request) -> dict[str, Any]:
        hook_calls.append("handler")
        return {"trail": req.state["trail"]}


async def test_before_request_hooks_run_in_definition_order(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(HookedApi)) as client:
        response = await client.get("/hooked/")
    assert response.json() == {"trail": ["base_before", "zulu_before", "alpha_before"]}


async def test_after_request_hooks_run_in_definition_order_after_the_handler(
    make_app: MakeApp,
) -> None:
    async with PyJoltTestClient(make_app(HookedApi)) as client:
        await client.get("/hooked/")
    assert hook_calls == [
        "base_before",
        "zulu_before",
        "alpha_before",
        "handler",
        "yankee_after",
        "bravo_after",
    ]


async def test_after_request_hooks_can_modify_the_response(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(HookedApi)) as client:
        response = await client.get("/hooked/")
    assert response.headers["x-trail"] == "yankee,bravo"
    assert response.status_code == 202


async def test_before_request_abort_stops_the_request(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(HookedApi)) as client:
        response = await client.get("/hooked/?deny=1")
    assert response.status_code == 403
    assert response.json() == {"status": "error", "message": "Denied by hook"}
    assert "handler" not in hook_calls


async def test_after_request_hooks_see_the_error_response_of_an_abort(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(HookedApi)) as client:
        response = await client.get("/hooked/?deny=1")
    assert response.status_code == 403
    assert response.headers["x-trail"] == "yankee,bravo"
    assert hook_calls[-2:] == ["yankee_after", "bravo_after"]


class TeapotError(Exception):
    pass


class TeapotHandler(ExceptionHandler):
    @handles(TeapotError)
    async def teapot(self, req: Request, exc: TeapotError) -> Response:
        return req.response.json({"teapot": True}).status(418)


@path("/failing")
class FailingApi(Controller):
    @after_request
    async def stamp(self, res: Response) -> None:
        res.set_header("X-Seen-Status", str(res.status_code))

    @get("/missing")
    async def missing(self, req: Request) -> dict[str, str]:
        raise NotFound("Product 7 not found")

    @get("/crash")
    async def crash(self, req: Request) -> dict[str, str]:
        raise RuntimeError("boom")

    @get("/teapot")
    async def teapot(self, req: Request) -> dict[str, str]:
        raise TeapotError()

    @post("/body")
    @consumes(MediaType.APPLICATION_JSON)
    async def body(self, req: Request, data: dict[str, int]) -> dict[str, int]:
        return data


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/failing/missing", 404),
        ("GET", "/failing/crash", 500),
        ("GET", "/failing/teapot", 418),
        ("POST", "/failing/body", 415),
    ],
)
async def test_after_request_hooks_run_on_error_responses(
    make_app: MakeApp, method: str, url: str, status: int
) -> None:
    application = make_app(FailingApi, handlers=[TeapotHandler])
    async with PyJoltTestClient(application) as client:
        response = await client.request(method, url)
    assert response.status_code == status
    assert response.headers["x-seen-status"] == str(status)


async def test_routing_errors_have_no_controller_hooks_to_run(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(FailingApi)) as client:
        response = await client.get("/failing/nowhere")
    assert response.status_code == 404
    assert "x-seen-status" not in response.headers


async def test_hooks_only_run_for_their_own_controller(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(HookedApi, UnprefixedApi)) as client:
        response = await client.get("/about")
    assert response.status_code == 200
    assert hook_calls == []


# --- sync handlers ---------------------------------------------------------------------
released = threading.Event()


@path("/sync")
class SyncApi(Controller):
    @get("/thread")
    def sync_thread(self, req: Request) -> dict[str, bool]:
        return {"main_thread": threading.current_thread() is threading.main_thread()}

    @get("/async-thread")
    async def async_thread(self, req: Request) -> dict[str, bool]:
        return {"main_thread": threading.current_thread() is threading.main_thread()}

    @get("/slow")
    def slow(self, req: Request) -> dict[str, bool]:
        # Blocks its thread until the concurrent async request sets the event; if this
        # ran on the event loop, that request could never run and the wait would time out.
        return {"released": released.wait(timeout=5)}

    @get("/release")
    async def release(self, req: Request) -> dict[str, bool]:
        released.set()
        return {"released": True}

    @get("/<int:number>")
    def sync_with_param(self, req: Request, number: int) -> Response:
        return req.response.json({"double": number * 2})


async def test_sync_handler_runs_in_a_worker_thread(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(SyncApi)) as client:
        sync_response = await client.get("/sync/thread")
        async_response = await client.get("/sync/async-thread")
    assert threading.current_thread() is threading.main_thread()
    assert sync_response.json() == {"main_thread": False}
    assert async_response.json() == {"main_thread": True}


async def test_slow_sync_handler_does_not_block_concurrent_async_requests(
    make_app: MakeApp,
) -> None:
    released.clear()
    async with PyJoltTestClient(make_app(SyncApi)) as client:

        async def release_later() -> Any:
            await asyncio.sleep(0.05)
            return await client.get("/sync/release")

        slow, fast = await asyncio.wait_for(
            asyncio.gather(client.get("/sync/slow"), release_later()), timeout=10
        )
    assert fast.json() == {"released": True}
    assert slow.json() == {"released": True}


async def test_sync_handler_gets_route_parameters(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(SyncApi)) as client:
        response = await client.get("/sync/21")
    assert response.json() == {"double": 42}


# --- url_for ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("endpoint", "params", "expected"),
    [
        ("ItemsApi.list_items", {}, "/items/"),
        ("ItemsApi.get_item", {"item_id": 5}, "/items/5"),
        ("ItemsApi.get_item", {"item_id": 5, "expand": "owner"}, "/items/5?expand=owner"),
        ("ItemsApi.list_items", {"q": "red shoes", "page": 2}, "/items/?q=red+shoes&page=2"),
        ("ConvertersApi.as_path", {"value": "a/b/c.txt"}, "/conv/path/a/b/c.txt"),
        ("ConvertersApi.as_uuid", {"value": SAMPLE_UUID}, f"/conv/uuid/{SAMPLE_UUID}"),
        ("ConvertersApi.as_float", {"value": 2.5}, "/conv/float/2.5"),
        ("ConvertersApi.two", {"first": 1, "second": "x"}, "/conv/two/1/x"),
        ("ConvertersApi.as_string", {"value": "a b"}, "/conv/string/a%20b"),
    ],
)
def test_url_for_builds_the_path(
    make_app: MakeApp, endpoint: str, params: dict[str, Any], expected: str
) -> None:
    assert make_app(ItemsApi, ConvertersApi).url_for(endpoint, **params) == expected


def test_url_for_works_before_the_app_is_built(tmp_path: Any) -> None:
    application = PyJolt({"DEBUG": False, "BASE_PATH": str(tmp_path)})
    application.register_controller(ItemsApi)
    assert application.url_for("ItemsApi.get_item", item_id=1) == "/items/1"


@path("/links")
class LinksApi(Controller):
    @get("/")
    async def links(self, req: Request) -> dict[str, str]:
        return {"item": self.app.url_for("ItemsApi.get_item", item_id=8)}

    @get("/go")
    async def go(self, req: Request) -> Response:
        return req.response.redirect(self.app.url_for("ItemsApi.list_items"))


async def test_url_for_inside_a_handler(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(ItemsApi, LinksApi)) as client:
        links = await client.get("/links/")
        redirect = await client.get("/links/go")
    assert links.json() == {"item": "/items/8"}
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/items/"


@pytest.mark.parametrize("endpoint", ["Nope.index", "ItemsApi.missing", "get_item", ""])
def test_url_for_unknown_endpoint_raises_url_build_error(make_app: MakeApp, endpoint: str) -> None:
    with pytest.raises(UrlBuildError) as info:
        make_app(ItemsApi).url_for(endpoint)
    message = str(info.value)
    assert repr(endpoint) in message
    assert "no such endpoint" in message
    assert "ItemsApi.get_item" in message


@pytest.mark.parametrize(
    ("endpoint", "params", "missing"),
    [
        ("ItemsApi.get_item", {}, "item_id"),
        ("ItemsApi.get_item", {"other": 1}, "item_id"),
        ("ConvertersApi.two", {"first": 1}, "second"),
    ],
)
def test_url_for_missing_parameter_raises_url_build_error(
    make_app: MakeApp, endpoint: str, params: dict[str, Any], missing: str
) -> None:
    with pytest.raises(UrlBuildError) as info:
        make_app(ItemsApi, ConvertersApi).url_for(endpoint, **params)
    assert repr(endpoint) in str(info.value)
    assert missing in str(info.value)


@pytest.mark.parametrize(
    ("endpoint", "params"),
    [
        ("ItemsApi.get_item", {"item_id": "abc"}),
        ("ConvertersApi.as_float", {"value": "not-a-float"}),
    ],
)
def test_url_for_value_the_converter_refuses_raises_url_build_error(
    make_app: MakeApp, endpoint: str, params: dict[str, Any]
) -> None:
    with pytest.raises(UrlBuildError) as info:
        make_app(ItemsApi, ConvertersApi).url_for(endpoint, **params)
    assert repr(endpoint) in str(info.value)
    assert next(iter(params)) in str(info.value)


def test_url_build_error_is_a_lookup_error() -> None:
    assert issubclass(UrlBuildError, LookupError)
