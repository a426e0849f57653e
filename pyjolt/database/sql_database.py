"""SqlDatabase: the async SQLAlchemy engine and sessions of one database, as an extension."""

from __future__ import annotations

import functools
import inspect
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from sqlalchemy import MetaData, event, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from ..controller.metadata import declare_injected
from ..extension import BaseExtension
from .connection import (
    anchor_sqlite_path,
    connection_failure,
    failure_reason,
    mask_uri,
    parse_database_uri,
    settle_after_failed_connect,
)
from .declarative import DEFAULT_DB_NAME, bind_bases, database_name_of
from .errors import DatabaseConfigError, DatabaseNotConnectedError
from .integrity import data_error_response, integrity_error_response
from .query import MAX_PER_PAGE_INFO_KEY
from .settings import DatabaseSettings
from .vector import enable_sqlite_vectors

if TYPE_CHECKING:
    from ..app import PyJolt

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

#: ``{prefix}DATABASE_<suffix>`` config keys that become create_async_engine options.
ENGINE_INT_OPTIONS = {
    "POOL_SIZE": "pool_size",
    "MAX_OVERFLOW": "max_overflow",
    "POOL_RECYCLE": "pool_recycle",
}


def _bool_setting(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"0", "false", "no", "off", ""}:
        return False
    raise DatabaseConfigError(f"{key} must be true or false, got {value!r}")


def _int_setting(key: str, value: Any, minimum: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DatabaseConfigError(f"{key} must be an integer, got {value!r}") from None
    if isinstance(value, bool) or number < minimum:
        raise DatabaseConfigError(f"{key} must be an integer >= {minimum}, got {value!r}")
    return number


def set_sqlite_foreign_keys(engine: Engine, enabled: bool) -> None:
    """Run ``PRAGMA foreign_keys=ON`` (or ``OFF``) on every new connection of ``engine``.

    SQLite checks foreign keys (and runs ``ON DELETE CASCADE``) only when a connection
    turns them on, and the setting does not persist in the database file; PostgreSQL
    always enforces them, so without this the same models behave differently.
    """
    pragma = f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}"

    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(pragma)
        finally:
            cursor.close()

    event.listen(engine, "connect", on_connect)


