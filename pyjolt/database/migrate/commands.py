"""The ``{command_prefix}db-*`` commands Migrate adds to the app CLI (``python cli.py``).

They are built from the same table as ``pyjolt db ...`` (:mod:`pyjolt.cli.db_commands`),
so both take the same arguments and show Alembic's progress the same way. Failures
propagate as MigrationError / DatabaseConnectionError, which the app CLI prints as one
line with the error's exit code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...cli.db_commands import DB_COMMANDS, DbCallback, DbCommand, alembic_progress

if TYPE_CHECKING:
    from ...app import PyJolt
    from .extension import Migrate


def _runner(migrate: Migrate, command: DbCommand) -> DbCallback:
    def invoke(args: dict[str, Any], _extra: dict[str, Any]) -> None:
        import typer

        with alembic_progress():
            line = command.run(migrate, args)
        if line:
            typer.echo(line)

    return DbCallback(command, invoke)


def register_commands(migrate: Migrate, app: PyJolt) -> None:
    """Add the db commands of ``migrate`` to ``app``'s CLI."""
    database = repr(migrate.db.db_name)
    for command in DB_COMMANDS:
        app.add_cli_command(
            migrate.command_name(f"db-{command.name}"),
            _runner(migrate, command),
            help=f"{command.help} Database {database}.",
        )
