"""Declarative bases for models, one per database, with ``Model.query(session)``.

A base's ``__db_name__`` ties its models to the SqlDatabase of the same ``db_name``;
each base has its own MetaData, so Alembic autogenerate for one database never sees the
tables of another.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from .query import AsyncQuery

M = TypeVar("M")

DEFAULT_DB_NAME = "db"
#: Set on a declarative base by its SqlDatabase at startup, for session-less queries.
DATABASE_ATTR = "__pyjolt_database__"

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Names for indexes and constraints, so Alembic's migrations can refer to them later (SQLite's
batch mode needs named ones) and name them the same on every database."""


class AsyncQueryMixin:
    """Gives a model class ``query(session)``; mixed into every base made here.

    Write ``class Base(AsyncQueryMixin, DeclarativeBase): __db_name__ = "db"`` instead of
    calling :func:`create_declarative_base` when a type checker should see the base.
    """

    __db_name__: str = DEFAULT_DB_NAME

    @classmethod
    def query(cls: type[M], session: AsyncSession | None = None) -> AsyncQuery[M]:
        """A query builder for this model running on ``session``.

        Without a session (the SPEC's ``await User.query().filter_by(id=1).first()``)
        each awaited result opens and closes a short session of the model's database;
        that needs the app started and one model of this base listed in MODELS.
        """
        return AsyncQuery(session, cls, database=getattr(cls, DATABASE_ATTR, None))


def create_declarative_base(name: str = DEFAULT_DB_NAME) -> Any:
    """A new declarative base for the models of the database called ``name``.

    Call it once per database and derive every model of that database from the result.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"create_declarative_base(name): expected a database name, got {name!r}")
    namespace = {
        "__db_name__": name,
        "__doc__": f"Declarative base of the models of database {name!r}.",
        "metadata": MetaData(naming_convention=NAMING_CONVENTION),
    }
    return type("Base", (AsyncQueryMixin, DeclarativeBase), namespace)


#: The spelling of the reference description, kept working.
create_declerative_base = create_declarative_base


def database_name_of(model: Any) -> str | None:
    """The ``__db_name__`` of a mapped model class, or None for anything else."""
    if not isinstance(model, type) or not hasattr(model, "__table__"):
        return None
    name = getattr(model, "__db_name__", DEFAULT_DB_NAME)
    return name if isinstance(name, str) else None


def bind_bases(models: list[type], database: Any) -> None:
    """Point the declarative bases of ``models`` at ``database`` (for ``query()``)."""
    for model in models:
        for klass in model.__mro__:
            if "__db_name__" in vars(klass):
                setattr(klass, DATABASE_ATTR, database)
                break
