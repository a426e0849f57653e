"""Response builders: status, JSON/text/HTML bodies, redirects, files, headers, cookies."""

import dataclasses
import datetime
import decimal
import os
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from pyjolt import HttpStatus, InvalidHeaderError, Request, Response, UnsafeRedirectError
from pyjolt.controller import Controller, get, path
from pyjolt.testing import PyJoltTestClient


class User(BaseModel):
    id: int
    name: str


@dataclasses.dataclass
class Point:
    x: int
    y: int


@dataclasses.dataclass
class Stamped:
    at: datetime.datetime
    key: uuid.UUID


FIXED_UUID = uuid.UUID("12345678-1234-5678-1234-567812345678")
UTC_MOMENT = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)

# name -> (data handed to res.json, the JSON the client must receive)
JSON_BODIES: dict[str, tuple[Any, Any]] = {
    "dict": ({"a": 1, "b": [1, 2], "c": None}, {"a": 1, "b": [1, 2], "c": None}),
    "list": ([1, "two", 3.5, True], [1, "two", 3.5, True]),
    "model": (User(id=1, name="Ann"), {"id": 1, "name": "Ann"}),
    "models_in_list": ([User(id=1, name="Ann")], [{"id": 1, "name": "Ann"}]),
    "model_in_dict": ({"user": User(id=2, name="Bo")}, {"user": {"id": 2, "name": "Bo"}}),
    "dataclass": (Point(x=1, y=2), {"x": 1, "y": 2}),
    "datetime": ({"at": UTC_MOMENT}, {"at": "2024-01-02T03:04:05+00:00"}),
    "naive_datetime": (
        {"at": datetime.datetime(2024, 1, 2, 3, 4, 5)},
        {"at": "2024-01-02T03:04:05"},
    ),
    "date": ({"on": datetime.date(2024, 1, 2)}, {"on": "2024-01-02"}),
    "uuid": ({"id": FIXED_UUID}, {"id": str(FIXED_UUID)}),
    "decimal": ({"price": decimal.Decimal("1.10")}, {"price": "1.10"}),
    "dataclass_with_datetime_and_uuid": (
        Stamped(at=UTC_MOMENT, key=FIXED_UUID),
        {"at": "2024-01-02T03:04:05+00:00", "key": str(FIXED_UUID)},
    ),
    "unicode": ({"text": "žluťoučký 🐴"}, {"text": "žluťoučký 🐴"}),
}

REDIRECT_STATUSES: dict[str, int | HttpStatus] = {
    "301": 301,
    "302": HttpStatus.FOUND,
    "307": HttpStatus.TEMPORARY_REDIRECT,
    "308": 308,
}


def files_dir(app: Any) -> Path:
    return Path(app.configs.BASE_PATH) / "files"


