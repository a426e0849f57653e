"""Jinja2 templates: globals, context providers, escaping, strictness and errors."""

from pathlib import Path

import pytest

from pyjolt import MediaType, Request, Response
from pyjolt.controller import Controller, get, path, produces
from pyjolt.templating import TemplateNotFoundError
from pyjolt.testing import PyJoltTestClient


def write_template(tmp_path: Path, name: str, text: str) -> None:
    target = tmp_path / "templates" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


@path("/pages")
class PagesApi(Controller):
    @get("/<string:name>")
    @produces(MediaType.TEXT_HTML)
    async def page(self, req: Request, name: str) -> Response:
        return await req.response.html(name, {"value": req.query_params.get("value", "")})

    @get("/item/<int:item_id>")
    async def item(self, req: Request, item_id: int) -> Response:
        return req.response.json({"id": item_id})


async def render(make_app, tmp_path, name, text, query="", **settings):
    write_template(tmp_path, name, text)
    app = make_app(PagesApi, **settings)
    async with PyJoltTestClient(app, raise_server_exceptions=False) as client:
        return await client.get(f"/pages/{name}{query}")


async def test_url_for_is_available_in_templates(make_app, tmp_path):
    response = await render(
        make_app, tmp_path, "a.html", "{{ url_for('PagesApi.item', item_id=7) }}"
    )
    assert response.text == "/pages/item/7"


async def test_request_is_available_in_templates(make_app, tmp_path):
    response = await render(make_app, tmp_path, "b.html", "{{ request.path }}")
    assert response.text == "/pages/b.html"


async def test_safe_config_subset_is_available_but_not_the_secret_key(make_app, tmp_path):
    text = "{{ config.APP_NAME }}|{{ config.SECRET_KEY is defined }}"
    response = await render(
        make_app,
        tmp_path,
        "c.html",
        text,
        APP_NAME="Shop",
        SECRET_KEY="x" * 40,
        TEMPLATES_STRICT=False,
    )
    assert response.text == "Shop|False"


async def test_global_context_providers_feed_every_template(make_app, tmp_path):
    write_template(tmp_path, "d.html", "{{ site }} {{ value }}")
    app = make_app(PagesApi)

    @app.global_context
    def site_context() -> dict[str, str]:
        return {"site": "PyJolt"}

    async with PyJoltTestClient(app) as client:
        response = await client.get("/pages/d.html?value=v")
    assert response.text == "PyJolt v"


@pytest.mark.parametrize("name", ["e.html", "e.htm", "e.xml", "e.jinja", "e.j2"])
async def test_html_like_templates_escape_context_values(make_app, tmp_path, name):
    response = await render(make_app, tmp_path, name, "{{ value }}", "?value=<b>x</b>")
    assert response.text == "&lt;b&gt;x&lt;/b&gt;"


async def test_strict_templates_fail_on_undefined_names(make_app, tmp_path):
    response = await render(make_app, tmp_path, "f.html", "{{ missing }}")
    assert response.status_code == 500


async def test_lenient_templates_render_undefined_as_empty(make_app, tmp_path):
    response = await render(make_app, tmp_path, "g.html", "[{{ missing }}]", TEMPLATES_STRICT=False)
    assert response.text == "[]"


async def test_missing_template_error_names_template_and_folder(make_app, tmp_path):
    app = make_app(PagesApi)
    with pytest.raises(TemplateNotFoundError) as info:
        await app.templates.render("nope.html", {}, None)
    assert "nope.html" in str(info.value)
    assert str(tmp_path / "templates") in str(info.value)


async def test_missing_template_answers_500_without_leaking_paths(make_app, tmp_path):
    app = make_app(PagesApi)
    async with PyJoltTestClient(app, raise_server_exceptions=False) as client:
        response = await client.get("/pages/nope.html")
    assert response.status_code == 500
    assert str(tmp_path) not in response.text


async def test_templates_are_cached_when_not_debugging(make_app, tmp_path):
    write_template(tmp_path, "h.html", "first")
    app = make_app(PagesApi, DEBUG=False)
    async with PyJoltTestClient(app) as client:
        assert (await client.get("/pages/h.html")).text == "first"
        write_template(tmp_path, "h.html", "second")
        assert (await client.get("/pages/h.html")).text == "first"


async def test_templates_reload_when_debugging(make_app, tmp_path):
    write_template(tmp_path, "i.html", "first")
    app = make_app(PagesApi, DEBUG=True)
    async with PyJoltTestClient(app) as client:
        assert (await client.get("/pages/i.html")).text == "first"
        write_template(tmp_path, "i.html", "second!")
        assert (await client.get("/pages/i.html")).text == "second!"


async def test_templates_dir_is_configurable(make_app, tmp_path):
    target = tmp_path / "views" / "j.html"
    target.parent.mkdir()
    target.write_text("from views")
    app = make_app(PagesApi, TEMPLATES_DIR="/views")
    async with PyJoltTestClient(app) as client:
        assert (await client.get("/pages/j.html")).text == "from views"
