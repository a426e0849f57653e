"""abort() answers JSON errors; html_abort() renders a template with its data."""

from pathlib import Path
from typing import Any

import httpx
import pytest

from pyjolt import HttpStatus, Request, Response, abort, html_abort
from pyjolt.controller import Controller, get, path
from pyjolt.exceptions import AborterException, ExceptionHandler, HtmlAborterException, handles
from pyjolt.testing import PyJoltTestClient

# name -> (abort keyword arguments, expected status, expected JSON body)
ABORTS: dict[str, tuple[dict[str, Any], int, dict[str, Any]]] = {
    "defaults": ({"msg": "Bad input"}, 400, {"status": "error", "message": "Bad input"}),
    "status-enum": (
        {"msg": "User with id 7 not found", "status_code": HttpStatus.NOT_FOUND},
        404,
        {"status": "error", "message": "User with id 7 not found"},
    ),
    "status-int": (
        {"msg": "Nope", "status_code": 403},
        403,
        {"status": "error", "message": "Nope"},
    ),
    "status-field": (
        {"msg": "Slow down", "status_code": 429, "status": "fail"},
        429,
        {"status": "fail", "message": "Slow down"},
    ),
    "data-dict": (
        {"msg": "Invalid", "status_code": 422, "data": {"field": "email"}},
        422,
        {"status": "error", "message": "Invalid", "data": {"field": "email"}},
    ),
    "data-list": (
        {"msg": "Conflicts", "status_code": 409, "data": [1, 2]},
        409,
        {"status": "error", "message": "Conflicts", "data": [1, 2]},
    ),
    "spec-example": (
        {
            "msg": "User with id 3 not found",
            "status_code": HttpStatus.NOT_FOUND,
            "status": "error",
            "data": None,
        },
        404,
        {"status": "error", "message": "User with id 3 not found"},
    ),
}

# name -> (html_abort arguments, expected status)
HTML_ABORTS: dict[str, tuple[dict[str, Any], int]] = {
    "default-status": ({"template": "error.html", "data": {"reason": "Broken"}}, 400),
    "not-found": (
        {"template": "error.html", "status_code": HttpStatus.NOT_FOUND, "data": {"reason": "Gone"}},
        404,
    ),
    "forbidden-int": (
        {"template": "error.html", "status_code": 403, "data": {"reason": "Keep out"}},
        403,
    ),
}


@path("/a")
class AbortApi(Controller):
    @get("/json/<name>")
    async def json_abort(self, req: Request, name: str) -> Response:
        abort(**ABORTS[name][0])
        return req.response.json({"unreachable": True})

    @get("/positional")
    async def positional(self, req: Request) -> Response:
        abort("Positional", HttpStatus.CONFLICT, "fail", {"id": 1})
        return req.response.json({"unreachable": True})

    @get("/after-building")
    async def after_building(self, req: Request) -> Response:
        req.response.set_cookie("half", "built").json({"half": True}).status(201)
        abort("Stop", 400)
        return req.response

    @get("/html/<name>")
    async def html(self, req: Request, name: str) -> Response:
        html_abort(**HTML_ABORTS[name][0])
        return req.response.json({"unreachable": True})

    @get("/html-positional")
    async def html_positional(self, req: Request) -> Response:
        html_abort("error.html", HttpStatus.GONE, {"reason": "Retired"})
        return req.response.json({"unreachable": True})

    @get("/html-escaped")
    async def html_escaped(self, req: Request) -> Response:
        html_abort("error.html", 400, {"reason": req.query_params["reason"]})
        return req.response.json({"unreachable": True})

    @get("/html-data")
    async def html_data(self, req: Request) -> Response:
        html_abort("data.html", 400, req.query_params["value"])
        return req.response.json({"unreachable": True})

    @get("/html-status-var")
    async def html_status_var(self, req: Request) -> Response:
        html_abort("status.html", HttpStatus.SERVICE_UNAVAILABLE)
        return req.response.json({"unreachable": True})

    @get("/html-missing")
    async def html_missing(self, req: Request) -> Response:
        html_abort("no-such-template.html", 404)
        return req.response.json({"unreachable": True})


class AbortHandler(ExceptionHandler):
    @handles(AborterException)
    async def aborted(self, req: Request, exc: AborterException) -> Response:
        return req.response.json(
            {"handled": exc.message, "code": exc.status_code, "extra": exc.data}
        ).status(exc.status_code)


def write_templates(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "error.html").write_text("<p>{{ reason }}</p>", encoding="utf-8")
    (folder / "data.html").write_text("<p>{{ data }}</p>", encoding="utf-8")
    (folder / "status.html").write_text("<p>{{ status_code }}</p>", encoding="utf-8")


async def fetch(make_app: Any, url: str, **kw: Any) -> httpx.Response:
    async with PyJoltTestClient(make_app(AbortApi, **kw)) as client:
        return await client.get(url)


