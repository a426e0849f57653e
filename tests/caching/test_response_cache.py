"""@cache.cache: what is stored, for how long, under which key (memory and Redis)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from pyjolt import Request, Response
from pyjolt.caching import Cache
from pyjolt.controller import Controller, get, path, post
from pyjolt.testing import PyJoltTestClient

HERE = __name__

cache = Cache()
calls: Counter[str] = Counter()


@path("/api")
class ItemsApi(Controller):
    @get("/items/<int:item_id>")
    @cache.cache(duration=60)
    async def get_item(self, req: Request, item_id: int) -> Response:
        calls["get_item"] += 1
        return req.response.json({"id": item_id, "call": calls["get_item"]})

    @get("/search")
    @cache.cache
    async def search(self, req: Request) -> Response:
        calls["search"] += 1
        return req.response.json({"q": dict(req.query_params), "call": calls["search"]})

    @get("/custom")
    @cache.cache()
    async def custom(self, req: Request) -> Response:
        calls["custom"] += 1
        body = f"call {calls['custom']}"
        return req.response.text(body).status(203).set_header("X-Custom", "yes")

    @get("/status/<int:code>")
    @cache.cache()
    async def status(self, req: Request, code: int) -> Response:
        calls["status"] += 1
        return req.response.json({"call": calls["status"]}).status(code)

    @get("/with-cookie")
    @cache.cache()
    async def with_cookie(self, req: Request) -> Response:
        calls["with_cookie"] += 1
        return req.response.json({"call": calls["with_cookie"]}).set_cookie("session", "s3cret")

    @get("/cache-control/<directive>")
    @cache.cache()
    async def cache_control(self, req: Request, directive: str) -> Response:
        calls["cache_control"] += 1
        response = req.response.json({"call": calls["cache_control"]})
        return response.set_header("Cache-Control", f"max-age=60, {directive}")

    @get("/short")
    @cache.cache(duration=0.5)
    async def short(self, req: Request) -> Response:
        calls["short"] += 1
        return req.response.json({"call": calls["short"]})

    @get("/plain")
    @cache.cache()
    async def plain(self, req: Request) -> dict[str, Any]:
        calls["plain"] += 1
        return {"call": calls["plain"]}

    @get("/big")
    @cache.cache()
    async def big(self, req: Request) -> Response:
        calls["big"] += 1
        return req.response.text("x" * 2048)

    @get("/link")
    @cache.cache()
    async def link(self, req: Request) -> Response:
        calls["link"] += 1
        return req.response.json({"url": req.url, "call": calls["link"]})

    @post("/items")
    @cache.cache()
    async def create(self, req: Request) -> Response:
        calls["create"] += 1
        return req.response.json({"call": calls["create"]}).status(201)


@pytest.fixture(autouse=True)
def reset_calls() -> None:
    calls.clear()


@pytest.fixture
def application(make_app: Any, cache_settings: dict[str, Any]) -> Any:
    return make_app(ItemsApi, EXTENSIONS=[f"{HERE}:cache"], **cache_settings)


async def test_second_request_is_served_from_cache(application):
    async with PyJoltTestClient(application) as client:
        first = await client.get("/api/items/1")
        second = await client.get("/api/items/1")
    assert first.json() == second.json() == {"id": 1, "call": 1}
    assert calls["get_item"] == 1


async def test_whole_response_is_replayed(application):
    async with PyJoltTestClient(application) as client:
        first = await client.get("/api/custom")
        second = await client.get("/api/custom")
    assert calls["custom"] == 1
    for response in (first, second):
        assert response.status_code == 203
        assert response.headers["x-custom"] == "yes"
        assert response.headers["content-type"].startswith("text/plain")
        assert response.text == "call 1"


async def test_plain_return_values_are_cached(application):
    async with PyJoltTestClient(application) as client:
        first = await client.get("/api/plain")
        second = await client.get("/api/plain")
    assert first.json() == second.json() == {"call": 1}
    assert second.headers["content-type"] == "application/json"


async def test_route_parameters_get_separate_entries(application):
    async with PyJoltTestClient(application) as client:
        one = await client.get("/api/items/1")
        two = await client.get("/api/items/2")
        one_again = await client.get("/api/items/1")
    assert one.json()["id"] == 1
    assert two.json()["id"] == 2
    assert one_again.json() == one.json()
    assert calls["get_item"] == 2


async def test_query_string_is_part_of_the_key_in_sorted_order(application):
    async with PyJoltTestClient(application) as client:
        first = await client.get("/api/search?a=1&b=2")
        reordered = await client.get("/api/search?b=2&a=1")
        other = await client.get("/api/search?a=2&b=2")
        no_query = await client.get("/api/search")
    assert reordered.json() == first.json()
    assert other.json()["q"] == {"a": "2", "b": "2"}
    assert no_query.json()["q"] == {}
    assert calls["search"] == 3


async def test_forged_host_does_not_poison_the_entry_of_the_real_host(application):
    async with PyJoltTestClient(application) as client:
        forged = await client.get("/api/link", headers={"host": "evil.example"})
        real = await client.get("/api/link")
        real_again = await client.get("/api/link")
    assert forged.json()["url"] == "http://evil.example/api/link"
    assert real.json() == {"url": "http://testserver/api/link", "call": 2}
    assert real_again.json() == real.json()


async def test_scheme_is_part_of_the_key(application):
    async with PyJoltTestClient(application) as client:
        plain = await client.get("http://testserver/api/link")
        secure = await client.get("https://testserver/api/link")
    assert plain.json()["url"] == "http://testserver/api/link"
    assert secure.json()["url"] == "https://testserver/api/link"
    assert calls["link"] == 2


@pytest.mark.parametrize("code", [201, 204])
async def test_other_2xx_responses_are_cached(application, code):
    async with PyJoltTestClient(application) as client:
        first = await client.get(f"/api/status/{code}")
        second = await client.get(f"/api/status/{code}")
    assert first.status_code == second.status_code == code
    assert calls["status"] == 1


@pytest.mark.parametrize("code", [301, 400, 404, 500])
async def test_non_2xx_responses_are_not_cached(application, code):
    async with PyJoltTestClient(application) as client:
        await client.get(f"/api/status/{code}")
        second = await client.get(f"/api/status/{code}")
    assert second.status_code == code
    assert calls["status"] == 2


async def test_response_setting_a_cookie_is_not_cached(application):
    async with PyJoltTestClient(application) as client:
        first = await client.get("/api/with-cookie")
        client.cookies.clear()
        second = await client.get("/api/with-cookie")
    assert "set-cookie" in first.headers
    assert second.json() == {"call": 2}


@pytest.mark.parametrize("directive", ["private", "no-store", "no-cache", "PRIVATE"])
async def test_private_or_no_store_responses_are_not_cached(application, directive):
    async with PyJoltTestClient(application) as client:
        await client.get(f"/api/cache-control/{directive}")
        second = await client.get(f"/api/cache-control/{directive}")
    assert second.json() == {"call": 2}


async def test_public_cache_control_is_cached(application):
    async with PyJoltTestClient(application) as client:
        await client.get("/api/cache-control/public")
        second = await client.get("/api/cache-control/public")
    assert second.json() == {"call": 1}


async def test_entries_expire_after_their_duration(application):
    async with PyJoltTestClient(application) as client:
        await client.get("/api/short")
        cached = await client.get("/api/short")
        await asyncio.sleep(0.7)
        expired = await client.get("/api/short")
    assert cached.json() == {"call": 1}
    assert expired.json() == {"call": 2}


async def test_post_requests_are_not_cached(application):
    async with PyJoltTestClient(application) as client:
        await client.post("/api/items")
        second = await client.post("/api/items")
    assert second.json() == {"call": 2}


async def test_responses_over_max_entry_size_are_not_cached(make_app, cache_settings):
    application = make_app(
        ItemsApi, EXTENSIONS=[f"{HERE}:cache"], CACHE_MAX_ENTRY_SIZE=1024, **cache_settings
    )
    async with PyJoltTestClient(application) as client:
        await client.get("/api/big")
        await client.get("/api/big")
    assert calls["big"] == 2


async def test_head_is_answered_from_the_get_entry(application):
    async with PyJoltTestClient(application) as client:
        await client.get("/api/items/5")
        head = await client.head("/api/items/5")
    assert head.status_code == 200
    assert head.content == b""
    assert calls["get_item"] == 1


async def test_invalidate_drops_one_endpoints_entries(application):
    async with PyJoltTestClient(application) as client:
        await client.get("/api/items/1")
        await client.get("/api/items/2")
        await client.get("/api/search")
        await cache.invalidate(ItemsApi.get_item)
        await client.get("/api/items/1")
        await client.get("/api/items/2")
        await client.get("/api/search")
    assert calls["get_item"] == 4
    assert calls["search"] == 1


async def test_clear_drops_cached_responses(application):
    async with PyJoltTestClient(application) as client:
        await client.get("/api/items/1")
        await cache.clear()
        again = await client.get("/api/items/1")
    assert again.json()["call"] == 2
