"""cache.set/get/delete/clear, memory bounds and Redis specifics."""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from collections import Counter
from typing import Any

import pytest

from pyjolt import Request, Response
from pyjolt.caching import Cache, MemoryCacheBackend, RedisCacheBackend
from pyjolt.controller import Controller, get, path
from pyjolt.testing import PyJoltTestClient

from .conftest import delete_keys

HERE = __name__

cache = Cache()
calls: Counter[str] = Counter()


@path("/api")
class PagesApi(Controller):
    @get("/pages/<int:page>")
    @cache.cache(duration=60)
    async def page(self, req: Request, page: int) -> Response:
        calls[f"page{page}"] += 1
        return req.response.json({"page": page, "call": calls[f"page{page}"]})

    @get("/users")
    async def users(self, req: Request) -> Response:
        stored = await cache.get("users")
        if stored is None:
            calls["users"] += 1
            await cache.set("users", req.response.json(["ada", "bob"]), duration=60)
            stored = await cache.get("users")
        assert stored is not None
        return req.response.send_file(stored["body"], media_type=stored["media_type"])


@pytest.fixture(autouse=True)
def reset_calls() -> None:
    calls.clear()


def app_with(make_app: Any, **settings: Any) -> Any:
    return make_app(PagesApi, EXTENSIONS=[f"{HERE}:cache"], **settings)


async def test_set_get_delete_round_trip(make_app, cache_settings):
    application = app_with(make_app, **cache_settings)
    async with PyJoltTestClient(application) as client:
        first = await client.get("/api/users")
        second = await client.get("/api/users")
        stored = await cache.get("users")
        await cache.delete("users")
        assert await cache.get("users") is None
    assert first.json() == second.json() == ["ada", "bob"]
    assert calls["users"] == 1
    assert stored == {
        "status_code": 200,
        "headers": {},
        "media_type": "application/json",
        "body": b'["ada","bob"]',
    }


async def test_set_accepts_the_dict_get_returns(make_app, cache_settings):
    async with PyJoltTestClient(app_with(make_app, **cache_settings)):
        value = {"status_code": 201, "headers": {"X-A": "1"}, "media_type": "text/plain"}
        await cache.set("k", {**value, "body": b"hi"})
        assert await cache.get("k") == {**value, "headers": {"x-a": "1"}, "body": b"hi"}


async def test_set_with_duration_expires(make_app, cache_settings):
    async with PyJoltTestClient(app_with(make_app, **cache_settings)):
        await cache.set("soon", {"status_code": 200, "media_type": "text/plain"}, duration=0.3)
        assert await cache.get("soon") is not None
        await asyncio.sleep(0.5)
        assert await cache.get("soon") is None


async def test_cache_duration_config_is_the_default(make_app, cache_settings):
    async with PyJoltTestClient(app_with(make_app, CACHE_DURATION=0.3, **cache_settings)):
        await cache.set("soon", {"status_code": 200, "media_type": "text/plain"})
        await asyncio.sleep(0.5)
        assert await cache.get("soon") is None


async def test_clear_removes_values_and_responses(make_app, cache_settings):
    async with PyJoltTestClient(app_with(make_app, **cache_settings)) as client:
        await client.get("/api/pages/1")
        await cache.set("k", {"status_code": 200, "media_type": "text/plain"})
        await cache.clear()
        assert await cache.get("k") is None
        again = await client.get("/api/pages/1")
    assert again.json()["call"] == 2


async def test_memory_backend_is_bounded_by_entry_count(make_app):
    application = app_with(make_app, CACHE_MAX_ENTRIES=2)
    async with PyJoltTestClient(application) as client:
        for page in (1, 2, 3):
            await client.get(f"/api/pages/{page}")
        assert isinstance(cache.backend, MemoryCacheBackend)
        assert len(cache.backend) == 2
        await client.get("/api/pages/3")  # still cached
        await client.get("/api/pages/1")  # least recently used: evicted
    assert calls["page3"] == 1
    assert calls["page1"] == 2


async def test_memory_backend_is_bounded_by_bytes(make_app):
    application = app_with(make_app, CACHE_MAX_MEMORY=200)
    async with PyJoltTestClient(application) as client:
        for page in range(10):
            await client.get(f"/api/pages/{page}")
        assert isinstance(cache.backend, MemoryCacheBackend)
        assert 0 < cache.backend.size <= 200


# --- Redis -------------------------------------------------------------------------------------
async def test_redis_entries_live_under_the_key_prefix_with_a_ttl(make_app, redis_settings):
    import redis.asyncio as redis_asyncio

    async with PyJoltTestClient(app_with(make_app, **redis_settings)) as client:
        await client.get("/api/pages/1")
    prefix = redis_settings["CACHE_KEY_PREFIX"]
    redis = redis_asyncio.Redis.from_url(redis_settings["CACHE_REDIS_URL"])
    try:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}*")]
        assert len(keys) == 1
        assert 0 < await redis.ttl(keys[0]) <= 60
    finally:
        await redis.aclose()