# --- abort ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ABORTS))
async def test_abort_answers_status_and_json_body(make_app, name):
    _, status, body = ABORTS[name]
    response = await fetch(make_app, f"/a/json/{name}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json() == body


async def test_abort_accepts_positional_arguments(make_app):
    response = await fetch(make_app, "/a/positional")
    assert response.status_code == 409
    assert response.json() == {"status": "fail", "message": "Positional", "data": {"id": 1}}


async def test_abort_drops_what_the_endpoint_had_built(make_app):
    response = await fetch(make_app, "/a/after-building")
    assert response.status_code == 400
    assert response.json() == {"status": "error", "message": "Stop"}
    assert "set-cookie" not in response.headers


async def test_abort_is_answered_in_debug_mode_too(make_app):
    response = await fetch(make_app, "/a/json/status-enum", DEBUG=True)
    assert response.status_code == 404


def test_abort_raises_aborter_exception_with_its_fields():
    with pytest.raises(AborterException) as raised:
        abort("Gone", HttpStatus.GONE, "fail", {"id": 1})
    assert raised.value.message == "Gone"
    assert raised.value.status_code == 410
    assert raised.value.status == "fail"
    assert raised.value.data == {"id": 1}


async def test_abort_can_be_handled_by_a_user_handler(make_app):
    response = await fetch(make_app, "/a/json/data-dict", handlers=[AbortHandler])
    assert response.status_code == 422
    assert response.json() == {"handled": "Invalid", "code": 422, "extra": {"field": "email"}}


# --- html_abort -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(HTML_ABORTS))
async def test_html_abort_renders_the_template_with_its_status(make_app, tmp_path, name):
    write_templates(tmp_path)
    arguments, status = HTML_ABORTS[name]
    response = await fetch(make_app, f"/a/html/{name}")
    assert response.status_code == status
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == f"<p>{arguments['data']['reason']}</p>"


async def test_html_abort_accepts_positional_arguments(make_app, tmp_path):
    write_templates(tmp_path)
    response = await fetch(make_app, "/a/html-positional")
    assert response.status_code == 410
    assert response.text == "<p>Retired</p>"


async def test_html_abort_data_is_available_as_data(make_app, tmp_path):
    write_templates(tmp_path)
    async with PyJoltTestClient(make_app(AbortApi)) as client:
        response = await client.get("/a/html-data", params={"value": "plain value"})
    assert response.text == "<p>plain value</p>"


async def test_html_abort_status_code_is_available_in_the_template(make_app, tmp_path):
    write_templates(tmp_path)
    response = await fetch(make_app, "/a/html-status-var")
    assert response.status_code == 503
    assert response.text == "<p>503</p>"


async def test_html_abort_autoescapes_data(make_app, tmp_path):
    write_templates(tmp_path)
    async with PyJoltTestClient(make_app(AbortApi)) as client:
        response = await client.get("/a/html-escaped", params={"reason": "<script>x</script>"})
    assert response.text == "<p>&lt;script&gt;x&lt;/script&gt;</p>"


async def test_html_abort_is_rendered_without_a_user_handler_in_debug_mode(make_app, tmp_path):
    write_templates(tmp_path)
    response = await fetch(make_app, "/a/html/not-found", DEBUG=True)
    assert response.status_code == 404
    assert response.text == "<p>Gone</p>"


async def test_html_abort_is_not_caught_by_a_json_abort_handler(make_app, tmp_path):
    write_templates(tmp_path)
    response = await fetch(make_app, "/a/html/not-found", handlers=[AbortHandler])
    assert response.status_code == 404
    assert response.text == "<p>Gone</p>"


class CatchAllHandler(ExceptionHandler):
    """The SPEC's way to replace the generic 500 answer."""

    @handles(Exception)
    async def anything(self, req: Request, exc: Exception) -> Response:
        return req.response.json({"caught": type(exc).__name__}).status(500)


async def test_html_abort_is_rendered_despite_a_catch_all_handler(make_app, tmp_path):
    write_templates(tmp_path)
    response = await fetch(make_app, "/a/html/not-found", handlers=[CatchAllHandler])
    assert response.status_code == 404
    assert response.text == "<p>Gone</p>"


class HtmlAbortHandler(ExceptionHandler):
    @handles(HtmlAborterException)
    async def html_aborted(self, req: Request, exc: HtmlAborterException) -> Response:
        return req.response.json({"template": exc.template}).status(exc.status_code)


async def test_html_abort_can_be_handled_by_a_user_handler(make_app, tmp_path):
    response = await fetch(make_app, "/a/html/not-found", handlers=[HtmlAbortHandler])
    assert response.status_code == 404
    assert response.json() == {"template": "error.html"}


async def test_html_abort_with_missing_template_answers_500(make_app, tmp_path):
    write_templates(tmp_path)
    response = await fetch(make_app, "/a/html-missing")
    assert response.status_code == 500
    assert response.json() == {"status": "error", "message": "Internal server error"}


def test_html_abort_raises_html_aborter_exception_with_its_fields():
    with pytest.raises(HtmlAborterException) as raised:
        html_abort("error.html", HttpStatus.NOT_FOUND, {"reason": "x"})
    assert raised.value.template == "error.html"
    assert raised.value.status_code == 404
    assert raised.value.data == {"reason": "x"}
