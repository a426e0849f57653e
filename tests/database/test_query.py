"""AsyncQuery through Model.query(session): filters, ordering, counting and pagination."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import MultipleResultsFound, NoResultFound
from sqlalchemy.orm import Mapped, mapped_column

from pyjolt.database import AsyncQuery, InvalidPaginationError, create_declarative_base

from .conftest import PEOPLE, ServeProject


async def test_filter_by_finds_one_user(serve_project: ServeProject) -> None:
    async with serve_project() as served, served.db.session() as session:
        User = served.models.User
        user = await User.query(session).filter_by(email="grace@example.com").first()
        assert user is not None and user.fullname == "Grace Hopper"
        assert await User.query(session).filter_by(email="nobody@example.com").first() is None


async def test_where_and_filter_combine_conditions(serve_project: ServeProject) -> None:
    async with serve_project() as served, served.db.session() as session:
        User = served.models.User
        query = User.query(session).where(User.id > 1).filter(User.id < 4)
        assert [u.fullname for u in await query.order_by(User.id).all()] == [
            "Alan Turing",
            "Grace Hopper",
        ]


async def test_like_is_a_pattern_match_and_ilike_ignores_case(
    serve_project: ServeProject,
) -> None:
    async with serve_project() as served, served.db.session() as session:
        User = served.models.User
        assert [
            u.fullname for u in await User.query(session).like(User.fullname, "%Hopper").all()
        ] == ["Grace Hopper"]
        assert await User.query(session).like("email", "%@example.com").count() == len(PEOPLE)
        found = await User.query(session).ilike(User.fullname, "%HOPPER").all()
        assert [u.email for u in found] == ["grace@example.com"]
        assert await User.query(session).ilike("fullname", "a%").count() == 2


async def test_order_by_limit_and_offset(serve_project: ServeProject) -> None:
    async with serve_project() as served, served.db.session() as session:
        User = served.models.User
        names = await User.query(session).order_by(User.fullname.desc()).limit(2).all()
        assert [u.fullname for u in names] == ["Grace Hopper", "Edsger Dijkstra"]
        skipped = await User.query(session).order_by("fullname").offset(3).all()
        assert [u.fullname for u in skipped] == ["Edsger Dijkstra", "Grace Hopper"]


async def test_count_respects_filters(serve_project: ServeProject) -> None:
    async with serve_project() as served, served.db.session() as session:
        User = served.models.User
        assert await User.query(session).count() == len(PEOPLE)
        assert await User.query(session).filter(User.id <= 2).count() == 2
        assert await User.query(session).order_by(User.id).limit(3).count() == 3


async def test_one_and_first(serve_project: ServeProject) -> None:
    async with serve_project() as served, served.db.session() as session:
        User = served.models.User
        assert (await User.query(session).filter_by(id=2).one()).fullname == "Alan Turing"
        with pytest.raises(NoResultFound):
            await User.query(session).filter_by(id=99).one()
        with pytest.raises(MultipleResultsFound):
            await User.query(session).one()
        first = await User.query(session).order_by(User.id.desc()).first()
        assert first is not None and first.fullname == "Barbara Liskov"


async def test_join_filters_on_the_other_model(serve_project: ServeProject) -> None:
    async with serve_project() as served, served.db.session() as session:
        User, Post = served.models.User, served.models.Post
        session.add_all([Post(user_id=3, title="COBOL"), Post(user_id=3, title="Bugs")])
        await session.commit()
        query = User.query(session).join(Post).filter(Post.title == "COBOL")
        assert [u.fullname for u in await query.all()] == ["Grace Hopper"]
        posts = await Post.query(session).join(User).filter_by(email="grace@example.com").count()
        assert posts == 2


async def test_builders_return_new_queries(serve_project: ServeProject) -> None:
    async with serve_project() as served, served.db.session() as session:
        User = served.models.User
        base = User.query(session)
        narrowed = base.filter_by(id=1)
        assert isinstance(narrowed, AsyncQuery) and narrowed is not base
        assert await base.count() == len(PEOPLE)
        assert await narrowed.count() == 1


async def test_paginate_returns_the_documented_dict(serve_project: ServeProject) -> None:
    async with serve_project() as served, served.db.session() as session:
        User = served.models.User
        first = await User.query(session).order_by(User.id).paginate(page=1, per_page=2)
        assert set(first) == {
            "items",
            "total",
            "page",
            "pages",
            "per_page",
            "limit",
            "offset",
            "has_next",
            "has_prev",
        }
        assert [u.id for u in first["items"]] == [1, 2]
        assert (first["total"], first["page"], first["pages"], first["per_page"]) == (5, 1, 3, 2)
        assert first["has_next"] is True and first["has_prev"] is False

        last = await User.query(session).order_by(User.id).paginate(page=3, per_page=2)
        assert [u.id for u in last["items"]] == [5]
        assert last["has_next"] is False and last["has_prev"] is True

        beyond = await User.query(session).paginate(page=9, per_page=2)
        assert beyond["items"] == [] and beyond["total"] == 5

        filtered = await User.query(session).filter(User.id > 4).paginate()
        assert (filtered["total"], filtered["pages"], filtered["per_page"]) == (1, 1, 10)


async def test_paginate_through_an_endpoint(serve_project: ServeProject) -> None:
    async with serve_project() as served:
        response = await served.client.get("/api/users/?page=2&per_page=2")
        assert response.status_code == 200, response.text
        body = response.json()
        assert [u["email"] for u in body["items"]] == ["grace@example.com", "edsger@example.com"]
        assert body["pages"] == 3 and body["has_prev"] is True and body["has_next"] is True


@pytest.mark.parametrize(
    ("page", "per_page", "parameter"),
    [
        (0, 10, "page"),
        (-1, 10, "page"),
        ("two", 10, "page"),
        (True, 10, "page"),
        (1, 0, "per_page"),
        (1, -5, "per_page"),
        (1, 101, "per_page"),
        (1, "ten", "per_page"),
    ],
)
async def test_paginate_rejects_bad_page_and_per_page(
    serve_project: ServeProject, page: object, per_page: object, parameter: str
) -> None:
    async with serve_project(seed=False) as served, served.db.session() as session:
        with pytest.raises(InvalidPaginationError) as raised:
            await served.models.User.query(session).paginate(page=page, per_page=per_page)
        assert isinstance(raised.value, ValueError)
        assert raised.value.parameter == parameter
        assert parameter in str(raised.value)


@pytest.mark.parametrize("query", ["page=0", "per_page=1000", "page=abc", "per_page=0"])
async def test_bad_pagination_maps_to_400_with_a_handler(
    serve_project: ServeProject, query: str
) -> None:
    async with serve_project(seed=False) as served:
        response = await served.client.get(f"/api/users/?{query}")
        assert response.status_code == 400
        assert response.json()["parameter"] == query.split("=")[0]


async def test_max_per_page_is_configurable(serve_project: ServeProject) -> None:
    async with serve_project(DATABASE_MAX_PER_PAGE=3) as served, served.db.session() as session:
        User = served.models.User
        assert len((await User.query(session).paginate(per_page=3))["items"]) == 3
        with pytest.raises(InvalidPaginationError, match="between 1 and 3"):
            await User.query(session).paginate(per_page=4)
        allowed = await User.query(session).paginate(per_page=5, max_per_page=5)
        assert len(allowed["items"]) == 5


async def test_query_session_must_be_an_async_session(serve_project: ServeProject) -> None:
    async with serve_project(seed=False) as served:
        with pytest.raises(TypeError, match="AsyncSession"):
            served.models.User.query("not a session")


async def test_query_without_a_session_uses_a_short_session_of_its_database(
    serve_project: ServeProject,
) -> None:
    async with serve_project() as served:
        User = served.models.User
        user = await User.query().filter_by(email="grace@example.com").first()
        assert user is not None and user.fullname == "Grace Hopper"
        assert await User.query().count() == len(PEOPLE)
        assert len(await User.query().order_by(User.id).limit(2).all()) == 2
        assert (await User.query().paginate(page=1, per_page=2))["total"] == len(PEOPLE)
        assert (await User.query().filter_by(id=1).one()).id == 1


class Unbound(create_declarative_base("unbound_db")):  # type: ignore[misc]
    __tablename__ = "unbound"
    id: Mapped[int] = mapped_column(primary_key=True)


def test_query_without_a_session_before_the_database_connects_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="no session and no connected database"):
        Unbound.query()
