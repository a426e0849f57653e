"""Constraint violations reaching the framework answer 409 with one readable message."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from sqlalchemy.exc import IntegrityError

from pyjolt import HttpStatus, Request, Response
from pyjolt.database.integrity import ConstraintKind, constraint_kind
from pyjolt.exceptions import ExceptionHandler, handles
from pyjolt.openapi import ValidationErrorBody
from pyjolt.testing import PyJoltTestClient

from .conftest import ALL_BACKENDS, mysql_base_url, postgres_base_url
from .shop import Author, Tag, serve_shop

FOREIGN_KEY_MESSAGE = "Conflict: the row references a missing row or is still referenced"
UNIQUE_MESSAGE = "Conflict: a row with the same unique value already exists"


@pytest.fixture(params=ALL_BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """These run on MySQL/MariaDB too: its errors carry numbers, not SQLSTATEs."""
    if request.param == "postgresql":
        postgres_base_url()
    if request.param == "mysql":
        mysql_base_url()
    return str(request.param)


def assert_conflict(response: httpx.Response, message: str) -> None:
    """409 with exactly the framework's error shape, naming no table, column or value."""
    assert response.status_code == 409, response.text
    assert response.json() == {"status": "error", "message": message}


async def new_author(client: PyJoltTestClient, email: str = "ada@example.com") -> int:
    response = await client.post("/api/authors", json={"name": "Ada", "email": email})
    assert response.status_code == 201, response.text
    author_id: int = response.json()["id"]
    return author_id


async def test_an_article_of_a_missing_author_answers_409(
    database_url: str, tmp_path: Path
) -> None:
    async with serve_shop(database_url, tmp_path) as shop:
        response = await shop.client.post("/api/articles", json={"author_id": 99, "title": "x"})
        assert_conflict(response, FOREIGN_KEY_MESSAGE)
        assert "INSERT" not in response.text and "articles" not in response.text


async def test_deleting_a_tag_still_in_use_answers_409_and_keeps_it(
    database_url: str, tmp_path: Path
) -> None:
    async with serve_shop(database_url, tmp_path) as shop:
        author_id = await new_author(shop.client)
        article = await shop.client.post(
            "/api/articles", json={"author_id": author_id, "title": "Tagged"}
        )
        tag = await shop.client.post("/api/tags", json={"name": "python"})
        article_id, tag_id = article.json()["id"], tag.json()["id"]
        linked = await shop.client.post(f"/api/articles/{article_id}/tags/{tag_id}")
        assert linked.status_code == 201, linked.text

        response = await shop.client.delete(f"/api/tags/{tag_id}")
        assert_conflict(response, FOREIGN_KEY_MESSAGE)
        assert "DELETE" not in response.text and "tags" not in response.text
        async with shop.db.session() as session:
            assert await Tag.query(session).count() == 1


async def test_a_duplicate_unique_value_answers_409(database_url: str, tmp_path: Path) -> None:
    async with serve_shop(database_url, tmp_path) as shop:
        await new_author(shop.client)
        response = await shop.client.post(
            "/api/authors", json={"name": "Someone else", "email": "ada@example.com"}
        )
        assert_conflict(response, UNIQUE_MESSAGE)
        assert "ada@example.com" not in response.text
        async with shop.db.session() as session:
            assert await Author.query(session).count() == 1


@pytest.mark.parametrize(
    ("article", "message"),
    [
        ({"title": None}, "Conflict: a required value is missing"),
        ({"title": "x", "views": -1}, "Conflict: a value is not allowed by a check constraint"),
    ],
    ids=["not-null", "check"],
)
async def test_not_null_and_check_violations_answer_409_saying_which(
    database_url: str, tmp_path: Path, article: dict[str, object], message: str
) -> None:
    async with serve_shop(database_url, tmp_path) as shop:
        author_id = await new_author(shop.client)
        response = await shop.client.post("/api/articles", json={"author_id": author_id, **article})
        assert_conflict(response, message)


