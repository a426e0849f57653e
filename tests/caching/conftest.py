"""Cache backends under test: memory always, Redis when PYJOLT_TEST_REDIS_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

REDIS_URL_VARIABLE = "PYJOLT_TEST_REDIS_URL"


async def delete_keys(url: str, prefix: str) -> int:
    """Remove every Redis key under ``prefix``; returns how many were left behind."""
    import redis.asyncio as redis_asyncio

    client = redis_asyncio.Redis.from_url(url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
        return len(keys)
    finally:
        await client.aclose()


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get(REDIS_URL_VARIABLE)
    if not url:
        pytest.skip(f"{REDIS_URL_VARIABLE} is not set (e.g. redis://127.0.0.1:6379/0)")
    return url


@pytest.fixture
async def redis_settings(redis_url: str) -> AsyncIterator[dict[str, Any]]:
    """Cache config for Redis with a key prefix unique to this test; keys removed after."""
    prefix = f"pyjolt-test:{uuid.uuid4().hex}:"
    yield {"CACHE_REDIS_URL": redis_url, "CACHE_KEY_PREFIX": prefix}
    await delete_keys(redis_url, prefix)


@pytest.fixture(params=["memory", "redis"])
def cache_settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Run a test once per backend."""
    if request.param == "memory":
        return {}
    return dict(request.getfixturevalue("redis_settings"))
