"""Serving the document and Swagger UI: when, where, and from which copy of Swagger UI."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from pyjolt import ConfigError, PyJolt, Request, Response, app_path
from pyjolt.controller import Controller, get, path
from pyjolt.openapi import swagger
from pyjolt.testing import PyJoltTestClient

CDN = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"
VERSION = (swagger.SWAGGER_UI_DIR / "VERSION").read_text().strip()
SHIPPED = f"/openapi/swagger-ui/{VERSION}"
RECORDED_SHA256 = json.loads((swagger.SWAGGER_UI_DIR / "SOURCE.json").read_text())["files"]


@path("/api")
class PingApi(Controller):
    @get("/ping")
    async def ping(self, req: Request) -> Response[Any]:
        """Answer pong."""
        return req.response.json({"pong": True})


async def fetch(app: PyJolt, *urls: str, headers: dict[str, str] | None = None) -> list[Any]:
    async with PyJoltTestClient(app) as client:
        return [await client.get(url, headers=headers) for url in urls]


# --- when the document and the page are served ---------------------------------------
async def test_specs_json_and_docs_are_served_in_debug(make_app):
    app = make_app(PingApi, DEBUG=True)
    spec, docs = await fetch(app, "/openapi/specs.json", "/openapi/docs")
    assert spec.status_code == 200
    assert spec.headers["content-type"] == "application/json"
    assert spec.json() == app.openapi_spec()
    assert "/api/ping" in spec.json()["paths"]
    assert docs.status_code == 200
    assert docs.headers["content-type"] == "text/html; charset=utf-8"
    assert '"/openapi/specs.json"' in docs.text


async def test_nothing_is_served_when_debug_is_off(make_app):
    app = make_app(PingApi, DEBUG=False)
    answers = await fetch(app, "/openapi/specs.json", "/openapi/docs")
    assert [answer.status_code for answer in answers] == [404, 404]


async def test_open_api_in_production_serves_them_without_debug(make_app):
    app = make_app(PingApi, DEBUG=False, OPEN_API_IN_PRODUCTION=True)
    answers = await fetch(app, "/openapi/specs.json", "/openapi/docs")
    assert [answer.status_code for answer in answers] == [200, 200]


@pytest.mark.parametrize("production", [False, True])
async def test_nothing_is_served_when_open_api_is_off(make_app, production):
    app = make_app(PingApi, DEBUG=True, OPEN_API=False, OPEN_API_IN_PRODUCTION=production)
    answers = await fetch(app, "/openapi/specs.json", "/openapi/docs")
    assert [answer.status_code for answer in answers] == [404, 404]


def test_open_api_in_production_defaults_to_false(make_app):
    assert make_app().configs.OPEN_API_IN_PRODUCTION is False


# --- where ------------------------------------------------------------------------------
async def test_open_api_url_moves_both_endpoints(make_app):
    app = make_app(PingApi, DEBUG=True, OPEN_API_URL="/api-docs/")
    moved_spec, moved_docs, old_spec = await fetch(
        app, "/api-docs/specs.json", "/api-docs/docs", "/openapi/specs.json"
    )
    assert moved_spec.status_code == 200
    assert moved_docs.status_code == 200
    assert '"/api-docs/specs.json"' in moved_docs.text
    assert old_spec.status_code == 404


async def test_the_app_prefix_applies_to_the_docs_too(make_app):
    @app_path("/v1")
    class PrefixedApp(PyJolt):
        pass

    app = make_app(PingApi, app_class=PrefixedApp, DEBUG=True)
    spec, docs = await fetch(app, "/v1/openapi/specs.json", "/v1/openapi/docs")
    assert "/v1/api/ping" in spec.json()["paths"]
    assert '"/v1/openapi/specs.json"' in docs.text


def test_an_open_api_url_without_leading_slash_is_a_config_error(make_app):
    with pytest.raises(ConfigError, match="OPEN_API_URL 'docs' must start with '/'"):
        make_app(DEBUG=True, OPEN_API_URL="docs")


def test_the_serving_endpoints_are_not_in_the_document(make_app):
    spec = make_app(PingApi, DEBUG=True).openapi_spec()
    assert list(spec["paths"]) == ["/api/ping"]


# --- the Swagger UI page -----------------------------------------------------------------
async def test_docs_page_loads_the_swagger_ui_shipped_with_pyjolt(make_app):
    [docs] = await fetch(make_app(PingApi, DEBUG=True), "/openapi/docs")
    assert f'href="{SHIPPED}/swagger-ui.css"' in docs.text
    assert f'src="{SHIPPED}/swagger-ui-bundle.js"' in docs.text
    assert f'href="{SHIPPED}/favicon-32x32.png"' in docs.text
    assert "://" not in docs.text  # nothing is loaded from another host


async def test_docs_page_turns_off_the_online_validator_badge(make_app):
    [docs] = await fetch(make_app(PingApi, DEBUG=True), "/openapi/docs")
    assert "validatorUrl: null" in docs.text


async def test_docs_page_is_revalidated_because_it_names_the_current_release(make_app):
    [docs] = await fetch(make_app(PingApi, DEBUG=True), "/openapi/docs")
    assert docs.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("url", [CDN, CDN + "/"])
async def test_swagger_url_loads_swagger_ui_from_a_cdn_when_set(make_app, url):
    [docs] = await fetch(make_app(PingApi, DEBUG=True, OPEN_API_SWAGGER_URL=url), "/openapi/docs")
    assert f'href="{CDN}/swagger-ui.css"' in docs.text
    assert f'src="{CDN}/swagger-ui-bundle.js"' in docs.text
    assert "/openapi/swagger-ui/" not in docs.text


async def test_swagger_url_may_name_a_static_folder(make_app):
    app = make_app(PingApi, DEBUG=True, OPEN_API_SWAGGER_URL="/static/swagger-ui/")
    [docs] = await fetch(app, "/openapi/docs")
    assert 'href="/static/swagger-ui/swagger-ui.css"' in docs.text
    assert 'src="/static/swagger-ui/swagger-ui-bundle.js"' in docs.text


def test_swagger_url_is_unset_by_default(make_app):
    assert make_app().configs.OPEN_API_SWAGGER_URL is None


async def test_the_page_title_is_escaped(make_app):
    app = make_app(PingApi, DEBUG=True, APP_NAME="<script>alert(1)</script>")
    [docs] = await fetch(app, "/openapi/docs")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; - API docs</title>" in docs.text


def test_the_spec_url_cannot_close_the_script_element():
    page = swagger.swagger_page("API", "/x</script><script>alert(1)//", CDN)
    assert "</script><script>alert(1)" not in page
    assert '"/x\\u003c/script>\\u003cscript>alert(1)//"' in page


# --- the shipped Swagger UI files --------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
        ("swagger-ui.css", "text/css; charset=utf-8"),
        ("favicon-16x16.png", "image/png"),
        ("favicon-32x32.png", "image/png"),
    ],
)
async def test_each_shipped_file_is_served_with_its_type_and_bytes(make_app, name, content_type):
    [answer] = await fetch(make_app(PingApi, DEBUG=True), f"{SHIPPED}/{name}")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == content_type
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.content == (swagger.SWAGGER_UI_DIR / name).read_bytes()
    assert hashlib.sha256(answer.content).hexdigest() == RECORDED_SHA256[name]


async def test_shipped_files_may_be_kept_for_a_year_as_their_url_names_the_release(make_app):
    [answer] = await fetch(make_app(PingApi, DEBUG=True), f"{SHIPPED}/swagger-ui.css")
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_shipped_files_carry_validators_stable_across_installs(make_app):
    [answer] = await fetch(make_app(PingApi, DEBUG=True), f"{SHIPPED}/swagger-ui-bundle.js")
    assert answer.headers["etag"] == f'"{RECORDED_SHA256["swagger-ui-bundle.js"][:32]}"'
    assert answer.headers["last-modified"].endswith(" GMT")


async def test_a_matching_etag_is_answered_304_without_a_body(make_app):
    app = make_app(PingApi, DEBUG=True)
    [first] = await fetch(app, f"{SHIPPED}/swagger-ui.css")
    [again] = await fetch(
        app, f"{SHIPPED}/swagger-ui.css", headers={"if-none-match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""


async def test_an_unchanged_last_modified_is_answered_304(make_app):
    app = make_app(PingApi, DEBUG=True)
    [first] = await fetch(app, f"{SHIPPED}/swagger-ui.css")
    since = {"if-modified-since": first.headers["last-modified"]}
    [again] = await fetch(app, f"{SHIPPED}/swagger-ui.css", headers=since)
    assert again.status_code == 304


@pytest.mark.parametrize(
    "name",
    [
        "missing.js",
        "VERSION",
        "SOURCE.json",
        "LICENSE",
        "swagger-ui.js",
        "../swagger.py",
        "..%2Fswagger.py",
        "%2E%2E/swagger.py",
        "SWAGGER-UI.CSS",
    ],
)
async def test_only_the_files_the_page_loads_are_served(make_app, name):
    [answer] = await fetch(make_app(PingApi, DEBUG=True), f"{SHIPPED}/{name}")
    assert answer.status_code == 404
    assert "import" not in answer.text


@pytest.mark.parametrize("version", ["4.15.5", "5.0.0", "latest", ".."])
async def test_files_under_another_release_are_404(make_app, version):
    [answer] = await fetch(
        make_app(PingApi, DEBUG=True), f"/openapi/swagger-ui/{version}/swagger-ui.css"
    )
    assert answer.status_code == 404


async def test_shipped_files_follow_open_api_url_and_the_app_prefix(make_app):
    @app_path("/v1")
    class PrefixedApp(PyJolt):
        pass

    app = make_app(PingApi, app_class=PrefixedApp, DEBUG=True, OPEN_API_URL="/api-docs")
    moved = f"/v1/api-docs/swagger-ui/{VERSION}"
    docs, css = await fetch(app, "/v1/api-docs/docs", f"{moved}/swagger-ui.css")
    assert f'href="{moved}/swagger-ui.css"' in docs.text
    assert css.status_code == 200


async def test_shipped_files_are_not_served_when_the_docs_are_not(make_app):
    [answer] = await fetch(make_app(PingApi, DEBUG=False), f"{SHIPPED}/swagger-ui.css")
    assert answer.status_code == 404


async def test_building_an_app_reads_nothing_of_swagger_ui(make_app):
    swagger.swagger_ui_version.cache_clear()
    app = make_app(PingApi, DEBUG=True)
    assert swagger.swagger_ui_version.cache_info().misses == 0
    await fetch(app, "/openapi/docs")
    assert swagger.swagger_ui_version.cache_info().misses == 1
