"""Claim stores: exactly one caller wins a key, until it expires or its holder releases it."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from pyjolt.task_manager.claims import (
    CLAIMS_TABLE,
    FAILED_TABLE,
    ClaimStore,
    DatabaseClaimStore,
    LocalClaimStore,
    RedisClaimStore,
)

STORES = ["local", "redis", "sqlite", "postgresql"]


async def postgres_engine() -> AsyncEngine:
    url = os.environ.get("PYJOLT_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PYJOLT_TEST_POSTGRES_URL is not set")
    return create_async_engine(url)


@pytest.fixture(params=STORES)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ClaimStore]:
    kind = request.param
    if kind == "local":
        yield LocalClaimStore()
        return
    if kind == "redis":
        url = os.environ.get("PYJOLT_TEST_REDIS_URL")
        if not url:
            pytest.skip("PYJOLT_TEST_REDIS_URL is not set")
        prefix = f"pyjolt-test:{uuid.uuid4().hex}:"
        redis_store = RedisClaimStore(url, key_prefix=prefix)
        await redis_store.start()
        yield redis_store
        keys = [key async for key in redis_store.client.scan_iter(match=f"{prefix}*")]
        if keys:
            await redis_store.client.delete(*keys)
        await redis_store.close()
        return
    engine = (
        create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'claims.db'}")
        if kind == "sqlite"
        else await postgres_engine()
    )
    database_store = DatabaseClaimStore(lambda: engine)
    async with engine.begin() as connection:
        await connection.run_sync(database_store.metadata.drop_all)
    await database_store.start()
    yield database_store
    async with engine.begin() as connection:
        await connection.run_sync(database_store.metadata.drop_all)
    await engine.dispose()


async def test_only_the_first_claim_wins(store: ClaimStore) -> None:
    results = await asyncio.gather(*(store.claim("fire:tick:1000", 60) for _ in range(10)))
    assert sum(token is not None for token in results) == 1


async def test_different_keys_are_independent(store: ClaimStore) -> None:
    assert await store.claim("fire:tick:1000", 60)
    assert await store.claim("fire:tick:2000", 60)
    assert await store.claim("fire:other:1000", 60)


async def test_a_claim_expires_after_its_ttl(store: ClaimStore) -> None:
    assert await store.claim("lock:tick", 0.2)
    assert await store.claim("lock:tick", 0.2) is None
    await asyncio.sleep(1.1)  # PostgreSQL and SQLite timestamps: allow a second
    assert await store.claim("lock:tick", 0.2)


async def test_only_the_holder_releases(store: ClaimStore) -> None:
    token = await store.claim("lock:tick", 60)
    assert token is not None
    await store.release("lock:tick", "someone-else")
    assert await store.claim("lock:tick", 60) is None
    await store.release("lock:tick", token)
    assert await store.claim("lock:tick", 60)


async def test_failed_jobs_are_listed_newest_first(store: ClaimStore) -> None:
    for n in range(3):
        await store.add_failed({"job": "Tasks.record", "kwargs": {"n": n}})
    listed = await store.failed(limit=2)
    assert [item["kwargs"]["n"] for item in listed] == [2, 1]


def test_the_database_tables_are_left_out_of_migrations() -> None:
    from pyjolt.database.migrate.environment import exclude_pyjolt_tables

    assert not exclude_pyjolt_tables(CLAIMS_TABLE, "table", {})
    assert not exclude_pyjolt_tables(FAILED_TABLE, "table", {})
    assert exclude_pyjolt_tables("products", "table", {})