@path("/r")
class ResponsesApi(Controller):
    # --- status -------------------------------------------------------------------------
    @get("/status/int")
    async def status_int(self, req: Request) -> Response:
        return req.response.json({"ok": True}).status(201)

    @get("/status/enum")
    async def status_enum(self, req: Request) -> Response:
        return req.response.json({"ok": True}).status(HttpStatus.ACCEPTED)

    @get("/status/before-body")
    async def status_before_body(self, req: Request) -> Response:
        return req.response.status(HttpStatus.IM_A_TEAPOT).json({"ok": True})

    # --- bodies -------------------------------------------------------------------------
    @get("/json/<name>")
    async def json_body(self, req: Request, name: str) -> Response:
        return req.response.json(JSON_BODIES[name][0])

    @get("/not-modified")
    async def not_modified(self, req: Request) -> Response:
        return req.response.json({"dropped": True}).status(HttpStatus.NOT_MODIFIED)

    @get("/text")
    async def text(self, req: Request) -> Response:
        return req.response.text("héllo wörld")

    @get("/no-content")
    async def no_content(self, req: Request) -> Response:
        return req.response.no_content()

    @get("/no-content-after-json")
    async def no_content_after_json(self, req: Request) -> Response:
        return req.response.json({"discarded": True}).no_content()

    # --- plain return values ------------------------------------------------------------
    @get("/plain/dict")
    async def plain_dict(self, req: Request) -> dict[str, Any]:
        return {"plain": True}

    @get("/plain/list")
    async def plain_list(self, req: Request) -> list[int]:
        return [1, 2, 3]

    @get("/plain/model")
    async def plain_model(self, req: Request) -> User:
        return User(id=3, name="Cy")

    @get("/plain/none-after-building")
    async def none_after_building(self, req: Request) -> None:
        req.response.json({"built": "in place"}).status(HttpStatus.CREATED)
        req.response.set_header("X-Built", "yes")

    # --- redirects ----------------------------------------------------------------------
    @get("/redirect")
    async def redirect(self, req: Request) -> Response:
        return req.response.redirect(req.query_params["to"])

    @get("/redirect/catching")
    async def redirect_catching(self, req: Request) -> Response:
        try:
            req.response.redirect(req.query_params["to"])
        except UnsafeRedirectError as exc:
            return req.response.json({"raised": type(exc).__name__})
        return req.response.json({"raised": None})

    @get("/redirect/status/<name>")
    async def redirect_with_status(self, req: Request, name: str) -> Response:
        return req.response.redirect("/target", REDIRECT_STATUSES[name])

    @get("/redirect/external")
    async def redirect_external(self, req: Request) -> Response:
        return req.response.redirect(req.query_params["to"], allow_external=True)

    @get("/redirect/url-for")
    async def redirect_url_for(self, req: Request) -> Response:
        return req.response.redirect(self.app.url_for("ResponsesApi.text"))

    # --- templates ----------------------------------------------------------------------
    @get("/html-from-string")
    async def html_from_string(self, req: Request) -> Response:
        return req.response.html_from_string(
            "<p>{{ name }}</p>", {"name": req.query_params.get("name", "")}
        )

    @get("/html-from-string/safe")
    async def html_from_string_safe(self, req: Request) -> Response:
        return req.response.html_from_string("<p>{{ name|safe }}</p>", {"name": "<b>bold</b>"})

    @get("/html")
    async def html(self, req: Request) -> Response:
        return await req.response.html("page.html", {"title": req.query_params["title"]})

    @get("/html/chained")
    async def html_chained(self, req: Request) -> Response:
        ctx = {"title": "Chained"}
        return await (req.response.html("page.html", ctx)).status(HttpStatus.OK)

    @get("/html/chained-created")
    async def html_chained_created(self, req: Request) -> Response:
        ctx = {"title": "Made"}
        return await (req.response.html("page.html", ctx)).status(HttpStatus.CREATED)

    @get("/html/missing")
    async def html_missing(self, req: Request) -> Response:
        return await req.response.html("does-not-exist.html", {})

    # --- files --------------------------------------------------------------------------
    @get("/file/<name>")
    async def file(self, req: Request, name: str) -> Response:
        return req.response.send_file(files_dir(self.app) / name)

    @get("/file-str/<name>")
    async def file_str(self, req: Request, name: str) -> Response:
        return req.response.send_file(os.fspath(files_dir(self.app) / name))

    @get("/file-attachment/<name>")
    async def file_attachment(self, req: Request, name: str) -> Response:
        return req.response.send_file(files_dir(self.app) / name, as_attachment=True)

    @get("/bytes")
    async def file_bytes(self, req: Request) -> Response:
        return req.response.send_file(b"\x00\x01binary\xff")

    @get("/bytes/png")
    async def file_bytes_png(self, req: Request) -> Response:
        return req.response.send_file(
            b"\x89PNG\r\n\x1a\n", headers={"Content-Type": "image/png", "X-Source": "memory"}
        )

    # --- headers ------------------------------------------------------------------------
    @get("/header")
    async def header(self, req: Request) -> Response:
        return req.response.json({}).set_header("X-Custom", "value-1")

    @get("/header/replaced")
    async def header_replaced(self, req: Request) -> Response:
        return req.response.json({}).set_header("X-Custom", "old").set_header("x-custom", "new")

    @get("/header/content-type")
    async def header_content_type(self, req: Request) -> Response:
        return req.response.text("a,b\n1,2\n").set_header("Content-Type", "text/csv")

    @get("/header/bad-value")
    async def header_bad_value(self, req: Request) -> Response:
        return req.response.json({}).set_header("X-Evil", req.query_params["v"])

    @get("/header/catching")
    async def header_catching(self, req: Request) -> Response:
        try:
            req.response.set_header("X-Evil", req.query_params["v"])
        except InvalidHeaderError as exc:
            return req.response.json({"raised": type(exc).__name__})
        return req.response.json({"raised": None})

    @get("/header/bad-name")
    async def header_bad_name(self, req: Request) -> Response:
        return req.response.json({}).set_header(req.query_params["n"], "value")

    @get("/header/bad-value-before-cookie")
    async def header_bad_value_before_cookie(self, req: Request) -> Response:
        req.response.set_cookie("early", "1")
        return req.response.json({}).set_header("X-Evil", "a\r\nSet-Cookie: pwned=1")

    # --- cookies ------------------------------------------------------------------------
    @get("/cookie/default")
    async def cookie_default(self, req: Request) -> Response:
        return req.response.json({}).set_cookie("session", "abc")

    @get("/cookie/secure")
    async def cookie_secure(self, req: Request) -> Response:
        return req.response.json({}).set_cookie("session", "abc", secure=True)

    @get("/cookie/not-http-only")
    async def cookie_not_http_only(self, req: Request) -> Response:
        return req.response.json({}).set_cookie("theme", "dark", http_only=False)

    @get("/cookie/strict")
    async def cookie_strict(self, req: Request) -> Response:
        return req.response.json({}).set_cookie("session", "abc", same_site="Strict")

    @get("/cookie/same-site-none")
    async def cookie_same_site_none(self, req: Request) -> Response:
        return req.response.json({}).set_cookie("session", "abc", secure=True, same_site="None")

    @get("/cookie/same-site-none-insecure")
    async def cookie_same_site_none_insecure(self, req: Request) -> Response:
        return req.response.json({}).set_cookie("session", "abc", same_site="None")

    @get("/cookie/attributes")
    async def cookie_attributes(self, req: Request) -> Response:
        return req.response.json({}).set_cookie(
            "session", "abc", max_age=60, path="/app", domain="example.com"
        )

    @get("/cookie/two")
    async def cookie_two(self, req: Request) -> Response:
        return req.response.json({}).set_cookie("a", "1").set_cookie("b", "2")

    @get("/cookie/bad/<part>")
    async def cookie_bad(self, req: Request, part: str) -> Response:
        evil = "x\r\nSet-Cookie: pwned=1"
        kwargs: dict[str, Any] = {"cookie_name": "session", "value": "abc"}
        kwargs["cookie_name" if part == "name" else part] = evil
        return req.response.json({}).set_cookie(**kwargs)

    @get("/cookie/delete")
    async def cookie_delete(self, req: Request) -> Response:
        return req.response.json({}).delete_cookie("session")

    @get("/cookie/delete-scoped")
    async def cookie_delete_scoped(self, req: Request) -> Response:
        return req.response.json({}).delete_cookie("session", path="/app", domain="example.com")

    @get("/cookie/delete-bad/<part>")
    async def cookie_delete_bad(self, req: Request, part: str) -> Response:
        evil = "x\r\nSet-Cookie: pwned=1"
        kwargs: dict[str, Any] = {"cookie_name": "session"}
        kwargs["cookie_name" if part == "name" else part] = evil
        return req.response.json({}).delete_cookie(**kwargs)


