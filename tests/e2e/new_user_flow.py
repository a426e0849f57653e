"""A new user's flow, step by step, in a venv made the way the README says.

new-project, then every generate kind in turn; after each step the project must pass
everything a careful user runs: ``pyjolt db upgrade`` and ``pyjolt db check``, its own
``pytest`` (which includes the schemathesis contract test), ``ruff check``, ``ruff format
--check`` and ``mypy --strict``. The SQLite and PostgreSQL flows are two test modules
(``test_new_user_flow_*.py``) so pytest-xdist runs them side by side.
"""

from __future__ import annotations

import fcntl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .databases import BACKENDS_BY_NAME
from .user_venv import UserVenv, build_user_venv, source_fingerprint

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


def new_user_project(
    backend: str, user_venv: UserVenv, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[UserProject]:
    """``pyjolt new-project shop`` and ``pip install -e '.[dev]'``, as the README says;
    on a server backend, with a database of its own."""
    parent = tmp_path_factory.mktemp(f"user-{backend}")
    database = BACKENDS_BY_NAME[backend]
    with database.created("pyjolt_flow") as name:
        args = ["new-project", "shop", "--defaults", *database.new_project_args(name)]
        ok(user_venv.run("pyjolt", *args, cwd=parent), "new-project")
        project = UserProject(user_venv, parent / "shop", backend)
        ok(project.run("python", "-m", "pip", "install", "--quiet", "-e", ".[dev]"), "install")
        yield project


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
