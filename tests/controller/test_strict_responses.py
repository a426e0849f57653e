"""Response models refuse wrongly typed data in DEBUG (or when STRICT_RESPONSES is on)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from pyjolt import Request, Response
from pyjolt.controller import Controller, get, path
from pyjolt.serialization import ResponseModelError
from pyjolt.testing import PyJoltTestClient


class Counter(BaseModel):
    count: int
    label: str


class Row:
    """An ORM-like object: attributes, not a dict."""

    def __init__(self, count: int, label: str) -> None:
        self.count = count
        self.label = label


@path("/counts")
class CountsApi(Controller):
    @get("/wrong")
    async def wrong(self, req: Request) -> Response[Counter]:
        return req.response.json({"count": "0", "label": "zero"})

    @get("/right")
    async def right(self, req: Request) -> Response[Counter]:
        return req.response.json({"count": 0, "label": "zero"})

    @get("/row")
    async def row(self, req: Request) -> Response[Counter]:
        return req.response.json(Row(3, "three"))


async def test_debug_surfaces_a_wrongly_typed_field(make_app: Any) -> None:
    async with PyJoltTestClient(make_app(CountsApi, DEBUG=True)) as client:
        with pytest.raises(ResponseModelError, match="count"):
            await client.get("/counts/wrong")


async def test_strict_responses_answer_500_outside_debug(make_app: Any) -> None:
    application = make_app(CountsApi, DEBUG=False, STRICT_RESPONSES=True)
    async with PyJoltTestClient(application) as client:
        response = await client.get("/counts/wrong")
    assert response.status_code == 500
    assert response.json() == {"status": "error", "message": "Internal server error"}


async def test_production_converts_as_before_unless_asked(make_app: Any) -> None:
    async with PyJoltTestClient(make_app(CountsApi, DEBUG=False)) as client:
        response = await client.get("/counts/wrong")
    assert response.json() == {"count": 0, "label": "zero"}


async def test_debug_can_turn_strictness_off(make_app: Any) -> None:
    application = make_app(CountsApi, DEBUG=True, STRICT_RESPONSES=False)
    async with PyJoltTestClient(application) as client:
        response = await client.get("/counts/wrong")
    assert response.json() == {"count": 0, "label": "zero"}


@pytest.mark.parametrize("url", ["/counts/right", "/counts/row"])
async def test_correctly_typed_data_and_objects_pass_strict_mode(make_app: Any, url: str) -> None:
    async with PyJoltTestClient(make_app(CountsApi, DEBUG=True)) as client:
        response = await client.get(url)
    assert response.status_code == 200
    assert isinstance(response.json()["count"], int)
