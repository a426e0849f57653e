"""Writes the database refuses because of the data: 409 and 422, never a 500.

A duplicate email or a row pointing at a deleted parent is a conflict between the request
and the data already stored (SQLAlchemy's IntegrityError, 409 Conflict); a value the
column cannot hold (too long for a VARCHAR, beyond an INTEGER's range, a NUL character
in PostgreSQL text) is unprocessable input (DataError, 422). Neither is a server
failure: SqlDatabase registers both handlers as defaults, so each answers with one
readable message (never the SQL or its parameters) unless the app handles them itself.
"""

from __future__ import annotations

import logging
import re
from enum import StrEnum
from typing import Any

from ..media_type import HttpStatus
from ..request import Request
from ..response import Response
from .connection import driver_cause

logger = logging.getLogger(__name__)


class ConstraintKind(StrEnum):
    """Which kind of constraint a write broke, as far as the driver tells."""

    UNIQUE = "unique"
    FOREIGN_KEY = "foreign_key"
    NOT_NULL = "not_null"
    CHECK = "check"
    UNKNOWN = "unknown"


CONFLICT_MESSAGES: dict[ConstraintKind, str] = {
    ConstraintKind.UNIQUE: "Conflict: a row with the same unique value already exists",
    ConstraintKind.FOREIGN_KEY: (
        "Conflict: the row references a missing row or is still referenced"
    ),
    ConstraintKind.NOT_NULL: "Conflict: a required value is missing",
    ConstraintKind.CHECK: "Conflict: a value is not allowed by a check constraint",
    ConstraintKind.UNKNOWN: "Conflict: the change breaks a database constraint",
}

#: SQLSTATE codes of PostgreSQL's integrity constraint violations (asyncpg, psycopg).
POSTGRES_SQLSTATES: dict[str, ConstraintKind] = {
    "23505": ConstraintKind.UNIQUE,
    "23503": ConstraintKind.FOREIGN_KEY,
    "23502": ConstraintKind.NOT_NULL,
    "23514": ConstraintKind.CHECK,
}

#: sqlite3's extended result codes (``sqlite_errorname``, which aiosqlite passes on).
SQLITE_ERROR_NAMES: dict[str, ConstraintKind] = {
    "SQLITE_CONSTRAINT_UNIQUE": ConstraintKind.UNIQUE,
    "SQLITE_CONSTRAINT_PRIMARYKEY": ConstraintKind.UNIQUE,
    "SQLITE_CONSTRAINT_FOREIGNKEY": ConstraintKind.FOREIGN_KEY,
    "SQLITE_CONSTRAINT_NOTNULL": ConstraintKind.NOT_NULL,
    "SQLITE_CONSTRAINT_CHECK": ConstraintKind.CHECK,
}


#: MySQL and MariaDB error numbers of constraint violations. A failed CHECK arrives as
#: an OperationalError (MySQL 3819, MariaDB 4025), the others as IntegrityErrors.
MYSQL_CONSTRAINT_ERRORS: dict[int, ConstraintKind] = {
    1062: ConstraintKind.UNIQUE,  # duplicate entry
    1586: ConstraintKind.UNIQUE,  # duplicate entry, with the key's name
    1216: ConstraintKind.FOREIGN_KEY,  # no parent row (old servers)
    1217: ConstraintKind.FOREIGN_KEY,  # row still referenced (old servers)
    1451: ConstraintKind.FOREIGN_KEY,  # row still referenced
    1452: ConstraintKind.FOREIGN_KEY,  # no parent row
    1048: ConstraintKind.NOT_NULL,  # column cannot be null
    3819: ConstraintKind.CHECK,  # MySQL
    4025: ConstraintKind.CHECK,  # MariaDB
}

#: MySQL and MariaDB error numbers of values a column cannot store (strict SQL mode).
MYSQL_DATA_ERRORS = frozenset(
    {
        1264,  # out of range value for column
        1265,  # data truncated for column
        1292,  # incorrect (truncated) date/time/number value
        1366,  # incorrect integer/decimal/string value
        1367,  # illegal value
        1406,  # data too long for column
        1690,  # value out of range in an expression
    }
)

#: The top-level packages of the MySQL drivers whose errors carry the number first.
MYSQL_DRIVERS = frozenset({"asyncmy", "aiomysql", "pymysql", "MySQLdb"})

#: The values MySQL quotes in its messages ("Duplicate entry 'ada@x' for key ...").
_MYSQL_QUOTED_VALUE = re.compile(r"(Duplicate entry|value:?) '.*?' (for)")


