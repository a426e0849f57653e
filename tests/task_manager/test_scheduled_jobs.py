"""TaskManager: @schedule_job jobs run on APScheduler, and can be paused/resumed/removed."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from pyjolt.task_manager import TaskManager, schedule_job
from pyjolt.testing import PyJoltTestClient

HERE = __name__

runs: Counter[str] = Counter()


class Scheduler(TaskManager):
    @schedule_job("interval", seconds=0.05, id="tick")
    async def tick(self) -> None:
        runs["tick"] += 1

    @schedule_job("interval", seconds=0.05)
    def sync_tick(self) -> None:
        runs["sync_tick"] += 1

    @schedule_job("cron", hour=3, id="nightly")
    async def nightly(self) -> None:
        runs["nightly"] += 1


scheduler = Scheduler()


@pytest.fixture(autouse=True)
def reset_runs() -> None:
    runs.clear()


@pytest.fixture
def application(make_app: Any) -> Any:
    return make_app(EXTENSIONS=[f"{HERE}:scheduler"])


async def wait_for(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)


async def test_interval_job_runs(application):
    async with PyJoltTestClient(application):
        await wait_for(lambda: runs["tick"] >= 3)


async def test_sync_job_runs_with_default_id(application):
    async with PyJoltTestClient(application):
        await wait_for(lambda: runs["sync_tick"] >= 2)
        assert scheduler.get_job("Scheduler.sync_tick") is not None


async def test_scheduler_starts_with_the_app_and_stops_with_it(application):
    assert not scheduler.running
    async with PyJoltTestClient(application):
        assert scheduler.running
        assert {job.id for job in scheduler.jobs} == {"tick", "Scheduler.sync_tick", "nightly"}
    assert not scheduler.running
    count = runs["tick"]
    await asyncio.sleep(0.15)
    assert runs["tick"] == count


async def test_pause_and_resume_job(application):
    async with PyJoltTestClient(application):
        await wait_for(lambda: runs["tick"] >= 1)
        scheduler.pause_job("tick")
        assert scheduler.get_job("tick").next_run_time is None
        await asyncio.sleep(0.06)  # let a run already due finish
        paused_at = runs["tick"]
        await asyncio.sleep(0.2)
        assert runs["tick"] == paused_at
        scheduler.resume_job(scheduler.get_job("tick"))
        await wait_for(lambda: runs["tick"] >= paused_at + 2)


async def test_remove_job(application):
    async with PyJoltTestClient(application):
        await wait_for(lambda: runs["tick"] >= 1)
        scheduler.remove_job("tick")
        assert scheduler.get_job("tick") is None
        assert "tick" not in {job.id for job in scheduler.jobs}
        await asyncio.sleep(0.06)
        removed_at = runs["tick"]
        await asyncio.sleep(0.2)
        assert runs["tick"] == removed_at


async def test_remove_job_given_the_job_object(application):
    async with PyJoltTestClient(application):
        scheduler.remove_job(scheduler.get_job("nightly"))
        assert scheduler.get_job("nightly") is None


async def test_add_job_at_runtime(application):
    seen: list[str] = []

    async def greet(name: str) -> None:
        seen.append(name)

    async with PyJoltTestClient(application):
        job = scheduler.add_job(greet, "interval", seconds=0.05, args=["ada"], id="greet")
        assert scheduler.get_job("greet") is job or scheduler.get_job("greet").id == "greet"
        await wait_for(lambda: len(seen) >= 2)
    assert set(seen) == {"ada"}


async def test_job_defaults_config_is_applied(make_app):
    application = make_app(
        EXTENSIONS=[f"{HERE}:scheduler"],
        TASK_MANAGER_JOB_DEFAULTS={"coalesce": True, "max_instances": 1},
    )
    async with PyJoltTestClient(application):
        job = scheduler.get_job("tick")
        assert job.coalesce is True
        assert job.max_instances == 1


async def test_scheduler_class_may_be_an_import_string(make_app):
    application = make_app(
        EXTENSIONS=[f"{HERE}:scheduler"],
        TASK_MANAGER_SCHEDULER="apscheduler.schedulers.asyncio:AsyncIOScheduler",
    )
    async with PyJoltTestClient(application):
        await wait_for(lambda: runs["tick"] >= 1)


async def test_failing_job_is_logged_with_traceback(application, caplog):
    def broken() -> None:
        raise RuntimeError("job exploded")

    caplog.set_level(logging.ERROR, logger="apscheduler")
    async with PyJoltTestClient(application):
        scheduler.add_job(broken, "interval", seconds=0.05, id="broken")
        await wait_for(lambda: "job exploded" in caplog.text)
    assert any(record.exc_info for record in caplog.records if record.levelno == logging.ERROR)


def test_unknown_trigger_is_refused():
    with pytest.raises(ValueError, match="interval"):
        schedule_job("every-day", id="x")


def test_scheduler_before_init_app_raises_a_clear_error():
    with pytest.raises(RuntimeError, match="EXTENSIONS"):
        Scheduler().add_job(print, "interval", seconds=1)
