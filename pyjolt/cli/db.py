"""``pyjolt db ...``: the database commands of :mod:`.db_commands`, run on the app's Migrate.

The app is imported (not started) to find its Migrate instance(s); ``--database``
chooses one when there are several. Failures keep the extension's exit codes: ``db
check`` exits 4 when the models and the migrations differ or the database is behind.
While a command runs, Migrate's messages name commands as ``pyjolt db ...``.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .db_commands import DB_COMMANDS, DbCallback, DbCommand
from .errors import CliError, UsageError
from .options import AppOption, DatabaseOption

if TYPE_CHECKING:
    from pyjolt.database.migrate import Migrate


class DatabaseCommandError(CliError):
    """A Migrate operation failed; ``exit_code`` comes from the extension's error."""


def all_migrates(extensions: dict[str, Any]) -> list[Migrate]:
    from pyjolt.database.migrate import Migrate

    found = [ext for ext in extensions.values() if isinstance(ext, Migrate)]
    if not found:
        raise CliError(
            "the app has no Migrate extension",
            hint="add 'migrate = Migrate(db)' to app/extensions.py and "
            "'app.extensions:migrate' to EXTENSIONS",
        )
    return found


def find_migrate(extensions: dict[str, Any], database: str | None) -> Migrate:
    """The Migrate of database ``database`` (its db_name), or the only one."""
    found = all_migrates(extensions)
    if database is None:
        if len(found) > 1:
            names = ", ".join(repr(m.db.db_name) for m in found)
            raise UsageError(
                f"the app has several databases ({names})", hint="pass --database NAME"
            )
        return found[0]
    for migrate in found:
        if migrate.db.db_name == database:
            return migrate
    names = ", ".join(repr(m.db.db_name) for m in found)
    raise UsageError(f"no database named {database!r}; the app has {names}")


def find_migrate_for_folder(extensions: dict[str, Any], folder: Path) -> Migrate:
    """The Migrate whose migration folder is ``folder``."""
    found = all_migrates(extensions)
    for migrate in found:
        if Path(migrate.migration_dir).resolve() == folder:
            return migrate
    raise CliError(f"no Migrate of the app uses the migration folder {folder}")


def run_db_command(
    command: DbCommand, args: dict[str, Any], database: str | None, app_spec: str | None
) -> None:
    from . import console
    from .project import find_project, load_application
    from .runtime import require_runtime

    require_runtime("database", f"db {command.name}")
    project = find_project(app_spec)
    application = load_application(project, build=False)
    migrate = find_migrate(application.extensions, database)
    with migrate_operation(migrate, application.extensions):
        line = command.run(migrate, args)
    if line:
        console.success(line)


@contextmanager
def migrate_operation(migrate: Migrate, extensions: dict[str, Any]) -> Iterator[None]:
    """Run a Migrate operation for the ``pyjolt`` CLI: Alembic's progress shown, the
    extension's messages naming ``pyjolt db ...`` commands, its errors as CLI errors
    with their exit codes."""
    from pyjolt.database.errors import DatabaseExtensionError
    from pyjolt.database.migrate.extension import COMMAND_SPELLING

    from .db_commands import alembic_progress

    several = len(all_migrates(extensions)) > 1

    def spelling(name: str) -> str:
        return f"pyjolt db {name}" + (f" --database {migrate.db.db_name}" if several else "")

    token = COMMAND_SPELLING.set(spelling)
    try:
        with alembic_progress():
            yield
    except DatabaseExtensionError as exc:
        error = DatabaseCommandError(str(exc))
        error.exit_code = getattr(exc, "exit_code", 1)
        raise error from exc
    finally:
        COMMAND_SPELLING.reset(token)


_FRONT_END_PARAMETERS = (
    inspect.Parameter(
        "database", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=DatabaseOption
    ),
    inspect.Parameter(
        "app_spec", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=AppOption
    ),
)


def _epilog(command: DbCommand) -> str:
    lines = [f"  pyjolt db {command.name} {example}".rstrip() for example in command.examples]
    same = f"The app's own CLI has the same command: python cli.py db-{command.name}"
    return "Examples:\n\n" + "\n\n".join(lines) + f"\n\n{same}"


def db_command_group() -> typer.Typer:
    """``pyjolt db``: one subcommand per entry of the db command table."""
    group = typer.Typer(
        help="Database migrations (Alembic) through the app's Migrate extension.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    for command in DB_COMMANDS:

        def invoke(
            args: dict[str, Any], extra: dict[str, Any], command: DbCommand = command
        ) -> None:
            run_db_command(command, args, extra["database"], extra["app_spec"])

        group.command(command.name, help=command.help, epilog=_epilog(command))(
            DbCallback(command, invoke, _FRONT_END_PARAMETERS)
        )
    return group
