"""run_background_task: non-blocking, strongly referenced, failures logged with traceback."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from typing import Any

import pytest

from pyjolt import Request, Response
from pyjolt.controller import Controller, get, path
from pyjolt.task_manager import TaskManager
from pyjolt.testing import PyJoltTestClient

HERE = __name__


class Tasks(TaskManager):
    pass


tasks = Tasks()
state: dict[str, Any] = {}


async def send_email(address: str, *, subject: str) -> None:
    await state["release"].wait()
    state["sent"] = (address, subject)


async def explode_async() -> None:
    raise RuntimeError("smtp server exploded")


def explode_sync() -> None:
    raise ValueError("sync task exploded")


def record_thread(tag: str) -> None:
    state[tag] = threading.get_ident()


@path("/api")
class SignupApi(Controller):
    @get("/signup")
    async def signup(self, req: Request) -> Response:
        tasks.run_background_task(send_email, "ada@example.com", subject="Welcome")
        return req.response.json({"queued": True})

    @get("/sync-signup")
    def sync_signup(self, req: Request) -> Response:
        tasks.run_background_task(record_thread, "from_thread")
        return req.response.json({"queued": True})


@pytest.fixture(autouse=True)
def reset_state() -> None:
    state.clear()
    state["release"] = asyncio.Event()


@pytest.fixture
def application(make_app: Any) -> Any:
    return make_app(SignupApi, EXTENSIONS=[f"{HERE}:tasks"])


async def wait_for(key: str, timeout: float = 3.0) -> Any:
    async with asyncio.timeout(timeout):
        while key not in state:
            await asyncio.sleep(0.01)
    return state[key]


async def test_request_returns_before_the_background_task_finishes(application):
    async with PyJoltTestClient(application) as client:
        response = await client.get("/api/signup")
        assert response.json() == {"queued": True}
        assert "sent" not in state  # the task is still waiting
        assert tasks.background_tasks == 1
        state["release"].set()
        assert await wait_for("sent") == ("ada@example.com", "Welcome")


async def test_sync_callable_runs_in_a_worker_thread(application):
    async with PyJoltTestClient(application):
        task = tasks.run_background_task(record_thread, "thread")
        await task
    assert state["thread"] != threading.get_ident()


async def test_background_task_started_from_a_sync_handler(application):
    async with PyJoltTestClient(application) as client:
        await client.get("/api/sync-signup")
        assert await wait_for("from_thread")


async def test_running_task_is_kept_alive_without_a_reference(application):
    async with PyJoltTestClient(application):
        tasks.run_background_task(send_email, "bob@example.com", subject="Hi")
        gc.collect()
        await asyncio.sleep(0)
        gc.collect()
        state["release"].set()
        assert await wait_for("sent") == ("bob@example.com", "Hi")


@pytest.mark.parametrize(
    ("func", "error"),
    [(explode_async, "RuntimeError: smtp server exploded"), (explode_sync, "ValueError")],
)
async def test_exceptions_are_logged_with_traceback(application, caplog, func, error):
    caplog.set_level(logging.ERROR, logger="pyjolt.task_manager")
    async with PyJoltTestClient(application):
        task = tasks.run_background_task(func)
        await asyncio.wait({task})
        await asyncio.sleep(0)
    records = [r for r in caplog.records if "Background task" in r.getMessage()]
    assert len(records) == 1
    assert records[0].levelno == logging.ERROR
    assert func.__name__ in records[0].getMessage()
    assert records[0].exc_info is not None
    assert error in caplog.text
    assert "Traceback" in caplog.text


async def test_shutdown_waits_for_running_tasks(application):
    async with PyJoltTestClient(application):
        tasks.run_background_task(send_email, "ada@example.com", subject="Bye")
        asyncio.get_running_loop().call_later(0.1, state["release"].set)
    assert state["sent"] == ("ada@example.com", "Bye")


async def test_shutdown_cancels_tasks_past_the_timeout(make_app, caplog):
    application = make_app(EXTENSIONS=[f"{HERE}:tasks"], TASK_MANAGER_SHUTDOWN_TIMEOUT=0.05)
    caplog.set_level(logging.WARNING, logger="pyjolt.task_manager")
    async with PyJoltTestClient(application):
        task = tasks.run_background_task(send_email, "ada@example.com", subject="Never")
    assert task.cancelled()
    assert "sent" not in state
    assert "Cancelling 1 background task" in caplog.text


async def test_awaitable_is_accepted(application):
    async with PyJoltTestClient(application):
        state["release"].set()
        await tasks.run_background_task(send_email("eve@example.com", subject="Raw"))
    assert state["sent"] == ("eve@example.com", "Raw")


def test_non_callable_is_refused():
    with pytest.raises(TypeError, match="not callable"):
        tasks.run_background_task(42)
