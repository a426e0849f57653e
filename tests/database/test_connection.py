"""Startup connects (SELECT 1) and fails clearly: bad URIs, unreachable hosts, bad roles."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from pyjolt import BaseConfig, PyJolt
from pyjolt.config import ConfigError
from pyjolt.database import (
    DatabaseConfigError,
    DatabaseConnectionError,
    SqlDatabase,
    create_declarative_base,
    create_declerative_base,
)
from pyjolt.testing import LifespanError, PyJoltTestClient

from .conftest import postgres_base_url


def app_with(db: SqlDatabase, tmp_path: Path, **config: Any) -> PyJolt:
    app = PyJolt(BaseConfig(BASE_PATH=str(tmp_path), DEBUG=False, **config))
    db.init_app(app)
    return app


def unreachable_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/no/such/folder/app.db"
    base = postgres_base_url()
    return base.set(port=1, password="s3cret-pw").render_as_string(hide_password=False)


async def test_startup_connects_and_shutdown_disposes(database_url: str, tmp_path: Path) -> None:
    db = SqlDatabase()
    app = app_with(db, tmp_path, DATABASE_URI=database_url)
    async with PyJoltTestClient(app):
        assert db.is_connected
        async with db.engine.connect() as connection:
            assert connection.dialect.is_async
    assert not db.is_connected


async def test_unreachable_database_fails_startup_naming_key_and_host(
    backend: str, tmp_path: Path
) -> None:
    url = unreachable_url(backend, tmp_path)
    db = SqlDatabase()
    app = app_with(db, tmp_path, DATABASE_URI=url)
    with pytest.raises(LifespanError) as raised:
        async with PyJoltTestClient(app):
            pass
    message = str(raised.value)
    assert "DatabaseConnectionError" in message and "DATABASE_URI" in message
    if backend == "postgresql":
        assert "host 127.0.0.1:1" in message
        assert "s3cret-pw" not in message and "***" in message
    else:
        assert "no/such/folder/app.db" in message
    assert not db.is_connected


async def test_wrong_role_or_password_fails_startup(tmp_path: Path) -> None:
    role = f"pyjolt_no_role_{uuid.uuid4().hex[:8]}"
    url = postgres_base_url().set(username=role, password="wrong-password")
    db = SqlDatabase(variable_prefix="MAIN_")
    app = app_with(db, tmp_path, MAIN_DATABASE_URI=url.render_as_string(hide_password=False))
    with pytest.raises(DatabaseConnectionError) as raised:
        await db.connect()
    message = str(raised.value)
    assert "MAIN_DATABASE_URI" in message and role in message
    assert "does not exist" in message
    assert "wrong-password" not in message
    assert app.extensions["db"] is db


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (None, "DATABASE_URI is not set"),
        ("", "DATABASE_URI is not set"),
        ("not a url", "is not a database URL"),
        ("postgresql+asyncpg://user:topsecret@host:port/db", "is not a database URL"),
        ("nosuchdb+nodriver://user:pw@localhost/x", "has no driver 'nosuchdb+nodriver'"),
        ("sqlite:///plain.db", "is not async"),
        ("postgresql://user:topsecret@localhost/x", "is not async"),
    ],
)
async def test_bad_uri_fails_startup_naming_the_key(
    tmp_path: Path, uri: str | None, expected: str
) -> None:
    db = SqlDatabase()
    app = app_with(db, tmp_path, **({} if uri is None else {"DATABASE_URI": uri}))
    with pytest.raises(LifespanError) as raised:
        async with PyJoltTestClient(app):
            pass
    message = str(raised.value)
    assert "DatabaseConfigError" in message and expected in message
    assert "topsecret" not in message and "pw@" not in message


async def test_prefixed_database_names_its_own_key(tmp_path: Path) -> None:
    db = SqlDatabase(db_name="analytics", variable_prefix="ANALYTICS_")
    app_with(db, tmp_path, DATABASE_URI="sqlite+aiosqlite:///:memory:")
    with pytest.raises(DatabaseConfigError, match="ANALYTICS_DATABASE_URI is not set"):
        await db.connect()


@pytest.mark.parametrize(
    ("key", "value"),
    [("DATABASE_POOL_SIZE", "many"), ("DATABASE_POOL_SIZE", 0), ("DATABASE_ECHO", "perhaps")],
)
async def test_bad_engine_options_name_the_key(tmp_path: Path, key: str, value: object) -> None:
    db = SqlDatabase()
    # Typed settings: refused when the app is created, before anything connects.
    with pytest.raises(ConfigError, match=key):
        app_with(db, tmp_path, DATABASE_URI="sqlite+aiosqlite:///:memory:", **{key: value})


async def test_engine_options_come_from_config(database_url: str, tmp_path: Path) -> None:
    db = SqlDatabase()
    app_with(
        db,
        tmp_path,
        DATABASE_URI=database_url,
        DATABASE_POOL_SIZE=3,
        DATABASE_MAX_OVERFLOW=2,
        DATABASE_POOL_RECYCLE=60,
        DATABASE_ECHO="true",
    )
    await db.connect()
    try:
        assert db.engine.echo is True
        pool: Any = db.engine.pool
        assert pool.size() == 3
        assert pool._max_overflow == 2
        assert pool._recycle == 60
    finally:
        await db.disconnect()


def test_two_databases_with_one_name_are_refused(tmp_path: Path) -> None:
    app = app_with(SqlDatabase(), tmp_path)
    with pytest.raises(DatabaseConfigError, match="two database extensions are named 'db'"):
        SqlDatabase().init_app(app)


def test_declarative_bases_are_per_database() -> None:
    main = create_declerative_base()
    analytics = create_declarative_base("analytics")
    assert main.__db_name__ == "db" and analytics.__db_name__ == "analytics"
    assert main.metadata is not analytics.metadata
    assert create_declerative_base is create_declarative_base
    with pytest.raises(ValueError, match="database name"):
        create_declarative_base("")


def test_masked_uri_in_messages_hides_passwords() -> None:
    from pyjolt.database.connection import mask_uri

    assert "hunter2" not in mask_uri("postgresql+asyncpg://u:hunter2@h/d")
    assert "hunter2" not in mask_uri("post gres://u:hunter2@h/d")  # unparseable
    assert mask_uri(make_url("sqlite+aiosqlite:///x.db")) == "sqlite+aiosqlite:///x.db"