class SqlDatabase(BaseExtension):
    """One database: engine at startup, sessions per unit of work, disposal at shutdown.

    Configured from ``{variable_prefix}DATABASE_URI`` and the optional
    ``{variable_prefix}DATABASE_POOL_SIZE``, ``_MAX_OVERFLOW``, ``_POOL_RECYCLE``,
    ``_ECHO``, ``_MAX_PER_PAGE`` and ``_SQLITE_FOREIGN_KEYS``. Several databases coexist
    with different ``db_name`` and ``variable_prefix`` values, each with its own models.
    """

    def __init__(self, db_name: str = DEFAULT_DB_NAME, variable_prefix: str = "") -> None:
        super().__init__(variable_prefix=variable_prefix)
        if not isinstance(db_name, str) or not db_name:
            raise ValueError(
                f"SqlDatabase(db_name=...): expected a non-empty name, got {db_name!r}"
            )
        self.db_name = db_name
        self.name = db_name
        self._engine: AsyncEngine | None = None
        self._sessionmaker: async_sessionmaker[AsyncSession] | None = None
        self._warned_stranded = False

    @property
    def uri_key(self) -> str:
        """The config key holding this database's URI, e.g. ``MY_DB_DATABASE_URI``."""
        return f"{self.variable_prefix}DATABASE_URI"

    def init_app(self, app: PyJolt) -> None:
        """Register with ``app``: connect at startup, dispose at shutdown.

        Also makes constraint violations (IntegrityError) answer 409 Conflict and values
        a column cannot store (DataError) 422, unless the app handles them itself.
        """
        existing = app.extensions.get(self.db_name)
        if existing is not None and existing is not self:
            raise DatabaseConfigError(
                f"two database extensions are named {self.db_name!r}: give each SqlDatabase "
                "its own db_name and variable_prefix, e.g. "
                "SqlDatabase(db_name='analytics', variable_prefix='ANALYTICS_')"
            )
        app.configs.register_section(DatabaseSettings, self.variable_prefix)
        super().init_app(app)
        app.add_on_startup(self.connect)
        app.add_default_exception_handler(IntegrityError, integrity_error_response)
        app.add_default_exception_handler(DBAPIError, data_error_response)
        app.add_on_shutdown(self.disconnect)

    # --- configuration --------------------------------------------------------------
    def database_url(self) -> URL:
        """The parsed ``{prefix}DATABASE_URI``; raises DatabaseConfigError naming the key.

        A relative SQLite path is relative to the app's BASE_PATH, not to the working
        directory, so every command and server finds the same file.
        """
        raw = self.get_conf("DATABASE_URI")
        url = parse_database_uri(raw, self.uri_key, require_async=True)
        anchored = anchor_sqlite_path(url, self.app.configs.BASE_PATH)
        if anchored is not url:
            self._warn_about_a_stranded_file(url, anchored)
        return anchored

    def _warn_about_a_stranded_file(self, url: URL, anchored: URL) -> None:
        """Warn (once) when the file the path used to mean exists and the new one does not.

        Before relative SQLite paths were anchored at BASE_PATH they were relative to
        the working directory; an existing database there would otherwise look lost.
        """
        old, new = os.path.abspath(str(url.database)), str(anchored.database)
        if self._warned_stranded or old == new or os.path.exists(new) or not os.path.isfile(old):
            return
        self._warned_stranded = True
        logger.warning(
            "%s: the SQLite path %r is relative to BASE_PATH, so the database is %s; "
            "the file %s (relative to the working directory) is not used: move it there, "
            "or write an absolute path",
            self.uri_key,
            url.database,
            new,
            old,
        )

    def engine_options(self) -> dict[str, Any]:
        """create_async_engine keyword arguments from the optional config keys."""
        options: dict[str, Any] = {}
        for suffix, option in ENGINE_INT_OPTIONS.items():
            value = self.get_conf(f"DATABASE_{suffix}")
            if value is not None:
                key = f"{self.variable_prefix}DATABASE_{suffix}"
                minimum = -1 if option in {"max_overflow", "pool_recycle"} else 1
                options[option] = _int_setting(key, value, minimum)
        echo = self.get_conf("DATABASE_ECHO")
        if echo is not None:
            options["echo"] = _bool_setting(f"{self.variable_prefix}DATABASE_ECHO", echo)
        return options

    def sqlite_foreign_keys(self) -> bool:
        """``{prefix}DATABASE_SQLITE_FOREIGN_KEYS`` (default True): enforce FKs on SQLite."""
        value = self.get_conf("DATABASE_SQLITE_FOREIGN_KEYS")
        if value is None:
            return True
        return _bool_setting(f"{self.variable_prefix}DATABASE_SQLITE_FOREIGN_KEYS", value)

    def max_per_page(self) -> int | None:
        """``{prefix}DATABASE_MAX_PER_PAGE``: the largest per_page paginate() accepts."""
        value = self.get_conf("DATABASE_MAX_PER_PAGE")
        if value is None:
            return None
        return _int_setting(f"{self.variable_prefix}DATABASE_MAX_PER_PAGE", value, 1)

    # --- models ---------------------------------------------------------------------
    @property
    def models(self) -> list[type]:
        """The app's MODELS whose base was made for this database (``__db_name__``)."""
        return [m for m in self.app.models if database_name_of(m) == self.db_name]

    @property
    def metadata(self) -> list[MetaData]:
        """The MetaData of this database's models (one per declarative base used)."""
        found: list[MetaData] = []
        for model in self.models:
            metadata = model.metadata  # type: ignore[attr-defined]
            if all(metadata is not seen for seen in found):
                found.append(metadata)
        return found

    # --- lifecycle ------------------------------------------------------------------
    @property
    def is_connected(self) -> bool:
        return self._engine is not None

    @property
    def engine(self) -> AsyncEngine:
        """The AsyncEngine (available between startup and shutdown)."""
        if self._engine is None:
            raise DatabaseNotConnectedError(self._not_connected_message())
        return self._engine

    async def connect(self) -> None:
        """Create the engine and check the database answers ``SELECT 1``.

        Runs at app startup; a bad URI or an unreachable database fails startup with a
        message naming the config key and the host (password masked).
        """
        if self._engine is not None:
            return
        bind_bases(self.models, self)
        url = self.database_url()
        options = self.engine_options()
        foreign_keys = self.sqlite_foreign_keys()
        try:
            engine = create_async_engine(url, **options)
        except Exception as exc:  # bad pool options for this dialect, missing DBAPI, ...
            raise DatabaseConfigError(
                f"{self.uri_key} = {mask_uri(url)!r}: the engine could not be created "
                f"with options {sorted(options)}: {failure_reason(exc)}"
            ) from exc
        if engine.dialect.name == "sqlite":
            set_sqlite_foreign_keys(engine.sync_engine, foreign_keys)
            enable_sqlite_vectors(engine.sync_engine)
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:
            await engine.dispose()
            await settle_after_failed_connect(url)
            raise connection_failure(self.uri_key, url, exc) from exc
        self._engine = engine
        self._sessionmaker = async_sessionmaker(
            engine,
            class_=AsyncSession,
            # The SPEC's handlers read user.id after commit: expiring would reload lazily,
            # which async sessions cannot do.
            expire_on_commit=False,
            info={MAX_PER_PAGE_INFO_KEY: self.max_per_page()},
        )
        logger.info("Database %r connected (%s)", self.db_name, mask_uri(url))

    async def disconnect(self) -> None:
        """Dispose of the engine's connections (runs at app shutdown)."""
        engine, self._engine, self._sessionmaker = self._engine, None, None
        if engine is not None:
            await engine.dispose()
            logger.info("Database %r disconnected", self.db_name)

    # --- sessions -------------------------------------------------------------------
    def create_session(self) -> AsyncSession:
        """A new AsyncSession; the caller commits and must ``await session.close()``."""
        if self._sessionmaker is None:
            raise DatabaseNotConnectedError(self._not_connected_message())
        return self._sessionmaker()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """``async with db.session() as session:`` rolls back on error, always closes.

        Nothing is committed for you: call ``await session.commit()`` (or use
        ``async with session.begin():``) when the work is done.
        """
        session = self.create_session()
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        finally:
            await session.close()

    def managed_session(self, handler: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        """Decorator running ``handler`` inside :meth:`session`, passed as ``session=``.

        Place it below the route decorators. The handler commits itself; on an exception
        the session is rolled back and the exception re-raised; it is always closed.
        """
        if not inspect.iscoroutinefunction(handler):
            raise TypeError(
                f"@{self.db_name}.managed_session needs an async function, "
                f"got {getattr(handler, '__qualname__', handler)!r}"
            )
        if "session" not in inspect.signature(handler).parameters:
            raise TypeError(
                f"{handler.__qualname__}: @managed_session passes the session as a "
                "parameter named 'session'; add 'session: AsyncSession' to its signature"
            )

        @functools.wraps(handler)
        async def with_session(*args: Any, **kwargs: Any) -> Any:
            async with self.session() as session:
                return await handler(*args, session=session, **kwargs)  # type: ignore[arg-type]

        declare_injected(with_session, "session")
        return with_session

    # --- schema helpers -------------------------------------------------------------
    async def create_all(self) -> None:
        """Create the tables of this database's models (tests, prototypes; no migrations)."""
        async with self.engine.begin() as connection:
            for metadata in self.metadata:
                await connection.run_sync(metadata.create_all)

    async def drop_all(self) -> None:
        """Drop the tables of this database's models."""
        async with self.engine.begin() as connection:
            for metadata in reversed(self.metadata):
                await connection.run_sync(metadata.drop_all)

    def _not_connected_message(self) -> str:
        return (
            f"database {self.db_name!r} is not connected: it connects at app startup "
            "(run the app with lifespan on, use PyJoltTestClient, or await db.connect())"
        )

    def __repr__(self) -> str:
        state = "connected" if self._engine is not None else "not connected"
        return f"<SqlDatabase {self.db_name!r} prefix={self.variable_prefix!r} {state}>"
