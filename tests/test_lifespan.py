"""Lifespan: startup/shutdown hooks, their order, and failures."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

import pytest

from pyjolt import PyJolt, Request, on_shutdown, on_startup
from pyjolt.controller import Controller, get
from pyjolt.testing import LifespanError, PyJoltTestClient

MakeApp = Callable[..., PyJolt]


class OrderedApplication(PyJolt):
    """Hook names are chosen so that alphabetical order differs from definition order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.calls: list[str] = []
        super().__init__(*args, **kwargs)

    @on_startup
    async def zulu_connect(self) -> None:
        self.calls.append("startup:zulu_connect")

    @on_startup
    async def mike_warm_cache(self) -> None:
        self.calls.append("startup:mike_warm_cache")

    @on_startup
    def alpha_sync_setup(self) -> None:
        self.calls.append("startup:alpha_sync_setup")

    @on_shutdown
    async def yankee_flush(self) -> None:
        self.calls.append("shutdown:yankee_flush")

    @on_shutdown
    def bravo_sync_close(self) -> None:
        self.calls.append("shutdown:bravo_sync_close")


class RecordingExtension:
    """An EXTENSIONS-style object registering its hooks in ``init_app``."""

    def __init__(self, name: str) -> None:
        self.name = name

    def init_app(self, app: OrderedApplication) -> None:
        async def connect() -> None:
            app.calls.append(f"startup:{self.name}")

        async def disconnect() -> None:
            app.calls.append(f"shutdown:{self.name}")

        app.add_on_startup(connect)
        app.add_on_shutdown(disconnect)


def startup_calls(calls: list[str]) -> list[str]:
    return [c.split(":", 1)[1] for c in calls if c.startswith("startup:")]


def shutdown_calls(calls: list[str]) -> list[str]:
    return [c.split(":", 1)[1] for c in calls if c.startswith("shutdown:")]


async def test_startup_methods_run_in_definition_order(make_app: MakeApp) -> None:
    application = make_app(app_class=OrderedApplication)
    async with PyJoltTestClient(application):
        assert startup_calls(application.calls) == [
            "zulu_connect",
            "mike_warm_cache",
            "alpha_sync_setup",
        ]


async def test_shutdown_methods_run_in_definition_order(make_app: MakeApp) -> None:
    application = make_app(app_class=OrderedApplication)
    async with PyJoltTestClient(application):
        assert shutdown_calls(application.calls) == []
    assert shutdown_calls(application.calls) == ["yankee_flush", "bravo_sync_close"]


async def test_startup_runs_before_the_first_request_and_shutdown_after_the_last(
    make_app: MakeApp,
) -> None:
    class StatusApi(Controller):
        @get("/status")
        async def status(self, req: Request) -> dict[str, Any]:
            calls = self.app.calls  # type: ignore[attr-defined]
            calls.append("request")
            return {"seen": list(calls)}

    application = make_app(StatusApi, app_class=OrderedApplication)
    async with PyJoltTestClient(application) as client:
        response = await client.get("/status")
    assert response.json()["seen"][-1] == "request"
    assert len(response.json()["seen"]) == 4
    assert application.calls[4:] == ["shutdown:yankee_flush", "shutdown:bravo_sync_close"]


async def test_extension_hooks_run_before_app_startup_methods(make_app: MakeApp) -> None:
    application = make_app(app_class=OrderedApplication)
    RecordingExtension("database").init_app(application)
    async with PyJoltTestClient(application):
        pass
    assert startup_calls(application.calls) == [
        "database",
        "zulu_connect",
        "mike_warm_cache",
        "alpha_sync_setup",
    ]


async def test_extension_hooks_run_after_app_shutdown_methods(make_app: MakeApp) -> None:
    application = make_app(app_class=OrderedApplication)
    RecordingExtension("database").init_app(application)
    async with PyJoltTestClient(application):
        pass
    assert shutdown_calls(application.calls) == ["yankee_flush", "bravo_sync_close", "database"]


async def test_several_extensions_start_in_order_and_stop_in_reverse(make_app: MakeApp) -> None:
    application = make_app(app_class=OrderedApplication)
    for name in ("database", "cache", "scheduler"):
        RecordingExtension(name).init_app(application)
    async with PyJoltTestClient(application):
        pass
    assert startup_calls(application.calls)[:3] == ["database", "cache", "scheduler"]
    assert shutdown_calls(application.calls)[-3:] == ["scheduler", "cache", "database"]


class BaseApplication(PyJolt):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.calls: list[str] = []
        super().__init__(*args, **kwargs)

    @on_startup
    async def zz_base_start(self) -> None:
        self.calls.append("startup:zz_base_start")

    @on_shutdown
    async def zz_base_stop(self) -> None:
        self.calls.append("shutdown:zz_base_stop")


class DerivedApplication(BaseApplication):
    @on_startup
    async def aa_derived_start(self) -> None:
        self.calls.append("startup:aa_derived_start")

    @on_shutdown
    async def aa_derived_stop(self) -> None:
        self.calls.append("shutdown:aa_derived_stop")


async def test_inherited_hooks_run_before_the_subclass_hooks(make_app: MakeApp) -> None:
    application = make_app(app_class=DerivedApplication)
    async with PyJoltTestClient(application):
        pass
    assert startup_calls(application.calls) == ["zz_base_start", "aa_derived_start"]
    assert shutdown_calls(application.calls) == ["zz_base_stop", "aa_derived_stop"]


class OverridingApplication(BaseApplication):
    @on_startup
    async def zz_base_start(self) -> None:
        self.calls.append("startup:overridden")


async def test_overridden_hook_runs_once_as_the_override(make_app: MakeApp) -> None:
    application = make_app(app_class=OverridingApplication)
    async with PyJoltTestClient(application):
        pass
    assert startup_calls(application.calls) == ["overridden"]


