"""Seeds: the rows a database should start with, written as ``async def seed(session)``.

``pyjolt db seed`` finds the seed function of a database (``{prefix}DATABASE_SEEDS``, by
default ``seed`` in the ``seeds`` module beside the app: ``app/seeds.py``), starts the
app (its extensions connect, its startup hooks run), calls the function with a new
session and commits once at the end. An exception rolls everything back, so a failing
seed leaves the database as it was. Write seeds so that running them twice adds nothing
the second time (look a row up before adding it).
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from .connection import one_line
from .declarative import DEFAULT_DB_NAME
from .errors import DatabaseConfigError, DatabaseExtensionError

if TYPE_CHECKING:
    from .sql_database import SqlDatabase

SeedFunction = Callable[[AsyncSession], Awaitable[Any]]
SEEDS_MODULE = "seeds"


class SeedsNotFoundError(DatabaseExtensionError):
    """The database has no seed function where its setting (or the default) says."""


class SeedFailedError(DatabaseExtensionError):
    """The seed function raised; everything it did was rolled back."""


@dataclass(frozen=True)
class SeedResult:
    """What a seed run did: which function ran and how many rows it added."""

    target: str
    added: int


def default_seed_target(database: SqlDatabase) -> str:
    """``<app package>.seeds:seed`` (``seed_<db_name>`` for a database not named "db")."""
    module_name = type(database.app).__module__
    module = sys.modules.get(module_name)
    package = module_name if hasattr(module, "__path__") else module_name.rpartition(".")[0]
    seeds = f"{package}.{SEEDS_MODULE}" if package else SEEDS_MODULE
    function = "seed" if database.db_name == DEFAULT_DB_NAME else f"seed_{database.db_name}"
    return f"{seeds}:{function}"


def seed_target(database: SqlDatabase) -> tuple[str, bool]:
    """The import string of the database's seed function, and whether it was configured."""
    configured = database.get_conf("DATABASE_SEEDS")
    if configured:
        return str(configured), True
    return default_seed_target(database), False


def load_seed(database: SqlDatabase) -> tuple[str, SeedFunction]:
    """The seed function of ``database``; SeedsNotFoundError when there is none."""
    target, configured = seed_target(database)
    key = f"{database.variable_prefix}DATABASE_SEEDS"
    module_name, _, attribute = target.partition(":")
    attribute = attribute or "seed"
    where = f"{key} = {target!r}" if configured else f"the default while {key} is unset"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is None or not module_name.startswith(exc.name):
            raise  # the seeds module exists but imports something missing
        raise SeedsNotFoundError(
            f"database {database.db_name!r} has no seeds: module {module_name!r} not found "
            f"({where}); write {module_name.replace('.', '/')}.py with "
            f"'async def {attribute}(session: AsyncSession) -> None'"
        ) from None
    function = getattr(module, attribute, None)
    if function is None:
        raise SeedsNotFoundError(
            f"database {database.db_name!r} has no seeds: module {module_name!r} has no "
            f"function {attribute!r} ({where})"
        )
    if not inspect.iscoroutinefunction(function):
        raise DatabaseConfigError(
            f"seed function {module_name}:{attribute} must be 'async def "
            f"{attribute}(session: AsyncSession)'; got {function!r}"
        )
    return f"{module_name}:{attribute}", function


async def run_seed(database: SqlDatabase) -> SeedResult:
    """Start the app, run the seed function in one transaction, commit, shut down.

    The function gets a fresh AsyncSession and should not commit itself: committing once
    here is what makes a failure leave nothing behind.
    """
    target, function = load_seed(database)
    app = database.app
    try:
        await app.startup()
    except BaseException:
        await app.shutdown()
        raise
    try:
        async with database.session() as session:
            added = _count_added_rows(session)
            try:
                await function(session)
                await session.commit()
            except Exception as exc:
                raise SeedFailedError(
                    f"seed {target} failed, nothing was committed: "
                    f"{type(exc).__name__}: {one_line(str(exc))}"
                ) from exc
    finally:
        await app.shutdown()
    return SeedResult(target, added[0])


def _count_added_rows(session: AsyncSession) -> list[int]:
    """A one-item list counting the rows the session inserts (models added to it)."""
    added = [0]

    def before_flush(sync_session: Any, flush_context: Any, instances: Any) -> None:
        added[0] += len(sync_session.new)

    event.listen(session.sync_session, "before_flush", before_flush)
    return added
