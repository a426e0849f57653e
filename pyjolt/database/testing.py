"""Databases for a project's tests: which one, created when missing, emptied between tests.

Tests should run on the kind of database the project runs on, with the schema its
migrations build. :func:`prepare_test_database` picks that database the way Rails does:
``TEST_DATABASE_URI`` when set, otherwise one derived from the configured URI (a fresh
SQLite file, or ``<name>_test`` on the same PostgreSQL or MySQL/MariaDB server, created
if missing).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .connection import parse_database_uri
from .lifecycle import create_database

if TYPE_CHECKING:
    from .sql_database import SqlDatabase

TEST_DATABASE_ENV = "TEST_DATABASE_URI"


def prepare_test_database(configured_uri: str, folder: Path) -> str:
    """The URI the tests use, with the database created when it is missing.

    ``TEST_DATABASE_URI`` wins. Otherwise SQLite gets a new file in ``folder``, and a
    server database (PostgreSQL, MySQL/MariaDB) the database ``<name>_test`` next to the
    configured one. Call it from a session-scoped fixture, outside the event loop (it
    runs its own).
    """
    explicit = os.environ.get(TEST_DATABASE_ENV)
    if explicit:
        return explicit
    url = parse_database_uri(configured_uri, "DATABASE_URI", require_async=True)
    if url.get_backend_name() == "sqlite":
        return url.set(database=str(folder / "test.db")).render_as_string(hide_password=False)
    test_url = url.set(database=f"{url.database}_test")
    asyncio.run(create_database(test_url))
    return test_url.render_as_string(hide_password=False)


async def empty_tables(database: SqlDatabase) -> None:
    """Delete every row of the database's model tables (children before parents).

    Faster than rebuilding the schema for each test, and the migrated schema stays the
    one under test. Alembic's version table is not a model table, so it is kept.
    """
    async with database.engine.begin() as connection:
        for metadata in database.metadata:
            for table in reversed(metadata.sorted_tables):
                await connection.execute(table.delete())