def mysql_error_code(exc: BaseException) -> int | None:
    """The MySQL/MariaDB error number behind a SQLAlchemy error, if a MySQL driver raised it."""
    for error in (getattr(exc, "orig", None), driver_cause(exc)):
        if error is None or type(error).__module__.split(".")[0] not in MYSQL_DRIVERS:
            continue
        args = getattr(error, "args", ())
        if args and isinstance(args[0], int):
            return args[0]
    return None


def constraint_kind(exc: BaseException) -> ConstraintKind:
    """The kind of constraint behind an IntegrityError, from the driver's error codes."""
    orig = getattr(exc, "orig", None)
    for error in (orig, driver_cause(exc)):
        sqlstate = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if sqlstate in POSTGRES_SQLSTATES:
            return POSTGRES_SQLSTATES[sqlstate]
        error_name = getattr(error, "sqlite_errorname", None)
        if error_name in SQLITE_ERROR_NAMES:
            return SQLITE_ERROR_NAMES[error_name]
    code = mysql_error_code(exc)
    if code in MYSQL_CONSTRAINT_ERRORS:
        return MYSQL_CONSTRAINT_ERRORS[code]
    return ConstraintKind.UNKNOWN


def constraint_summary(exc: BaseException) -> str:
    """The first line of the driver's message: it names the constraint, not the values.

    PostgreSQL puts the offending values on a ``DETAIL`` line, which is left out; MySQL
    quotes them in the message itself, so they are cut out of it.
    """
    code = mysql_error_code(exc)
    if code is not None:
        args: tuple[Any, ...] = tuple(getattr(driver_cause(exc), "args", ()))
        message = str(args[1]) if len(args) > 1 else ""
        return f"MySQL error {code}: " + _MYSQL_QUOTED_VALUE.sub(r"\1 \2", message)
    lines = str(driver_cause(exc)).strip().splitlines()
    return lines[0].strip() if lines else type(exc).__name__


async def integrity_error_response(req: Request, exc: BaseException) -> Response[Any]:
    """409 Conflict with a message saying which kind of constraint the request broke."""
    kind = constraint_kind(exc)
    logger.warning(
        "%s %s answered 409 Conflict: %s constraint violated (%s)",
        req.method,
        req.path,
        kind.value,
        constraint_summary(exc),
    )
    body = {"status": "error", "message": CONFLICT_MESSAGES[kind]}
    return req.response.json(body).status(HttpStatus.CONFLICT)


DATA_ERROR_MESSAGE = (
    "Unprocessable: a value does not fit its database column "
    "(too long, out of range or not storable)"
)


#: SQLSTATE class 22, "data exception": value too long, out of range, bad character...
DATA_EXCEPTION_CLASS = "22"


def is_data_error(exc: BaseException) -> bool:
    """Whether the database refused a value itself (not the connection or the SQL).

    SQLAlchemy raises DataError for some drivers and a plain DBAPIError for others
    (asyncpg's "value too long"), so the SQLSTATE decides where there is one.
    """
    from sqlalchemy.exc import DataError

    if isinstance(exc, DataError) or mysql_error_code(exc) in MYSQL_DATA_ERRORS:
        return True
    for error in (getattr(exc, "orig", None), driver_cause(exc)):
        sqlstate = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if isinstance(sqlstate, str):
            return sqlstate.startswith(DATA_EXCEPTION_CLASS)
    return False


#: The one item of ``errors``: the driver does not say reliably which field it refused.
DATA_ERROR_ITEM = {
    "loc": [],
    "msg": "The database cannot store a value of this request",
    "type": "value_not_storable",
}


async def data_error_response(req: Request, exc: BaseException) -> Response[Any]:
    """422 for a value the column cannot store, with the driver's first line logged.

    The body has the shape of the 422 a failed validation answers (``ValidationErrorBody``,
    with ``errors``), since that is the 422 the OpenAPI document describes and clients
    parse. Registered for every DBAPIError; a constraint violation the driver reports as
    another error (MySQL's failed CHECK) answers 409 as an IntegrityError would, and any
    other database failure is re-raised, so it stays the logged 500 it always was.
    """
    if mysql_error_code(exc) in MYSQL_CONSTRAINT_ERRORS:
        return await integrity_error_response(req, exc)
    if not is_data_error(exc):
        raise exc
    logger.warning(
        "%s %s answered 422: the database refused a value (%s)",
        req.method,
        req.path,
        constraint_summary(exc),
    )
    body = {"status": "error", "message": DATA_ERROR_MESSAGE, "errors": [DATA_ERROR_ITEM]}
    return req.response.json(body).status(HttpStatus.UNPROCESSABLE_ENTITY)