async def test_a_conflict_is_logged_as_one_warning_without_the_values(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with serve_shop(database_url, tmp_path) as shop:
        await new_author(shop.client, email="grace@example.com")
        caplog.clear()
        with caplog.at_level(logging.DEBUG):
            response = await shop.client.post(
                "/api/authors", json={"name": "Grace", "email": "grace@example.com"}
            )
    assert response.status_code == 409
    assert [r.levelno for r in caplog.records if r.levelno >= logging.WARNING] == [logging.WARNING]
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    text = warning.getMessage()
    assert "POST /api/authors" in text and "unique" in text
    assert "grace@example.com" not in text


class ConflictsAsUnprocessable(ExceptionHandler):
    @handles(IntegrityError)
    async def conflict(self, req: Request, exc: IntegrityError) -> Response:
        return req.response.json({"message": "email taken"}).status(HttpStatus.UNPROCESSABLE_ENTITY)


async def test_the_apps_own_integrity_error_handler_wins(database_url: str, tmp_path: Path) -> None:
    async with serve_shop(database_url, tmp_path, handlers=[ConflictsAsUnprocessable]) as shop:
        await new_author(shop.client)
        response = await shop.client.post(
            "/api/authors", json={"name": "Ada", "email": "ada@example.com"}
        )
        assert response.status_code == 422
        assert response.json() == {"message": "email taken"}


def test_a_violation_the_driver_does_not_classify_is_still_a_conflict() -> None:
    raised = IntegrityError("INSERT INTO t VALUES (?)", (1,), RuntimeError("trigger refused"))
    assert constraint_kind(raised) is ConstraintKind.UNKNOWN


DATA_ERROR_MESSAGE = (
    "Unprocessable: a value does not fit its database column "
    "(too long, out of range or not storable)"
)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x" * 100, "email": "long@example.com"},
        {"name": "nul\u0000byte", "email": "nul@example.com"},
    ],
    ids=["longer than the column", "NUL character"],
)
async def test_a_value_the_column_cannot_store_answers_422_on_postgresql(
    backend: str, database_url: str, tmp_path: Path, body: dict[str, str]
) -> None:
    async with serve_shop(database_url, tmp_path) as shop:
        response = await shop.client.post("/api/authors", json=body)
    if backend == "sqlite" or (backend == "mysql" and "\u0000" in body["name"]):
        # SQLite stores any text in any column, MySQL stores NUL characters: nothing to
        # refuse there.
        assert response.status_code == 201, response.text
    else:
        assert response.status_code == 422, response.text
        assert response.json()["message"] == DATA_ERROR_MESSAGE


async def test_the_422_of_a_value_the_column_cannot_store_has_the_documented_shape(
    backend: str, database_url: str, tmp_path: Path
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite stores any text in any column: nothing to refuse there")
    body = {"name": "x" * 100, "email": "long@example.com"}
    async with serve_shop(database_url, tmp_path) as shop:
        response = await shop.client.post("/api/authors", json=body)
    assert response.status_code == 422, response.text
    # The OpenAPI document describes every 422 of a body as a ValidationErrorBody.
    ValidationErrorBody.model_validate_json(response.content, strict=True)
    assert response.json()["errors"] == [
        {
            "loc": [],
            "msg": "The database cannot store a value of this request",
            "type": "value_not_storable",
        }
    ]


async def test_an_integer_beyond_the_column_range_is_not_a_500(
    backend: str, database_url: str, tmp_path: Path
) -> None:
    async with serve_shop(database_url, tmp_path) as shop:
        author_id = await new_author(shop.client)
        response = await shop.client.post(
            "/api/articles", json={"author_id": author_id, "title": "x", "views": 2**40}
        )
    expected = 201 if backend == "sqlite" else 422
    assert response.status_code == expected, response.text