async def call(make_app: Any, url: str, method: str = "GET", **settings: Any) -> httpx.Response:
    """One request against a fresh app serving ResponsesApi."""
    async with PyJoltTestClient(make_app(ResponsesApi, **settings)) as client:
        return await client.request(method, url)


REFUSED_REDIRECT = "Redirect target refused"
REFUSED_HEADER = "A value from the request cannot be sent in a response header"


def assert_refused(response: httpx.Response, message_start: str) -> None:
    """400 with the refusal message, and nothing of the refused value in the answer."""
    assert response.status_code == 400
    assert response.json()["message"].startswith(message_start)
    assert "location" not in response.headers
    assert "set-cookie" not in response.headers
    assert "x-injected" not in response.headers


def cookie_attributes(set_cookie: str) -> dict[str, str]:
    """``'a=b; HttpOnly; Path=/'`` -> ``{'a': 'b', 'httponly': '', 'path': '/'}``."""
    parts = [part.strip() for part in set_cookie.split(";")]
    name, _, value = parts[0].partition("=")
    attributes = {name: value}
    for part in parts[1:]:
        key, _, val = part.partition("=")
        attributes[key.lower()] = val
    return attributes


# --- status ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [("/r/status/int", 201), ("/r/status/enum", 202), ("/r/status/before-body", 418)],
)
async def test_status_sets_the_status_code_from_int_or_http_status(make_app, url, expected):
    response = await call(make_app, url)
    assert response.status_code == expected
    assert response.json() == {"ok": True}


