"""Creating and dropping the database a URL names, on its server (or as a SQLite file).

``pyjolt db create`` / ``drop`` / ``reset`` and the test fixtures use these. A server
database is created through a connection to the server itself, never to the database
in question: PostgreSQL's maintenance database ``postgres``, or a MySQL/MariaDB
connection without a default database. A SQLite database is its file.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from .connection import describe_target, failure_reason, mask_uri
from .errors import DatabaseConfigError, DatabaseConnectionError, DatabaseExtensionError

#: The database a PostgreSQL server always has, used to create and drop the others.
POSTGRES_MAINTENANCE_DATABASE = "postgres"
#: SQLite's companions of a database file (rollback journal, write-ahead log).
SQLITE_COMPANIONS = ("-journal", "-wal", "-shm")


class DatabaseLifecycleError(DatabaseExtensionError):
    """The server refused to create or drop a database (permissions, in use, ...)."""


def backend_of(url: URL) -> str:
    """``sqlite``, ``postgresql`` or ``mysql`` (MariaDB included); others are refused."""
    backend = url.get_backend_name()
    if backend == "mariadb":
        return "mysql"
    if backend not in ("sqlite", "postgresql", "mysql"):
        raise DatabaseConfigError(
            f"{mask_uri(url)}: creating and dropping databases is supported on SQLite, "
            f"PostgreSQL and MySQL/MariaDB, not {backend!r}"
        )
    return backend


def database_name(url: URL) -> str:
    """The database (or SQLite file) a URL names; refuses URLs that name none."""
    name = url.database or ""
    if backend_of(url) == "sqlite":
        if name in ("", ":memory:") or name.startswith("file:") or url.query.get("uri"):
            raise DatabaseConfigError(
                f"{mask_uri(url)} is an in-memory or URI-style SQLite database: there is "
                "no file to create or drop"
            )
        return name
    if not name:
        raise DatabaseConfigError(f"{mask_uri(url)} names no database")
    return name


async def database_exists(url: URL) -> bool:
    """Whether the database of ``url`` exists (the file, for SQLite)."""
    name = database_name(url)
    if backend_of(url) == "sqlite":
        return os.path.isfile(name)
    return bool(await _on_server(url, lambda connection: _exists(connection, url, name)))


async def create_database(url: URL) -> bool:
    """Create the database of ``url``; False (and nothing done) when it exists already.

    MySQL databases are created with the ``utf8mb4`` character set, so any Unicode text
    (emoji included) can be stored whatever the server's default is.
    """
    name = database_name(url)
    if backend_of(url) == "sqlite":
        return _create_sqlite_file(name)

    async def create(connection: AsyncConnection) -> bool:
        if await _exists(connection, url, name):
            return False
        quoted = connection.dialect.identifier_preparer.quote(name)
        suffix = " CHARACTER SET utf8mb4" if backend_of(url) == "mysql" else ""
        await connection.execute(text(f"CREATE DATABASE {quoted}{suffix}"))
        return True

    return bool(await _on_server(url, create))


async def drop_database(url: URL) -> bool:
    """Drop the database of ``url``; False (and nothing done) when it does not exist."""
    name = database_name(url)
    if backend_of(url) == "sqlite":
        return _drop_sqlite_file(name)

    async def drop(connection: AsyncConnection) -> bool:
        if not await _exists(connection, url, name):
            return False
        quoted = connection.dialect.identifier_preparer.quote(name)
        await connection.execute(text(f"DROP DATABASE {quoted}"))
        return True

    return bool(await _on_server(url, drop))


def server_url(url: URL) -> URL:
    """The URL of a connection to the server of ``url`` that is not to its database."""
    if backend_of(url) == "postgresql":
        return url.set(database=POSTGRES_MAINTENANCE_DATABASE)
    return url._replace(database=None)


async def _exists(connection: AsyncConnection, url: URL, name: str) -> bool:
    if backend_of(url) == "postgresql":
        query = "SELECT 1 FROM pg_database WHERE datname = :name"
    else:
        query = "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = :name"
    return bool(await connection.scalar(text(query), {"name": name}))


async def _on_server(url: URL, action: Any) -> Any:
    """Run ``action(connection)`` on a server connection outside any transaction."""
    from sqlalchemy.exc import SQLAlchemyError

    target = server_url(url)
    try:
        engine = create_async_engine(target, isolation_level="AUTOCOMMIT")
    except ImportError as exc:
        raise DatabaseConfigError(f"{mask_uri(url)}: {failure_reason(exc)}") from exc
    try:
        try:
            connection = await engine.connect()
        except Exception as exc:
            raise DatabaseConnectionError(
                f"cannot connect to the server of {mask_uri(url)} ({describe_target(target)}): "
                f"{failure_reason(exc)}"
            ) from exc
        try:
            return await action(connection)
        except SQLAlchemyError as exc:
            raise DatabaseLifecycleError(
                f"database {url.database!r} ({describe_target(url)}): {failure_reason(exc)}"
            ) from exc
        finally:
            await connection.close()
    finally:
        await engine.dispose()


def _create_sqlite_file(path: str) -> bool:
    if os.path.exists(path):
        return False
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise DatabaseLifecycleError(
            f"cannot create SQLite database {path}: folder {folder} does not exist"
        )
    try:
        sqlite3.connect(path).close()
    except sqlite3.Error as exc:
        raise DatabaseLifecycleError(f"cannot create SQLite database {path}: {exc}") from exc
    return True


def _drop_sqlite_file(path: str) -> bool:
    if not os.path.exists(path):
        return False
    try:
        os.remove(path)
        for suffix in SQLITE_COMPANIONS:
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    except OSError as exc:
        raise DatabaseLifecycleError(f"cannot delete SQLite database {path}: {exc}") from exc
    return True
