"""Scheduled fires: claimed once across task managers, anchored, and not overlapping."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections import Counter
from datetime import datetime
from typing import Any

import pytest

from pyjolt import BaseConfig, PyJolt
from pyjolt.task_manager import TaskManager, current_fire_time, schedule_job
from pyjolt.task_manager.manager import INTERVAL_ANCHOR
from pyjolt.testing import PyJoltTestClient

fires: Counter[int] = Counter()
running = {"now": 0, "most": 0}


class Ticker(TaskManager):
    @schedule_job("interval", seconds=1, id="tick", misfire_grace_time=5)
    async def tick(self) -> None:
        fire = current_fire_time()
        assert isinstance(fire, datetime)
        fires[int(fire.timestamp() * 1000)] += 1


class Slow(TaskManager):
    @schedule_job("interval", seconds=0.2, id="slow", without_overlapping=True, lock_ttl=30)
    async def slow(self) -> None:
        running["now"] += 1
        running["most"] = max(running["most"], running["now"])
        await asyncio.sleep(0.7)
        running["now"] -= 1


@pytest.fixture(autouse=True)
def reset() -> None:
    fires.clear()
    running.update(now=0, most=0)


def ticker_app(manager: TaskManager, **settings: Any) -> PyJolt:
    app = PyJolt(BaseConfig(DEBUG=False, **settings))
    manager.init_app(app)
    return app


async def test_interval_fires_are_anchored_to_whole_seconds() -> None:
    manager = Ticker()
    app = ticker_app(manager)
    async with PyJoltTestClient(app):
        job = manager.get_job("tick")
        assert job.trigger.start_date == INTERVAL_ANCHOR
        await asyncio.sleep(2.2)
    assert fires
    assert all(ms % 1000 == 0 for ms in fires)


async def test_three_managers_sharing_redis_run_each_fire_once() -> None:
    url = os.environ.get("PYJOLT_TEST_REDIS_URL")
    if not url:
        pytest.skip("PYJOLT_TEST_REDIS_URL is not set")
    prefix = f"pyjolt-test:{uuid.uuid4().hex}:"
    managers = [Ticker() for _ in range(3)]
    apps = [
        ticker_app(manager, TASK_MANAGER_REDIS_URL=url, TASK_MANAGER_KEY_PREFIX=prefix)
        for manager in managers
    ]
    clients = [PyJoltTestClient(app) for app in apps]
    try:
        for client in clients:
            await client.__aenter__()
        await asyncio.sleep(3.5)
    finally:
        for client in clients:
            await client.__aexit__(None, None, None)
        import redis.asyncio as redis_asyncio

        cleanup = redis_asyncio.Redis.from_url(url)
        keys = [key async for key in cleanup.scan_iter(match=f"{prefix}*")]
        if keys:
            await cleanup.delete(*keys)
        await cleanup.aclose()
    assert len(fires) >= 3
    assert set(fires.values()) == {1}, fires


async def test_three_managers_with_local_stores_each_run_every_fire() -> None:
    """The failure the claims prevent: without a shared store every process fires."""
    apps = [ticker_app(Ticker()) for _ in range(3)]
    clients = [PyJoltTestClient(app) for app in apps]
    try:
        for client in clients:
            await client.__aenter__()
        await asyncio.sleep(2.5)
    finally:
        for client in clients:
            await client.__aexit__(None, None, None)
    assert 3 in fires.values()


async def test_without_overlapping_skips_fires_while_the_last_run_holds_the_lock() -> None:
    manager = Slow()
    async with PyJoltTestClient(ticker_app(manager)):
        await asyncio.sleep(2.0)
    assert running["most"] == 1


async def test_overlapping_runs_happen_without_the_flag() -> None:
    class Overlapping(TaskManager):
        @schedule_job("interval", seconds=0.2, id="slow")
        async def slow(self) -> None:
            running["now"] += 1
            running["most"] = max(running["most"], running["now"])
            await asyncio.sleep(0.7)
            running["now"] -= 1

    async with PyJoltTestClient(ticker_app(Overlapping())):
        await asyncio.sleep(2.0)
    assert running["most"] > 1


def test_lock_ttl_must_be_positive() -> None:
    with pytest.raises(ValueError, match="lock_ttl"):
        schedule_job("interval", seconds=1, without_overlapping=True, lock_ttl=0)