# --- json -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(JSON_BODIES))
async def test_json_serializes_the_data(make_app, name):
    response = await call(make_app, f"/r/json/{name}")
    assert response.status_code == 200
    assert response.json() == JSON_BODIES[name][1]


async def test_json_sets_application_json_content_type(make_app):
    response = await call(make_app, "/r/json/dict")
    assert response.headers["content-type"] == "application/json"


async def test_json_sets_content_length_of_the_body(make_app):
    response = await call(make_app, "/r/json/unicode")
    assert int(response.headers["content-length"]) == len(response.content)


async def test_json_body_is_utf8_encoded(make_app):
    response = await call(make_app, "/r/json/unicode")
    assert "žluťoučký 🐴".encode() in response.content


async def test_head_request_sends_json_headers_without_body(make_app):
    response = await call(make_app, "/r/json/dict", method="HEAD")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) > 0
    assert response.content == b""


async def test_status_304_sends_no_body_and_no_content_type(make_app):
    response = await call(make_app, "/r/not-modified")
    assert response.status_code == 304
    assert response.content == b""
    assert "content-type" not in response.headers


# --- text -----------------------------------------------------------------------------


async def test_text_sends_utf8_plain_text(make_app):
    response = await call(make_app, "/r/text")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.content == "héllo wörld".encode()


# --- no content -----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/r/no-content", "/r/no-content-after-json"])
async def test_no_content_answers_204_with_an_empty_body(make_app, url):
    response = await call(make_app, url)
    assert response.status_code == 204
    assert response.content == b""


async def test_no_content_sends_no_content_type(make_app):
    response = await call(make_app, "/r/no-content")
    assert "content-type" not in response.headers


