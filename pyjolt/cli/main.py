"""The ``pyjolt`` command tree.

This module imports typer and nothing heavy: every command imports its implementation
(copier, libcst, uvicorn, the application, SQLAlchemy) inside its body, so ``pyjolt
--help`` stays fast. Errors raised as :class:`~pyjolt.cli.errors.CliError` are printed
without a traceback and exit with their code (see DESIGN.md, "The generator").
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from .db import db_command_group
from .errors import EXIT_ERROR, CliError
from .kind_commands import destroy_group, generate_group
from .kinds import KINDS
from .options import AppOption


class _State:
    verbose = False


STATE = _State()

app = typer.Typer(
    name="pyjolt",
    help="PyJolt: create, grow and run async web applications.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: rendering it with rich would import rich for every --help.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=(
        "Examples:\n\n"
        "  pyjolt new-project shop --defaults\n\n"
        "  cd shop && pyjolt generate resource products name:str! price:float\n\n"
        "  pyjolt dev --port 8080"
    ),
)
openapi_app = typer.Typer(
    help="Work with the OpenAPI description of the app.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(generate_group(), name="generate")
app.add_typer(destroy_group(), name="destroy")
app.add_typer(openapi_app, name="openapi")
app.add_typer(db_command_group(), name="db")
EXTRAS = ", ".join(kind.name for kind in KINDS if kind.extra)


class Database(StrEnum):
    sqlite = "sqlite"
    postgres = "postgres"
    mysql = "mysql"


class SpecFormat(StrEnum):
    json = "json"
    yaml = "yaml"


def _version(value: bool) -> None:
    if value:
        from pyjolt import __version__

        typer.echo(f"pyjolt {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show tracebacks and more detail on errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    STATE.verbose = verbose


# --- new-project ----------------------------------------------------------------------


@app.command(
    "new-project",
    epilog=(
        "Examples:\n\n"
        "  pyjolt new-project shop --defaults\n\n"
        "  pyjolt new-project shop --database postgres --with auth,cache\n\n"
        "  pyjolt new-project shop --database mysql -d mysql_url=mysql+asyncmy://app@db/shop\n\n"
        "  pyjolt new-project shop -d description='My shop' -d author='Ada'"
    ),
)
def new_project(
    name: Annotated[str, typer.Argument(help="Folder (and project) name, e.g. 'shop'.")],
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Take every default; ask nothing.")
    ] = False,
    data: Annotated[
        list[str] | None,
        typer.Option("--data", "-d", help="An answer as key=value (repeatable)."),
    ] = None,
    database: Annotated[
        Database | None, typer.Option("--database", help="Database of the project.")
    ] = None,
    features: Annotated[
        str | None,
        typer.Option("--with", help=f"Comma-separated extras: {EXTRAS}."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Write into a non-empty folder.")
    ] = False,
) -> None:
    """Create a new PyJolt project that runs, tests and migrates at once."""
    from .new_project import create_project

    create_project(
        name,
        defaults=defaults,
        data=data or [],
        database=database.value if database else None,
        features=features,
        force=force,
    )


# --- serving --------------------------------------------------------------------------


@app.command(
    "dev",
    epilog="Examples:\n\n  pyjolt dev\n\n  pyjolt dev --host 0.0.0.0 --port 8080",
)
def dev(
    host: Annotated[str, typer.Option("--host", help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.")] = 8000,
    app_spec: AppOption = None,
) -> None:
    """Serve with auto-reload (watchfiles), DEBUG on and .env loaded."""
    from .serve import run_dev

    run_dev(host, port, app_spec)


@app.command(
    "run",
    epilog=(
        "Examples:\n\n"
        "  pyjolt run --host 0.0.0.0 --port 8000\n\n"
        "  pyjolt run --workers 4 --header-timeout 5 --forwarded-allow-ips 10.0.0.2\n\n"
        "SIGTERM or Ctrl+C stops gracefully; SIGHUP restarts the workers one by one."
    ),
)
def run(
    host: Annotated[str, typer.Option("--host", help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Worker processes (default: CPU count)."),
    ] = None,
    header_timeout: Annotated[
        float,
        typer.Option(
            "--header-timeout",
            help="Seconds a client has to send a whole request head; also the keep-alive "
            "idle timeout.",
        ),
    ] = 10.0,
    max_header_size: Annotated[
        int, typer.Option("--max-header-size", help="Largest request head, bytes.")
    ] = 64 * 1024,
    keep_alive: Annotated[
        bool, typer.Option("--keep-alive/--no-keep-alive", help="HTTP/1.1 keep-alive.")
    ] = True,
    graceful_timeout: Annotated[
        float,
        typer.Option(
            "--graceful-timeout", help="Seconds a stopping worker may take before it is killed."
        ),
    ] = 30.0,
    backpressure: Annotated[
        int | None,
        typer.Option("--backpressure", help="Most requests handled at once per worker."),
    ] = None,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            "--proxy-headers/--no-proxy-headers",
            help="Read X-Forwarded-For/-Proto from trusted proxies.",
        ),
    ] = True,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            "--forwarded-allow-ips",
            help="Comma-separated proxy addresses (or networks) to trust; '*' trusts all.",
        ),
    ] = "127.0.0.1",
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log every request.")
    ] = False,
    app_spec: AppOption = None,
) -> None:
    """Serve for production on granian: N workers, timeouts and limits, DEBUG as configured."""
    from ..serving.settings import ServerSettings, default_workers
    from .errors import UsageError
    from .serve import run_production

    try:
        settings = ServerSettings(
            app_spec=app_spec or "",
            host=host,
            port=port,
            workers=workers or default_workers(),
            header_timeout=header_timeout,
            max_header_size=max_header_size,
            keep_alive=keep_alive,
            graceful_timeout=graceful_timeout,
            backpressure=backpressure,
            proxy_headers=proxy_headers,
            forwarded_allow_ips=forwarded_allow_ips,
            access_log=access_log,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    run_production(settings, app_spec)


@app.command(
    "worker",
    epilog=(
        "Examples:\n\n"
        "  pyjolt worker\n\n"
        "  pyjolt worker --workers 4 --max-async-jobs 50\n\n"
        "Needs TASK_MANAGER_BROKER_URL (redis:// or amqp://) and pyjolt[queue]. "
        "SIGTERM stops gracefully; a worker that dies is restarted."
    ),
)
def worker(
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Worker processes (default: CPU count)."),
    ] = None,
    max_async_jobs: Annotated[
        int, typer.Option("--max-async-jobs", min=1, help="Jobs one process runs at once.")
    ] = 100,
    shutdown_timeout: Annotated[
        float,
        typer.Option("--shutdown-timeout", help="Seconds running jobs get to finish on stop."),
    ] = 30.0,
    task_manager: Annotated[
        str | None,
        typer.Option("--task-manager", help="Which TaskManager (its extension name)."),
    ] = None,
    app_spec: AppOption = None,
) -> None:
    """Run background jobs from the queue, with the app's extensions started."""
    from .serve import run_job_workers

    run_job_workers(app_spec, workers, max_async_jobs, shutdown_timeout, task_manager)


