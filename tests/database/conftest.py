"""Fixtures for the database tests: a fresh database per test on SQLite and PostgreSQL.

PostgreSQL tests need PYJOLT_TEST_POSTGRES_URL (e.g.
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``); each test gets its own
``pyjolt_test_<hex>`` database, created through that URL and dropped afterwards. A
module that also runs on MySQL/MariaDB overrides ``backend`` with ``ALL_BACKENDS``; it
needs PYJOLT_TEST_MYSQL_URL (e.g. ``mysql+asyncmy://root@127.0.0.1:3306/test``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from pyjolt import BaseConfig, PyJolt
from pyjolt.database import SqlDatabase
from pyjolt.testing import PyJoltTestClient

from .project import Project, new_project

POSTGRES_ENV = "PYJOLT_TEST_POSTGRES_URL"
MYSQL_ENV = "PYJOLT_TEST_MYSQL_URL"
BACKENDS = ["sqlite", "postgresql"]
ALL_BACKENDS = [*BACKENDS, "mysql"]

NewDatabase = Callable[[], Awaitable[str]]


def postgres_base_url() -> URL:
    raw = os.environ.get(POSTGRES_ENV)
    if not raw:
        pytest.skip(
            f"{POSTGRES_ENV} is not set; set it to e.g. "
            "postgresql+asyncpg://postgres@127.0.0.1:5432/test to run the PostgreSQL tests"
        )
    return make_url(raw)


def mysql_base_url() -> URL:
    raw = os.environ.get(MYSQL_ENV)
    if not raw:
        pytest.skip(
            f"{MYSQL_ENV} is not set; set it to e.g. "
            "mysql+asyncmy://root@127.0.0.1:3306/test to run the MySQL/MariaDB tests"
        )
    return make_url(raw)


async def mysql_execute(url: URL, statement: str) -> None:
    """Run ``statement`` on the MySQL server of ``url``, outside any database."""
    engine = create_async_engine(url._replace(database=None), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def maintenance_connection(url: URL) -> asyncpg.Connection:
    return await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database or "postgres",
    )


@pytest.fixture(autouse=True)
def config_free_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep config overrides another test (or the shell) left in os.environ out of the apps.

    Every declared config key can be set from the environment, so a stray DEBUG=true
    would turn the 500 these tests expect into a raised exception.
    """
    for key in list(os.environ):
        if key in BaseConfig.model_fields or (
            key != POSTGRES_ENV and ("DATABASE_" in key or "ALEMBIC_" in key)
        ):
            monkeypatch.delenv(key)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on PostgreSQL."""
    if request.param == "postgresql":
        postgres_base_url()  # skips with the reason when the URL is not configured
    if request.param == "mysql":
        mysql_base_url()
    return str(request.param)


@pytest.fixture
async def new_database(backend: str, tmp_path: Path) -> AsyncIterator[NewDatabase]:
    """``await new_database()`` -> the async URL of a new, empty database."""
    created: list[str] = []
    base = postgres_base_url() if backend == "postgresql" else None
    mysql = mysql_base_url() if backend == "mysql" else None

    async def create() -> str:
        name = f"pyjolt_test_{uuid.uuid4().hex[:12]}"
        if mysql is not None:
            await mysql_execute(mysql, f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
            created.append(name)
            return mysql.set(database=name).render_as_string(hide_password=False)
        if base is None:
            return f"sqlite+aiosqlite:///{tmp_path / (name + '.db')}"
        connection = await maintenance_connection(base)
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        created.append(name)
        return base.set(database=name).render_as_string(hide_password=False)

    yield create

    if mysql is not None:
        for name in created:
            await mysql_execute(mysql, f"DROP DATABASE IF EXISTS `{name}`")
    if base is not None and created:
        connection = await maintenance_connection(base)
        try:
            for name in created:
                await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


@pytest.fixture
async def database_url(new_database: NewDatabase) -> str:
    return await new_database()


@pytest.fixture
def make_project(tmp_path: Path) -> Iterator[Callable[..., Project]]:
    """``make_project({"DATABASE_URI": url}, models=...)`` -> a project in tmp_path."""
    projects: list[Project] = []

    def factory(config: dict[str, Any], **sources: str) -> Project:
        root = tmp_path / f"project{len(projects)}"
        root.mkdir()
        settings = {
            "EXTENSIONS": [
                "{package}.extensions:db",
                "{package}.extensions:migrate",
            ],
            "MODELS": ["{package}.models:User", "{package}.models:Post"],
            "CONTROLLERS": ["{package}.api:UsersApi"],
            "EXCEPTION_HANDLERS": ["{package}.api:PaginationErrors"],
            **config,
        }
        project = new_project(root, settings, **sources)
        projects.append(project)
        return project

    yield factory
    for project in projects:
        project.unload()


async def table_names(url: str) -> set[str]:
    """The tables that exist in the database at ``url``."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda conn: inspect(conn).get_table_names())
    finally:
        await engine.dispose()
    return set(names)


async def current_revisions(url: str) -> set[str]:
    """The revisions recorded in alembic_version (empty when not migrated)."""
    if "alembic_version" not in await table_names(url):
        return set()
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return {row[0] for row in rows}
    finally:
        await engine.dispose()


PEOPLE = [
    ("Ada Lovelace", "ada@example.com"),
    ("Alan Turing", "alan@example.com"),
    ("Grace Hopper", "grace@example.com"),
    ("Edsger Dijkstra", "edsger@example.com"),
    ("Barbara Liskov", "barbara@example.com"),
]


@dataclass
class Served:
    """A migrated project running in-process, seeded with PEOPLE through its endpoint."""

    project: Project
    app: PyJolt
    client: PyJoltTestClient
    db: SqlDatabase
    models: Any


ServeProject = Callable[..., AbstractAsyncContextManager[Served]]


@pytest.fixture
def serve_project(make_project: Callable[..., Project], database_url: str) -> ServeProject:
    """``async with serve_project(**config) as served:`` -> migrated, seeded, running app.

    The schema comes from the Migrate Python API (init, migrate, upgrade), called from
    this running event loop as a toolchain would.
    """

    @asynccontextmanager
    async def serve(seed: bool = True, **config: Any) -> AsyncIterator[Served]:
        project = make_project({"DATABASE_URI": database_url, **config})
        app = project.load_app()
        migrate = app.extensions["migrate"]
        migrate.init()
        assert migrate.migrate("create tables") is not None
        migrate.upgrade()
        async with PyJoltTestClient(app) as client:
            if seed:
                for fullname, email in PEOPLE:
                    response = await client.post(
                        "/api/users/", json={"fullname": fullname, "email": email}
                    )
                    assert response.status_code == 201, response.text
            yield Served(project, app, client, app.extensions["db"], project.module("models"))

    return serve