async def test_redis_clear_leaves_other_prefixes_alone(make_app, redis_settings):
    import redis.asyncio as redis_asyncio

    url = redis_settings["CACHE_REDIS_URL"]
    neighbour = redis_settings["CACHE_KEY_PREFIX"].rstrip(":") + "-neighbour:"
    redis = redis_asyncio.Redis.from_url(url)
    try:
        await redis.set(f"{neighbour}keep", b"1", ex=60)
        async with PyJoltTestClient(app_with(make_app, **redis_settings)):
            await cache.set("k", {"status_code": 200, "media_type": "text/plain"})
            await cache.clear()
            assert await cache.get("k") is None
        assert await redis.get(f"{neighbour}keep") == b"1"
    finally:
        await redis.aclose()
        await delete_keys(url, neighbour)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_redis_down_serves_uncached_and_logs_a_warning(make_app, caplog):
    url = f"redis://127.0.0.1:{closed_port()}/0"
    application = app_with(make_app, CACHE_REDIS_URL=url, CACHE_KEY_PREFIX="pyjolt-test:down:")
    caplog.set_level(logging.WARNING, logger="pyjolt.caching")
    async with PyJoltTestClient(application) as client:
        first = await client.get("/api/pages/1")
        second = await client.get("/api/pages/1")
        await cache.set("k", {"status_code": 200, "media_type": "text/plain"})
        assert await cache.get("k") is None
        await cache.delete("k")
        await cache.clear()
    assert isinstance(cache.backend, RedisCacheBackend)
    assert first.status_code == second.status_code == 200
    assert second.json() == {"page": 1, "call": 2}
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("unavailable" in record.getMessage() for record in warnings)
    assert str(url.split("//")[1].split("/")[0]) in caplog.text


async def test_each_failing_redis_call_is_survived_and_warned_about_once(make_app, caplog):
    url = f"redis://127.0.0.1:{closed_port()}/0"
    application = app_with(make_app, CACHE_REDIS_URL=url, CACHE_REDIS_RETRY_INTERVAL=0)
    caplog.set_level(logging.WARNING, logger="pyjolt.caching")
    async with PyJoltTestClient(application) as client:
        responses = [await client.get("/api/pages/1") for _ in range(3)]
        await cache.set("k", {"status_code": 200, "media_type": "text/plain"})
        assert await cache.get("k") is None
        await cache.delete("k")
        await cache.clear()
    assert [r.json()["call"] for r in responses] == [1, 2, 3]
    warnings = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(warnings) == 1  # throttled: one warning per outage, not one per request


async def test_redis_password_in_url_is_not_logged(make_app, caplog):
    url = f"redis://user:hunter2@127.0.0.1:{closed_port()}/0"
    caplog.set_level(logging.WARNING, logger="pyjolt.caching")
    async with PyJoltTestClient(app_with(make_app, CACHE_REDIS_URL=url)) as client:
        await client.get("/api/pages/1")
    assert "unavailable" in caplog.text
    assert "hunter2" not in caplog.text


@pytest.fixture
async def redis_user(redis_url: str) -> Any:
    """A temporary Redis ACL user (name, password) limited to the test key space."""
    import redis.asyncio as redis_asyncio

    name, password = f"pyjolt-test-{uuid.uuid4().hex}", uuid.uuid4().hex
    admin = redis_asyncio.Redis.from_url(redis_url)
    try:
        await admin.acl_setuser(
            name,
            enabled=True,
            passwords=[f"+{password}"],
            keys=["pyjolt-test:*"],
            commands=["+@all"],
        )
        yield name, password
    finally:
        await admin.acl_deluser(name)
        await admin.aclose()


@pytest.mark.parametrize("correct", [True, False])
async def test_redis_password_setting_is_used(
    make_app, redis_settings, redis_user, correct, caplog
):
    name, password = redis_user
    url = redis_settings["CACHE_REDIS_URL"].replace("redis://", f"redis://{name}@", 1)
    settings = {**redis_settings, "CACHE_REDIS_URL": url}
    settings["CACHE_REDIS_PASSWORD"] = password if correct else "wrong-password"
    caplog.set_level(logging.WARNING, logger="pyjolt.caching")
    async with PyJoltTestClient(app_with(make_app, **settings)) as client:
        await client.get("/api/pages/1")
        second = await client.get("/api/pages/1")
    assert second.json()["call"] == (1 if correct else 2)
    assert ("unavailable" in caplog.text) is not correct