# --- introspection --------------------------------------------------------------------


@app.command("routes", epilog="Examples:\n\n  pyjolt routes\n\n  pyjolt routes --json | jq .")
def routes(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    app_spec: AppOption = None,
) -> None:
    """List every route: method, path, endpoint and controller file."""
    from .routes import show_routes

    show_routes(app_spec, as_json)


@app.command(
    "console",
    epilog=(
        "Examples:\n\n"
        "  pyjolt console\n\n"
        "  >>> await Note.query(session).count()\n\n"
        "  pyjolt console --shell python   # the standard REPL even when IPython is installed"
    ),
)
def console_command(
    shell: Annotated[
        str,
        typer.Option("--shell", help="auto (IPython when installed), ipython or python."),
    ] = "auto",
    app_spec: AppOption = None,
) -> None:
    """An async REPL with the app started: app, config, db, session and the models."""
    from .repl import run_console

    run_console(app_spec, shell)


@app.command(
    "upgrade",
    epilog=(
        "Examples:\n\n"
        "  pyjolt upgrade --dry-run\n\n"
        "  pyjolt upgrade\n\n"
        "Exit 3 when conflicts remain (each file is listed) or the project has uncommitted "
        "changes (pass --force to upgrade them as they are)."
    ),
)
def upgrade(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would change; write nothing.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Upgrade even with uncommitted changes.")
    ] = False,
    app_spec: AppOption = None,
) -> None:
    """Bring the project up to the current project template (copier's update, merged)."""
    from .upgrade import run_upgrade

    run_upgrade(app_spec, dry_run, force)


@app.command(
    "config",
    epilog=(
        "Examples:\n\n"
        "  pyjolt config\n\n"
        "  pyjolt config --json | jq '.[] | select(.source == \".env\")'\n\n"
        "Sources: default, class Config (set in the config class), .env, environment, "
        "explicit. Secrets (SECRET_KEY, *_KEY, *_TOKEN, *_PASSWORD, passwords in URLs) "
        "are masked."
    ),
)
def config(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    app_spec: AppOption = None,
) -> None:
    """Show the effective configuration and where each value came from."""
    from .config_view import show_config

    show_config(app_spec, as_json)


@openapi_app.command(
    "export",
    epilog=(
        "Examples:\n\n"
        "  pyjolt openapi export --output openapi.json\n\n"
        "  pyjolt openapi export --format yaml --output openapi.yaml\n\n"
        "  pyjolt openapi export --output openapi.json --check   # exit 4 when stale"
    ),
)
def openapi_export(
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    fmt: Annotated[SpecFormat, typer.Option("--format", help="json or yaml.")] = SpecFormat.json,
    check: Annotated[
        bool,
        typer.Option("--check", help="Write nothing; exit 4 when --output differs from the app."),
    ] = False,
    app_spec: AppOption = None,
) -> None:
    """Build the OpenAPI document without starting a server or touching a database."""
    from .openapi import export_spec

    export_spec(app_spec, output, fmt.value, check)


# --- entry point ----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the command, turn CliErrors into exit codes."""
    try:
        app(args=argv, prog_name="pyjolt")
    except CliError as exc:
        from . import console

        if STATE.verbose:
            import traceback

            traceback.print_exc()
        console.error(exc.message, exc.hint)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        from . import console

        if STATE.verbose:
            import traceback

            traceback.print_exc()
            console.error(f"{type(exc).__name__}: {exc}")
        else:
            console.error(
                f"{type(exc).__name__}: {exc}", hint="run again with --verbose for the traceback"
            )
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":  # pragma: no cover
    main()
