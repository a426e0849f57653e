"""Column types that behave the same on every database.

``enum_type`` stores a ``StrEnum`` as a checked VARCHAR everywhere (see its docstring).

SQLite has no time zone type: SQLAlchemy's ``DateTime(timezone=True)`` stores the wall
time and drops the offset, so ``10:00+02:00`` comes back as a naive ``10:00`` (two hours
off, and not an RFC 3339 date-time any more) while PostgreSQL answers ``08:00Z``. MySQL
and MariaDB have none either (``DATETIME``): MariaDB drops an offset it is sent, and
MySQL 8 converts it to the session's time zone, which need not be UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, Enum
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

#: Dialects whose datetime columns keep no time zone: they store UTC wall times.
NAIVE_DIALECTS = frozenset({"sqlite", "mysql", "mariadb"})


class NaiveDatetimeError(ValueError):
    """A datetime without a time zone was given to a ``UtcDateTime`` column."""


class UtcDateTime(TypeDecorator[datetime]):
    """A time-zone aware datetime, stored in UTC, read back aware on every database.

    Values must carry a time zone (a naive one raises :class:`NaiveDatetimeError`:
    guessing its zone is how data gets shifted by hours); they are converted to UTC
    before they are stored and come back as UTC datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(
                f"{value!r} has no time zone; give UtcDateTime columns aware datetimes "
                "(e.g. datetime.now(UTC))"
            )
        utc = value.astimezone(UTC)
        # Databases without a time zone type get the UTC wall time, offset dropped.
        return utc.replace(tzinfo=None) if dialect.name in NAIVE_DIALECTS else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_type(enum_class: type[StrEnum], name: str) -> Enum:
    """The column type of a ``StrEnum`` field: its values, checked by the database.

    A VARCHAR with a CHECK constraint called ``name`` instead of PostgreSQL's ``CREATE
    TYPE``: it behaves the same on SQLite, PostgreSQL and MySQL, and dropping the table
    leaves no type behind that would stop the table from being created again. The
    values (``"draft"``), not the member names (``DRAFT``), are stored. ``name`` must be
    unique in the schema (MySQL's rule for CHECK constraints): ``ck_<table>_<column>``.
    """
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        values_callable=_enum_values,
        validate_strings=True,
    )


def _enum_values(enum_class: type[StrEnum]) -> list[str]:
    return [member.value for member in enum_class]
