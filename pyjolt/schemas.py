"""Building blocks for API models: strict models, safe strings, PATCH fields, pages.

They exist so that what a model's JSON schema promises is exactly what the endpoint
accepts: a client (or a fuzzer) that sends a value the schema allows must not get a 500
from the database, and a value the endpoint refuses must be outside the schema.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

T = TypeVar("T")

#: Strings without NUL characters: PostgreSQL cannot store them in text columns.
NUL_FREE_PATTERN = r"^[^\x00]*$"

#: A ``str`` that a text column of any database can store.
SafeStr = Annotated[str, StringConstraints(pattern=NUL_FREE_PATTERN)]


def _integral_number(value: Any) -> Any:
    """``3.0`` is an integer to JSON Schema (and so to clients); strict mode refuses it."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: An ``int`` that an INTEGER column (32 bits, signed) can store; ``3.0`` counts as 3, as
#: in JSON Schema, while ``"3"`` and ``true`` are refused.
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1), BeforeValidator(_integral_number)]


def _in_utc(value: datetime) -> datetime:
    """The same instant in UTC, or a validation error when UTC cannot hold it.

    ``0001-01-01T00:00:00+05:00`` is a valid RFC 3339 date-time, but in UTC it falls in
    year 0, which Python's datetime (and so the database driver) cannot represent.
    """
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time in UTC falls outside the years 1 to 9999") from None


#: An aware datetime (a time zone is required) converted to UTC, as ``UtcDateTime``
#: columns store it; one whose UTC time is outside the years 1 to 9999 is refused (422)
#: instead of failing in the database.
SafeDatetime = Annotated[AwareDatetime, AfterValidator(_in_utc)]

#: Offsets past this page number would overflow a database's 64-bit OFFSET.
MAX_PAGE = 2**31 - 1


class StrictModel(BaseModel):
    """A request or response model that refuses instead of converting.

    - ``true`` is not a number and ``"1"`` not an integer (pydantic's strict mode);
      JSON's own forms still work: ISO dates, UUID strings, integers for floats.
    - NaN and Infinity are refused (a NOT NULL float column would store them as NULL).
    - Unknown fields are refused, and the schema says so (``additionalProperties``).
    - Attributes of objects are read (``from_attributes``), so ORM rows serialise.
    """

    model_config = ConfigDict(
        strict=True, allow_inf_nan=False, extra="forbid", from_attributes=True
    )


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omittable(**field_options: Any) -> Any:
    """A field of a PATCH model that may be left out, but when sent must not be null.

    ``name: SafeStr = omittable(max_length=255)`` keeps the field's own type in the
    schema (no ``null``), is not required, and reads as unset when left out, so
    ``model_dump(exclude_unset=True)`` holds exactly the fields to change. A nullable
    column is declared ``str | None = None`` as usual.
    """
    return Field(default=None, json_schema_extra=_without_default, **field_options)


class Page(BaseModel, Generic[T]):
    """One page of a list, as list endpoints answer it: ``Response[Page[ProductOut]]``.

    It validates the dict that ``AsyncQuery.paginate()`` returns, items included (ORM
    rows become ``T`` through ``from_attributes``).
    """

    model_config = ConfigDict(from_attributes=True)

    items: list[T]
    total: int = Field(ge=0, description="Items in all pages")
    page: int = Field(ge=1, description="This page's number, from 1")
    pages: int = Field(ge=0, description="Number of pages")
    per_page: int = Field(ge=1, description="Items per page")
    limit: int = Field(ge=1, description="The same as per_page, for limit/offset clients")
    offset: int = Field(ge=0, description="Items before this page")
    has_next: bool
    has_prev: bool


class PageQuery(BaseModel):
    """The ``?page=&per_page=`` query parameters of a list endpoint, bounded.

    Take it as a handler parameter (``paging: PageQuery``); subclass it to change the
    defaults or the largest page size.
    """

    page: int = Field(default=1, ge=1, le=MAX_PAGE, description="Page number, from 1")
    per_page: int = Field(default=20, ge=1, le=100, description="Items per page")
