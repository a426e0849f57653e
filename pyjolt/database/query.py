"""AsyncQuery: a chainable query builder over ``select(Model)`` that runs on an AsyncSession.

Builder methods return a new AsyncQuery (the original is untouched), so a base query can
be shared and refined; the awaitable methods (``all``, ``first``, ``one``, ``count``,
``paginate``, and the aggregates ``count_by``, ``sum``, ``avg``, ``min``, ``max``,
``values``) execute it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Generic, TypeVar

from sqlalchemy import Row, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from .pagination import DEFAULT_MAX_PER_PAGE, PageDict, PageRequest, as_int

T = TypeVar("T")

#: Key in ``session.info`` where SqlDatabase puts ``{prefix}DATABASE_MAX_PER_PAGE``.
MAX_PER_PAGE_INFO_KEY = "pyjolt_max_per_page"


#: Builders after which a query returns other rows than its filters and joins select;
#: the aggregate executors refuse them rather than silently ignore them.
SHAPING_BUILDERS = {
    "group_by": "group_by()",
    "having": "having()",
    "distinct": "distinct()",
    "distinct_on": "distinct(columns)",
    "limit": "limit()",
    "offset": "offset()",
}


class AsyncQuery(Generic[T]):
    """``await User.query(session).filter_by(active=True).order_by(User.id).all()``."""

    __slots__ = ("database", "model", "session", "shaped_by", "statement")

    def __init__(
        self,
        session: AsyncSession | None,
        model: type[T],
        statement: Select[Any] | None = None,
        database: Any = None,
        shaped_by: frozenset[str] = frozenset(),
    ) -> None:
        if session is None and database is None:
            raise TypeError(
                f"{model.__name__}.query() has no session and no connected database: pass a "
                "session (db.session(), db.create_session(), @db.managed_session), or list "
                "the model in MODELS with its SqlDatabase in EXTENSIONS"
            )
        if session is not None and not isinstance(session, AsyncSession):
            raise TypeError(
                f"{model.__name__}.query(session) needs an AsyncSession, got "
                f"{type(session).__name__}; use db.session(), db.create_session() "
                "or @db.managed_session"
            )
        self.session = session
        self.database = database
        self.model = model
        self.statement: Select[Any] = statement if statement is not None else select(model)
        #: Which of SHAPING_BUILDERS this query used (the statement does not tell publicly).
        self.shaped_by = shaped_by

    def _with(self, statement: Select[Any]) -> AsyncQuery[T]:
        return AsyncQuery(self.session, self.model, statement, self.database, self.shaped_by)

    def _shaped(self, statement: Select[Any], builder: str, used: bool = True) -> AsyncQuery[T]:
        shaped_by = self.shaped_by | {builder} if used else self.shaped_by - {builder}
        return AsyncQuery(self.session, self.model, statement, self.database, shaped_by)

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        """The query's own session, or a short-lived one of its database (closed after)."""
        if self.session is not None:
            self._check_dialect(self.session)
            yield self.session
        else:
            async with self.database.session() as session:
                self._check_dialect(session)
                yield session

    def _check_dialect(self, session: AsyncSession) -> None:
        """Refuse DISTINCT ON off PostgreSQL: other databases would ignore it silently."""
        if "distinct_on" not in self.shaped_by:
            return
        dialect = session.get_bind().dialect.name
        if dialect != "postgresql":
            raise NotImplementedError(
                f"{self.model.__name__} query: distinct(columns) is DISTINCT ON, which only "
                f"PostgreSQL supports, not {dialect}; use distinct() without columns, or "
                "group_by() with values()"
            )

    def _columns(self, columns: tuple[Any, ...]) -> list[Any]:
        return [self._column(column) for column in columns]

    def _selecting(self, *columns: Any) -> Select[Any]:
        """The statement selecting ``columns`` instead of the model, FROM and joins kept."""
        return self.statement.with_only_columns(*columns, maintain_column_froms=True)

    def _column(self, column: Any) -> Any:
        """A column expression, or the model attribute named by a string."""
        if isinstance(column, str):
            try:
                return getattr(self.model, column)
            except AttributeError:
                raise AttributeError(
                    f"{self.model.__name__} has no column or attribute {column!r}"
                ) from None
        return column

    # --- builders -------------------------------------------------------------------
    def where(self, *conditions: Any) -> AsyncQuery[T]:
        """Add WHERE conditions, joined with AND (same as :meth:`filter`)."""
        return self._with(self.statement.where(*conditions))

    def filter(self, *conditions: Any) -> AsyncQuery[T]:
        """Add WHERE conditions, joined with AND."""
        return self._with(self.statement.where(*conditions))

    def filter_by(self, **values: Any) -> AsyncQuery[T]:
        """Add ``column == value`` conditions by keyword: ``filter_by(email="a@b.c")``."""
        return self._with(self.statement.filter_by(**values))

    def join(
        self, target: Any, onclause: Any = None, *, isouter: bool = False, full: bool = False
    ) -> AsyncQuery[T]:
        """JOIN another model (the ON clause follows the foreign key unless given)."""
        return self._with(self.statement.join(target, onclause, isouter=isouter, full=full))

    def options(self, *options: Any) -> AsyncQuery[T]:
        """Loader options, e.g. ``selectinload(User.posts)`` (lazy loading fails in async)."""
        return self._with(self.statement.options(*options))

    def limit(self, num: int | None) -> AsyncQuery[T]:
        """Return at most ``num`` rows (``None`` removes the limit)."""
        return self._shaped(self.statement.limit(num), "limit", num is not None)

    def offset(self, num: int | None) -> AsyncQuery[T]:
        """Skip the first ``num`` rows."""
        return self._shaped(self.statement.offset(num), "offset", bool(num))

    def group_by(self, *columns: Any) -> AsyncQuery[T]:
        """GROUP BY columns (strings name model attributes).

        Read the groups with :meth:`values`, e.g.
        ``.group_by(Tag.name).values(Tag.name, func.count())``: the model's own columns
        are not valid SQL beside a GROUP BY (PostgreSQL refuses them unless grouped by the
        primary key).
        """
        return self._shaped(self.statement.group_by(*self._columns(columns)), "group_by")

    def having(self, *conditions: Any) -> AsyncQuery[T]:
        """Keep the groups matching ``conditions``, e.g. ``having(func.count() > 1)``."""
        return self._shaped(self.statement.having(*conditions), "having")

    def distinct(self, *columns: Any) -> AsyncQuery[T]:
        """Drop duplicate rows (``SELECT DISTINCT``), such as those a join repeats.

        With columns, keep the first row (by ``order_by``) of each distinct value of them:
        PostgreSQL's ``DISTINCT ON``, refused on other databases when the query runs.
        """
        if not columns:
            return self._shaped(self.statement.distinct(), "distinct")
        expressions = self._columns(columns)
        try:
            from sqlalchemy.dialects.postgresql import distinct_on  # SQLAlchemy 2.1+
        except ImportError:  # pragma: no cover - SQLAlchemy 2.0 spells it distinct(*columns)
            return self._shaped(self.statement.distinct(*expressions), "distinct_on")
        return self._shaped(self.statement.ext(distinct_on(*expressions)), "distinct_on")

    def order_by(self, *columns: Any) -> AsyncQuery[T]:
        """Sort by columns; strings name model attributes, ``User.name.desc()`` works too."""
        return self._with(self.statement.order_by(*(self._column(c) for c in columns)))

    def like(self, column: Any, pattern: str, escape: str | None = None) -> AsyncQuery[T]:
        """Keep rows where ``column LIKE pattern`` (case-sensitivity is the database's)."""
        return self.where(self._column(column).like(pattern, escape=escape))

    def ilike(self, column: Any, pattern: str, escape: str | None = None) -> AsyncQuery[T]:
        """Keep rows where ``column`` matches ``pattern`` ignoring case."""
        return self.where(self._column(column).ilike(pattern, escape=escape))

    def nearest(
        self, column: Any, vector: Any, k: int = 10, metric: str = "cosine"
    ) -> AsyncQuery[T]:
        """The ``k`` rows whose Vector ``column`` is nearest to ``vector``, nearest first.

        ``metric`` is ``cosine`` (default), ``l2`` or ``inner_product``; on PostgreSQL
        an HNSW index built for the same metric serves the query. Rows whose vector is
        NULL are left out. Filters added before or after still apply (an earlier
        ``order_by`` is replaced); read the rows with ``await ...all()``.
        """
        from .vector import DISTANCES

        if metric not in DISTANCES:
            raise ValueError(f"nearest(): unknown metric {metric!r}; choose from {list(DISTANCES)}")
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"nearest(): k must be a positive integer, got {k!r}")
        target = self._column(column)
        distance = getattr(target, "cosine_distance", None)
        if distance is None:
            raise TypeError(f"nearest(): {column!r} is not a Vector column")
        method = {"cosine": "cosine_distance", "l2": "l2_distance"}.get(metric, "inner_product")
        # A row without a vector has no distance: left out, or SQLite (NULLs first)
        # and PostgreSQL (NULLs last) would answer differently.
        statement = self.statement.where(target.is_not(None)).order_by(None)
        ordered = statement.order_by(getattr(target, method)(vector))
        return self._shaped(ordered.limit(k), "limit")

    # --- execution ------------------------------------------------------------------
    async def all(self) -> list[T]:
        """Every matching row."""
        async with self._session() as session:
            result = await session.scalars(self.statement)
            return list(result.all())

    async def first(self) -> T | None:
        """The first matching row, or None (adds LIMIT 1)."""
        async with self._session() as session:
            result = await session.scalars(self.statement.limit(1))
            return result.first()

    async def one(self) -> T:
        """Exactly one row; raises NoResultFound or MultipleResultsFound otherwise."""
        async with self._session() as session:
            result = await session.scalars(self.statement)
            return result.one()

    async def count(self) -> int:
        """Number of rows the query returns (its limit and offset apply).

        With ``group_by()`` that is the number of groups; with ``distinct()`` the number
        of distinct rows.
        """
        async with self._session() as session:
            return int((await session.scalar(self._count_statement(self.statement))) or 0)

    def _count_statement(self, statement: Select[Any]) -> Select[Any]:
        rows = statement.order_by(None)
        grouped = self.shaped_by & {"group_by", "having"}
        if grouped and not self.shaped_by & {"distinct", "distinct_on"}:
            # One row per group. The model's columns beside GROUP BY are invalid on
            # PostgreSQL (unless grouped by the primary key), and not needed to count.
            rows = rows.with_only_columns(literal_column("1"), maintain_column_froms=True)
        return select(func.count()).select_from(rows.subquery())

    async def paginate(
        self,
        page: int | str | None = None,
        per_page: int | str | None = None,
        *,
        limit: int | str | None = None,
        offset: int | str | None = None,
        max_per_page: int | None = None,
    ) -> PageDict[T]:
        """One page of results with the totals needed to render page links.

        Ask by ``page``/``per_page`` (defaults 1 and 10) or by ``limit``/``offset``
        (defaults 10 and 0), not both (TypeError). ``page`` must be at least 1, ``offset``
        at least 0, and ``per_page``/``limit`` between 1 and ``max_per_page`` (argument,
        else the database's ``DATABASE_MAX_PER_PAGE``, else 100); anything else raises
        :class:`InvalidPaginationError` (a ValueError). Ints and integer strings (query
        parameters) are accepted. Either way the result has every key of
        :class:`PageDict`; ``pyjolt.schemas.Page[Model]`` validates it for a response.
        """
        request = PageRequest.parse(page, per_page, limit, offset)
        async with self._session() as session:
            window = request.window(self._max_per_page(max_per_page, session))
            unpaged = self.statement.limit(None).offset(None)
            total = int((await session.scalar(self._count_statement(unpaged))) or 0)
            rows = await session.scalars(unpaged.limit(window.size).offset(window.start))
            items = list(rows.all())
        return window.page_of(items, total)

    # --- aggregates -----------------------------------------------------------------
    async def values(self, *columns: Any) -> list[Row[Any]]:
        """The query's rows with other columns selected: per-group counts, a few fields.

        Filters, joins, group_by, having, distinct, order_by, limit and offset all stay,
        e.g. the ten most used tags:
        ``Tag.query(s).join(Tag.articles).group_by(Tag.name)
        .order_by(func.count().desc()).limit(10).values(Tag.name, func.count())``.
        Strings name model attributes.
        """
        if not columns:
            raise TypeError("values() needs at least one column, e.g. values(User.id, 'email')")
        statement = self._selecting(*self._columns(columns))
        async with self._session() as session:
            result = await session.execute(statement)
            return list(result.all())

    async def count_by(self, column: Any) -> dict[Any, int]:
        """``{value: number of rows}`` for each value of ``column``, in its order.

        One GROUP BY query over the query's filters and joins, instead of loading rows
        to count them (e.g. favourites per article).
        """
        self._refuse_shaping("count_by")
        key = self._column(column)
        statement = self._selecting(key, func.count()).group_by(key).order_by(None).order_by(key)
        async with self._session() as session:
            rows = (await session.execute(statement)).all()
        return {row[0]: int(row[1]) for row in rows}

    async def sum(self, column: Any) -> Any:
        """Total of ``column`` over the rows the filters and joins select (0 if none)."""
        expression = self._column(column)
        return await self._aggregate("sum", func.coalesce(func.sum(expression), 0))

    async def avg(self, column: Any) -> float | None:
        """Mean of ``column`` as a float (None if no rows).

        Always a float: PostgreSQL answers a Decimal for integer columns, SQLite a float.
        """
        mean = await self._aggregate("avg", func.avg(self._column(column)))
        return None if mean is None else float(mean)

    async def min(self, column: Any) -> Any:
        """Smallest value of ``column`` over the selected rows (None if no rows)."""
        return await self._aggregate("min", func.min(self._column(column)))

    async def max(self, column: Any) -> Any:
        """Largest value of ``column`` over the selected rows (None if no rows)."""
        return await self._aggregate("max", func.max(self._column(column)))

    async def _aggregate(self, method: str, expression: Any) -> Any:
        self._refuse_shaping(method)
        statement = self._selecting(expression).order_by(None)
        async with self._session() as session:
            return await session.scalar(statement)

    def _refuse_shaping(self, method: str) -> None:
        """Aggregates run over every row the filters and joins select.

        ``SELECT sum(x) ... LIMIT 10`` limits the one result row, not the rows summed, and
        DISTINCT or GROUP BY change what is counted; refusing beats a silently wrong number.
        """
        used = [SHAPING_BUILDERS[name] for name in sorted(self.shaped_by)]
        if used:
            raise TypeError(
                f"{self.model.__name__} query: {method}() aggregates every row the filters "
                f"and joins select, so it cannot honour {', '.join(used)}; call it on the "
                "query without them, or use group_by() with values(column, "
                f"func.{method.removesuffix('_by')}(...))"
            )

    def _max_per_page(self, explicit: int | None, session: AsyncSession) -> int:
        if explicit is not None:
            return as_int("max_per_page", explicit)
        configured = session.info.get(MAX_PER_PAGE_INFO_KEY)
        return int(configured) if configured is not None else DEFAULT_MAX_PER_PAGE

    def __repr__(self) -> str:
        return f"<AsyncQuery {self.model.__name__}: {self.statement}>"
