"""Fixtures for driving the pyjolt CLI in-process: a runner and throwaway projects.

The commands import the project's ``app`` package; each test gets its own copy of a
project made once per session, and the ``app`` modules it imported are forgotten
afterwards so the next project's ``app`` is imported fresh.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pyjolt.cli.main import main


@dataclass
class Result:
    code: int
    out: str
    err: str


CliRunner = Callable[..., Result]


def _forget_project_modules() -> None:
    for name in list(sys.modules):
        if name == "app" or name.startswith("app."):
            del sys.modules[name]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """``cli("generate", "controller", "users")`` -> Result(code, out, err)."""

    def run(*args: str) -> Result:
        _forget_project_modules()  # each real command runs in a fresh process
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def template_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project made once by ``pyjolt new-project shop --defaults``."""
    parent = tmp_path_factory.mktemp("template")
    try:
        main(["new-project", str(parent / "shop"), "--defaults"])
    except SystemExit as exc:
        assert exc.code in (0, None), f"new-project failed with exit {exc.code}"
    return parent / "shop"


@pytest.fixture
def project(
    template_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A fresh copy of the template project, as the working directory."""
    root = tmp_path / "shop"
    shutil.copytree(template_project, root)
    monkeypatch.chdir(root)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delenv("DEBUG", raising=False)
    _forget_project_modules()
    yield root
    _forget_project_modules()


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its content, to prove nothing was written."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }
