"""The ``{command_prefix}db-*`` commands Migrate adds to the app CLI (``python cli.py``).

Each command is a thin typer callback over a Migrate method; failures propagate as
MigrationError / DatabaseConnectionError, which the app CLI prints as one line.
"""

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from ...app import PyJolt
    from .extension import Migrate

VerboseOption = Annotated[
    bool, typer.Option("--verbose", help="More detail (and the traceback if it fails).")
]


#: Alembic loggers whose INFO lines a user wants to see ("Running upgrade a -> b",
#: "Detected added table 'users'"); the rest of Alembic stays at WARNING.
PROGRESS_LOGGERS = ("alembic.runtime.migration", "alembic.autogenerate.compare")


class _ProgressFilter(logging.Filter):
    """Drop Alembic's set-up chatter ("Context impl SQLiteImpl.", "Will assume ...")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        return not record.getMessage().startswith(("Context impl", "Will assume"))


def show_alembic_progress() -> None:
    """Print Alembic's progress lines on stdout (warnings and errors too)."""
    alembic_logger = logging.getLogger("alembic")
    if not any(getattr(h, "_pyjolt_cli", False) for h in alembic_logger.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler.addFilter(_ProgressFilter())
        handler._pyjolt_cli = True  # type: ignore[attr-defined]
        alembic_logger.addHandler(handler)
        alembic_logger.propagate = False
    alembic_logger.setLevel(logging.WARNING)
    for name in PROGRESS_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)


def build_commands(migrate: "Migrate") -> dict[str, tuple[Callable[..., Any], str]]:
    """``{name: (callback, help)}`` of the db commands, named with the command prefix."""
    db = repr(migrate.db.db_name)

    def db_init() -> None:
        directory = migrate.init()
        typer.echo(f"Created migration folder {directory} for database {db}.")

    def db_migrate(
        message: Annotated[
            str | None, typer.Option("--message", "-m", help="What the migration does.")
        ] = None,
    ) -> None:
        show_alembic_progress()
        path = migrate.migrate(message)
        if path is None:
            typer.echo(f"No changes in the models of database {db}; no migration written.")
        else:
            typer.echo(f"Wrote migration {path}")

    def db_upgrade(
        revision: Annotated[
            str, typer.Option("--revision", "-r", help="Target revision.")
        ] = "head",
    ) -> None:
        show_alembic_progress()
        migrate.upgrade(revision)
        typer.echo(f"Database {db} upgraded to {revision}.")

    def db_downgrade(
        revision: Annotated[
            str, typer.Option("--revision", "-r", help="Target revision ('base' for none).")
        ] = "-1",
    ) -> None:
        show_alembic_progress()
        migrate.downgrade(revision)
        if revision.startswith("-"):
            typer.echo(f"Database {db} downgraded by {revision[1:]} revision(s).")
        else:
            typer.echo(f"Database {db} downgraded to {revision}.")

    def db_history(
        verbose: VerboseOption = False,
        indicate_current: Annotated[
            bool, typer.Option("--indicate-current", help="Mark the database's revision.")
        ] = False,
    ) -> None:
        migrate.history(verbose=verbose, indicate_current=indicate_current)

    def db_current(verbose: VerboseOption = False) -> None:
        migrate.current(verbose=verbose)

    def db_heads(verbose: VerboseOption = False) -> None:
        migrate.heads(verbose=verbose)

    def db_show(
        revision: Annotated[
            str, typer.Option("--revision", "-r", help="Revision to show.")
        ] = "head",
    ) -> None:
        migrate.show(revision)

    def db_stamp(
        revision: Annotated[
            str, typer.Option("--revision", "-r", help="Revision to record.")
        ] = "head",
    ) -> None:
        show_alembic_progress()
        migrate.stamp(revision)
        typer.echo(f"Database {db} stamped at {revision}.")

    def db_check() -> None:
        migrate.check()
        typer.echo(f"The models of database {db} match its migrations.")

    commands = {
        "db-init": (db_init, f"Create the migration folder of database {db}."),
        "db-migrate": (db_migrate, f"Write a migration from the models of database {db}."),
        "db-upgrade": (db_upgrade, f"Apply migrations to database {db} (default: head)."),
        "db-downgrade": (db_downgrade, f"Revert migrations of database {db} (default: one)."),
        "db-history": (db_history, f"List the migrations of database {db}."),
        "db-current": (db_current, f"Show the revision database {db} is at."),
        "db-heads": (db_heads, f"Show the head revisions of database {db}."),
        "db-show": (db_show, f"Show one migration of database {db}."),
        "db-stamp": (db_stamp, f"Record a revision in database {db} without migrating."),
        "db-check": (
            db_check,
            f"Exit 4 when the models of database {db} differ from its migrations.",
        ),
    }
    return {migrate.command_name(name): entry for name, entry in commands.items()}


def register_commands(migrate: "Migrate", app: "PyJolt") -> None:
    """Add the db commands of ``migrate`` to ``app``'s CLI."""
    for name, (callback, help_text) in build_commands(migrate).items():
        app.add_cli_command(name, callback, help=help_text)
