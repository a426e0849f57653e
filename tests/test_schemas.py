"""pyjolt.schemas and the <id:...> converter: the schema promises what the endpoint does."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate
from pydantic import BaseModel

from pyjolt import HttpStatus, MediaType, Request, Response
from pyjolt.controller import Controller, consumes, get, patch, path, post
from pyjolt.schemas import Page, PageQuery, SafeDatetime, SafeStr, StrictModel, omittable
from pyjolt.testing import PyJoltTestClient


class ProductIn(StrictModel):
    name: SafeStr
    price: float
    stock: int = 0


class ProductUpdate(StrictModel):
    name: SafeStr = omittable(max_length=50)
    price: float = omittable()
    note: str | None = None


class ProductOut(StrictModel):
    id: int
    name: str
    price: float


class Publication(StrictModel):
    at: SafeDatetime


class Row:
    """An ORM-like row."""

    def __init__(self, id: int, name: str, price: float) -> None:
        self.id, self.name, self.price = id, name, price


STORE = {1: Row(1, "Lamp", 9.5), 2: Row(2, "Desk", 120.0)}


@path("/products")
class ProductsApi(Controller):
    @get("/")
    async def list_products(self, req: Request, paging: PageQuery) -> Response[Page[ProductOut]]:
        rows = list(STORE.values())
        start = (paging.page - 1) * paging.per_page
        items = rows[start : start + paging.per_page]
        pages = -(-len(rows) // paging.per_page)
        return req.response.json(
            {
                "items": items,
                "total": len(rows),
                "page": paging.page,
                "pages": pages,
                "per_page": paging.per_page,
                "limit": paging.per_page,
                "offset": start,
                "has_next": paging.page < pages,
                "has_prev": paging.page > 1,
            }
        )

    @get("/<id:product_id>")
    async def get_product(self, req: Request, product_id: int) -> Response[ProductOut]:
        return req.response.json(STORE.get(product_id) or Row(product_id, "?", 0.0))

    @get("/big/<id(max=9223372036854775807):product_id>")
    async def get_big(self, req: Request, product_id: int) -> Response:
        return req.response.json({"id": product_id})

    @post("/")
    @consumes(MediaType.APPLICATION_JSON)
    async def create(self, req: Request, data: ProductIn) -> Response:
        return req.response.json(data.model_dump()).status(HttpStatus.CREATED)

    @post("/publications")
    @consumes(MediaType.APPLICATION_JSON)
    async def publish(self, req: Request, data: Publication) -> Response:
        return req.response.json({"at": data.at.isoformat()}).status(HttpStatus.CREATED)

    @patch("/<id:product_id>")
    @consumes(MediaType.APPLICATION_JSON)
    async def update(self, req: Request, product_id: int, data: ProductUpdate) -> Response:
        return req.response.json(data.model_dump(exclude_unset=True))


@pytest.fixture
def application(make_app: Any) -> Any:
    return make_app(ProductsApi, DEBUG=True)


async def call(application: Any, method: str, url: str, **kwargs: Any) -> Any:
    async with PyJoltTestClient(application) as client:
        return await client.request(method, url, **kwargs)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "a\u0000b", "price": 1},
        {"name": "Lamp", "price": True},
        {"name": "Lamp", "price": "9.5"},
        {"name": "Lamp", "price": 1, "stock": 1.5},
        {"name": "Lamp", "price": 1, "colour": "red"},
        {"name": None, "price": 1},
    ],
)
async def test_strict_models_refuse_what_the_schema_does_not_allow(
    application: Any, body: dict[str, Any]
) -> None:
    response = await call(application, "POST", "/products/", json=body)
    assert response.status_code == 422


async def test_strict_models_accept_integers_for_floats(application: Any) -> None:
    response = await call(application, "POST", "/products/", json={"name": "Lamp", "price": 9})
    assert response.status_code == 201
    assert response.json() == {"name": "Lamp", "price": 9.0, "stock": 0}


async def test_an_omittable_field_left_out_is_not_changed(application: Any) -> None:
    response = await call(application, "PATCH", "/products/1", json={"price": 10})
    assert response.json() == {"price": 10.0}


@pytest.mark.parametrize("field", ["name", "price"])
async def test_an_omittable_field_sent_as_null_is_refused(application: Any, field: str) -> None:
    response = await call(application, "PATCH", "/products/1", json={field: None})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == [field]


async def test_a_nullable_field_may_be_set_to_null(application: Any) -> None:
    response = await call(application, "PATCH", "/products/1", json={"note": None})
    assert response.json() == {"note": None}


async def test_a_safe_datetime_arrives_in_utc(application: Any) -> None:
    body = {"at": "2024-01-01T00:30:00+01:00"}
    response = await call(application, "POST", "/products/publications", json=body)
    assert response.status_code == 201, response.text
    assert response.json() == {"at": "2023-12-31T23:30:00+00:00"}


@pytest.mark.parametrize(
    "value",
    ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-00:01", "2024-01-01T00:00:00"],
    ids=["before year 1 in UTC", "after year 9999 in UTC", "naive"],
)
async def test_a_datetime_utc_cannot_hold_is_refused_with_422(application: Any, value: str) -> None:
    response = await call(application, "POST", "/products/publications", json={"at": value})
    assert response.status_code == 422, response.text
    assert [error["loc"] for error in response.json()["errors"]] == [["at"]]


def test_a_safe_datetime_is_a_date_time_in_the_schema() -> None:
    assert Publication.model_json_schema()["properties"]["at"] == {
        "format": "date-time",
        "title": "At",
        "type": "string",
    }


def test_omittable_fields_are_optional_and_not_nullable_in_the_schema() -> None:
    schema = ProductUpdate.model_json_schema()
    assert "required" not in schema
    assert schema["properties"]["name"] == {
        "maxLength": 50,
        "pattern": "^[^\\x00]*$",
        "title": "Name",
        "type": "string",
    }
    assert schema["additionalProperties"] is False


async def test_page_validates_rows_into_the_item_model(application: Any) -> None:
    response = await call(application, "GET", "/products/?per_page=1&page=2")
    assert response.json() == {
        "items": [{"id": 2, "name": "Desk", "price": 120.0}],
        "total": 2,
        "page": 2,
        "pages": 2,
        "per_page": 1,
        "limit": 1,
        "offset": 1,
        "has_next": False,
        "has_prev": True,
    }


@pytest.mark.parametrize("query", ["page=0", "per_page=101", "page=9223372036854775808"])
async def test_page_query_is_bounded(application: Any, query: str) -> None:
    response = await call(application, "GET", f"/products/?{query}")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/products/1", 200),
        ("/products/2147483647", 200),
        ("/products/2147483648", 404),
        ("/products/9223372036854775808", 404),
        ("/products/0", 404),
        ("/products/-1", 404),
        ("/products/big/9223372036854775807", 200),
        ("/products/big/9223372036854775808", 404),
        ("/products/\u0661", 404),  # ARABIC-INDIC DIGIT ONE
        ("/products/\uff11", 404),  # FULLWIDTH DIGIT ONE
        ("/products/big/\u0967", 404),  # DEVANAGARI DIGIT ONE
    ],
)
async def test_id_routes_match_only_ids_a_column_can_hold(
    application: Any, url: str, status: int
) -> None:
    response = await call(application, "GET", url)
    assert response.status_code == status


def test_the_document_bounds_ids_and_describes_pages(application: Any) -> None:
    spec = application.openapi_spec()
    validate(spec)
    parameter = spec["paths"]["/products/{product_id}"]["get"]["parameters"][0]
    assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 2147483647}
    listing = spec["paths"]["/products/"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"page", "per_page"}
    ok = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ok.endswith("Page_ProductOut_")


def test_page_is_generic_over_any_model() -> None:
    class Tag(BaseModel):
        label: str

    page = Page[Tag].model_validate(
        {
            "items": [{"label": "a"}],
            "total": 1,
            "page": 1,
            "pages": 1,
            "per_page": 20,
            "limit": 20,
            "offset": 0,
            "has_next": False,
            "has_prev": False,
        }
    )
    assert page.items == [Tag(label="a")]
