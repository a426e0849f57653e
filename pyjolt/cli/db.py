"""``pyjolt db ...``: the app's Migrate extension, called as Python functions.

The app is imported (not started) to find its Migrate instance(s); each command maps to
one Migrate method. Failures keep the extension's exit codes: ``db check`` exits 4
when the models and the migrations differ.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from . import console
from .errors import EXIT_CHECK_FAILED, CliError, UsageError
from .project import Project, find_project, load_application
from .runtime import require_runtime

if TYPE_CHECKING:
    from pyjolt.database.migrate import Migrate


class DatabaseCommandError(CliError):
    """A Migrate operation failed; ``exit_code`` comes from the extension's error."""


PROGRESS_PREFIXES = ("Running ", "Detected ")


class _CurrentStdoutHandler(logging.StreamHandler):  # type: ignore[type-arg,unused-ignore]
    """Writes Alembic's progress lines to whatever ``sys.stdout`` is at that moment.

    Only "Running upgrade ..." and "Detected added table ..." lines: the plugin set-up
    chatter Alembic logs at the same level is left out.
    """

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith(PROGRESS_PREFIXES):
            self.stream = sys.stdout
            super().emit(record)


@contextmanager
def alembic_progress() -> Iterator[None]:
    """Show Alembic's progress lines ("Running upgrade a -> b") for one command."""
    alembic_logger = logging.getLogger("alembic")
    handler = _CurrentStdoutHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    level, propagate = alembic_logger.level, alembic_logger.propagate
    alembic_logger.addHandler(handler)
    alembic_logger.setLevel(logging.INFO)
    alembic_logger.propagate = False
    try:
        yield
    finally:
        alembic_logger.removeHandler(handler)
        alembic_logger.setLevel(level)
        alembic_logger.propagate = propagate


def find_migrate(extensions: dict[str, Any], database: str | None) -> Migrate:
    """The Migrate of database ``database`` (its db_name), or the only one."""
    from pyjolt.database.migrate import Migrate

    found = [ext for ext in extensions.values() if isinstance(ext, Migrate)]
    if not found:
        raise CliError(
            "the app has no Migrate extension",
            hint="add 'migrate = Migrate(db)' to app/extensions.py and "
            "'app.extensions:migrate' to EXTENSIONS",
        )
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


def run_db_command(
    command: str, app_spec: str | None, database: str | None, **options: Any
) -> None:
    require_runtime("database", f"db {command}")
    project = find_project(app_spec)
    application = load_application(project, build=False)
    migrate = find_migrate(application.extensions, database)

    from pyjolt.database.errors import DatabaseExtensionError

    try:
        with alembic_progress():
            _run(command, migrate, project, options)
    except DatabaseExtensionError as exc:
        error = DatabaseCommandError(str(exc))
        error.exit_code = getattr(exc, "exit_code", 1)
        if command == "check" and _is_state_failure(exc, migrate):
            # A database behind its migrations, or several heads: the check found
            # something to do, as when the models differ (DESIGN: exit 4).
            error.exit_code = EXIT_CHECK_FAILED
        raise error from exc


def _is_state_failure(exc: Exception, migrate: Migrate) -> bool:
    """A MigrationError from a working setup (the migration folder exists)."""
    from pyjolt.database.errors import MigrationError

    env_py = os.path.join(migrate.migration_dir, "env.py")
    return isinstance(exc, MigrationError) and os.path.isfile(env_py)


def _run(command: str, migrate: Migrate, project: Project, options: dict[str, Any]) -> None:
    name = repr(migrate.db.db_name)
    if command == "init":
        directory = migrate.init()
        console.success(f"created migration folder {project.relative_or_abs(directory)}")
    elif command == "migrate":
        path = migrate.migrate(options.get("message") or None)
        if path is None:
            console.success(f"no changes in the models of database {name}; nothing written")
        else:
            console.success(f"wrote migration {project.relative_or_abs(path)}")
    elif command == "upgrade":
        migrate.upgrade(options["revision"])
        console.success(f"database {name} upgraded to {options['revision']}")
    elif command == "downgrade":
        migrate.downgrade(options["revision"])
        console.success(f"database {name} downgraded to {options['revision']}")
    elif command == "stamp":
        migrate.stamp(options["revision"])
        console.success(f"database {name} stamped at {options['revision']}")
    elif command == "history":
        migrate.history(verbose=False, indicate_current=True)
    elif command == "current":
        migrate.current(verbose=False)
    elif command == "heads":
        migrate.heads(verbose=False)
    elif command == "show":
        migrate.show(options["revision"])
    elif command == "check":
        migrate.check()
        console.success(f"the models of database {name} match its migrations")
    else:  # pragma: no cover - the command tree only passes the names above
        raise UsageError(f"unknown db command {command!r}")
