"""The queue's parts in-process: brokers by URL, retry backoff and the failed list, and
the Redis broker handing an abandoned message to another consumer on a quiet queue."""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any

import pytest
from taskiq import InMemoryBroker, TaskiqMessage, TaskiqResult

from pyjolt import PyJolt
from pyjolt.task_manager import TaskManager, background_job
from pyjolt.task_manager.claims import LocalClaimStore
from pyjolt.task_manager.queue import (
    QueueConfigError,
    broker_kind,
    create_broker,
    retry_middleware,
)
from pyjolt.task_manager.worker import WorkerSetupError, find_task_manager


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("redis://127.0.0.1:6379/0", "redis"),
        ("rediss://cache.example:6380", "redis"),
        ("amqp://guest:guest@127.0.0.1:5672/", "amqp"),
        ("AMQPS://broker.example/", "amqp"),
    ],
)
def test_broker_kind_follows_the_scheme(url: str, kind: str) -> None:
    assert broker_kind(url) == kind


@pytest.mark.parametrize("url", ["nats://127.0.0.1:4222", "127.0.0.1:6379", ""])
def test_other_brokers_are_refused_by_name(url: str) -> None:
    with pytest.raises(QueueConfigError, match=r"redis:// .*amqp://"):
        broker_kind(url)


def test_brokers_are_made_without_connecting() -> None:
    redis_broker = create_broker("redis://127.0.0.1:1/0", "jobs", 30)
    assert type(redis_broker).__name__ == "RedisStreamJobBroker"
    assert redis_broker.idle_timeout == 30_000
    amqp_broker = create_broker("amqp://guest:guest@127.0.0.1:1/", "jobs", 30)
    assert type(amqp_broker).__name__ == "AioPikaBroker"


def message(retries: int) -> TaskiqMessage:
    return TaskiqMessage(
        task_id="job-1",
        task_name="Tasks.send",
        labels={"_retries": retries} if retries else {},
        args=[],
        kwargs={"n": 1},
    )


def test_backoff_doubles_up_to_the_limit() -> None:
    middleware = retry_middleware(LocalClaimStore(), max_retries=3, delay=1.0, max_delay=5.0)
    delays = [middleware.make_delay(message(0), attempt) for attempt in (1, 2, 3, 4, 5)]
    assert 0.5 <= delays[0] <= 1.0
    assert 1.0 <= delays[1] <= 2.0
    assert 2.0 <= delays[2] <= 4.0
    assert all(2.5 <= delay <= 5.0 for delay in delays[3:])


async def test_a_job_is_retried_then_listed_as_failed() -> None:
    store = LocalClaimStore()
    broker = InMemoryBroker()
    middleware = retry_middleware(store, max_retries=1, delay=0.01, max_delay=0.01)
    broker.add_middlewares(middleware)
    kicked: list[dict[str, Any]] = []

    @broker.task(task_name="Tasks.send")
    async def send(n: int) -> None:
        kicked.append({"n": n})

    result: TaskiqResult[Any] = TaskiqResult(is_err=True, return_value=None, execution_time=0)
    await middleware.on_error(message(0), result, RuntimeError("first"))
    assert await store.failed() == []
    await asyncio.sleep(0.05)
    assert kicked == [{"n": 1}]
    await middleware.on_error(message(1), result, RuntimeError("second"))
    failed = await store.failed()
    assert len(failed) == 1
    assert failed[0]["job"] == "Tasks.send"
    assert failed[0]["attempts"] == 2
    assert failed[0]["error"] == "RuntimeError: second"


async def test_redis_hands_an_abandoned_message_to_another_consumer_when_idle() -> None:
    url = os.environ.get("PYJOLT_TEST_REDIS_URL")
    if not url:
        pytest.skip("PYJOLT_TEST_REDIS_URL is not set")
    queue = f"pyjolt-test-{uuid.uuid4().hex}"
    first = create_broker(url, queue, redelivery_timeout=0.3)
    second = create_broker(url, queue, redelivery_timeout=0.3)
    try:
        await first.startup()
        await second.startup()
        await first.kick(first.formatter.dumps(message(0)))
        # The first consumer reads the message and dies without acknowledging it.
        taken = await anext(aiter(first.listen()))
        assert b"job-1" in taken.data
        # Nothing new arrives; the second consumer still gets it after the timeout.
        redelivered = await asyncio.wait_for(anext(aiter(second.listen())), timeout=10)
        assert redelivered.data == taken.data
        await redelivered.ack()
    finally:
        await first.shutdown()
        await second.shutdown()
        import redis.asyncio as redis_asyncio

        client = redis_asyncio.Redis.from_url(url)
        await client.delete(queue, f"autoclaim:{queue}:{queue}")
        await client.aclose()


async def test_a_redis_read_stops_when_its_cancellation_was_swallowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A stopping worker cancels the pending read; redis-py can turn that cancellation
    into a read timeout and retry the command. The listener must still end."""
    url = os.environ.get("PYJOLT_TEST_REDIS_URL")
    if not url:
        pytest.skip("PYJOLT_TEST_REDIS_URL is not set")
    import redis.asyncio as redis_asyncio

    reading = asyncio.Event()
    real_xreadgroup = redis_asyncio.Redis.xreadgroup

    async def xreadgroup_swallowing_cancellation(self: Any, *args: Any, **kwargs: Any) -> Any:
        reading.set()
        try:
            return await real_xreadgroup(self, *args, **kwargs)
        except asyncio.CancelledError:
            return None  # as if the read had timed out and come back empty

    monkeypatch.setattr(redis_asyncio.Redis, "xreadgroup", xreadgroup_swallowing_cancellation)
    queue = f"pyjolt-test-{uuid.uuid4().hex}"
    broker = create_broker(url, queue, redelivery_timeout=30)
    try:
        await broker.startup()
        read = asyncio.create_task(anext(aiter(broker.listen())))
        await asyncio.wait_for(reading.wait(), timeout=5)
        read.cancel()
        # Not wait_for: it would wait for a cancellation that never finishes.
        await asyncio.wait({read}, timeout=5)
        assert read.cancelled(), "the listener went on reading after it was cancelled"
    finally:
        monkeypatch.undo()  # let a listener that never stopped end at its next read
        await broker.shutdown()
        client = redis_asyncio.Redis.from_url(url)
        await client.delete(queue)
        await client.aclose()


class Jobs(TaskManager):
    @background_job
    async def noop(self) -> None: ...


def test_find_task_manager_names_what_is_missing() -> None:
    app = PyJolt({"DEBUG": False})
    with pytest.raises(WorkerSetupError, match="no TaskManager"):
        find_task_manager(app)
    Jobs().init_app(app)
    with pytest.raises(WorkerSetupError, match="TASK_MANAGER_BROKER_URL"):
        find_task_manager(app)
    with pytest.raises(WorkerSetupError, match="--task-manager 'other'"):
        find_task_manager(app, "other")


def test_find_task_manager_returns_the_one_with_a_broker() -> None:
    app = PyJolt({"DEBUG": False, "TASK_MANAGER_BROKER_URL": "redis://127.0.0.1:1/0"})
    jobs = Jobs()
    jobs.init_app(app)
    assert find_task_manager(app) is jobs
    assert find_task_manager(app, "task_manager") is jobs
