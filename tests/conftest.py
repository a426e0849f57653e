"""Shared fixtures: build a small app from controller classes and drive it in-process."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pyjolt import BaseConfig, PyJolt
from pyjolt.controller import Controller
from pyjolt.exceptions import ExceptionHandler

AppFactory = Callable[..., PyJolt]


@pytest.fixture
def make_app(tmp_path: Path) -> AppFactory:
    """``make_app(UsersApi, handlers=[MyHandler], DEBUG=True)`` -> a built PyJolt app.

    The app's BASE_PATH is a fresh temporary folder (templates/ and static/ live there);
    DEBUG is off unless asked, so unhandled errors answer 500 like production.
    """

    def factory(
        *controllers: type[Controller],
        handlers: tuple[type[ExceptionHandler], ...] | list[type[ExceptionHandler]] = (),
        app_class: type[PyJolt] = PyJolt,
        **settings: Any,
    ) -> PyJolt:
        config = BaseConfig(**{"DEBUG": False, "BASE_PATH": str(tmp_path), **settings})
        application = app_class(config)
        for controller in controllers:
            application.register_controller(controller)
        for handler in handlers:
            application.register_exception_handler(handler)
        application.build()
        return application

    return factory


@pytest.fixture
def assert_quiet_log(caplog: pytest.LogCaptureFixture) -> Callable[[], None]:
    """``assert_quiet_log()`` after a request fails if anything above WARNING was logged.

    A client's bad input must not page anyone: at most a WARNING, never an ERROR or a
    CRITICAL traceback.
    """
    caplog.set_level(logging.INFO)

    def check() -> None:
        loud = [r for r in caplog.records if r.levelno > logging.WARNING]
        assert not loud, "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in loud)
        assert not any(r.exc_info for r in caplog.records), "a traceback was logged"

    return check


def pytest_report_header(config: pytest.Config) -> str:
    """How many docs examples tests/docs/ collects, so a collector that finds none shows."""
    from tests.docs.test_examples import example_counts

    counts = example_counts()
    return (
        f"docs examples: {counts['python']} python blocks ({counts['run']} run, "
        f"{counts['file']} files imported, {counts['fragment']} fragments compiled), "
        f"{counts['pyjolt commands']} pyjolt commands parsed"
    )
