"""The Request object as handlers see it: request line, headers, cookies, query and body."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from pyjolt import Request, Response
from pyjolt.controller import Controller, delete, get, patch, path, post, put
from pyjolt.testing import PyJoltTestClient


@path("/req")
class EchoApi(Controller):
    @get("/method")
    @post("/method")
    @put("/method")
    @patch("/method")
    @delete("/method")
    async def method(self, req: Request) -> Response:
        return req.response.json({"method": req.method})

    @get("/line/<path:rest>")
    async def line(self, req: Request, rest: str) -> Response:
        return req.response.json(
            {"path": req.path, "query_string": req.query_string, "url": req.url}
        )

    @get("/query")
    async def query(self, req: Request) -> Response:
        params = req.query_params
        return req.response.json(
            {
                "first": {key: params[key] for key in params},
                "lists": {key: params.getlist(key) for key in params},
                "missing": params.get("missing"),
            }
        )

    @get("/header/<name>")
    async def header(self, req: Request, name: str) -> Response:
        return req.response.json(
            {
                "indexed": req.headers[name],
                "get": req.headers.get(name),
                "contains": name in req.headers,
            }
        )

    @get("/cookies")
    async def cookies(self, req: Request) -> Response:
        return req.response.json({"cookies": dict(req.cookies), "missing": req.cookies.get("x")})

    @get("/client")
    async def client(self, req: Request) -> Response:
        return req.response.json({"client": req.client})

    @post("/body")
    async def body(self, req: Request) -> Response:
        raw = await req.body()
        return req.response.json({"size": len(raw), "text": raw.decode("latin-1")})

    @post("/body-twice")
    async def body_twice(self, req: Request) -> Response:
        first = await req.body()
        parsed = await req.json()
        second = await req.body()
        return req.response.json({"same": first == second, "json": parsed})

    @post("/json")
    async def json(self, req: Request) -> Response:
        return req.response.json({"json": await req.json()})

    @post("/form")
    async def form(self, req: Request) -> Response:
        form = await req.form()
        files = await req.files()
        return req.response.json(
            {
                "fields": {key: form.getlist(key) for key in form},
                "files": {
                    key: [[f.filename, f.content_type, (await f.read()).decode()]]
                    for key, f in files.items()
                },
            }
        )

    @get("/items/<int:item_id>/<slug>")
    async def route_params(self, req: Request, item_id: int, slug: str) -> Response:
        return req.response.json(
            {
                "route_parameters": req.route_parameters,
                "types": {key: type(value).__name__ for key, value in req.route_parameters.items()},
            }
        )

    @get("/response")
    async def response_object(self, req: Request) -> Response:
        return req.response.json(
            {"same": req.response is req.res, "stable": req.response is req.response}
        )

    @get("/user")
    async def user(self, req: Request) -> Response:
        return req.response.json({"user": req.user, "is_none": req.user is None})


@pytest.fixture
async def client(make_app: Any) -> AsyncIterator[PyJoltTestClient]:
    async with PyJoltTestClient(make_app(EchoApi), raise_server_exceptions=False) as test_client:
        yield test_client


# --- request line -------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
async def test_method_is_the_uppercase_http_method(client, method):
    response = await client.request(method, "/req/method")
    assert response.json() == {"method": method}


async def test_path_excludes_the_query_string(client):
    response = await client.get("/req/line/a/b/c.txt?x=1")
    assert response.json()["path"] == "/req/line/a/b/c.txt"


@pytest.mark.parametrize("query", ["a=1&b=2&a=3", "q=hello%20world", "flag", "", "x=%C3%A9&y=a+b"])
async def test_query_string_is_the_raw_text_after_the_question_mark(client, query):
    url = "/req/line/p" + (f"?{query}" if query else "")
    response = await client.get(url)
    assert response.json()["query_string"] == query


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/req/line/p", "http://testserver/req/line/p"),
        ("/req/line/p?a=1&b=2", "http://testserver/req/line/p?a=1&b=2"),
    ],
)
async def test_url_is_the_full_url_the_client_asked_for(client, url, expected):
    response = await client.get(url)
    assert response.json()["url"] == expected


async def test_url_uses_the_host_header(make_app):
    async with PyJoltTestClient(make_app(EchoApi), base_url="https://api.example.com") as client:
        response = await client.get("/req/line/p?z=9")
    assert response.json()["url"] == "https://api.example.com/req/line/p?z=9"


async def test_client_is_the_peer_host_and_port(client):
    response = await client.get("/req/client")
    host, port = response.json()["client"]
    assert isinstance(host, str) and host
    assert isinstance(port, int)


# --- query parameters ---------------------------------------------------------------------


async def test_query_param_lookup_gives_the_first_value(client):
    response = await client.get("/req/query?a=1&b=2&a=3")
    assert response.json()["first"] == {"a": "1", "b": "2"}


async def test_query_param_getlist_gives_every_value_in_order(client):
    response = await client.get("/req/query?a=1&b=2&a=3&a=")
    assert response.json()["lists"] == {"a": ["1", "3", ""], "b": ["2"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=hello%20world", {"q": "hello world"}),
        ("q=a+b", {"q": "a b"}),
        ("e=%C3%A9", {"e": "é"}),
        ("empty=&flag", {"empty": "", "flag": ""}),
        ("amp=%26&eq=%3D", {"amp": "&", "eq": "="}),
    ],
)
async def test_query_params_are_decoded(client, query, expected):
    response = await client.get(f"/req/query?{query}")
    assert response.json()["first"] == expected


async def test_missing_query_param_get_is_none(client):
    response = await client.get("/req/query?a=1")
    assert response.json()["missing"] is None


# --- headers and cookies ------------------------------------------------------------------


@pytest.mark.parametrize("asked", ["x-custom-header", "X-Custom-Header", "X-CUSTOM-HEADER"])
async def test_headers_are_case_insensitive(client, asked):
    response = await client.get(f"/req/header/{asked}", headers={"X-Custom-Header": "value 1"})
    assert response.json() == {"indexed": "value 1", "get": "value 1", "contains": True}


async def test_cookies_are_parsed_from_the_cookie_header(client):
    response = await client.get("/req/cookies", headers={"cookie": 'a=1; b=two; quoted="q v"'})
    assert response.json() == {
        "cookies": {"a": "1", "b": "two", "quoted": "q v"},
        "missing": None,
    }


@pytest.mark.parametrize(
    ("header", "kept"),
    [
        (b"a=\xff\xfe; b=ok", {"b": "ok"}),
        (b"session=abc; bad=\xc3\x28; theme=dark", {"session": "abc", "theme": "dark"}),
        (b"\xff=1; b=2", {"b": "2"}),
        (b"only=\x80", {}),
        (b'q="\xff"; b=2', {"b": "2"}),
    ],
    ids=["bad-first-value", "bad-middle-value", "bad-name", "only-bad", "bad-quoted"],
)
async def test_cookie_that_is_not_utf8_is_skipped(client, assert_quiet_log, header, kept):
    response = await client.get("/req/cookies", headers={"cookie": header})
    assert response.status_code == 200
    assert response.json()["cookies"] == kept
    assert_quiet_log()


async def test_utf8_cookie_values_are_decoded(client):
    response = await client.get("/req/cookies", headers={"cookie": "name=café".encode()})
    assert response.json()["cookies"] == {"name": "café"}


async def test_header_with_non_utf8_bytes_reads_as_latin1(client, assert_quiet_log):
    response = await client.get("/req/header/x-data", headers={"x-data": b"\xff\xfe<x>"})
    assert response.status_code == 200
    assert response.json()["get"] == "\u00ff\u00fe<x>"
    assert_quiet_log()


@pytest.mark.parametrize(
    ("value", "read"),
    [(b"a\r\n b", "a  b"), (b"a\nb", "a b"), (b"a\rb", "a b")],
    ids=["folded", "lf", "cr"],
)
async def test_header_value_with_a_line_break_reads_as_spaces(
    client, assert_quiet_log, value, read
):
    response = await client.get("/req/header/x-data", headers={"x-data": value})
    assert response.status_code == 200
    assert response.json()["get"] == read
    assert_quiet_log()


async def test_no_cookie_header_gives_empty_cookies(client):
    response = await client.get("/req/cookies")
    assert response.json() == {"cookies": {}, "missing": None}


# --- body access --------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"plain", bytes(range(256))], ids=repr)
async def test_body_returns_the_raw_bytes(client, content):
    response = await client.post("/req/body", content=content)
    assert response.json() == {"size": len(content), "text": content.decode("latin-1")}


async def test_body_is_read_once_and_reused_by_json(client):
    response = await client.post("/req/body-twice", json={"k": [1, 2]})
    assert response.json() == {"same": True, "json": {"k": [1, 2]}}


async def test_json_parses_the_body(client):
    response = await client.post("/req/json", json={"a": 1, "b": [True, None], "c": "é"})
    assert response.json() == {"json": {"a": 1, "b": [True, None], "c": "é"}}


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b"{'a': 1}",
        b'{"a": NaN}',
        b"[Infinity]",
        b"\xff\xfe",
        b"[" * 100_000 + b"]" * 100_000,
        b"[" + b"9" * 5000 + b"]",
        b'{"price": 1e999}',
        b'{"price": -1e999}',
        b'{"price": 1E400}',
    ],
    ids=[
        "empty",
        "truncated",
        "single-quotes",
        "nan",
        "infinity",
        "bad-utf8",
        "deep",
        "huge-int",
        "overflow",
        "negative-overflow",
        "capital-e-overflow",
    ],
)
async def test_json_of_a_malformed_body_is_400(client, assert_quiet_log, content):
    response = await client.post("/req/json", content=content)
    assert response.status_code == 400
    assert_quiet_log()


@pytest.mark.parametrize("opener", [b"[", b'{"a":'], ids=["arrays", "objects"])
async def test_json_nested_deeper_than_200_levels_is_400(client, assert_quiet_log, opener):
    closer = b"]" if opener == b"[" else b"}"
    response = await client.post("/req/json", content=opener * 300 + b"1" + closer * 300)
    assert response.status_code == 400
    assert "200" in response.json()["message"]
    assert_quiet_log()


async def test_json_nested_200_levels_is_accepted_and_can_be_echoed(client):
    response = await client.post("/req/json", content=b"[" * 200 + b"]" * 200)
    assert response.status_code == 200


async def test_json_with_many_shallow_brackets_is_accepted(client):
    body = b"[" + b",".join(b'{"tags": ["a", "b"]}' for _ in range(500)) + b"]"
    response = await client.post("/req/json", content=body)
    assert response.status_code == 200
    assert len(response.json()["json"]) == 500


async def test_body_over_max_body_size_is_413(make_app):
    application = make_app(EchoApi, MAX_BODY_SIZE=10)
    async with PyJoltTestClient(application, raise_server_exceptions=False) as client:
        response = await client.post("/req/body", content=b"x" * 11)
    assert response.status_code == 413


async def test_chunked_body_over_max_body_size_is_413(make_app):
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield b"x" * 4

    application = make_app(EchoApi, MAX_BODY_SIZE=10)
    async with PyJoltTestClient(application, raise_server_exceptions=False) as client:
        response = await client.post("/req/body", content=chunks())
    assert response.status_code == 413


async def test_form_gives_urlencoded_fields(client):
    response = await client.post(
        "/req/form",
        content="a=1&b=x%20y&a=2",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.json() == {"fields": {"a": ["1", "2"], "b": ["x y"]}, "files": {}}


async def test_form_and_files_give_multipart_fields_and_uploads(client):
    response = await client.post(
        "/req/form",
        data={"title": "Hi"},
        files={"doc": ("notes.txt", b"file body", "text/plain")},
    )
    assert response.json() == {
        "fields": {"title": ["Hi"]},
        "files": {"doc": [["notes.txt", "text/plain", "file body"]]},
    }


async def test_form_of_a_json_body_is_empty(client):
    response = await client.post("/req/form", json={"a": 1})
    assert response.json() == {"fields": {}, "files": {}}


# --- route parameters, response, user -----------------------------------------------------


async def test_route_parameters_hold_the_converted_url_values(client):
    response = await client.get("/req/items/42/blue-shoes")
    assert response.json() == {
        "route_parameters": {"item_id": 42, "slug": "blue-shoes"},
        "types": {"item_id": "int", "slug": "str"},
    }


async def test_response_and_res_are_the_same_object(client):
    response = await client.get("/req/response")
    assert response.json() == {"same": True, "stable": True}


async def test_user_is_none_by_default(client):
    response = await client.get("/req/user")
    assert response.json() == {"user": None, "is_none": True}
