"""@background_job: arguments validated when enqueued; in-process without a broker."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

import pytest
from pydantic import Field, ValidationError

from pyjolt import Request, Response
from pyjolt.controller import Controller, path, post
from pyjolt.task_manager import TaskManager, background_job
from pyjolt.task_manager.queue import QueueConfigError
from pyjolt.testing import PyJoltTestClient

HERE = __name__
received: list[tuple[int, datetime]] = []


class Jobs(TaskManager):
    @background_job(retries=5)
    async def remind(self, user_id: Annotated[int, Field(gt=0)], at: datetime) -> None:
        received.append((user_id, at))

    @background_job(name="reports.build")
    def build_report(self, title: str = "weekly") -> str:
        return title


jobs = Jobs()


@path("/remind")
class RemindApi(Controller):
    @post("/<int:user_id>")
    async def remind(self, req: Request, user_id: int) -> Response:
        await jobs.remind.enqueue(user_id, at=req.query_params.get("at", ""))
        return req.response.json({"queued": True}).status(202)


@pytest.fixture(autouse=True)
def clear() -> None:
    received.clear()


async def test_a_job_runs_in_process_with_typed_arguments(make_app: Any) -> None:
    app = make_app(EXTENSIONS=[f"{HERE}:jobs"])
    async with PyJoltTestClient(app):
        job_id = await jobs.remind.enqueue(7, at="2030-01-02T03:04:05Z")
        assert len(job_id) == 32
        for _ in range(100):
            if received:
                break
            await asyncio.sleep(0.01)
    assert received == [(7, datetime.fromisoformat("2030-01-02T03:04:05+00:00"))]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((0,), {"at": "2030-01-02T03:04:05Z"}),
        (("seven",), {"at": "2030-01-02T03:04:05Z"}),
        ((7,), {"at": "not a date"}),
        ((7,), {}),
        ((7,), {"at": "2030-01-02T03:04:05Z", "extra": 1}),
    ],
)
async def test_bad_arguments_fail_when_enqueued(
    make_app: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    app = make_app(EXTENSIONS=[f"{HERE}:jobs"])
    async with PyJoltTestClient(app):
        with pytest.raises(ValidationError):
            await jobs.remind.enqueue(*args, **kwargs)
    assert received == []


async def test_too_many_positional_arguments_are_a_type_error(make_app: Any) -> None:
    make_app(EXTENSIONS=[f"{HERE}:jobs"])
    with pytest.raises(TypeError, match="takes 2 argument"):
        await jobs.remind.enqueue(1, "2030-01-01T00:00:00Z", 3)


async def test_a_bad_argument_is_the_requests_422(
    make_app: Any, assert_quiet_log: Callable[[], None]
) -> None:
    app = make_app(RemindApi, EXTENSIONS=[f"{HERE}:jobs"])
    async with PyJoltTestClient(app) as client:
        answer = await client.post("/remind/3?at=yesterday")
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["loc"] == ["at"]
        assert (await client.post("/remind/3?at=2030-01-01T00:00:00Z")).status_code == 202
    assert_quiet_log()


async def test_run_background_task_validates_a_job_at_once(make_app: Any) -> None:
    app = make_app(EXTENSIONS=[f"{HERE}:jobs"])
    async with PyJoltTestClient(app):
        with pytest.raises(ValidationError):
            jobs.run_background_task(jobs.remind, -1, at="2030-01-01T00:00:00Z")
        task = jobs.run_background_task(jobs.build_report, title="monthly")
        assert await task == "monthly"


def test_job_names_default_to_class_and_method(make_app: Any) -> None:
    make_app(EXTENSIONS=[f"{HERE}:jobs"])
    assert jobs.job_names == ["Jobs.remind", "reports.build"]
    assert jobs.remind.name == "Jobs.remind"


def test_calling_a_job_runs_it_directly() -> None:
    assert Jobs().build_report("now") == "now"


def test_star_arguments_cannot_be_validated() -> None:
    class Loose(TaskManager):
        @background_job
        async def anything(self, *args: Any) -> None: ...

    with pytest.raises(TypeError, match=r"\*args/\*\*kwargs cannot be validated"):
        Loose().anything.job.arguments  # noqa: B018


def test_an_unknown_broker_scheme_names_the_key(make_app: Any) -> None:
    with pytest.raises(QueueConfigError, match="TASK_MANAGER_BROKER_URL"):
        make_app(EXTENSIONS=[f"{HERE}:jobs"], TASK_MANAGER_BROKER_URL="kafka://localhost:9092")


def test_several_workers_without_broker_or_shared_store_are_warned_about(make_app: Any) -> None:
    make_app(EXTENSIONS=[f"{HERE}:jobs"])
    assert jobs.worker_warnings(1) == []
    warnings = " ".join(jobs.worker_warnings(2))
    assert "each of the 2 workers runs every scheduled job" in warnings
    assert "TASK_MANAGER_BROKER_URL is not set" in warnings


async def test_with_a_redis_broker_a_job_is_queued_not_run(make_app: Any) -> None:
    url = os.environ.get("PYJOLT_TEST_REDIS_URL")
    if not url:
        pytest.skip("PYJOLT_TEST_REDIS_URL is not set")
    queue = f"pyjolt-test-{uuid.uuid4().hex}"
    app = make_app(
        EXTENSIONS=[f"{HERE}:jobs"],
        TASK_MANAGER_BROKER_URL=url,
        TASK_MANAGER_QUEUE_NAME=queue,
        TASK_MANAGER_KEY_PREFIX=f"{queue}:",
    )
    assert jobs.worker_warnings(2) == []
    client = jobs.claim_store.client  # type: ignore[attr-defined]
    try:
        async with PyJoltTestClient(app):
            job_id = await jobs.remind.enqueue(5, at="2030-01-01T00:00:00Z")
            entries = await client.xrange(queue)
            assert len(entries) == 1
            assert job_id.encode() in entries[0][1][b"data"]
            await asyncio.sleep(0.1)
            assert received == []
    finally:
        import redis.asyncio as redis_asyncio

        cleanup = redis_asyncio.Redis.from_url(url)
        await cleanup.delete(queue)
        await cleanup.aclose()


async def test_in_process_tasks_under_several_workers_are_warned_about_once(
    make_app: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PYJOLT_WORKERS", "2")
    app = make_app(EXTENSIONS=[f"{HERE}:jobs"])
    async with PyJoltTestClient(app):
        for _ in range(2):
            await jobs.run_background_task(jobs.build_report, "x")
    warnings = [r for r in caplog.records if "inside this server worker" in r.getMessage()]
    assert len(warnings) == 1
