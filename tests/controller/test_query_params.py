"""Typed query parameters: filled from the query string, validated, documented."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from openapi_spec_validator import validate
from pydantic import BaseModel, Field

from pyjolt import MediaType, Request, Response
from pyjolt.controller import Controller, consumes, get, path, post
from pyjolt.testing import PyJoltTestClient


class Filters(BaseModel):
    """Shared filters, read field by field from the query string."""

    q: str | None = Field(default=None, description="Text to search for")
    min_price: float | None = Field(default=None, ge=0)


@path("/items")
class ItemsApi(Controller):
    @get("/")
    async def list_items(
        self,
        req: Request,
        page: Annotated[int, Field(ge=1, le=1000, description="Page number")] = 1,
        per_page: Annotated[int, Field(ge=1, le=100, alias="perPage")] = 20,
        tag: list[str] | None = None,
        archived: bool = False,
    ) -> Response:
        return req.response.json(
            {"page": page, "per_page": per_page, "tag": tag, "archived": archived}
        )

    @get("/search")
    async def search(self, req: Request, filters: Filters, limit: int) -> Response:
        return req.response.json({"filters": filters.model_dump(), "limit": limit})

    @post("/<int:item_id>/notes")
    @consumes(MediaType.APPLICATION_JSON)
    async def add_note(
        self, req: Request, item_id: int, note: dict[str, str], notify: bool = False
    ) -> Response:
        return req.response.json({"item": item_id, "note": note, "notify": notify})


@pytest.fixture
def application(make_app: Any) -> Any:
    return make_app(ItemsApi)


async def get(application: Any, url: str) -> Any:
    async with PyJoltTestClient(application) as client:
        return await client.get(url)


async def test_defaults_apply_without_a_query_string(application: Any) -> None:
    response = await get(application, "/items/")
    assert response.json() == {"page": 1, "per_page": 20, "tag": None, "archived": False}


async def test_values_are_converted_to_their_types(application: Any) -> None:
    response = await get(application, "/items/?page=3&perPage=50&archived=true&tag=a&tag=b")
    assert response.json() == {"page": 3, "per_page": 50, "tag": ["a", "b"], "archived": True}


async def test_unknown_query_parameters_are_ignored(application: Any) -> None:
    response = await get(application, "/items/?utm_source=mail&page=2")
    assert response.json()["page"] == 2


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("page=0", "page"),
        ("page=1001", "page"),
        ("page=abc", "page"),
        ("page=99999999999999999999999", "page"),
        ("perPage=101", "perPage"),
        ("archived=maybe", "archived"),
    ],
)
async def test_invalid_values_answer_400_naming_the_parameter(
    application: Any, query: str, key: str
) -> None:
    response = await get(application, f"/items/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "error"
    assert key in body["message"]
    assert body["errors"][0]["loc"] == ["query", key]


async def test_every_invalid_parameter_is_reported_at_once(application: Any) -> None:
    response = await get(application, "/items/search?min_price=-1")
    locations = sorted(tuple(error["loc"]) for error in response.json()["errors"])
    assert locations == [("query", "limit"), ("query", "min_price")]


async def test_a_model_parameter_takes_its_fields_from_the_query(application: Any) -> None:
    response = await get(application, "/items/search?q=lamp&min_price=9.5&limit=3")
    assert response.json() == {"filters": {"q": "lamp", "min_price": 9.5}, "limit": 3}


async def test_query_parameters_work_beside_a_body_and_route_arguments(application: Any) -> None:
    async with PyJoltTestClient(application) as client:
        response = await client.post("/items/4/notes?notify=1", json={"text": "hi"})
    assert response.json() == {"item": 4, "note": {"text": "hi"}, "notify": True}


def test_the_document_lists_typed_query_parameters(application: Any) -> None:
    spec = application.openapi_spec()
    validate(spec)
    parameters = {p["name"]: p for p in spec["paths"]["/items/"]["get"]["parameters"]}
    assert set(parameters) == {"page", "perPage", "tag", "archived"}
    page = parameters["page"]
    assert page["in"] == "query"
    assert page["required"] is False
    assert page["description"] == "Page number"
    assert page["schema"]["minimum"] == 1
    assert page["schema"]["maximum"] == 1000
    assert parameters["perPage"]["schema"]["maximum"] == 100


def test_required_and_model_parameters_are_documented(application: Any) -> None:
    spec = application.openapi_spec()
    parameters = {p["name"]: p for p in spec["paths"]["/items/search"]["get"]["parameters"]}
    assert parameters["limit"]["required"] is True
    assert parameters["q"]["required"] is False
    assert parameters["q"]["description"] == "Text to search for"


def test_the_400_for_bad_query_parameters_is_documented(application: Any) -> None:
    spec = application.openapi_spec()
    bad = spec["paths"]["/items/"]["get"]["responses"]["400"]
    assert bad["content"]["application/json"]["schema"]["$ref"].endswith("QueryErrorBody")
    both = spec["paths"]["/items/{item_id}/notes"]["post"]["responses"]["400"]
    refs = [s["$ref"] for s in both["content"]["application/json"]["schema"]["anyOf"]]
    assert sorted(ref.rsplit("/", 1)[-1] for ref in refs) == ["HttpErrorBody", "QueryErrorBody"]
