"""DecimalString and unknown_reference: exact numbers as strings, and ids that name no row."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import pytest
from pydantic import ValidationError

from pyjolt import HttpStatus, MediaType, Request, Response
from pyjolt.controller import Controller, consumes, path, post
from pyjolt.schemas import DecimalString, StrictModel, unknown_reference
from pyjolt.testing import PyJoltTestClient

Price = Annotated[Decimal, DecimalString(6, 2)]


class OrderIn(StrictModel):
    total: Price
    rate: Annotated[Decimal, DecimalString(3, 3)] | None = None
    customer_id: int = 1


class OrderOut(StrictModel):
    total: Price


class Row:
    def __init__(self, total: Decimal) -> None:
        self.total = total


@path("/orders")
class OrdersApi(Controller):
    @post("/")
    @consumes(MediaType.APPLICATION_JSON)
    async def create(self, req: Request, data: OrderIn) -> Response[OrderOut]:
        if data.customer_id != 1:
            raise unknown_reference("customer_id", data.customer_id, "customer")
        return req.response.json(Row(data.total)).status(HttpStatus.CREATED)


@pytest.fixture
def application(make_app: Any) -> Any:
    return make_app(OrdersApi, DEBUG=True)


async def post_order(application: Any, body: dict[str, Any]) -> Any:
    async with PyJoltTestClient(application) as client:
        return await client.post("/orders/", json=body)


@pytest.mark.parametrize(
    ("sent", "answered"),
    [("12.5", "12.50"), ("0", "0.00"), ("-3.1", "-3.10"), ("9999.99", "9999.99")],
)
async def test_a_decimal_string_is_answered_with_every_decimal_place(
    application: Any, sent: str, answered: str
) -> None:
    response = await post_order(application, {"total": sent})
    assert response.status_code == 201, response.text
    assert response.json() == {"total": answered}


@pytest.mark.parametrize(
    "total",
    [12.5, 12, "12.345", "10000", "1e3", "NaN", "Infinity", " 1", "01.5", "", True],
)
async def test_what_the_column_cannot_hold_exactly_is_refused_with_422(
    application: Any, total: Any
) -> None:
    response = await post_order(application, {"total": total})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["total"]


def test_the_schema_pattern_says_which_strings_fit() -> None:
    schema = OrderIn.model_json_schema()["properties"]
    assert schema["total"] == {
        "type": "string",
        "pattern": r"^-?(0|[1-9][0-9]{0,3})(\.[0-9]{1,2})?$",
        "title": "Total",
    }
    assert schema["rate"]["anyOf"][0]["pattern"] == r"^-?0(\.[0-9]{1,3})?$"


def test_answers_always_carry_every_decimal_place_in_the_schema() -> None:
    schema = OrderOut.model_json_schema(mode="serialization")["properties"]["total"]
    assert schema["pattern"] == r"^-?(0|[1-9][0-9]{0,3})\.[0-9]{2}$"


def test_orm_values_are_read_without_parsing_text() -> None:
    assert OrderOut.model_validate(Row(Decimal("7.1"))).model_dump() == {"total": Decimal("7.10")}


@pytest.mark.parametrize(("precision", "scale"), [(0, 0), (2, 3), (4, -1)])
def test_impossible_precisions_are_refused(precision: int, scale: int) -> None:
    with pytest.raises(ValueError, match="precision"):
        DecimalString(precision, scale)


async def test_an_unknown_reference_answers_422_naming_the_field(application: Any) -> None:
    response = await post_order(application, {"total": "1", "customer_id": 7})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"loc": ["customer_id"], "msg": "No customer has id 7", "type": "unknown_reference"}
    ]


def test_unknown_reference_is_a_validation_error() -> None:
    error = unknown_reference("author_id", 3, "author")
    assert isinstance(error, ValidationError)
    assert error.errors()[0]["msg"] == "No author has id 3"
