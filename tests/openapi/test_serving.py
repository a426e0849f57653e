"""Serving the document and Swagger UI: when, where, and from which copy of Swagger UI."""

from __future__ import annotations

import logging
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from pyjolt import ConfigError, PyJolt, Request, Response, app_path
from pyjolt.controller import Controller, get, path
from pyjolt.openapi import swagger
from pyjolt.testing import PyJoltTestClient

CDN = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"


@path("/api")
class PingApi(Controller):
    @get("/ping")
    async def ping(self, req: Request) -> Response[Any]:
        """Answer pong."""
        return req.response.json({"pong": True})


async def fetch(app: PyJolt, *urls: str) -> list[Any]:
    async with PyJoltTestClient(app) as client:
        return [await client.get(url) for url in urls]


@pytest.fixture
def no_bundle(monkeypatch):
    """swagger-ui-bundle is not installed (whatever this machine has)."""
    monkeypatch.setitem(sys.modules, "swagger_ui_bundle", None)


@pytest.fixture
def fake_bundle(monkeypatch, tmp_path: Path):
    """A stand-in swagger-ui-bundle shipping Swagger UI 5 files."""

    def install(version: str = "5.17.14", create: bool = True) -> Path:
        folder = tmp_path / "bundle" / f"swagger-ui-{version}"
        if create:
            folder.mkdir(parents=True)
            (folder / "swagger-ui.css").write_text("/* css */")
            (folder / "swagger-ui-bundle.js").write_text("// js")
        (tmp_path / "secret.txt").write_text("TOP-SECRET")
        module = types.ModuleType("swagger_ui_bundle")
        module.swagger_ui_path = folder  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "swagger_ui_bundle", module)
        return folder

    return install


# --- when the document and the page are served ---------------------------------------
async def test_specs_json_and_docs_are_served_in_debug(make_app, no_bundle):
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


async def test_open_api_in_production_serves_them_without_debug(make_app, no_bundle):
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
async def test_open_api_url_moves_both_endpoints(make_app, no_bundle):
    app = make_app(PingApi, DEBUG=True, OPEN_API_URL="/api-docs/")
    moved_spec, moved_docs, old_spec = await fetch(
        app, "/api-docs/specs.json", "/api-docs/docs", "/openapi/specs.json"
    )
    assert moved_spec.status_code == 200
    assert moved_docs.status_code == 200
    assert '"/api-docs/specs.json"' in moved_docs.text
    assert old_spec.status_code == 404


async def test_the_app_prefix_applies_to_the_docs_too(make_app, no_bundle):
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
async def test_docs_page_loads_swagger_ui_from_the_cdn_by_default(make_app, no_bundle):
    [docs] = await fetch(make_app(PingApi, DEBUG=True), "/openapi/docs")
    assert f'href="{CDN}/swagger-ui.css"' in docs.text
    assert f'src="{CDN}/swagger-ui-bundle.js"' in docs.text


async def test_swagger_url_is_configurable(make_app, no_bundle):
    app = make_app(PingApi, DEBUG=True, OPEN_API_SWAGGER_URL="/static/swagger-ui/")
    [docs] = await fetch(app, "/openapi/docs")
    assert 'href="/static/swagger-ui/swagger-ui.css"' in docs.text
    assert 'src="/static/swagger-ui/swagger-ui-bundle.js"' in docs.text
    assert CDN not in docs.text


async def test_the_page_title_is_escaped(make_app, no_bundle):
    app = make_app(PingApi, DEBUG=True, APP_NAME="<script>alert(1)</script>")
    [docs] = await fetch(app, "/openapi/docs")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; - API docs</title>" in docs.text


def test_the_spec_url_cannot_close_the_script_element():
    page = swagger.swagger_page("API", "/x</script><script>alert(1)//", CDN)
    assert "</script><script>alert(1)" not in page
    assert '"/x\\u003c/script>\\u003cscript>alert(1)//"' in page


# --- offline Swagger UI from swagger-ui-bundle -----------------------------------------
async def test_installed_bundle_is_served_and_used_by_the_page(make_app, fake_bundle):
    fake_bundle()
    app = make_app(PingApi, DEBUG=True)
    docs, css, js = await fetch(
        app,
        "/openapi/docs",
        "/openapi/swagger/swagger-ui.css",
        "/openapi/swagger/swagger-ui-bundle.js",
    )
    assert 'href="/openapi/swagger/swagger-ui.css"' in docs.text
    assert 'src="/openapi/swagger/swagger-ui-bundle.js"' in docs.text
    assert CDN not in docs.text
    assert (css.status_code, css.text) == (200, "/* css */")
    assert css.headers["content-type"].startswith("text/css")
    assert css.headers["cache-control"] == "public, max-age=86400"
    assert (js.status_code, js.text) == (200, "// js")


@pytest.mark.parametrize(
    "asset",
    ["missing.js", "../secret.txt", "..%2Fsecret.txt", "%2E%2E/secret.txt", "sub/../x.css"],
)
async def test_only_the_bundles_own_files_are_served(make_app, fake_bundle, asset):
    fake_bundle()
    [answer] = await fetch(make_app(PingApi, DEBUG=True), f"/openapi/swagger/{asset}")
    assert answer.status_code == 404
    assert "TOP-SECRET" not in answer.text


async def test_swagger_files_are_404_without_the_bundle(make_app, no_bundle):
    [answer] = await fetch(make_app(PingApi, DEBUG=True), "/openapi/swagger/swagger-ui.css")
    assert answer.status_code == 404


def test_no_bundle_installed_means_no_local_swagger_ui(no_bundle):
    assert swagger.bundled_swagger_ui() is None


def test_a_bundle_with_swagger_ui_5_is_used(fake_bundle):
    folder = fake_bundle("5.0.0")
    assert swagger.bundled_swagger_ui() == folder


def test_a_bundle_too_old_for_openapi_3_1_falls_back_to_the_cdn(fake_bundle, caplog):
    fake_bundle("4.15.5")
    with caplog.at_level(logging.WARNING, logger="pyjolt.openapi.swagger"):
        assert swagger.bundled_swagger_ui() is None
    assert "4.15.5" in caplog.text
    assert "cannot render OpenAPI 3.1" in caplog.text


def test_a_bundle_without_its_folder_falls_back_to_the_cdn(fake_bundle, caplog):
    fake_bundle(create=False)
    with caplog.at_level(logging.WARNING, logger="pyjolt.openapi.swagger"):
        assert swagger.bundled_swagger_ui() is None
    assert "missing" in caplog.text


async def test_an_old_bundle_leaves_the_page_on_the_cdn(make_app, fake_bundle):
    fake_bundle("4.15.5")
    [docs] = await fetch(make_app(PingApi, DEBUG=True), "/openapi/docs")
    assert f'src="{CDN}/swagger-ui-bundle.js"' in docs.text