# --- plain return values --------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/r/plain/dict", {"plain": True}),
        ("/r/plain/list", [1, 2, 3]),
        ("/r/plain/model", {"id": 3, "name": "Cy"}),
    ],
)
async def test_plain_return_value_is_sent_as_json(make_app, url, expected):
    response = await call(make_app, url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == expected


async def test_returning_none_sends_the_response_built_on_the_request(make_app):
    response = await call(make_app, "/r/plain/none-after-building")
    assert response.status_code == 201
    assert response.headers["x-built"] == "yes"
    assert response.json() == {"built": "in place"}


# --- redirects ------------------------------------------------------------------------


async def test_redirect_defaults_to_303_see_other(make_app):
    response = await call(make_app, "/r/redirect?to=/next")
    assert response.status_code == 303
    assert response.headers["location"] == "/next"


async def test_redirect_has_an_empty_body_and_no_content_type(make_app):
    response = await call(make_app, "/r/redirect?to=/next")
    assert response.content == b""
    assert "content-type" not in response.headers


@pytest.mark.parametrize("name", sorted(REDIRECT_STATUSES))
async def test_redirect_uses_the_given_status(make_app, name):
    response = await call(make_app, f"/r/redirect/status/{name}")
    assert response.status_code == int(REDIRECT_STATUSES[name])
    assert response.headers["location"] == "/target"


@pytest.mark.parametrize(
    "location",
    ["/next", "/next?a=1&b=2#frag", "next", "../up", "http://testserver/home", "?page=2"],
)
async def test_redirect_allows_same_site_locations(make_app, location):
    async with PyJoltTestClient(make_app(ResponsesApi)) as client:
        response = await client.get("/r/redirect", params={"to": location})
    assert response.status_code == 303
    assert response.headers["location"] == location


async def test_redirect_to_url_for_result(make_app):
    response = await call(make_app, "/r/redirect/url-for")
    assert response.headers["location"] == "/r/text"


UNSAFE_LOCATIONS = [
    "https://evil.com/login",
    "http://evil.com",
    "//evil.com",
    "///evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    " //evil.com",
    "/\t/evil.com",
    "http://testserver@evil.com/",
    "https:evil.com",
    "https:/evil.com",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://testserver/file",
    "http://[",
    "//[::1",
    "https://[evil.com/",
]


@pytest.mark.parametrize("location", UNSAFE_LOCATIONS)
async def test_redirect_refuses_other_hosts_and_schemes_with_400(make_app, location):
    async with PyJoltTestClient(make_app(ResponsesApi)) as client:
        response = await client.get("/r/redirect", params={"to": location})
    assert_refused(response, REFUSED_REDIRECT)


async def test_refused_redirect_raises_unsafe_redirect_error(make_app):
    async with PyJoltTestClient(make_app(ResponsesApi)) as client:
        response = await client.get("/r/redirect/catching", params={"to": "//evil.com"})
    assert response.json() == {"raised": "UnsafeRedirectError"}


async def test_refused_redirect_is_answered_in_debug_mode_too(make_app):
    async with PyJoltTestClient(make_app(ResponsesApi, DEBUG=True)) as client:
        response = await client.get("/r/redirect", params={"to": "//evil.com"})
    assert_refused(response, REFUSED_REDIRECT)


async def test_refused_redirect_does_not_echo_the_target(make_app):
    async with PyJoltTestClient(make_app(ResponsesApi)) as client:
        response = await client.get("/r/redirect", params={"to": "//evil.com/<script>"})
    assert "evil.com" not in response.text
    assert "script" not in response.text


async def test_refused_redirect_logs_one_warning_without_traceback(make_app, caplog):
    async with PyJoltTestClient(make_app(ResponsesApi)) as client:
        await client.get("/r/redirect", params={"to": "//evil.com"})
    records = [r for r in caplog.records if r.name.startswith("pyjolt")]
    assert [r.levelname for r in records] == ["WARNING"]
    assert records[0].exc_info is None


@pytest.mark.parametrize("location", ["https://evil.com/login", "//cdn.example.com/x"])
async def test_redirect_allows_other_hosts_with_allow_external(make_app, location):
    async with PyJoltTestClient(make_app(ResponsesApi)) as client:
        response = await client.get("/r/redirect/external", params={"to": location})
    assert response.status_code == 303
    assert response.headers["location"] == location


async def test_redirect_location_with_crlf_is_refused(make_app, assert_quiet_log):
    async with PyJoltTestClient(make_app(ResponsesApi)) as client:
        response = await client.get("/r/redirect", params={"to": "/next\r\nSet-Cookie: a=1"})
    assert_refused(response, REFUSED_HEADER)
    assert_quiet_log()


# --- HTML -----------------------------------------------------------------------------


async def test_html_from_string_renders_with_context(make_app):
    response = await call(make_app, "/r/html-from-string?name=Ann")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == "<p>Ann</p>"


async def test_html_from_string_autoescapes_context_values(make_app):
    async with PyJoltTestClient(make_app(ResponsesApi)) as client:
        response = await client.get(
            "/r/html-from-string", params={"name": "<script>alert('x')</script>"}
        )
    assert "<script>" not in response.text
    assert response.text == "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>"


async def test_html_from_string_safe_filter_opts_out_of_escaping(make_app):
    response = await call(make_app, "/r/html-from-string/safe")
    assert response.text == "<p><b>bold</b></p>"


def write_page(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir(exist_ok=True)
    (tmp_path / "templates" / "page.html").write_text("<h1>{{ title }}</h1>", encoding="utf-8")


async def test_html_renders_a_template_file(make_app, tmp_path):
    write_page(tmp_path)
    response = await call(make_app, "/r/html?title=Welcome")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == "<h1>Welcome</h1>"


async def test_html_template_file_autoescapes_context_values(make_app, tmp_path):
    write_page(tmp_path)
    async with PyJoltTestClient(make_app(ResponsesApi)) as client:
        response = await client.get("/r/html", params={"title": "<img src=x onerror=1>"})
    assert response.text == "<h1>&lt;img src=x onerror=1&gt;</h1>"


async def test_html_chained_status_form_from_the_spec(make_app, tmp_path):
    write_page(tmp_path)
    response = await call(make_app, "/r/html/chained")
    assert response.status_code == 200
    assert response.text == "<h1>Chained</h1>"


async def test_html_chained_status_is_applied(make_app, tmp_path):
    write_page(tmp_path)
    response = await call(make_app, "/r/html/chained-created")
    assert response.status_code == 201
    assert response.text == "<h1>Made</h1>"


async def test_html_with_missing_template_answers_500_in_production(make_app, tmp_path):
    response = await call(make_app, "/r/html/missing")
    assert response.status_code == 500
    assert response.json() == {"status": "error", "message": "Internal server error"}


# --- files ----------------------------------------------------------------------------


def write_file(tmp_path: Path, name: str, content: bytes) -> None:
    (tmp_path / "files").mkdir(exist_ok=True)
    (tmp_path / "files" / name).write_bytes(content)


@pytest.mark.parametrize("route", ["file", "file-str"])
async def test_send_file_sends_the_file_content(make_app, tmp_path, route):
    write_file(tmp_path, "report.txt", b"line one\nline two\n")
    response = await call(make_app, f"/r/{route}/report.txt")
    assert response.status_code == 200
    assert response.content == b"line one\nline two\n"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("report.txt", "text/plain; charset=utf-8"),
        ("data.json", "application/json"),
        ("image.png", "image/png"),
        ("page.html", "text/html; charset=utf-8"),
        ("blob.unknownext", "application/octet-stream"),
    ],
)
async def test_send_file_guesses_content_type_from_the_name(make_app, tmp_path, name, content_type):
    write_file(tmp_path, name, b"content")
    response = await call(make_app, f"/r/file/{name}")
    assert response.headers["content-type"] == content_type


