"""``pyjolt dev`` / ``pyjolt run`` hand uvicorn the right settings (uvicorn replaced here;
tests/e2e runs the real server)."""

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from pyjolt.cli.errors import EXIT_USAGE

from .conftest import CliRunner


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Replace uvicorn.run; undo what the serve commands change in this process.

    The commands set DEBUG/PYTHONPATH, load .env into os.environ, chdir and extend
    sys.path (uvicorn's workers inherit them); none of that may leak into later tests.
    """
    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    for name in ("DEBUG", "PYTHONPATH", "FROM_DOTENV"):
        monkeypatch.delenv(name, raising=False)
    environ, cwd, path = dict(os.environ), os.getcwd(), list(sys.path)
    yield calls
    os.environ.clear()
    os.environ.update(environ)
    os.chdir(cwd)
    sys.path[:] = path


def test_dev_reloads_with_debug_on_and_dotenv_loaded(
    cli: CliRunner,
    project: Path,
    served: list[tuple[str, dict[str, Any]]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (project / ".env").write_text("FROM_DOTENV=yes\n")
    monkeypatch.chdir(project / "app")
    result = cli("dev", "--port", "8123", "--host", "0.0.0.0")
    assert result.code == 0, result.err
    app, options = served[0]
    assert app == "app:Application"
    assert options["factory"] is True
    assert options["reload"] is True
    assert options["reload_dirs"] == [str(project.resolve())]
    assert (options["host"], options["port"]) == ("0.0.0.0", 8123)
    assert os.environ["DEBUG"] == "true"
    assert os.environ["FROM_DOTENV"] == "yes"
    assert Path.cwd() == project.resolve()
    assert os.environ["PYTHONPATH"].split(os.pathsep)[0] == str(project.resolve())


def test_run_serves_workers_without_reload(
    cli: CliRunner, project: Path, served: list[tuple[str, dict[str, Any]]]
) -> None:
    assert cli("run", "--workers", "3").code == 0
    _, options = served[0]
    assert options["workers"] == 3
    assert "reload" not in options
    assert "DEBUG" not in os.environ


def test_dotenv_does_not_override_the_environment(
    cli: CliRunner,
    project: Path,
    served: list[tuple[str, dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (project / ".env").write_text("FROM_DOTENV=file\n")
    monkeypatch.setenv("FROM_DOTENV", "shell")
    assert cli("run").code == 0
    assert os.environ["FROM_DOTENV"] == "shell"


@pytest.mark.parametrize("port", ["0", "70000"])
def test_impossible_port_is_bad_usage(
    cli: CliRunner, project: Path, served: list[tuple[str, dict[str, Any]]], port: str
) -> None:
    assert cli("dev", "--port", port).code == EXIT_USAGE
    assert served == []
