"""The recipe of ``pyjolt generate deploy``, run without a container engine.

A project is made (``new-project`` + ``generate deploy``) and its Dockerfile is built the
way Docker builds it, every path of the image mapped under a folder: its ``RUN`` lines
(the virtual environment, the install command) run as written (see docker_recipe.py).
Then the services of compose.yaml run the commands they run, with their environment, in
the image's working directory: the release step ``pyjolt db upgrade`` migrates a
PostgreSQL database, ``pyjolt run`` passes the image's HEALTHCHECK on ``/health``, and
``pyjolt worker`` starts and stops on SIGTERM.

Changed for this machine, and only this: PyPI is stood in for by a wheel of this checkout
(``PIP_FIND_LINKS``), the service hosts ``db`` and ``redis`` by the test servers (a new
database; Redis databases 14 and 15, which no other test uses), and port 8000 by a free
port.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import yaml

from pyjolt import __version__

from .docker_recipe import Build, Image, base_image_env, interpolate, read_dockerfile
from .helpers import ok, pyjolt
from .test_uvicorn import free_port

REPOSITORY = Path(__file__).resolve().parents[2]
POSTGRES_ENV = "PYJOLT_TEST_POSTGRES_URL"
REDIS_ENV = "PYJOLT_TEST_REDIS_URL"
SECRETS = {"SECRET_KEY": "a-test-secret-key-" + "x" * 40, "POSTGRES_PASSWORD": "unused"}
REDIS_DATABASES = {"0": "14", "1": "15"}  # compose's cache and broker databases -> spare ones
STARTUP_TIMEOUT = 90.0


def required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.skip(f"{name} is not set: the recipe runs on PostgreSQL and Redis")
    return value


async def _postgres(admin_url: str, statement: str) -> list[Any]:
    import asyncpg

    connection = await asyncpg.connect(admin_url)
    try:
        return list(await connection.fetch(statement))
    finally:
        await connection.close()


@dataclass
class Recipe:
    project: Path
    image: Image
    services: dict[str, Any]
    database_url: str  # the test database standing in for the db service (async URL)

    def environment(self, service: str) -> dict[str, str]:
        """The image's environment plus the service's, with this machine's servers."""
        env = {**self.image.env, **self.services[service]["environment"]}
        compose_db = urlsplit(env["DATABASE_URI"])
        assert compose_db.hostname == "db", env["DATABASE_URI"]
        env["DATABASE_URI"] = self.database_url
        redis = urlsplit(required_env(REDIS_ENV))
        for key in ("TASK_MANAGER_BROKER_URL", "CACHE_REDIS_URL"):
            url = urlsplit(env[key])
            assert url.hostname == "redis", env[key]
            spare = REDIS_DATABASES[url.path.strip("/")]
            env[key] = f"redis://{redis.netloc}/{spare}"
        return env

    def command(self, service: str) -> list[str]:
        command: list[str] = self.services[service].get("command") or self.image.cmd
        return command

    def run(
        self, service: str, command: list[str], timeout: float = 180
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command,
            cwd=self.image.workdir,
            env=self.environment(service),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, service: str, command: list[str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            return subprocess.Popen(
                command,
                cwd=self.image.workdir,
                env=self.environment(service),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )


def on_port(command: list[str], port: int) -> list[str]:
    """``command`` with the container's port 8000 replaced by ``port``."""
    replaced = [
        str(port) if arg == "8000" else arg.replace("127.0.0.1:8000/", f"127.0.0.1:{port}/")
        for arg in command
    ]
    assert replaced != command, f"no port 8000 in {command}"
    return replaced


def stop(process: subprocess.Popen[bytes], log: Path, timeout: float = 45) -> int:
    """SIGTERM, as ``docker stop`` sends it; the exit status, or a failure with the log."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        pytest.fail(f"still running {timeout:.0f} s after SIGTERM:\n{log.read_text()}")


@pytest.fixture(scope="module")
def recipe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recipe]:
    postgres = required_env(POSTGRES_ENV)
    required_env(REDIS_ENV)
    work = tmp_path_factory.mktemp("deploy")
    ok(pyjolt("new-project", "shop", "--defaults", cwd=work))
    project = work / "shop"
    ok(pyjolt("generate", "deploy", cwd=project))

    wheels = work / "wheels"
    ok(
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "-q",
                "-w",
                str(wheels),
                str(REPOSITORY),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    )
    constraints = work / "constraints.txt"
    constraints.write_text(f"pyjolt=={__version__}\n")  # this checkout's, never another
    base = base_image_env(work / "shims", getattr(sys, "_base_executable", sys.executable))
    base["PIP_FIND_LINKS"] = f"{wheels} {os.environ.get('PIP_FIND_LINKS', '')}".strip()
    base["PIP_CONSTRAINT"] = str(constraints)
    build = Build(
        read_dockerfile((project / "Dockerfile").read_text()), project, work / "image", base
    )
    image = build.run()

    compose = interpolate(yaml.safe_load((project / "compose.yaml").read_text()), SECRETS)
    admin = postgres.replace("postgresql+asyncpg://", "postgresql://")
    database = f"pyjolt_deploy_{uuid.uuid4().hex[:8]}"
    asyncio.run(_postgres(admin, f'CREATE DATABASE "{database}"'))
    try:
        yield Recipe(
            project, image, compose["services"], f"{postgres.rsplit('/', 1)[0]}/{database}"
        )
    finally:
        asyncio.run(_postgres(admin, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def test_the_runtime_stage_holds_the_installed_app_and_pyproject_only(recipe: Recipe) -> None:
    assert sorted(p.name for p in recipe.image.workdir.iterdir()) == ["pyproject.toml"]
    assert recipe.image.user == "10001:10001"
    located = recipe.run(
        "web", ["python", "-c", "import app, taskiq, apscheduler, redis; print(app.__file__)"]
    )
    ok(located)
    # The app comes from the image's virtual environment, not from a source folder.
    assert Path(located.stdout.strip()).is_relative_to(recipe.image.path("/opt/venv"))


def test_the_release_step_migrates_the_database(recipe: Recipe) -> None:
    ok(recipe.run("migrate", recipe.command("migrate")))
    admin = recipe.database_url.replace("postgresql+asyncpg://", "postgresql://")
    rows = asyncio.run(
        _postgres(admin, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    )
    assert {"notes", "alembic_version"} <= {row["tablename"] for row in rows}
    again = recipe.run("migrate", recipe.command("migrate"))
    ok(again)  # a release step that runs twice changes nothing


def test_web_serves_and_passes_the_image_health_check(recipe: Recipe) -> None:
    port = free_port()
    healthcheck = on_port(recipe.image.healthcheck, port)
    assert recipe.run("web", healthcheck, timeout=30).returncode != 0  # nothing listens yet
    log = recipe.project / "web.log"
    process = recipe.start("web", on_port(recipe.command("web"), port), log)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while recipe.run("web", healthcheck, timeout=30).returncode != 0:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        response = httpx.get(f"http://127.0.0.1:{port}/health")
        assert response.status_code == 200
        assert response.json()["status"] == "ok"
        refused = httpx.get(f"http://127.0.0.1:{port}/health", headers={"Host": "evil.example"})
        assert refused.status_code == 400  # ALLOWED_HOSTS from compose.yaml
    finally:
        code = stop(process, log)
    assert code == 0, log.read_text()


def test_the_worker_starts_with_the_app_and_stops_on_sigterm(recipe: Recipe) -> None:
    log = recipe.project / "worker.log"
    process = recipe.start("worker", recipe.command("worker"), log)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while log.read_text(errors="replace").count("started app:Application") < 2:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
    finally:
        code = stop(process, log)
    assert code == 0, log.read_text()