async def test_send_file_sets_content_length(make_app, tmp_path):
    write_file(tmp_path, "report.txt", b"12345")
    response = await call(make_app, "/r/file/report.txt")
    assert response.headers["content-length"] == "5"


async def test_send_file_streams_a_file_larger_than_one_chunk(make_app, tmp_path):
    content = os.urandom(200 * 1024 + 7)
    write_file(tmp_path, "big.bin", content)
    response = await call(make_app, "/r/file/big.bin")
    assert response.headers["content-length"] == str(len(content))
    assert response.content == content


async def test_send_file_of_an_empty_file(make_app, tmp_path):
    write_file(tmp_path, "empty.txt", b"")
    response = await call(make_app, "/r/file/empty.txt")
    assert response.status_code == 200
    assert response.headers["content-length"] == "0"
    assert response.content == b""


async def test_send_file_head_request_has_headers_but_no_body(make_app, tmp_path):
    write_file(tmp_path, "report.txt", b"12345")
    response = await call(make_app, "/r/file/report.txt", method="HEAD")
    assert response.status_code == 200
    assert response.headers["content-length"] == "5"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.content == b""


async def test_send_file_as_attachment_sets_content_disposition(make_app, tmp_path):
    write_file(tmp_path, "report.txt", b"x")
    response = await call(make_app, "/r/file-attachment/report.txt")
    assert response.headers["content-disposition"] == "attachment; filename*=UTF-8''report.txt"


async def test_send_file_missing_file_answers_404(make_app, tmp_path):
    response = await call(make_app, "/r/file/missing.txt")
    assert response.status_code == 404
    assert response.json()["status"] == "error"


