"""``Vector(dim)``: an embedding column on PostgreSQL (pgvector) and, portably, on SQLite.

On PostgreSQL the column is pgvector's ``vector(dim)`` and the distances are its
operators (``<->`` L2, ``<#>`` negative inner product, ``<=>`` cosine), which an HNSW
index (:func:`hnsw_index`) serves. Elsewhere the vector is stored as a blob of
little-endian float32 and the same distances are SQL functions computed in Python
(registered on each SQLite connection SqlDatabase opens): slower, and scanning every
row, but the same queries and results, so examples and tests run anywhere.

Values go in as any sequence of numbers (a list, a numpy array) and come back as
``list[float]`` on every database.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import Float, Index, LargeBinary, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

Metric = Literal["l2", "inner_product", "cosine"]
METRICS: tuple[Metric, ...] = ("l2", "inner_product", "cosine")
#: pgvector's operator and HNSW operator class per metric.
PG_OPERATORS = {"l2": "<->", "inner_product": "<#>", "cosine": "<=>"}
PG_OPERATOR_CLASSES = {
    "l2": "vector_l2_ops",
    "inner_product": "vector_ip_ops",
    "cosine": "vector_cosine_ops",
}
#: The SQL functions registered on SQLite connections.
SQLITE_FUNCTIONS = {
    "l2": "pyjolt_l2_distance",
    "inner_product": "pyjolt_negative_inner_product",
    "cosine": "pyjolt_cosine_distance",
}
MAX_DIMENSIONS = 16000  # pgvector's limit for a stored vector


class VectorDimensionError(ValueError):
    """A vector of the wrong length (or with NaN/infinity) was given to a Vector column."""


def _check_vector(value: Any, dim: int) -> list[float]:
    try:
        floats = [float(x) for x in value]
    except (TypeError, ValueError):
        raise VectorDimensionError(
            f"a Vector({dim}) value must be a sequence of numbers, got {type(value).__name__}"
        ) from None
    if len(floats) != dim:
        raise VectorDimensionError(
            f"a Vector({dim}) value must have {dim} numbers, got {len(floats)}"
        )
    if not all(math.isfinite(x) for x in floats):
        raise VectorDimensionError(f"a Vector({dim}) value must not contain NaN or infinity")
    return floats


def pack_vector(values: Sequence[float]) -> bytes:
    return struct.pack(f"<{len(values)}f", *values)


def unpack_vector(blob: bytes) -> list[float]:
    return list(struct.unpack(f"<{len(blob) // 4}f", blob))


class _PgVector(UserDefinedType[Any]):
    """pgvector's ``vector(dim)``, exchanged in its text form (``[1,2,3]``).

    The text form needs no codec in asyncpg or psycopg, so the pgvector Python package
    is not required.
    """

    cache_ok = True

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def get_col_spec(self, **_: Any) -> str:
        return f"vector({self.dim})"


class Vector(TypeDecorator[list[float]]):
    """A fixed-length vector of floats (an embedding); ``Vector(384)``."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, dim: int) -> None:
        if not isinstance(dim, int) or isinstance(dim, bool) or not 0 < dim <= MAX_DIMENSIONS:
            raise ValueError(
                f"Vector(dim): dim must be an integer 1..{MAX_DIMENSIONS}, got {dim!r}"
            )
        super().__init__()
        self.dim = dim

    def __repr__(self) -> str:
        return f"Vector({self.dim})"

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(_PgVector(self.dim))
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        floats = _check_vector(value, self.dim)
        if dialect.name == "postgresql":
            # pgvector's text input format; asyncpg and psycopg pass it as text.
            return "[" + ",".join(repr(x) for x in floats) + "]"
        return pack_vector(floats)

    def process_result_value(self, value: Any, dialect: Dialect) -> list[float] | None:
        if value is None:
            return None
        if isinstance(value, (bytes, bytearray, memoryview)):
            return unpack_vector(bytes(value))
        if isinstance(value, str):
            return [float(x) for x in value.strip("[]").split(",") if x]
        return [float(x) for x in value]

    class comparator_factory(TypeDecorator.Comparator[list[float]]):
        """``Item.embedding.cosine_distance(vector)`` and the other distances."""

        def _distance(self, metric: Metric, other: Any) -> VectorDistance:
            return DISTANCES[metric](self.expr, bindparam(None, other, type_=self.type))

        def l2_distance(self, other: Any) -> VectorDistance:
            """Euclidean distance (pgvector ``<->``)."""
            return self._distance("l2", other)

        def inner_product(self, other: Any) -> VectorDistance:
            """The negative inner product (pgvector ``<#>``): smaller is more similar."""
            return self._distance("inner_product", other)

        max_inner_product = inner_product

        def cosine_distance(self, other: Any) -> VectorDistance:
            """1 - cosine similarity (pgvector ``<=>``)."""
            return self._distance("cosine", other)


