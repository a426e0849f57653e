"""The application's own command line: ``app.run_cli()`` in a project's ``cli.py``.

Extensions add commands with ``app.add_cli_command(name, callback, help)`` from
``init_app``; the callback's parameters become options (typer), and an ``async def``
callback is run with ``asyncio.run``. A failing command prints ONE line on stderr and
exits non-zero: the exception's ``exit_code`` attribute when it has one (expected
failures), else 1; ``--verbose`` adds the traceback. Usage errors exit 2. Nothing
prompts. typer is imported only when the CLI runs, not when the app is built.
"""

# No ``from __future__ import annotations`` here: typer reads the annotations of the
# callbacks built below at run time, and they must be real objects.

import asyncio
import functools
import inspect
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

if TYPE_CHECKING:
    from .app import PyJolt

COMMAND_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class CliCommand:
    """One command of the app CLI."""

    name: str
    callback: Callable[..., Any]
    help: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not COMMAND_NAME.match(self.name):
            raise ValueError(
                f"CLI command name {self.name!r}: use letters, digits, '-', '_' (e.g. 'db-upgrade')"
            )
        if not callable(self.callback):
            raise TypeError(
                f"CLI command {self.name!r}: callback {self.callback!r} is not callable"
            )


@dataclass
class _RunState:
    """What the error reporting needs to know about the command that ran."""

    command: str | None = None
    verbose: bool = False


def _verbose_option() -> Any:
    import typer

    return Annotated[
        bool, typer.Option("--verbose", help="Print the full traceback if the command fails.")
    ]


def _instrument(command: CliCommand, state: _RunState) -> Callable[..., Any]:
    """Wrap a callback: record its name, accept ``--verbose``, run coroutines."""
    callback = command.callback
    signature = inspect.signature(callback, eval_str=True)
    has_verbose = "verbose" in signature.parameters

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        state.command = command.name
        verbose = kwargs.get("verbose") if has_verbose else kwargs.pop("verbose", False)
        state.verbose = state.verbose or bool(verbose)
        result = callback(*args, **kwargs)
        if inspect.isawaitable(result):
            result = asyncio.run(_await(result))
        return result

    if not has_verbose:
        verbose = inspect.Parameter(
            "verbose", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=_verbose_option()
        )
        kept = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
        parameters = [*kept, verbose]
        run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        annotations = dict(getattr(callback, "__annotations__", {}))
        annotations["verbose"] = verbose.annotation
        run.__annotations__ = annotations
    return run


async def _await(awaitable: Any) -> Any:
    return await awaitable


def build_cli(app: "PyJolt", state: _RunState | None = None) -> Any:
    """The click command group of ``app``'s CLI commands (built with typer)."""
    import typer

    state = state if state is not None else _RunState()
    cli = typer.Typer(
        help=f"Commands of {app.configs.APP_NAME}.",
        add_completion=False,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )

    @cli.callback()
    def main(verbose: _verbose_option() = False) -> None:  # type: ignore[valid-type]
        state.verbose = state.verbose or verbose

    for command in app.cli_commands.values():
        cli.command(command.name, help=command.help or None)(_instrument(command, state))
    return typer.main.get_command(cli)


def _error_line(exc: BaseException) -> str:
    message = " ".join(part.strip() for part in str(exc).splitlines() if part.strip())
    if isinstance(getattr(exc, "exit_code", None), int):
        return message or type(exc).__name__
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def run_app_cli(
    app: "PyJolt", argv: Sequence[str] | None = None, prog_name: str | None = None
) -> int:
    """Run one command of ``app``'s CLI and return the exit code (does not exit)."""
    import typer

    # Recent typer releases vendor click; take the exception classes from the click
    # that this typer uses (typer.BadParameter is that click's BadParameter).
    click_errors = sys.modules[typer.BadParameter.__module__]
    no_args_error: type[Exception] = getattr(click_errors, "NoArgsIsHelpError", _Never)
    aborts = (getattr(click_errors, "Abort", typer.Abort), typer.Abort)

    args = list(sys.argv[1:] if argv is None else argv)
    prog = prog_name or os.path.basename(sys.argv[0] or "cli.py")
    state = _RunState()
    try:
        group = build_cli(app, state)
        result = group.main(args=args, prog_name=prog, standalone_mode=False)
    except no_args_error as exc:
        ctx = getattr(exc, "ctx", None)
        typer.echo(ctx.get_help() if ctx is not None else str(exc))
        return EXIT_USAGE
    except click_errors.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else prog
        typer.echo(f"error: {exc.format_message()} (see '{where} --help')", err=True)
        return int(exc.exit_code)
    except click_errors.ClickException as exc:
        typer.echo(f"error: {exc.format_message()}", err=True)
        return int(exc.exit_code)
    except aborts:
        typer.echo("error: aborted", err=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        typer.echo("error: interrupted", err=True)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if state.verbose:
            traceback.print_exception(exc, file=sys.stderr)
        line = _error_line(exc)
        expected = isinstance(getattr(exc, "exit_code", None), int)
        if not expected and not state.verbose:
            line += " (run with --verbose for the traceback)"
        prefix = f"{state.command}: " if state.command else ""
        typer.echo(f"error: {prefix}{line}", err=True)
        code = getattr(exc, "exit_code", EXIT_ERROR)
        return code if isinstance(code, int) and code != 0 else EXIT_ERROR
    if isinstance(result, int) and not isinstance(result, bool):
        return result
    return 0


class _Never(Exception):
    """Stands in for click's NoArgsIsHelpError on click versions without it."""
