"""redis is optional: imported only when the Redis backend is used, with an install hint."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from pyjolt.caching import Cache

HERE = __name__

cache = Cache()


def test_importing_the_extensions_imports_neither_redis_nor_apscheduler():
    code = (
        "import sys, pyjolt.caching, pyjolt.task_manager, pyjolt.auth\n"
        "loaded = [m for m in ('redis', 'apscheduler') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_redis_names_the_extra(make_app: Any, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    with pytest.raises(ImportError, match=r'pip install "pyjolt\[cache\]"'):
        make_app(EXTENSIONS=[f"{HERE}:cache"], CACHE_REDIS_URL="redis://127.0.0.1:6379/0")


def test_memory_cache_needs_no_redis(make_app: Any, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    make_app(EXTENSIONS=[f"{HERE}:cache"])