class SyncHookApplication(PyJolt):
    startup_thread: threading.Thread | None = None

    @on_startup
    def blocking_setup(self) -> None:
        type(self).startup_thread = threading.current_thread()


async def test_sync_startup_hook_runs_off_the_event_loop_thread(make_app: MakeApp) -> None:
    async with PyJoltTestClient(make_app(app_class=SyncHookApplication)):
        pass
    assert SyncHookApplication.startup_thread is not None
    assert SyncHookApplication.startup_thread is not threading.current_thread()


# --- failures ----------------------------------------------------------------------------
class FailingStartupApplication(PyJolt):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.calls: list[str] = []
        super().__init__(*args, **kwargs)

    @on_startup
    async def connect_database(self) -> None:
        raise RuntimeError("database unreachable at db:5432")

    @on_startup
    async def after_failure(self) -> None:
        self.calls.append("startup:after_failure")


async def test_failing_startup_method_raises_lifespan_error_with_the_message(
    make_app: MakeApp,
) -> None:
    with pytest.raises(LifespanError, match="database unreachable at db:5432"):
        async with PyJoltTestClient(make_app(app_class=FailingStartupApplication)):
            pass


async def test_failing_startup_message_names_the_exception_type(make_app: MakeApp) -> None:
    with pytest.raises(LifespanError, match="RuntimeError"):
        async with PyJoltTestClient(make_app(app_class=FailingStartupApplication)):
            pass


async def test_hooks_after_a_failing_startup_hook_do_not_run(make_app: MakeApp) -> None:
    application = make_app(app_class=FailingStartupApplication)
    with pytest.raises(LifespanError):
        async with PyJoltTestClient(application):
            pass
    assert application.calls == []


async def test_failing_extension_startup_hook_raises_lifespan_error(make_app: MakeApp) -> None:
    application = make_app(app_class=OrderedApplication)

    async def broken() -> None:
        raise ConnectionError("redis refused the connection")

    application.add_on_startup(broken)
    with pytest.raises(LifespanError, match="redis refused the connection"):
        async with PyJoltTestClient(application):
            pass
    assert startup_calls(application.calls) == []


async def test_failing_startup_is_logged_with_the_traceback(
    make_app: MakeApp, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR), pytest.raises(LifespanError):
        async with PyJoltTestClient(make_app(app_class=FailingStartupApplication)):
            pass
    failures = [r for r in caplog.records if r.exc_info and r.levelno >= logging.ERROR]
    assert failures
    assert "database unreachable" in str(failures[0].exc_info[1])  # type: ignore[index]


class FailingShutdownApplication(PyJolt):
    @on_shutdown
    async def flush(self) -> None:
        raise RuntimeError("could not flush the queue")


async def test_failing_shutdown_method_raises_lifespan_error(make_app: MakeApp) -> None:
    with pytest.raises(LifespanError, match="could not flush the queue"):
        async with PyJoltTestClient(make_app(app_class=FailingShutdownApplication)):
            pass


# --- the raw ASGI lifespan protocol ------------------------------------------------------
async def run_lifespan(application: PyJolt, messages: list[str]) -> list[dict[str, Any]]:
    """Drive ``application`` as a server would and return what it sent."""
    incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for message in messages:
        incoming.put_nowait({"type": message})
    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(dict(message))

    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    await asyncio.wait_for(application(scope, incoming.get, send), timeout=5)
    return sent


async def test_asgi_lifespan_answers_startup_and_shutdown_complete(make_app: MakeApp) -> None:
    application = make_app(app_class=OrderedApplication)
    sent = await run_lifespan(application, ["lifespan.startup", "lifespan.shutdown"])
    assert [m["type"] for m in sent] == [
        "lifespan.startup.complete",
        "lifespan.shutdown.complete",
    ]
    assert len(application.calls) == 5


async def test_asgi_lifespan_sends_startup_failed_with_the_message(make_app: MakeApp) -> None:
    application = make_app(app_class=FailingStartupApplication)
    sent = await run_lifespan(application, ["lifespan.startup"])
    assert [m["type"] for m in sent] == ["lifespan.startup.failed"]
    assert "database unreachable at db:5432" in sent[0]["message"]


async def test_asgi_lifespan_sends_shutdown_failed_with_the_message(make_app: MakeApp) -> None:
    application = make_app(app_class=FailingShutdownApplication)
    sent = await run_lifespan(application, ["lifespan.startup", "lifespan.shutdown"])
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.failed"]
    assert "could not flush the queue" in sent[1]["message"]


class LinkingApplication(PyJolt):
    built_link: str | None = None

    @on_startup
    async def remember_link(self) -> None:
        type(self).built_link = self.url_for("PingApi.ping", verbose=1)


class PingApi(Controller):
    @get("/ping")
    async def ping(self, req: Request) -> dict[str, bool]:
        return {"pong": True}


async def test_startup_hooks_see_the_registered_routes(tmp_path: Any) -> None:
    application = LinkingApplication({"DEBUG": False, "BASE_PATH": str(tmp_path)})
    application.register_controller(PingApi)
    await run_lifespan(application, ["lifespan.startup", "lifespan.shutdown"])
    assert LinkingApplication.built_link == "/ping?verbose=1"


@pytest.mark.parametrize("enabled", [True, False])
async def test_gc_freeze_after_startup_is_undone_at_shutdown(make_app, enabled):
    import gc

    app = make_app(GC_FREEZE_AFTER_STARTUP=enabled)
    gc.unfreeze()
    async with PyJoltTestClient(app):
        frozen_while_serving = gc.get_freeze_count()
    assert (frozen_while_serving > 0) is enabled
    assert gc.get_freeze_count() == 0
