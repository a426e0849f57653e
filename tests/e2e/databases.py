"""The databases generated projects are tested on; one entry of BACKENDS each.

A test module parametrizes over ``BACKENDS`` (or a subset by name) and asks a Backend for
what differs: the ``new-project`` arguments, a throwaway database on the server (dropped
afterwards, with the ``<name>_test`` twin a project's own tests create), its URL. Server
backends read their URL from an environment variable and skip with the reason when it
is unset. Adding a database to every such test means adding one entry here.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine


@dataclass(frozen=True)
class Backend:
    """One database kind: how a project is made for it and how its databases come and go."""

    name: str  # the pytest id: sqlite, postgresql, mysql
    option: str  # new-project --database
    url_answer: str | None = None  # the --data key of the project's URL
    env: str | None = None  # the variable holding a server URL
    example: str = ""

    @property
    def is_server(self) -> bool:
        return self.env is not None

    def server_url(self) -> URL:
        """The configured server URL; skips the test when it is not set."""
        assert self.env is not None
        raw = os.environ.get(self.env)
        if not raw:
            pytest.skip(f"{self.env} is not set; set it to e.g. {self.example} to run this")
        return make_url(raw)

    def url(self, database: str) -> str:
        return self.server_url().set(database=database).render_as_string(hide_password=False)

    def new_project_args(self, database: str) -> list[str]:
        """``new-project`` options for a project whose DATABASE_URI names ``database``."""
        if not self.is_server:
            return []
        assert self.url_answer is not None
        return ["--database", self.option, "--data", f"{self.url_answer}={self.url(database)}"]

    def execute(self, statement: str) -> None:
        """Run ``statement`` on the server, outside any database or transaction."""
        url = self.server_url()
        if self.name == "postgresql":
            admin = url.set(database="postgres")
        else:
            admin = url._replace(database=None)

        async def run() -> None:
            engine = create_async_engine(admin, isolation_level="AUTOCOMMIT")
            try:
                async with engine.connect() as connection:
                    await connection.execute(text(statement))
            finally:
                await engine.dispose()

        asyncio.run(run())

    def drop(self, database: str) -> None:
        force = " WITH (FORCE)" if self.name == "postgresql" else ""
        self.execute(f"DROP DATABASE IF EXISTS {self.quoted(database)}{force}")

    @contextmanager
    def throwaway(self, prefix: str) -> Iterator[str]:
        """A unique database name, dropped afterwards with its ``_test`` twin.

        The database itself is not created: ``pyjolt db create`` (or the test) does.
        """
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        try:
            yield name
        finally:
            if self.is_server and os.environ.get(self.env or ""):
                for database in (name, f"{name}_test"):
                    self.drop(database)

    @contextmanager
    def created(self, prefix: str) -> Iterator[str]:
        """A new, empty database on the server (SQLite: only a name, the project makes
        its file), dropped afterwards with its ``_test`` twin."""
        with self.throwaway(prefix) as name:
            if self.is_server:
                self.execute(f"CREATE DATABASE {self.quoted(name)}")
            yield name

    @contextmanager
    def fresh(self, folder: Path) -> Iterator[dict[str, str]]:
        """Environment variables pointing a project at a new, empty database.

        SQLite gets a file in ``folder``; a server database is created here and dropped
        afterwards with its ``_test`` twin (the project's own tests make that one).
        """
        if not self.is_server:
            yield {"DATABASE_URI": f"sqlite+aiosqlite:///{folder / 'app.db'}"}
            return
        with self.created("pyjolt_e2e") as name:
            yield {"DATABASE_URI": self.url(name)}

    def quoted(self, database: str) -> str:
        quote = '"' if self.name == "postgresql" else "`"
        return f"{quote}{database}{quote}"


SQLITE = Backend("sqlite", "sqlite")
POSTGRESQL = Backend(
    "postgresql",
    "postgres",
    "postgres_url",
    "PYJOLT_TEST_POSTGRES_URL",
    "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
)
MYSQL = Backend(
    "mysql",
    "mysql",
    "mysql_url",
    "PYJOLT_TEST_MYSQL_URL",
    "mysql+asyncmy://root@127.0.0.1:3306/test",
)
BACKENDS = [SQLITE, POSTGRESQL, MYSQL]
BACKENDS_BY_NAME = {backend.name: backend for backend in BACKENDS}
SERVER_BACKENDS = [backend for backend in BACKENDS if backend.is_server]


def params(backends: list[Backend]) -> list[object]:
    """``pytest.param(backend, id=backend.name)`` for each: ``@pytest.fixture(params=...)``."""
    return [pytest.param(backend, id=backend.name) for backend in backends]
