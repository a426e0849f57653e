"""paginate(limit=..., offset=...): the same Page as page/per_page, the same validation."""

from __future__ import annotations

from typing import Any

import pytest

from pyjolt.database import InvalidPaginationError

from .conftest import ServeProject


async def test_limit_and_offset_select_the_window_and_report_page_numbers(
    serve_project: ServeProject,
) -> None:
    async with serve_project() as served, served.db.session() as session:
        users = served.models.User.query(session).order_by("id")

        middle = await users.paginate(limit=2, offset=2)
        assert [u.id for u in middle["items"]] == [3, 4]
        assert {k: v for k, v in middle.items() if k != "items"} == {
            "total": 5,
            "page": 2,
            "pages": 3,
            "per_page": 2,
            "limit": 2,
            "offset": 2,
            "has_next": True,
            "has_prev": True,
        }

        unaligned = await users.paginate(limit=2, offset=3)
        assert [u.id for u in unaligned["items"]] == [4, 5]
        assert (unaligned["page"], unaligned["has_next"], unaligned["has_prev"]) == (2, False, True)

        everything = await users.paginate(limit="5", offset="0")
        assert len(everything["items"]) == 5
        assert (everything["pages"], everything["has_next"], everything["has_prev"]) == (
            1,
            False,
            False,
        )

        beyond = await users.paginate(limit=2, offset=10)
        assert beyond["items"] == [] and beyond["total"] == 5
        assert (beyond["page"], beyond["has_next"], beyond["has_prev"]) == (6, False, True)


async def test_limit_or_offset_alone_takes_the_default_for_the_other(
    serve_project: ServeProject,
) -> None:
    async with serve_project() as served, served.db.session() as session:
        users = served.models.User.query(session).order_by("id")
        first_three = await users.paginate(limit=3)
        assert [u.id for u in first_three["items"]] == [1, 2, 3]
        assert first_three["offset"] == 0
        after_one = await users.paginate(offset=1)
        assert [u.id for u in after_one["items"]] == [2, 3, 4, 5]
        assert after_one["limit"] == 10


async def test_page_style_reports_its_limit_and_offset_too(serve_project: ServeProject) -> None:
    async with serve_project() as served, served.db.session() as session:
        users = served.models.User.query(session).order_by("id")
        last = await users.paginate(page=3, per_page=2)
        assert (last["limit"], last["offset"]) == (2, 4)
        assert [u.id for u in last["items"]] == [5]


@pytest.mark.parametrize(
    ("limit", "offset", "parameter"),
    [
        (0, 0, "limit"),
        (-1, 0, "limit"),
        (101, 0, "limit"),
        ("ten", 0, "limit"),
        (True, 0, "limit"),
        (2.5, 0, "limit"),
        (5, -1, "offset"),
        (5, "first", "offset"),
        (5, False, "offset"),
    ],
)
async def test_bad_limit_or_offset_is_an_invalid_pagination_error(
    serve_project: ServeProject, limit: object, offset: object, parameter: str
) -> None:
    async with serve_project(seed=False) as served, served.db.session() as session:
        query = served.models.User.query(session)
        with pytest.raises(InvalidPaginationError) as raised:
            await query.paginate(limit=limit, offset=offset)
        assert raised.value.parameter == parameter
        assert parameter in str(raised.value)


async def test_limit_is_bounded_by_max_per_page(serve_project: ServeProject) -> None:
    async with serve_project(DATABASE_MAX_PER_PAGE=3) as served, served.db.session() as session:
        query = served.models.User.query(session)
        assert len((await query.paginate(limit=3))["items"]) == 3
        with pytest.raises(InvalidPaginationError, match="limit must be between 1 and 3"):
            await query.paginate(limit=4)
        assert len((await query.paginate(limit=5, max_per_page=5))["items"]) == 5


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((), {"page": 1, "limit": 5}),
        ((), {"per_page": 5, "offset": 0}),
        ((2,), {"offset": 10}),
        ((), {"page": 1, "per_page": 5, "limit": 5, "offset": 0}),
    ],
)
async def test_mixing_page_and_offset_styles_is_a_type_error(
    serve_project: ServeProject, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    async with serve_project(seed=False) as served, served.db.session() as session:
        with pytest.raises(TypeError, match="page and per_page, or limit and offset, not both"):
            await served.models.User.query(session).paginate(*args, **kwargs)


async def test_limit_and_offset_through_an_endpoint(serve_project: ServeProject) -> None:
    async with serve_project() as served:
        response = await served.client.get("/api/users/?limit=2&offset=1")
        assert response.status_code == 200, response.text
        body = response.json()
        assert [u["email"] for u in body["items"]] == ["alan@example.com", "grace@example.com"]
        assert (body["offset"], body["limit"], body["page"]) == (1, 2, 1)
        assert body["has_prev"] is True and body["has_next"] is True


@pytest.mark.parametrize("query", ["offset=-1", "limit=0", "limit=abc", "limit=1000"])
async def test_bad_limit_or_offset_maps_to_400_with_a_handler(
    serve_project: ServeProject, query: str
) -> None:
    async with serve_project(seed=False) as served:
        response = await served.client.get(f"/api/users/?{query}")
        assert response.status_code == 400
        assert response.json()["parameter"] == query.split("=")[0]
