"""A relative SQLite path is relative to BASE_PATH, whatever the working directory."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from pyjolt import BaseConfig, PyJolt
from pyjolt.database import SqlDatabase
from pyjolt.database.connection import anchor_sqlite_path
from pyjolt.database.migrate import Migrate


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("sqlite+aiosqlite:///./shop.db", "/srv/app/shop.db"),
        ("sqlite+aiosqlite:///shop.db", "/srv/app/shop.db"),
        ("sqlite+aiosqlite:///../shop.db", "/srv/shop.db"),
        ("sqlite+aiosqlite:///data/shop.db", "/srv/app/data/shop.db"),
        ("sqlite+aiosqlite:////var/lib/shop.db", "/var/lib/shop.db"),
        ("sqlite+aiosqlite:///:memory:", ":memory:"),
        ("sqlite+aiosqlite://", None),
        ("postgresql+asyncpg://u@h/shop", "shop"),
    ],
)
def test_only_relative_sqlite_files_are_anchored(uri: str, expected: str | None) -> None:
    assert anchor_sqlite_path(make_url(uri), "/srv/app").database == expected


def app_in(base: Path, **config: str) -> PyJolt:
    return PyJolt(BaseConfig(BASE_PATH=str(base), **config))


def test_the_database_and_its_migrations_use_the_file_under_base_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "app" / "api").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "app" / "api")
    app = app_in(
        tmp_path / "app",
        DATABASE_URI="sqlite+aiosqlite:///../shop.db",
        ALEMBIC_DATABASE_URI_SYNC="sqlite:///../shop.db",
    )
    db = SqlDatabase()
    db.init_app(app)
    migrate = Migrate(db)
    migrate.init_app(app)

    assert db.database_url().database == str(tmp_path / "shop.db")
    assert migrate.settings().url.database == str(tmp_path / "shop.db")


async def test_startup_creates_the_file_under_base_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    app = app_in(tmp_path, DATABASE_URI="sqlite+aiosqlite:///./shop.db")
    db = SqlDatabase()
    db.init_app(app)

    await db.connect()
    await db.disconnect()

    assert (tmp_path / "shop.db").is_file()
    assert os.listdir(elsewhere) == []


def test_a_database_left_in_the_working_directory_is_warned_about(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shop.db").write_bytes(b"")
    app = app_in(tmp_path / "app", DATABASE_URI="sqlite+aiosqlite:///./shop.db")
    db = SqlDatabase()
    db.init_app(app)

    with caplog.at_level(logging.WARNING, logger="pyjolt.database"):
        db.database_url()
        db.database_url()

    [warning] = [r.getMessage() for r in caplog.records if r.name.startswith("pyjolt.database")]
    assert "relative to BASE_PATH" in warning and str(tmp_path / "shop.db") in warning
