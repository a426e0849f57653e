"""APScheduler is optional: imported only when a TaskManager is initialised."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from pyjolt.task_manager import TaskManager

HERE = __name__

tasks = TaskManager()


def test_missing_apscheduler_names_the_extra(make_app: Any, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "apscheduler.schedulers.asyncio", None)
    with pytest.raises(ImportError, match=r'pip install "pyjolt\[scheduler\]"'):
        make_app(EXTENSIONS=[f"{HERE}:tasks"])
