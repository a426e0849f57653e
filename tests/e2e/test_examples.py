"""The example apps in examples/ run as their READMEs say."""

import sys
from pathlib import Path

import pytest

from pyjolt import PyJolt
from pyjolt.testing import PyJoltTestClient

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load_example(name: str, monkeypatch: pytest.MonkeyPatch) -> PyJolt:
    """Import ``examples/<name>``'s ``app`` module fresh and build its Application."""
    monkeypatch.syspath_prepend(str(EXAMPLES / name))
    for module in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        monkeypatch.delitem(sys.modules, module)
    from app import Application  # type: ignore[import-not-found]

    application: PyJolt = Application()
    return application


async def test_hello_example_greets(monkeypatch):
    async with PyJoltTestClient(load_example("hello", monkeypatch)) as client:
        index = await client.get("/")
        named = await client.get("/hello/ada")
        posted = await client.post("/hello", json={"name": "bo"})
    assert index.json() == {"message": "Hello from PyJolt"}
    assert named.json() == {"message": "Hello, ada!"}
    assert (posted.status_code, posted.json()) == (201, {"message": "Hello, bo!"})


async def test_bookshop_page_lists_books_with_the_stylesheet(monkeypatch):
    async with PyJoltTestClient(load_example("bookshop", monkeypatch)) as client:
        page = await client.get("/")
        css = await client.get("/static/css/shop.css")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "Dune" in page.text and "Emma" in page.text
    assert 'href="/static/css/shop.css"' in page.text
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")


async def test_bookshop_api_creates_reads_and_deletes(monkeypatch):
    async with PyJoltTestClient(load_example("bookshop", monkeypatch)) as client:
        created = await client.post(
            "/api/v1/books/", json={"title": "Ulysses", "author": "Joyce", "price": 12}
        )
        book_url = created.headers["location"]
        fetched = await client.get(book_url)
        removed = await client.delete(book_url)
        gone = await client.get(book_url)
        invalid = await client.post("/api/v1/books/", json={"title": "", "price": -1})
    assert created.status_code == 201
    assert fetched.json()["title"] == "Ulysses"
    assert removed.status_code == 204
    assert (gone.status_code, gone.json()["message"]) == (
        404,
        f"Book {fetched.json()['id']} not found",
    )
    assert invalid.status_code == 422


async def test_bookshop_documents_its_api_but_not_its_page(monkeypatch):
    async with PyJoltTestClient(load_example("bookshop", monkeypatch)) as client:
        spec = (await client.get("/openapi/specs.json")).json()
    assert set(spec["paths"]) == {"/api/v1/books/", "/api/v1/books/{book_id}"}
    assert "404" in spec["paths"]["/api/v1/books/{book_id}"]["get"]["responses"]
