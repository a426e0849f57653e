"""The app CLI: ``app.add_cli_command`` and ``app.run_cli`` (typer, one-line failures)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pyjolt import AppBuildError, BaseConfig, PyJolt
from pyjolt.app_cli import run_app_cli


class Refused(Exception):
    """An expected failure: carries its exit code."""

    exit_code = 3


def make_cli_app() -> PyJolt:
    app = PyJolt(BaseConfig(APP_NAME="Cli test"))
    calls: list[object] = []
    app.calls = calls  # type: ignore[attr-defined]

    def greet(name: str = "world", times: int = 1) -> None:
        """Say hello."""
        for _ in range(times):
            print(f"hello {name}")

    async def greet_async(name: str = "async") -> None:
        calls.append(name)
        print(f"hello {name}")

    def refuse() -> None:
        raise Refused("the thing is locked; unlock it first")

    def crash() -> None:
        raise LookupError("missing\nsecond line")

    def exit_code(code: int = 0) -> int:
        return code

    def history(verbose: bool = False) -> None:
        print(f"verbose={verbose}")
        if verbose:
            raise ValueError("asked for details")

    app.add_cli_command("greet", greet, help="Say hello.")
    app.add_cli_command("greet-async", greet_async)
    app.add_cli_command("refuse", refuse)
    app.add_cli_command("crash", crash)
    app.add_cli_command("exit-code", exit_code)
    app.add_cli_command("history", history)
    return app


def test_command_options_come_from_the_callback(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app_cli(make_cli_app(), ["greet", "--name", "Ada", "--times", "2"]) == 0
    assert capsys.readouterr().out == "hello Ada\nhello Ada\n"


def test_async_callbacks_are_run(capsys: pytest.CaptureFixture[str]) -> None:
    app = make_cli_app()
    assert run_app_cli(app, ["greet-async"]) == 0
    assert app.calls == ["async"]  # type: ignore[attr-defined]


def test_expected_failure_prints_one_line_with_its_exit_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_app_cli(make_cli_app(), ["refuse"]) == 3
    err = capsys.readouterr().err
    assert err == "error: refuse: the thing is locked; unlock it first\n"


def test_unexpected_failure_is_one_line_naming_the_type(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_app_cli(make_cli_app(), ["crash"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: crash: LookupError: missing second line")
    assert "--verbose" in err and "Traceback" not in err


@pytest.mark.parametrize("argv", [["--verbose", "crash"], ["crash", "--verbose"]])
def test_verbose_prints_the_traceback(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert run_app_cli(make_cli_app(), argv) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and err.rstrip().splitlines()[-1].startswith("error: crash:")


def test_a_commands_own_verbose_option_is_kept(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app_cli(make_cli_app(), ["history"]) == 0
    assert capsys.readouterr().out == "verbose=False\n"
    assert run_app_cli(make_cli_app(), ["history", "--verbose"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "verbose=True\n" and "Traceback" in captured.err


def test_callback_may_return_an_exit_code() -> None:
    assert run_app_cli(make_cli_app(), ["exit-code", "--code", "5"]) == 5


@pytest.mark.parametrize(
    "argv", [["no-such-command"], ["greet", "--bogus"], ["greet", "--times", "x"]]
)
def test_usage_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert run_app_cli(make_cli_app(), argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "--help" in err


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app_cli(make_cli_app(), ["--help"]) == 0
    out = capsys.readouterr().out
    assert "greet" in out and "Say hello." in out and "refuse" in out


def test_no_command_shows_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app_cli(make_cli_app(), []) == 2
    assert "greet" in capsys.readouterr().out


def test_run_cli_exits_with_the_code() -> None:
    with pytest.raises(SystemExit) as exited:
        make_cli_app().run_cli(["refuse"])
    assert exited.value.code == 3


def test_duplicate_and_invalid_command_names_are_refused() -> None:
    app = make_cli_app()
    with pytest.raises(AppBuildError, match="'greet' is already registered"):
        app.add_cli_command("greet", lambda: None)
    with pytest.raises(ValueError, match="CLI command name"):
        app.add_cli_command("two words", lambda: None)
    with pytest.raises(TypeError, match="not callable"):
        app.add_cli_command("thing", "not a function")  # type: ignore[arg-type]


def test_cli_script_runs_without_a_terminal(tmp_path: Path) -> None:
    """``python cli.py`` as the SPEC writes it, with stdin closed: no prompt, exit codes."""
    (tmp_path / "cli.py").write_text(
        textwrap.dedent(
            """
            from pyjolt import BaseConfig, PyJolt


            class Refused(Exception):
                exit_code = 1


            def fail() -> None:
                raise Refused("cannot do that")


            class Application(PyJolt):
                def __init__(self) -> None:
                    super().__init__(BaseConfig())
                    self.add_cli_command("hello", lambda: print("hi"), help="Greet.")
                    self.add_cli_command("fail", fail)


            if __name__ == "__main__":
                app = Application()
                app.run_cli()
            """
        )
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "cli.py", *args],
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )

    ok = run("hello")
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "hi\n", "")
    failed = run("fail")
    assert (failed.returncode, failed.stderr) == (1, "error: fail: cannot do that\n")