async def test_send_file_of_a_directory_answers_404(make_app, tmp_path):
    (tmp_path / "files" / "folder").mkdir(parents=True)
    response = await call(make_app, "/r/file/folder")
    assert response.status_code == 404


async def test_send_file_from_bytes_sends_them_as_octet_stream(make_app):
    response = await call(make_app, "/r/bytes")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-length"] == str(len(b"\x00\x01binary\xff"))
    assert response.content == b"\x00\x01binary\xff"


async def test_send_file_from_bytes_applies_the_given_headers(make_app):
    response = await call(make_app, "/r/bytes/png")
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-source"] == "memory"
    assert response.content == b"\x89PNG\r\n\x1a\n"


async def test_send_file_from_bytes_head_request_has_no_body(make_app):
    response = await call(make_app, "/r/bytes", method="HEAD")
    assert response.headers["content-length"] == str(len(b"\x00\x01binary\xff"))
    assert response.content == b""


# --- headers --------------------------------------------------------------------------


async def test_set_header_adds_the_header(make_app):
    response = await call(make_app, "/r/header")
    assert response.headers["x-custom"] == "value-1"


async def test_set_header_replaces_a_header_case_insensitively(make_app):
    response = await call(make_app, "/r/header/replaced")
    assert response.headers.get_list("x-custom") == ["new"]


async def test_set_header_content_type_changes_the_content_type(make_app):
    response = await call(make_app, "/r/header/content-type")
    assert response.headers.get_list("content-type") == ["text/csv; charset=utf-8"]


HEADER_VALUES_WITH_LINE_BREAKS = [
    "a\r\nSet-Cookie: pwned=1",
    "a\nX-Injected: 1",
    "a\rX-Injected: 1",
    "a\x00b",
]


@pytest.mark.parametrize("value", HEADER_VALUES_WITH_LINE_BREAKS)
async def test_set_header_with_cr_lf_in_value_answers_400(make_app, value):
    async with PyJoltTestClient(make_app(ResponsesApi, DEBUG=True)) as client:
        response = await client.get("/r/header/bad-value", params={"v": value})
    assert_refused(response, REFUSED_HEADER)


@pytest.mark.parametrize("value", ["snowman \u2603", "euro \u20ac"])
async def test_set_header_with_non_latin1_value_answers_400(make_app, value):
    async with PyJoltTestClient(make_app(ResponsesApi, DEBUG=True)) as client:
        response = await client.get("/r/header/bad-value", params={"v": value})
    assert_refused(response, REFUSED_HEADER)


@pytest.mark.parametrize("name", ["X-A\r\nX-Injected", "X-A\nB"])
async def test_set_header_with_cr_lf_in_name_answers_400(make_app, name):
    async with PyJoltTestClient(make_app(ResponsesApi, DEBUG=True)) as client:
        response = await client.get("/r/header/bad-name", params={"n": name})
    assert_refused(response, REFUSED_HEADER)


async def test_set_header_with_cr_lf_raises_invalid_header_error(make_app):
    async with PyJoltTestClient(make_app(ResponsesApi)) as client:
        response = await client.get("/r/header/catching", params={"v": "a\r\nb"})
    assert response.json() == {"raised": "InvalidHeaderError"}


@pytest.mark.parametrize("value", HEADER_VALUES_WITH_LINE_BREAKS)
async def test_header_with_cr_lf_answers_400_quietly_not_a_split_response(
    make_app, assert_quiet_log, value
):
    async with PyJoltTestClient(make_app(ResponsesApi)) as client:
        response = await client.get("/r/header/bad-value", params={"v": value})
    assert_refused(response, REFUSED_HEADER)
    assert "x-evil" not in response.headers
    assert "pwned" not in response.text
    assert_quiet_log()


async def test_header_error_drops_what_the_handler_had_already_set(make_app):
    response = await call(make_app, "/r/header/bad-value-before-cookie")
    assert response.status_code == 400
    assert "set-cookie" not in response.headers


# --- cookies --------------------------------------------------------------------------


