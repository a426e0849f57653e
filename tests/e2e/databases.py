"""The databases generated projects are run on end to end, listed once.

A test parametrized with :data:`DATABASES` gets a :class:`ProjectDatabase`; ``fresh()`` gives
the environment that points a generated project at a new, empty database (and drops it
afterwards). SQLite needs nothing; a server database is skipped with its reason when its
variable is unset. Adding a database (MySQL/MariaDB) is one more entry here.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


async def _postgres_admin(url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _postgres(server_url: str, name: str, create: bool) -> None:
    if create:
        statement = f'CREATE DATABASE "{name}"'
    else:
        statement = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    asyncio.run(_postgres_admin(server_url, statement))


@dataclass(frozen=True)
class ProjectDatabase:
    """One kind of database: how to make a throwaway one and point a project at it."""

    name: str
    #: The variable holding a server URL (``.../test``), or None when none is needed.
    env: str | None = None
    #: ``(server URL, database name, create)``: create or drop one database.
    admin: Callable[[str, str, bool], None] | None = None

    def __str__(self) -> str:
        return self.name

    def server_url(self) -> str | None:
        if self.env is None:
            return None
        url = os.environ.get(self.env)
        if not url:
            pytest.skip(f"{self.name}: {self.env} is not set")
        return url

    @contextmanager
    def fresh(self, folder: Path) -> Iterator[dict[str, str]]:
        """Environment variables pointing a project at a new empty database.

        The project's tests use ``<name>_test`` beside it (its conftest creates that one
        and leaves it), so both are dropped afterwards.
        """
        url = self.server_url()
        if url is None or self.admin is None:
            yield {"DATABASE_URI": f"sqlite+aiosqlite:///{folder / 'app.db'}"}
            return
        name = f"pyjolt_e2e_{uuid.uuid4().hex[:10]}"
        self.admin(url, name, True)
        try:
            yield {"DATABASE_URI": f"{url.rsplit('/', 1)[0]}/{name}"}
        finally:
            for database in (name, f"{name}_test"):
                self.admin(url, database, False)


SQLITE = ProjectDatabase("sqlite")
POSTGRESQL = ProjectDatabase("postgresql", "PYJOLT_TEST_POSTGRES_URL", _postgres)

#: Every database the end-to-end tests of generated projects run on.
DATABASES = (SQLITE, POSTGRESQL)
