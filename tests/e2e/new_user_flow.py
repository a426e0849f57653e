"""A new user's flow, step by step, in a venv made the way the README says.

new-project, then every generate kind in turn; after each step the project must pass
everything a careful user runs: ``pyjolt db upgrade`` and ``pyjolt db check``, its own
``pytest`` (which includes the schemathesis contract test), ``ruff check``, ``ruff format
--check`` and ``mypy --strict``. The SQLite and PostgreSQL flows are two test modules
(``test_new_user_flow_*.py``) so pytest-xdist runs them side by side.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .user_venv import UserVenv, build_user_venv, source_fingerprint

POSTGRES_ENV = "PYJOLT_TEST_POSTGRES_URL"

STEPS: list[tuple[str, list[str]]] = [
    ("new-project", []),
    ("controller", ["generate", "controller", "reports"]),
    ("crud controller", ["generate", "controller", "tags", "--crud"]),
    ("model", ["generate", "model", "Label", "text:str!", "color:str?"]),
    (
        "resource",
        [
            "generate",
            "resource",
            "products",
            "name:str!",
            "price:float",
            "description:text?",
            "stock:int",
            "in_stock:bool",
            "released:date?",
            "sku:uuid?",
            "attributes:json?",
            "published_at:datetime?",
        ],
    ),
    ("exception-handler", ["generate", "exception-handler", "billing"]),
    ("auth", ["generate", "auth"]),
    ("scheduler", ["generate", "scheduler"]),
    ("cache", ["generate", "cache"]),
    ("websocket", ["generate", "websocket", "chat"]),
    ("middleware", ["generate", "middleware", "timing"]),
    ("deploy", ["generate", "deploy"]),
]


def shared_user_venv(tmp_path_factory: pytest.TempPathFactory) -> UserVenv:
    """One venv per state of the sources, shared by pytest-xdist workers through a lock."""
    shared = tmp_path_factory.getbasetemp().parent / f"user-venv-{source_fingerprint()}"
    shared.mkdir(parents=True, exist_ok=True)
    with (shared / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return build_user_venv(shared / "venv")


@dataclass
class UserProject:
    venv: UserVenv
    root: Path
    backend: str

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return self.venv.run(*args, cwd=self.root, timeout=timeout)


def ok(result: subprocess.CompletedProcess[str], step: str) -> None:
    assert result.returncode == 0, (
        f"{step}: {' '.join(result.args)} exited {result.returncode}\n"
        f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )


async def _postgres(admin_url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def new_user_project(
    backend: str, user_venv: UserVenv, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[UserProject]:
    """``pyjolt new-project shop`` and ``pip install -e '.[dev]'``, as the README says."""
    parent = tmp_path_factory.mktemp(f"user-{backend}")
    args = ["pyjolt", "new-project", "shop", "--defaults"]
    database = f"pyjolt_flow_{uuid.uuid4().hex[:8]}"
    admin = ""
    if backend == "postgresql":
        base = os.environ.get(POSTGRES_ENV)
        if not base:
            pytest.skip(f"{POSTGRES_ENV} is not set: the PostgreSQL flow needs a server")
        admin = base.replace("postgresql+asyncpg://", "postgresql://")
        asyncio.run(_postgres(admin, f'CREATE DATABASE "{database}"'))
        server = base.rsplit("/", 1)[0]
        args += ["--database", "postgres", "--data", f"postgres_url={server}/{database}"]
    ok(user_venv.run(*args, cwd=parent), "new-project")
    project = UserProject(user_venv, parent / "shop", backend)
    ok(project.run("python", "-m", "pip", "install", "--quiet", "-e", ".[dev]"), "install")
    try:
        yield project
    finally:
        if admin:
            for name in (database, f"{database}_test"):
                asyncio.run(_postgres(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def check_step(user_project: UserProject, step: str, command: list[str]) -> None:
    """Run ``command`` (a generate), then every check a careful user runs."""
    if command:
        ok(user_project.run("pyjolt", *command), step)
    ok(user_project.run("pyjolt", "db", "upgrade"), f"{step}: db upgrade")
    ok(user_project.run("pyjolt", "db", "check"), f"{step}: db check")
    ok(user_project.run("pytest", "-q", "-p", "no:cacheprovider"), f"{step}: pytest")
    ok(user_project.run("ruff", "check", "--no-cache", "."), f"{step}: ruff check")
    ok(user_project.run("ruff", "format", "--no-cache", "--check", "."), f"{step}: ruff format")
    ok(user_project.run("mypy", "--strict", "app", "tests"), f"{step}: mypy --strict")
