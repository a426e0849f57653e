"""Sessions: @db.managed_session, ``async with db.session()``, create_session, lifecycle."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from pyjolt import BaseConfig, PyJolt
from pyjolt.database import DatabaseNotConnectedError, SqlDatabase

from .conftest import PEOPLE, ServeProject


async def test_managed_session_returns_the_committed_id(serve_project: ServeProject) -> None:
    async with serve_project() as served:
        response = await served.client.post(
            "/api/users/", json={"fullname": "Donald Knuth", "email": "don@example.com"}
        )
        assert response.status_code == 201
        assert response.json()["id"] == len(PEOPLE) + 1


async def test_managed_session_rolls_back_and_reraises(serve_project: ServeProject) -> None:
    async with serve_project() as served:
        failing = served.project.module("api").SEEN_SESSIONS
        failing.clear()
        response = await served.client.post(
            "/api/users/failing", json={"fullname": "Ghost", "email": "ghost@example.com"}
        )
        assert response.status_code == 500  # the RuntimeError reached the app (DEBUG off)
        async with served.db.session() as session:
            ghost = await served.models.User.query(session).filter_by(fullname="Ghost").first()
            assert ghost is None
            assert await served.models.User.query(session).count() == len(PEOPLE)
        [session] = failing
        assert not session.in_transaction()


async def test_managed_session_closes_the_session_after_the_handler(
    serve_project: ServeProject,
) -> None:
    async with serve_project() as served:
        seen = served.project.module("api").SEEN_SESSIONS
        seen.clear()
        response = await served.client.get("/api/users/")
        assert response.status_code == 200
        [session] = seen
        assert len(session.identity_map) == 0  # close() expunged the loaded users
        assert not session.in_transaction()


async def test_session_context_rolls_back_on_error(serve_project: ServeProject) -> None:
    async with serve_project() as served:
        User = served.models.User
        with pytest.raises(LookupError):
            async with served.db.session() as session:
                session.add(User(fullname="Temp", email="temp@example.com"))
                await session.flush()
                raise LookupError("abandon")
        async with served.db.session() as session:
            assert await User.query(session).filter_by(email="temp@example.com").count() == 0


async def test_session_context_commits_only_when_asked(serve_project: ServeProject) -> None:
    async with serve_project(seed=False) as served:
        User = served.models.User
        async with served.db.session() as session:
            session.add(User(fullname="Kept", email="kept@example.com"))
            await session.commit()
        async with served.db.session() as session:
            session.add(User(fullname="Dropped", email="dropped@example.com"))
            await session.flush()
        async with served.db.session() as session:
            emails = [u.email for u in await User.query(session).all()]
        assert emails == ["kept@example.com"]


async def test_create_session_is_the_callers_to_close(serve_project: ServeProject) -> None:
    async with serve_project() as served:
        session = served.db.create_session()
        try:
            assert isinstance(session, AsyncSession)
            user = await served.models.User.query(session).filter_by(id=1).one()
            await session.commit()
            assert user.fullname == "Ada Lovelace"  # not expired by the commit
        finally:
            await session.close()


async def test_engine_is_disposed_at_shutdown(serve_project: ServeProject) -> None:
    async with serve_project(seed=False) as served:
        assert served.db.is_connected
    assert not served.db.is_connected
    with pytest.raises(DatabaseNotConnectedError, match="not connected"):
        served.db.create_session()


def test_sessions_need_the_app_started() -> None:
    db = SqlDatabase()
    app = PyJolt(BaseConfig(DATABASE_URI="sqlite+aiosqlite:///:memory:"))
    db.init_app(app)
    with pytest.raises(DatabaseNotConnectedError, match="startup"):
        db.create_session()
    with pytest.raises(DatabaseNotConnectedError):
        _ = db.engine


def test_managed_session_refuses_sync_functions() -> None:
    db = SqlDatabase()
    with pytest.raises(TypeError, match="async"):

        @db.managed_session
        def handler(session: AsyncSession) -> None:
            pass


def test_managed_session_requires_a_session_parameter() -> None:
    db = SqlDatabase()
    with pytest.raises(TypeError, match="'session'"):

        @db.managed_session
        async def handler() -> None:
            pass


async def test_managed_session_works_outside_controllers(serve_project: ServeProject) -> None:
    async with serve_project() as served:
        User = served.models.User

        @served.db.managed_session
        async def count_users(prefix: str, session: AsyncSession) -> int:
            return await User.query(session).like(User.email, f"{prefix}%").count()

        assert await count_users("a") == 2
