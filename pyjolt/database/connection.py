"""Database URLs: parsing a configured URI, masking its password, describing failures.

Shared by SqlDatabase (startup) and Migrate (the CLI), so a bad URI or an unreachable
server reads the same wherever it is found: the config key, the masked URL, the host.
"""

from __future__ import annotations

import asyncio
import os
import re
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from .errors import DatabaseConfigError, DatabaseConnectionError

ASYNC_EXAMPLES = (
    "'sqlite+aiosqlite:///./app.db', 'postgresql+asyncpg://user:pass@host/dbname' or "
    "'mysql+asyncmy://user:pass@host/dbname'"
)

#: The extra that installs a dialect's driver, for "No module named ..." failures.
DRIVER_EXTRAS = {"asyncmy": "mysql", "aiomysql": "mysql"}

#: ``user:password@`` in strings SQLAlchemy cannot parse: after ``//`` when there is one,
#: else anything up to ``@`` (masking generously rather than leaking).
_PASSWORD_AFTER_SLASHES = re.compile(r"(//[^:/@\s]*:)[^@\s]*@")
_PASSWORD_ANYWHERE = re.compile(r"([^:/@\s]+:)[^@\s]*@")


def mask_uri(raw: object) -> str:
    """The URI with its password replaced by ``***`` (also when it does not parse)."""
    if isinstance(raw, URL):
        return raw.render_as_string(hide_password=True)
    text = str(raw)
    try:
        return make_url(text).render_as_string(hide_password=True)
    except Exception:  # unparseable: mask what looks like user:password@ by hand
        masked = _PASSWORD_AFTER_SLASHES.sub(r"\1***@", text)
        return masked if masked != text else _PASSWORD_ANYWHERE.sub(r"\1***@", text)


def describe_target(url: URL) -> str:
    """Where ``url`` points, for messages: ``host 127.0.0.1:5432, database 'test'``."""
    if url.get_backend_name() == "sqlite":
        database = url.database or ":memory:"
        return f"SQLite database {database!r}"
    host = url.host or "localhost"
    where = f"host {host}:{url.port}" if url.port else f"host {host}"
    return f"{where}, database {url.database!r}" if url.database else where


def one_line(text: str) -> str:
    """Collapse a (possibly multi-line) driver message into one line."""
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def driver_cause(exc: BaseException) -> BaseException:
    """The driver's own exception behind a SQLAlchemy error (``exc`` itself otherwise)."""
    orig = getattr(exc, "orig", None)
    cause = orig if isinstance(orig, BaseException) else exc
    inner = cause.__cause__
    if type(cause).__module__.startswith("sqlalchemy") and isinstance(inner, BaseException):
        cause = inner  # SQLAlchemy's DBAPI adapter ("Error") wraps the driver's own error
    return cause


def failure_reason(exc: BaseException) -> str:
    """The driver's own words for a failure, without SQLAlchemy's background links.

    A driver that is not installed says which PyJolt extra brings it.
    """
    cause = driver_cause(exc)
    message = one_line(str(cause)) or "no details given"
    missing = getattr(cause, "name", None)
    if isinstance(cause, ImportError) and missing in DRIVER_EXTRAS:
        message += f' (install it with: pip install "pyjolt[{DRIVER_EXTRAS[missing]}]")'
    return f"{type(cause).__name__}: {message}"


def parse_database_uri(raw: Any, key: str, *, require_async: bool) -> URL:
    """Parse the value of config ``key`` into a URL whose driver SQLAlchemy can load.

    ``require_async`` is set for the app's engine: a sync driver there would fail on the
    first query with an obscure message, so it is refused here, naming the key.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise DatabaseConfigError(
            f"{key} is not set: add it to the app config, e.g. {key} = {ASYNC_EXAMPLES}"
        )
    if not isinstance(raw, str | URL):
        raise DatabaseConfigError(f"{key} must be a string, got {type(raw).__name__}")
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
        detail = f" ({exc})" if isinstance(exc, ValueError) else ""
        raise DatabaseConfigError(
            f"{key} = {mask_uri(raw)!r} is not a database URL{detail}; "
            f"expected e.g. {ASYNC_EXAMPLES}"
        ) from None
    try:
        dialect = url.get_dialect()
    except NoSuchModuleError:
        raise DatabaseConfigError(
            f"{key} = {mask_uri(url)!r}: SQLAlchemy has no driver {url.drivername!r}; "
            f"expected e.g. {ASYNC_EXAMPLES}"
        ) from None
    if require_async and not getattr(dialect, "is_async", False):
        raise DatabaseConfigError(
            f"{key} = {mask_uri(url)!r}: driver {url.drivername!r} is not async; "
            f"use an async driver, e.g. {ASYNC_EXAMPLES}"
        )
    return url


def relative_sqlite_path(url: URL) -> str | None:
    """The file path of a SQLite URL when it is relative (``sqlite+aiosqlite:///./x.db``).

    None for other databases, in-memory databases, ``file:`` URIs and absolute paths.
    """
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:") or os.path.isabs(database):
        return None
    return database


def anchor_sqlite_path(url: URL, base: str | None) -> URL:
    """``url`` with a relative SQLite path made absolute under ``base`` (the app's BASE_PATH).

    A relative path would otherwise depend on the working directory: a command run from
    a sub-folder of the project would create and migrate a second, empty database there.
    """
    relative = relative_sqlite_path(url)
    if relative is None or not base:
        return url
    return url.set(database=os.path.normpath(os.path.join(base, relative)))


def connection_failure(key: str, url: URL, exc: BaseException) -> DatabaseConnectionError:
    """The error raised when the database configured by ``key`` cannot be reached."""
    return DatabaseConnectionError(
        f"cannot connect to the database configured by {key} ({mask_uri(url)}, "
        f"{describe_target(url)}): {failure_reason(exc)}"
    )


async def settle_after_failed_connect(url: URL) -> None:
    """Give aiosqlite's worker thread a moment to stop after a failed connect.

    After a failed connect aiosqlite stops its worker thread by resolving a future on
    the running event loop; if the loop closes first (a CLI command ending right after
    the error), the thread dies printing "Event loop is closed" under our one-line error.
    """
    if url.get_backend_name() == "sqlite":
        await asyncio.sleep(0.05)
