"""Building blocks for API models: strict models, safe strings, PATCH fields, pages.

They exist so that what a model's JSON schema promises is exactly what the endpoint
accepts: a client (or a fuzzer) that sends a value the schema allows must not get a 500
from the database, and a value the endpoint refuses must be outside the schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    StringConstraints,
    ValidationError,
)
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema

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


@dataclass(frozen=True)
class DecimalString:
    """``price: Annotated[Decimal, DecimalString(12, 2)]``: an exact number sent as a string.

    A ``NUMERIC(12, 2)`` column holds at most 12 digits, 2 of them after the point. JSON
    numbers are binary floats to most clients (``0.1 + 0.2``), so the value travels as a
    string both ways: requests send ``"19.9"`` (a number is refused, 422), answers always
    carry every decimal place (``"19.90"``). The schema's ``pattern`` says exactly which
    strings fit the column, so a value the schema allows never fails in the database.
    In Python the value is a ``Decimal`` rounded to ``scale`` places.
    """

    precision: int
    scale: int

    def __post_init__(self) -> None:
        if not 0 <= self.scale <= self.precision or self.precision < 1:
            raise ValueError(
                f"DecimalString({self.precision}, {self.scale}): the precision must be at "
                "least 1 and the scale between 0 and the precision"
            )

    def pattern(self, exact: bool = False) -> str:
        """The strings that fit: ``exact`` asks for every decimal place (answers)."""
        whole = self.precision - self.scale
        integer = "0" if whole == 0 else f"(0|[1-9][0-9]{{0,{whole - 1}}})"
        places = f"{{{self.scale}}}" if exact else f"{{1,{self.scale}}}"
        fraction = (
            "" if self.scale == 0 else (rf"\.[0-9]{places}" if exact else rf"(\.[0-9]{places})?")
        )
        return f"^-?{integer}{fraction}$"

    def _round(self, value: Decimal) -> Decimal:
        return value.quantize(Decimal(1).scaleb(-self.scale))

    def _parse(self, text: str) -> Decimal:
        return self._round(Decimal(text))

    def _format(self, value: Decimal) -> str:
        return f"{self._round(value):.{self.scale}f}"

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        text = core_schema.no_info_after_validator_function(
            self._parse, core_schema.str_schema(pattern=self.pattern())
        )
        # Python objects (ORM rows) already hold a Decimal: rounded, never re-parsed.
        stored = core_schema.no_info_after_validator_function(
            self._round, core_schema.is_instance_schema(Decimal)
        )
        return core_schema.json_or_python_schema(
            json_schema=text,
            python_schema=core_schema.union_schema([stored, text]),
            serialization=core_schema.plain_serializer_function_ser_schema(
                self._format,
                when_used="json",
                return_schema=core_schema.str_schema(pattern=self.pattern(exact=True)),
            ),
        )


def field_error(
    field: str, message: str, value: Any, error_type: str = "invalid_value"
) -> ValidationError:
    """A validation error of one body field, for checks only the handler can make.

    Raise it when a value has the right form but cannot be used: the app answers 422
    with the same body as any invalid request, ``errors`` naming ``field`` with
    ``message`` and ``error_type``, which is the 422 the OpenAPI document describes.
    """
    error = PydanticCustomError(error_type, "{message}", {"message": message})
    details: InitErrorDetails = {"type": error, "loc": (field,), "input": value}
    return ValidationError.from_exception_data("Body", [details])


#: The ``type`` of the error :func:`unknown_reference` makes.
UNKNOWN_REFERENCE = "unknown_reference"


def unknown_reference(field: str, value: Any, what: str) -> ValidationError:
    """422 for an id that names no row: ``author_id`` 7 when no author has id 7.

    A schema cannot say which ids exist, so this is checked by the handler before it
    writes (the foreign key alone would give a 409 that does not say which field is
    wrong). The error's type is :data:`UNKNOWN_REFERENCE`, so clients and contract
    tests can tell it from a body that does not match its schema.
    """
    return field_error(field, f"No {what} has id {value}", value, UNKNOWN_REFERENCE)


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
