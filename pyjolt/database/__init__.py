"""SQL databases: the SqlDatabase extension, model bases with AsyncQuery, migrations.

``from pyjolt.database import SqlDatabase, create_declerative_base``; migrations live in
``pyjolt.database.migrate`` (Alembic is imported only when a migration command runs).
"""

from sqlalchemy.ext.asyncio import AsyncSession

from .declarative import (
    NAMING_CONVENTION,
    AsyncQueryMixin,
    create_declarative_base,
    create_declerative_base,
)
from .errors import (
    DatabaseConfigError,
    DatabaseConnectionError,
    DatabaseExtensionError,
    DatabaseNotConnectedError,
    InvalidPaginationError,
    MigrationError,
    ModelsOutOfSyncError,
)
from .pagination import DEFAULT_MAX_PER_PAGE, PageDict
from .query import AsyncQuery
from .sql_database import SqlDatabase
from .types import NaiveDatetimeError, UtcDateTime, enum_type
from .vector import Vector, VectorDimensionError, hnsw_index

__all__ = [
    "DEFAULT_MAX_PER_PAGE",
    "NAMING_CONVENTION",
    "AsyncQuery",
    "AsyncQueryMixin",
    "AsyncSession",
    "DatabaseConfigError",
    "DatabaseConnectionError",
    "DatabaseExtensionError",
    "DatabaseNotConnectedError",
    "InvalidPaginationError",
    "MigrationError",
    "ModelsOutOfSyncError",
    "NaiveDatetimeError",
    "PageDict",
    "SqlDatabase",
    "UtcDateTime",
    "Vector",
    "VectorDimensionError",
    "create_declarative_base",
    "create_declerative_base",
    "enum_type",
    "hnsw_index",
]
