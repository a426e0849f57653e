"""Alembic migrations for a SqlDatabase: ``from pyjolt.database.migrate import Migrate``."""

from ..errors import MigrationError, ModelsOutOfSyncError
from .environment import MigrationSettings, run_migrations
from .extension import Migrate

__all__ = [
    "Migrate",
    "MigrationError",
    "MigrationSettings",
    "ModelsOutOfSyncError",
    "run_migrations",
]
