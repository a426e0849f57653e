"""Config that means what it says, in a generated project driven through the CLI:
``.env`` values reach the extensions (the cache really uses Redis), ``pyjolt dev``
applies ``.env`` edits when it reloads, and ``pyjolt db upgrade`` from a sub-folder
migrates the project's own SQLite database."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .helpers import PYJOLT, copy_project, environment, ok, pyjolt
from .test_uvicorn import free_port

STARTUP_TIMEOUT = 40.0
RELOAD_TIMEOUT = 40.0

PROBE_CONTROLLER = '''\
"""What the running app sees of its settings."""

from pyjolt import Request
from pyjolt.controller import Controller, get, path

from app.cache import cache


@path("/probe")
class ProbeApi(Controller):
    @get("/")
    async def settings(self, req: Request) -> dict[str, str]:
        return {
            "app_name": self.app.configs.APP_NAME,
            "backend": type(cache.backend).__name__,
        }

    @get("/cached")
    @cache.cache(duration=60)
    async def cached(self, req: Request) -> dict[str, str]:
        return {"hello": "world"}
'''


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("config-project")
    ok(pyjolt("new-project", "shop", "--defaults", "--with", "cache", cwd=parent))
    return parent / "shop"


@pytest.fixture
def project(generated: Path, tmp_path: Path) -> Path:
    return copy_project(generated, tmp_path / "shop")


def table_names(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        return {name for (name,) in rows}


def test_db_upgrade_from_a_sub_folder_migrates_the_project_database(project: Path) -> None:
    ok(pyjolt("db", "upgrade", cwd=project / "app" / "api"))

    assert "notes" in table_names(project / "shop.db")
    assert not (project / "app" / "api" / "shop.db").exists()
    assert not (project / "app" / "shop.db").exists()


# --- pyjolt dev ------------------------------------------------------------------------


def add_probe(project: Path) -> None:
    (project / "app" / "api" / "probe.py").write_text(PROBE_CONTROLLER, encoding="utf-8")
    configs = project / "app" / "configs.py"
    text = configs.read_text(encoding="utf-8")
    configs.write_text(
        text.replace(
            '"app.api.home:HomeApi",', '"app.api.home:HomeApi",\n        "app.api.probe:ProbeApi",'
        ),
        encoding="utf-8",
    )


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("PYJOLT_TEST_REDIS_URL")
    if not url:
        pytest.skip("PYJOLT_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0)")
    return url


@pytest.fixture
def key_prefix(redis_url: str) -> Iterator[str]:
    import redis

    prefix = f"issue12-config-test:{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def redis_keys(url: str, prefix: str) -> list[bytes]:
    import redis

    client = redis.Redis.from_url(url)
    try:
        return list(client.scan_iter(match=f"{prefix}*"))
    finally:
        client.close()


@pytest.fixture
def dev_server(project: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    port = free_port()
    log = project / "dev.log"
    env = {**environment(), "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [PYJOLT, "dev", "--port", str(port)],
            cwd=project,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        yield process, f"http://127.0.0.1:{port}", log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)


def probe_until(base_url: str, log: Path, expected_name: str, timeout: float) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    seen: object = None
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"{base_url}/probe/", timeout=2.0)
            seen = response.json() if response.status_code == 200 else response.status_code
            if isinstance(seen, dict) and seen["app_name"] == expected_name:
                return seen
        except httpx.TransportError as exc:
            seen = exc
        time.sleep(0.2)
    pytest.fail(
        f"the app never showed APP_NAME={expected_name!r} (last: {seen!r}):\n{log.read_text()}"
    )


def test_dev_applies_dotenv_and_its_edits_on_reload(
    project: Path,
    dev_server: tuple[subprocess.Popen[bytes], str, Path],
    redis_url: str,
    key_prefix: str,
) -> None:
    add_probe(project)
    dotenv = project / ".env"
    settings = f"CACHE_REDIS_URL={redis_url}\nCACHE_KEY_PREFIX={key_prefix}\n"
    dotenv.write_text(f"APP_NAME=First\n{settings}", encoding="utf-8")
    process, base_url, log = dev_server

    first = probe_until(base_url, log, "First", STARTUP_TIMEOUT)
    assert first["backend"] == "RedisCacheBackend"
    assert httpx.get(f"{base_url}/probe/cached").json() == {"hello": "world"}
    assert redis_keys(redis_url, key_prefix), "the cached response is not in Redis"

    dotenv.write_text(f"APP_NAME=Second\n{settings}", encoding="utf-8")
    probe_until(base_url, log, "Second", RELOAD_TIMEOUT)

    # A value taken out of .env is gone after the reload too: back to the class default.
    dotenv.write_text("", encoding="utf-8")
    memory = probe_until(base_url, log, "Shop", RELOAD_TIMEOUT)
    assert memory["backend"] == "MemoryCacheBackend"
    assert process.poll() is None


# --- pyjolt config ---------------------------------------------------------------------


def test_config_shows_each_value_with_its_source_and_masks_secrets(project: Path) -> None:
    (project / ".env").write_text(
        "PORT=9001\nCACHE_REDIS_URL=redis://:s3cret-cache@127.0.0.1:6379/0\n", encoding="utf-8"
    )
    env = {
        **environment(),
        "HOST": "0.0.0.0",
        "DATABASE_URI": "postgresql+asyncpg://shop:pg-pa55@127.0.0.1/shop",
        "DATABASE_URL": "postgresql://typo",
        "MAIL_API_KEY": "k-123",
    }

    env.pop("PORT", None)

    result = ok(pyjolt("config", "--json", cwd=project, env=env))
    table = ok(pyjolt("config", cwd=project, env=env))

    rows = {row["key"]: row for row in json.loads(result.stdout)}
    assert (rows["PORT"]["value"], rows["PORT"]["source"]) == (9001, ".env")
    assert (rows["HOST"]["value"], rows["HOST"]["source"]) == ("0.0.0.0", "environment")
    assert (rows["APP_NAME"]["value"], rows["APP_NAME"]["source"]) == ("Shop", "class Config")
    assert rows["DEBUG"]["source"] == "class Config"
    assert rows["MAX_BODY_SIZE"]["source"] == "default"
    assert rows["CACHE_REDIS_URL"] == {
        "key": "CACHE_REDIS_URL",
        "value": "redis://:********@127.0.0.1:6379/0",
        "source": ".env",
        "declared_by": "CacheSettings",
    }
    assert rows["CACHE_DURATION"]["source"] == "default"
    assert rows["DATABASE_URI"]["value"] == "postgresql+asyncpg://shop:********@127.0.0.1/shop"
    assert rows["SECRET_KEY"]["value"] == "********"
    for output in (result.stdout, table.stdout):
        assert "s3cret-cache" not in output and "pg-pa55" not in output
        assert "MAIL_API_KEY" not in output  # not a setting: warned about below, never shown
    assert "SECRET_KEY" in table.stdout and ".env" in table.stdout
    assert "DATABASE_URL matches no setting of this app; did you mean DATABASE_URI?" in (
        result.stderr
    )