async def test_set_cookie_is_http_only_and_same_site_lax_by_default(make_app):
    response = await call(make_app, "/r/cookie/default")
    attributes = cookie_attributes(response.headers["set-cookie"])
    assert attributes["session"] == "abc"
    assert "httponly" in attributes
    assert attributes["samesite"] == "Lax"
    assert attributes["path"] == "/"
    assert "secure" not in attributes


async def test_set_cookie_reaches_the_client_cookie_jar(make_app):
    async with PyJoltTestClient(make_app(ResponsesApi)) as client:
        await client.get("/r/cookie/default")
        assert client.cookies.get("session") == "abc"


async def test_set_cookie_secure(make_app):
    response = await call(make_app, "/r/cookie/secure")
    assert "secure" in cookie_attributes(response.headers["set-cookie"])


async def test_set_cookie_http_only_can_be_turned_off(make_app):
    response = await call(make_app, "/r/cookie/not-http-only")
    assert "httponly" not in cookie_attributes(response.headers["set-cookie"])


@pytest.mark.parametrize(
    ("url", "same_site"), [("/r/cookie/strict", "Strict"), ("/r/cookie/same-site-none", "None")]
)
async def test_set_cookie_same_site(make_app, url, same_site):
    response = await call(make_app, url)
    assert cookie_attributes(response.headers["set-cookie"])["samesite"] == same_site


async def test_set_cookie_same_site_none_requires_secure(make_app):
    async with PyJoltTestClient(make_app(ResponsesApi, DEBUG=True)) as client:
        with pytest.raises(ValueError, match="secure=True"):
            await client.get("/r/cookie/same-site-none-insecure")


async def test_set_cookie_same_site_none_without_secure_is_a_server_error(make_app):
    response = await call(make_app, "/r/cookie/same-site-none-insecure")
    assert response.status_code == 500


async def test_set_cookie_max_age_path_and_domain(make_app):
    response = await call(make_app, "/r/cookie/attributes")
    attributes = cookie_attributes(response.headers["set-cookie"])
    assert attributes["max-age"] == "60"
    assert attributes["path"] == "/app"
    assert attributes["domain"] == "example.com"


async def test_set_cookie_twice_sends_two_set_cookie_headers(make_app):
    response = await call(make_app, "/r/cookie/two")
    cookies = [cookie_attributes(value) for value in response.headers.get_list("set-cookie")]
    assert [(c.get("a"), c.get("b")) for c in cookies] == [("1", None), (None, "2")]


@pytest.mark.parametrize("part", ["value", "name", "domain", "path"])
async def test_set_cookie_with_cr_lf_answers_400_without_injected_cookie(make_app, part):
    response = await call(make_app, f"/r/cookie/bad/{part}", DEBUG=True)
    assert_refused(response, REFUSED_HEADER)
    assert response.headers.get_list("set-cookie") == []


async def test_delete_cookie_expires_the_cookie(make_app):
    response = await call(make_app, "/r/cookie/delete")
    attributes = cookie_attributes(response.headers["set-cookie"])
    assert attributes["session"] == ""
    assert attributes["max-age"] == "0"
    assert "1970" in attributes["expires"]
    assert attributes["path"] == "/"


async def test_delete_cookie_removes_it_from_the_client(make_app):
    async with PyJoltTestClient(make_app(ResponsesApi)) as client:
        await client.get("/r/cookie/default")
        assert client.cookies.get("session") == "abc"
        await client.get("/r/cookie/delete")
        assert client.cookies.get("session") is None


async def test_delete_cookie_with_path_and_domain(make_app):
    response = await call(make_app, "/r/cookie/delete-scoped")
    attributes = cookie_attributes(response.headers["set-cookie"])
    assert attributes["path"] == "/app"
    assert attributes["domain"] == "example.com"


@pytest.mark.parametrize("part", ["name", "domain", "path"])
async def test_delete_cookie_with_cr_lf_answers_400(make_app, part):
    response = await call(make_app, f"/r/cookie/delete-bad/{part}", DEBUG=True)
    assert_refused(response, REFUSED_HEADER)
