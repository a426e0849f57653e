"""A blog with relations, generated and run for real on every database of ``BACKENDS``.

One project per module, made by ``pyjolt`` subprocesses: a new project (with its example
notes and seeds), then ``authors`` (``name:str!``), ``posts`` (a unique title, text, an
enum, a decimal and ``author:references+``) and ``comments``
(``post:references[cascade]+``: its generated tests store a post, which needs an author).
The HTTP checks run as the project's own test (``tests/api/test_blog.py``, written
here), so they go through its conftest, its migrations and its database like the
generated tests: 201, 404, 409 for a duplicate and for deleting an author with posts, 422
for an unknown author, a bad status or a bad price, the embedded author, one query for a
page's authors, a post's comments deleted with it, and the OpenAPI document. The project
must also pass ruff and ``mypy --strict`` (run meanwhile), and destroying comments then
posts must give back the authors model and a database that migrates both ways.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .databases import BACKENDS, Backend
from .helpers import BIN, TIMEOUT, copy_project, environment, ok, pyjolt, run

POSTS = (
    "posts",
    "title:str!",
    "body:text",
    "status:enum[draft,published]",
    "price:decimal[8,2]",
    "author:references+",
)
COMMENTS = ("comments", "body:text", "post:references[cascade]+")
# mypy's cache outlives the run: a cold check of a project costs half a minute.
MYPY_CACHE = Path(tempfile.gettempdir()) / "pyjolt-e2e-relations-mypy-cache"

BLOG_TEST = '''\
"""Posts and their authors through the generated endpoints."""

from typing import Any

from pyjolt.testing import PyJoltTestClient
from sqlalchemy import event

from app import Application
from app.extensions import db

POSTS = "/api/v1/posts"


async def author(client: PyJoltTestClient, name: str = "Ada") -> dict[str, Any]:
    response = await client.post("/api/v1/authors/", json={"name": name})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def post(author_id: int, title: str = "Hello", **changes: Any) -> dict[str, Any]:
    body = {"title": title, "body": "Text", "status": "draft", "price": "12.5"}
    return {**body, "author_id": author_id, **changes}


async def test_a_post_answers_with_its_author_embedded(client: PyJoltTestClient) -> None:
    ada = await author(client)
    created = await client.post(f"{POSTS}/", json=post(ada["id"]))
    assert created.status_code == 201, created.text
    expected = {
        "id": created.json()["id"],
        "title": "Hello",
        "body": "Text",
        "status": "draft",
        "price": "12.50",
        "author_id": ada["id"],
        "author": {"id": ada["id"], "name": "Ada"},
    }
    assert created.json() == expected
    assert (await client.get(f"{POSTS}/{expected['id']}")).json() == expected
    assert (await client.get(f"{POSTS}/")).json()["items"] == [expected]


async def test_a_missing_post_is_404(client: PyJoltTestClient) -> None:
    response = await client.get(f"{POSTS}/12345")
    assert response.status_code == 404
    assert response.json()["message"] == "Post 12345 not found"


async def test_a_taken_title_is_409(client: PyJoltTestClient) -> None:
    ada = await author(client)
    assert (await client.post(f"{POSTS}/", json=post(ada["id"]))).status_code == 201
    response = await client.post(f"{POSTS}/", json=post(ada["id"]))
    assert response.status_code == 409


async def test_an_unknown_author_is_422_naming_the_field(client: PyJoltTestClient) -> None:
    for method, url in (("POST", f"{POSTS}/"), ("PATCH", None)):
        if url is None:
            ada = await author(client)
            created = await client.post(f"{POSTS}/", json=post(ada["id"]))
            url = f"{POSTS}/{created.json()['id']}"
        response = await client.request(method, url, json=post(424242, title="Other"))
        assert response.status_code == 422, response.text
        assert response.json()["errors"] == [
            {"loc": ["author_id"], "msg": "No author has id 424242", "type": "unknown_reference"}
        ]


async def test_a_status_outside_the_enum_is_422(client: PyJoltTestClient) -> None:
    ada = await author(client)
    response = await client.post(f"{POSTS}/", json=post(ada["id"], status="archived"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["status"]


async def test_a_price_the_column_cannot_hold_exactly_is_422(client: PyJoltTestClient) -> None:
    ada = await author(client)
    for price in ("1.234", "1000000", 12.5, "NaN"):
        response = await client.post(f"{POSTS}/", json=post(ada["id"], price=price))
        assert response.status_code == 422, price
        assert response.json()["errors"][0]["loc"] == ["price"]


async def test_changing_the_author_embeds_the_new_one(client: PyJoltTestClient) -> None:
    ada, alan = await author(client), await author(client, "Alan")
    created = (await client.post(f"{POSTS}/", json=post(ada["id"]))).json()
    response = await client.patch(f"{POSTS}/{created['id']}", json={"author_id": alan["id"]})
    assert response.status_code == 200, response.text
    assert response.json()["author"] == {"id": alan["id"], "name": "Alan"}


async def test_an_author_with_posts_cannot_be_deleted(client: PyJoltTestClient) -> None:
    ada = await author(client)
    created = (await client.post(f"{POSTS}/", json=post(ada["id"]))).json()
    response = await client.delete(f"/api/v1/authors/{ada['id']}")
    assert response.status_code == 409
    assert (await client.get(f"{POSTS}/{created['id']}")).status_code == 200
    assert (await client.delete(f"{POSTS}/{created['id']}")).status_code == 204
    assert (await client.delete(f"/api/v1/authors/{ada['id']}")).status_code == 204


async def test_a_page_of_posts_loads_its_authors_in_one_query(client: PyJoltTestClient) -> None:
    for n in range(4):
        writer = await author(client, f"Writer {n}")
        for m in range(2):
            await client.post(f"{POSTS}/", json=post(writer["id"], title=f"Post {n}.{m}"))
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        response = await client.get(f"{POSTS}/", params={"per_page": 8})
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    assert len(response.json()["items"]) == 8
    authors = [sql for sql in statements if "FROM authors" in sql]
    assert len(authors) == 1, statements  # selectinload: one query for the page, not 8


async def test_deleting_a_post_deletes_its_comments(client: PyJoltTestClient) -> None:
    ada = await author(client)
    created = (await client.post(f"{POSTS}/", json=post(ada["id"]))).json()
    comment = await client.post("/api/v1/comments/", json={"body": "Yes", "post_id": created["id"]})
    assert comment.status_code == 201, comment.text
    embedded = {"id": created["id"], "title": "Hello", "status": "draft", "price": "12.50"}
    assert comment.json()["post"] == embedded  # no text column, no reference of its own
    assert (await client.delete(f"{POSTS}/{created['id']}")).status_code == 204
    assert (await client.get(f"/api/v1/comments/{comment.json()['id']}")).status_code == 404


def test_the_document_describes_what_posts_answer() -> None:
    schemas = Application().openapi_spec()["components"]["schemas"]
    answer = schemas["PostOut"]
    assert answer["properties"]["author"] == {"$ref": "#/components/schemas/PostAuthor"}
    assert "author" in answer["required"] and "author_id" in answer["required"]
    assert schemas["PostAuthor"]["properties"].keys() == {"id", "name"}
    assert answer["properties"]["price"]["type"] == "string"
    assert answer["properties"]["price"]["pattern"] == "^-?(0|[1-9][0-9]{0,5})\\\\.[0-9]{2}$"
    assert schemas["PostStatus"]["enum"] == ["draft", "published"]
'''


@dataclass(frozen=True)
class Blog:
    root: Path
    authors_model: bytes  # app/models/author.py before the posts were generated
    mypy: subprocess.Popen[str]  # started with the project, read by the last test


# What a user writes into the generated seeds.py: an author and a post, each looked up
# before it is added, so seeding again adds nothing.
BLOG_SEEDS = '''\
"""An author and a first post."""

from decimal import Decimal

from pyjolt.database import AsyncSession

from app.models.author import Author
from app.models.post import Post, PostStatus


async def seed(session: AsyncSession) -> None:
    author = await Author.query(session).filter_by(name="Ada").first()
    if author is None:
        author = Author(name="Ada")
        session.add(author)
        await session.flush()
    if await Post.query(session).filter_by(title="Welcome").first() is None:
        session.add(
            Post(
                title="Welcome",
                body="The first post.",
                status=PostStatus.PUBLISHED,
                price=Decimal("0.00"),
                author_id=author.id,
            )
        )
'''


@pytest.fixture(scope="module")
def blog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Blog]:
    parent = tmp_path_factory.mktemp("relations")
    ok(pyjolt("new-project", "blog", "--defaults", cwd=parent))
    root = parent / "blog"
    ok(pyjolt("generate", "resource", "authors", "name:str!", cwd=root))
    authors_model = (root / "app" / "models" / "author.py").read_bytes()
    ok(pyjolt("generate", "resource", *POSTS, cwd=root))
    ok(pyjolt("generate", "resource", *COMMENTS, cwd=root))
    (root / "tests" / "api" / "test_blog.py").write_text(BLOG_TEST)
    (root / "app" / "seeds.py").write_text(BLOG_SEEDS)
    # mypy --strict takes the longest: it runs while the databases are tested.
    mypy = subprocess.Popen(
        [str(BIN / "mypy"), "--strict", "--cache-dir", str(MYPY_CACHE), "app", "tests"],
        cwd=root,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield Blog(root, authors_model, mypy)
    if mypy.poll() is None:
        mypy.kill()
        mypy.wait()


def _env(database: dict[str, str]) -> dict[str, str]:
    return {**environment(), **database}


@pytest.mark.parametrize("database", BACKENDS, ids=lambda backend: backend.name)
def test_the_blog_migrates_and_passes_its_own_tests(
    blog: Blog, database: Backend, tmp_path: Path
) -> None:
    with database.fresh(tmp_path) as settings:
        env = _env(settings)
        upgrade = ok(pyjolt("db", "upgrade", cwd=blog.root, env=env))
        assert "Create posts table" in upgrade.stdout
        ok(pyjolt("db", "check", cwd=blog.root, env=env))
        seeded = ok(pyjolt("db", "seed", cwd=blog.root, env=env))
        assert "2 new row(s)" in seeded.stderr, seeded.stderr
        again = ok(pyjolt("db", "seed", cwd=blog.root, env=env))
        assert "no new rows" in again.stderr, again.stderr
        tests = ok(
            run(
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                cwd=blog.root,
                env=env,
            )
        )
        assert "failed" not in tests.stdout and " passed" in tests.stdout


@pytest.mark.parametrize("database", BACKENDS, ids=lambda backend: backend.name)
def test_destroying_the_posts_gives_back_the_authors_and_a_database_that_migrates(
    blog: Blog, database: Backend, tmp_path: Path
) -> None:
    root = copy_project(blog.root, tmp_path / "blog")
    with database.fresh(tmp_path) as settings:
        env = _env(settings)
        ok(pyjolt("db", "upgrade", cwd=root, env=env))  # the posts migration is applied
        refused = pyjolt("destroy", "resource", "posts", cwd=root, env=env)
        assert refused.returncode == 3, refused.stderr  # comments still reference posts

        ok(pyjolt("destroy", "resource", "comments", cwd=root, env=env))
        destroyed = ok(pyjolt("destroy", "resource", "posts", cwd=root, env=env))

        assert "drops table posts" in destroyed.stderr
        assert (root / "app" / "models" / "author.py").read_bytes() == blog.authors_model
        assert not (root / "app" / "models" / "post.py").exists()
        ok(pyjolt("db", "upgrade", cwd=root, env=env))
        ok(pyjolt("db", "check", cwd=root, env=env))
        # Down through the drop (posts again, with its key) and every create, then up.
        ok(pyjolt("db", "downgrade", "base", cwd=root, env=env))
        ok(pyjolt("db", "upgrade", cwd=root, env=env))


def test_the_blog_passes_ruff_and_mypy_strict(blog: Blog) -> None:
    ok(run(str(BIN / "ruff"), "check", "--no-cache", ".", cwd=blog.root))
    ok(run(str(BIN / "ruff"), "format", "--no-cache", "--check", ".", cwd=blog.root))
    output, _ = blog.mypy.communicate(timeout=TIMEOUT)
    assert blog.mypy.returncode == 0, output