class VectorDistance(FunctionElement[float]):
    """A distance between a Vector column and a vector, compiled per database."""

    type = Float()
    inherit_cache = True
    metric: Metric = "l2"


class L2Distance(VectorDistance):
    inherit_cache = True
    name = "l2_distance"
    metric = "l2"


class NegativeInnerProduct(VectorDistance):
    inherit_cache = True
    name = "negative_inner_product"
    metric = "inner_product"


class CosineDistance(VectorDistance):
    inherit_cache = True
    name = "cosine_distance"
    metric = "cosine"


DISTANCES: dict[Metric, type[VectorDistance]] = {
    "l2": L2Distance,
    "inner_product": NegativeInnerProduct,
    "cosine": CosineDistance,
}


def _operands(element: VectorDistance, compiler: Any, **kw: Any) -> tuple[str, str]:
    left, right = list(element.clauses)
    return compiler.process(left, **kw), compiler.process(right, **kw)


@compiles(VectorDistance, "postgresql")
def _pg_distance(element: VectorDistance, compiler: Any, **kw: Any) -> str:
    left, right = _operands(element, compiler, **kw)
    return f"({left} {PG_OPERATORS[element.metric]} {right})"


@compiles(VectorDistance)
def _portable_distance(element: VectorDistance, compiler: Any, **kw: Any) -> str:
    left, right = _operands(element, compiler, **kw)
    return f"{SQLITE_FUNCTIONS[element.metric]}({left}, {right})"


# --- the portable distances -------------------------------------------------------------


def _pair(a: bytes | None, b: bytes | None) -> tuple[list[float], list[float]] | None:
    if a is None or b is None:
        return None
    x, y = unpack_vector(a), unpack_vector(b)
    if len(x) != len(y):
        raise ValueError(f"vector distance between {len(x)} and {len(y)} dimensions")
    return x, y


def _dot(x: list[float], y: list[float]) -> float:
    return sum(a * b for a, b in zip(x, y, strict=True))


def l2_distance(a: bytes | None, b: bytes | None) -> float | None:
    pair = _pair(a, b)
    return None if pair is None else math.dist(*pair)


def negative_inner_product(a: bytes | None, b: bytes | None) -> float | None:
    pair = _pair(a, b)
    return None if pair is None else -_dot(*pair)


def cosine_distance(a: bytes | None, b: bytes | None) -> float | None:
    pair = _pair(a, b)
    if pair is None:
        return None
    x, y = pair
    norms = math.hypot(*x) * math.hypot(*y)
    if norms == 0:
        return None  # as pgvector: the cosine of a zero vector is undefined
    return 1.0 - _dot(x, y) / norms


def register_sqlite_functions(dbapi_connection: Any) -> None:
    """Define the distance functions on one SQLite connection (sqlite3 or aiosqlite)."""
    for function, name in (
        (l2_distance, SQLITE_FUNCTIONS["l2"]),
        (negative_inner_product, SQLITE_FUNCTIONS["inner_product"]),
        (cosine_distance, SQLITE_FUNCTIONS["cosine"]),
    ):
        dbapi_connection.create_function(name, 2, function, deterministic=True)


def enable_sqlite_vectors(sync_engine: Any) -> None:
    """Register the distance functions on every connection ``sync_engine`` opens."""
    from sqlalchemy import event

    if getattr(sync_engine, "_pyjolt_vectors", False):
        return
    event.listen(sync_engine, "connect", lambda conn, _record: register_sqlite_functions(conn))
    sync_engine._pyjolt_vectors = True


# --- indexes ---------------------------------------------------------------------------


def hnsw_index(
    name: str,
    column: Any,
    metric: Metric = "cosine",
    m: int = 16,
    ef_construction: int = 64,
) -> Index:
    """An HNSW index for ``nearest()`` on PostgreSQL (pgvector), for ``__table_args__``.

    ``metric`` must be the one your queries order by. On other databases the index is
    not created (``ddl_if``): there the distances are computed row by row anyway.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown vector metric {metric!r}; choose from {METRICS}")
    key = column if isinstance(column, str) else column.key
    index = Index(
        name,
        column,
        postgresql_using="hnsw",
        postgresql_with={"m": m, "ef_construction": ef_construction},
        postgresql_ops={key: PG_OPERATOR_CLASSES[metric]},
    )
    return index.ddl_if(dialect="postgresql")
