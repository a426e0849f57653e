"""The database extensions' settings: ``DATABASE_*`` (SqlDatabase) and ``ALEMBIC_*`` (Migrate).

Each key is read behind the database's ``variable_prefix`` (``ANALYTICS_DATABASE_URI``).
The URI itself is parsed when the database connects, so a bad one fails startup with a
message naming the key and the masked URL.
"""

from __future__ import annotations

from pydantic import Field

from ..settings import SettingsSection

DEFAULT_MIGRATION_DIR = "migrations"


class DatabaseSettings(SettingsSection):
    """Where the database is, and the engine's pool options."""

    families = ("DATABASE_",)

    DATABASE_URI: str | None = Field(
        default=None,
        description="Async SQLAlchemy URL; a relative SQLite path is relative to BASE_PATH",
    )
    DATABASE_POOL_SIZE: int | None = Field(default=None, ge=1)
    DATABASE_MAX_OVERFLOW: int | None = Field(default=None, ge=-1)
    DATABASE_POOL_RECYCLE: int | None = Field(default=None, ge=-1)
    DATABASE_ECHO: bool | None = Field(default=None, description="Log every SQL statement")
    DATABASE_SQLITE_FOREIGN_KEYS: bool = Field(
        default=True, description="Enforce foreign keys on SQLite (PRAGMA foreign_keys=ON)"
    )
    DATABASE_MAX_PER_PAGE: int | None = Field(
        default=None, ge=1, description="The largest per_page paginate() accepts"
    )
    DATABASE_SEEDS: str | None = Field(
        default=None,
        description="Seed function of 'pyjolt db seed' (default: the app package's seeds:seed)",
    )


class MigrateSettings(SettingsSection):
    """Where the migrations live, and an optional synchronous URL to run them through."""

    families = ("ALEMBIC_",)

    ALEMBIC_MIGRATION_DIR: str = Field(
        default=DEFAULT_MIGRATION_DIR, description="Migration folder, under BASE_PATH"
    )
    ALEMBIC_DATABASE_URI_SYNC: str | None = Field(
        default=None, description="Run migrations through this (sync) URL instead"
    )
