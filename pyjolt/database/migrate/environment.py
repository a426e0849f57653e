"""What a migration folder's ``env.py`` runs: Alembic's online/offline environment.

Migrate puts a :class:`MigrationSettings` into the Alembic config's ``attributes``; the
generated ``env.py`` only calls :func:`run_migrations`, so fixes here reach existing
projects. Without ``ALEMBIC_DATABASE_URI_SYNC`` the app's async engine URL is used
through ``connection.run_sync`` (Alembic's async recipe).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import MetaData, create_engine, pool
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import create_async_engine

from ...task_manager.claims import OWN_TABLES
from ..connection import connection_failure, settle_after_failed_connect
from ..errors import MigrationError
from ..types import UtcDateTime
from ..vector import Vector

T = TypeVar("T")

SETTINGS_KEY = "pyjolt_migration_settings"


@dataclass(frozen=True)
class MigrationSettings:
    """Everything env.py needs about one database, handed over by Migrate."""

    db_name: str
    url: URL
    url_key: str
    is_async: bool
    target_metadata: list[MetaData]
    skip_empty_revisions: bool = False


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to completion from sync code, even inside a running event loop.

    Alembic's commands are synchronous; when they are called from async code (a test, a
    startup hook) ``asyncio.run`` would refuse, so the coroutine gets its own thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


def skip_empty_revision(context: Any, revision: Any, directives: list[Any]) -> None:
    """Write no migration file when autogenerate found nothing to change."""
    if directives and all(ops.is_empty() for ops in directives[0].upgrade_ops_list):
        directives[:] = []


def render_portable_types(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write PyJolt's column types as the SQLAlchemy type they store as.

    ``UtcDateTime`` becomes ``sa.DateTime(timezone=True)`` in a migration, so migrations
    need no import of PyJolt and keep working if a model changes its Python-side type.
    ``Vector(dim)`` stays itself (imported from ``pyjolt.database``).
    """
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return f"sa.{obj.impl_instance!r}"
    if type_ == "type" and isinstance(obj, Vector):
        # pgvector's vector(dim) on PostgreSQL, a blob elsewhere: the same migration
        # must build both, so it names PyJolt's type.
        autogen_context.imports.add("from pyjolt.database import Vector")
        return f"Vector({obj.dim})"
    return False


def exclude_pyjolt_tables(name: str | None, type_: str, parent_names: Any) -> bool:
    """Leave out the tables the TaskManager creates for itself (claims, failed jobs).

    They are created at startup when missing, not by the app's migrations; without this
    autogenerate would offer to drop them and ``db check`` would report a difference.
    """
    return not (type_ == "table" and name in OWN_TABLES)


def run_migrations(context: Any, **configure_options: Any) -> None:
    """Run the migration environment; ``configure_options`` go to ``context.configure``.

    Use them in env.py for autogenerate tweaks, e.g. ``include_object=...`` or
    ``compare_server_default=True``.
    """
    settings = context.config.attributes.get(SETTINGS_KEY)
    if not isinstance(settings, MigrationSettings):
        raise MigrationError(
            "this env.py runs through PyJolt's Migrate extension: use 'pyjolt db upgrade' "
            "(or the app's 'python cli.py db-upgrade') instead of the alembic command"
        )
    # No models is a schema with no tables: `db check` then passes once the migrations
    # have dropped every table (writing a migration without models is refused earlier).
    options: dict[str, Any] = {
        "target_metadata": settings.target_metadata or MetaData(),
        "render_item": render_portable_types,
        "include_name": exclude_pyjolt_tables,
    }
    if settings.skip_empty_revisions:
        options["process_revision_directives"] = skip_empty_revision
    options.update(configure_options)

    if context.is_offline_mode():
        context.configure(
            url=settings.url.render_as_string(hide_password=False),
            literal_binds=True,
            dialect_opts={"paramstyle": "named"},
            **options,
        )
        with context.begin_transaction():
            context.run_migrations()
    elif settings.is_async:
        run_coroutine(_run_async(context, settings, options))
    else:
        _run_sync(context, settings, options)


def _run_on_connection(connection: Connection, context: Any, options: dict[str, Any]) -> None:
    is_sqlite = connection.dialect.name == "sqlite"
    if is_sqlite:
        # Batch mode copies a table and drops the old one. With foreign keys on, dropping
        # a parent table deletes its children's rows (ON DELETE CASCADE) or fails, so
        # migrations run with them off, as Alembic recommends. The pragma is ignored inside
        # a transaction: run it first and end the transaction it opened.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    # SQLite cannot ALTER most things; batch mode recreates the table instead.
    options = {"render_as_batch": is_sqlite, **options}
    context.configure(connection=connection, **options)
    with context.begin_transaction():
        context.run_migrations()


def run_on_connection(settings: MigrationSettings, action: Callable[[Connection], T]) -> T:
    """Open the database of ``settings`` (sync or async driver) and run ``action`` on it."""
    if settings.is_async:
        return run_coroutine(_run_async_action(settings, action))
    engine = create_engine(settings.url, poolclass=pool.NullPool)
    try:
        try:
            connection = engine.connect()
        except Exception as exc:
            raise connection_failure(settings.url_key, settings.url, exc) from exc
        with connection:
            return action(connection)
    finally:
        engine.dispose()


async def _run_async_action(settings: MigrationSettings, action: Callable[[Connection], T]) -> T:
    engine = create_async_engine(settings.url, poolclass=pool.NullPool)
    try:
        try:
            connection = await engine.connect()
        except Exception as exc:
            await settle_after_failed_connect(settings.url)
            raise connection_failure(settings.url_key, settings.url, exc) from exc
        try:
            return await connection.run_sync(action)
        finally:
            await connection.close()
    finally:
        await engine.dispose()


def _run_sync(context: Any, settings: MigrationSettings, options: dict[str, Any]) -> None:
    run_on_connection(settings, lambda connection: _run_on_connection(connection, context, options))


async def _run_async(context: Any, settings: MigrationSettings, options: dict[str, Any]) -> None:
    await _run_async_action(
        settings, lambda connection: _run_on_connection(connection, context, options)
    )
