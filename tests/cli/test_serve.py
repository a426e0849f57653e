"""``pyjolt dev`` / ``pyjolt run`` hand uvicorn and granian the right settings (the servers
are replaced here; tests/e2e runs the real ones)."""

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from pyjolt.cli.errors import EXIT_USAGE
from pyjolt.serving import granian_server
from pyjolt.serving.settings import ServerSettings, default_workers

from .conftest import CliRunner


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Replace uvicorn.run; undo what the serve commands change in this process.

    The commands set DEBUG/PYTHONPATH, load .env into os.environ, chdir and extend
    sys.path (uvicorn's workers inherit them); none of that may leak into later tests.
    """
    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.setattr(
        granian_server,
        "serve",
        lambda settings: calls.append((settings.app_spec, {"settings": settings})),
    )
    for name in (
        "DEBUG", "PYTHONPATH", "FROM_DOTENV", "PYJOLT_DEV_APP", "PYJOLT_DEV_ROOT",
        *ServerSettings("x").worker_environment(),
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    environ, cwd, path = dict(os.environ), os.getcwd(), list(sys.path)
    yield calls
    os.environ.clear()
    os.environ.update(environ)
    os.chdir(cwd)
    sys.path[:] = path


def test_dev_reloads_with_debug_on_and_dotenv_left_to_the_workers(
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
    assert app == "pyjolt.cli.dev_app:create_app"
    assert options["factory"] is True
    assert options["reload"] is True
    assert options["reload_dirs"] == [str(project.resolve())]
    assert ".env" in options["reload_includes"]
    assert (options["host"], options["port"]) == ("0.0.0.0", 8123)
    assert os.environ["DEBUG"] == "true"
    # Each reloaded worker reads .env itself; the reloader keeps no stale copy.
    assert "FROM_DOTENV" not in os.environ
    assert os.environ["PYJOLT_DEV_APP"] == "app:Application"
    assert os.environ["PYJOLT_DEV_ROOT"] == str(project.resolve())
    assert Path.cwd() == project.resolve()
    assert os.environ["PYTHONPATH"].split(os.pathsep)[0] == str(project.resolve())


def test_run_serves_workers_with_timeouts_and_limits(
    cli: CliRunner, project: Path, served: list[tuple[str, dict[str, Any]]]
) -> None:
    result = cli(
        "run", "--workers", "3", "--header-timeout", "4", "--max-header-size", "16384",
        "--no-keep-alive", "--forwarded-allow-ips", "10.0.0.1,10.0.0.2",
    )  # fmt: skip
    assert result.code == 0, result.err
    app, options = served[0]
    settings: ServerSettings = options["settings"]
    assert app == "app:Application"
    assert settings.workers == 3
    assert settings.trusted_proxies == ["10.0.0.1", "10.0.0.2"]
    assert "DEBUG" not in os.environ
    granian = granian_server.granian_options(settings)
    http1 = granian["http1_settings"]
    assert http1.header_read_timeout == 4000  # type: ignore[attr-defined]
    assert http1.max_buffer_size == 16384  # type: ignore[attr-defined]
    assert http1.keep_alive is False  # type: ignore[attr-defined]
    assert granian["workers"] == 3
    assert granian["factory"] is True
    assert granian["respawn_failed_workers"] is True


def test_run_defaults_to_one_worker_per_cpu(
    cli: CliRunner, project: Path, served: list[tuple[str, dict[str, Any]]]
) -> None:
    assert cli("run").code == 0
    settings: ServerSettings = served[0][1]["settings"]
    assert settings.workers == default_workers()
    assert settings.header_timeout <= 10


@pytest.mark.parametrize(
    "option",
    [
        ["--header-timeout", "0"],
        ["--header-timeout", "61"],
        ["--max-header-size", "100"],
        ["--graceful-timeout", "0"],
        ["--backpressure", "0"],
    ],
)
def test_impossible_server_settings_are_bad_usage(
    cli: CliRunner, project: Path, served: list[tuple[str, dict[str, Any]]], option: list[str]
) -> None:
    assert cli("run", *option).code == EXIT_USAGE
    assert served == []


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


def test_worker_without_a_task_manager_is_an_error(cli: CliRunner, project: Path) -> None:
    result = cli("worker", "--workers", "1")
    assert result.code == 1
    assert "no TaskManager" in result.err
