"""Migrate: Alembic migrations of one SqlDatabase, as Python methods and app CLI commands.

Every operation is a plain method (``migrate.upgrade(revision="head")``) so tools can
call it; ``init_app`` also registers them as ``{command_prefix}db-*`` commands of the
app CLI (``python cli.py db-upgrade``). Alembic is imported only when an operation runs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from contextvars import ContextVar
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from ...extension import BaseExtension
from ..connection import (
    anchor_sqlite_path,
    describe_target,
    failure_reason,
    one_line,
    parse_database_uri,
)
from ..errors import DatabaseExtensionError, MigrationError, ModelsOutOfSyncError
from ..settings import DEFAULT_MIGRATION_DIR, MigrateSettings
from .environment import SETTINGS_KEY, MigrationSettings

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import Script

    from ...app import PyJolt
    from ..sql_database import SqlDatabase

T = TypeVar("T")

TEMPLATE_FILES = ("env.py", "script.py.mako", "README")

#: How messages name a db command (``upgrade``) for the person reading them: the app
#: CLI's ``db-upgrade`` unless a front end (``pyjolt db``) sets its own spelling while
#: it runs a command.
COMMAND_SPELLING: ContextVar[Callable[[str], str] | None] = ContextVar(
    "pyjolt_db_command_spelling", default=None
)


def describe_diffs(diffs: list[Any]) -> str:
    """A short summary of Alembic autogenerate diffs: ``add_column users.nickname``."""
    described = []
    for diff in diffs:
        for item in diff if isinstance(diff, list) else [diff]:
            op = item[0]
            if op in {"add_column", "remove_column"}:
                described.append(f"{op} {item[2]}.{item[3].name}")
            elif op.startswith("modify_"):
                described.append(f"{op} {item[2]}.{item[3]}")
            elif hasattr(item[1], "name"):
                described.append(f"{op} {item[1].name}")
            else:
                described.append(op)
    return ", ".join(described)


class Migrate(BaseExtension):
    """Alembic migrations for ``db``; ``command_prefix`` tells several instances apart.

    Configured from ``{prefix}ALEMBIC_MIGRATION_DIR`` (default ``migrations`` under
    BASE_PATH) and the optional ``{prefix}ALEMBIC_DATABASE_URI_SYNC``, where ``prefix``
    is the database's ``variable_prefix``.
    """

    def __init__(self, db: SqlDatabase, command_prefix: str = "") -> None:
        super().__init__(variable_prefix=db.variable_prefix)
        self.db = db
        self.command_prefix = command_prefix
        self.name = f"{command_prefix}migrate"

    def init_app(self, app: PyJolt) -> None:
        """Register with ``app`` and add the ``{command_prefix}db-*`` CLI commands."""
        app.configs.register_section(MigrateSettings, self.variable_prefix)
        super().init_app(app)
        from .commands import register_commands

        register_commands(self, app)

    # --- configuration --------------------------------------------------------------
    @property
    def migration_dir_key(self) -> str:
        return f"{self.variable_prefix}ALEMBIC_MIGRATION_DIR"

    @property
    def migration_dir(self) -> str:
        """The migration folder: ``{prefix}ALEMBIC_MIGRATION_DIR`` under BASE_PATH."""
        folder = self.get_conf("ALEMBIC_MIGRATION_DIR", DEFAULT_MIGRATION_DIR)
        base = self.app.configs.BASE_PATH or os.getcwd()
        return os.path.abspath(os.path.join(base, str(folder)))

    def command_name(self, command: str) -> str:
        """The CLI name of ``command`` for this instance, e.g. ``analytics-db-upgrade``."""
        return f"{self.command_prefix}{command}"

    def hint_command(self, command: str) -> str:
        """How an error message names db command ``command`` (``upgrade``, ``history``)."""
        spelling = COMMAND_SPELLING.get()
        return spelling(command) if spelling else self.command_name(f"db-{command}")

    def settings(self, *, skip_empty_revisions: bool = False) -> MigrationSettings:
        """What env.py needs: the URL to migrate through and the models' metadata."""
        try:
            self.db.app  # noqa: B018 - raises when the database was never initialised
        except RuntimeError:
            raise MigrationError(
                f"SqlDatabase {self.db.db_name!r} is not initialised with the app: "
                "list it in EXTENSIONS next to its Migrate"
            ) from None
        sync_key = f"{self.variable_prefix}ALEMBIC_DATABASE_URI_SYNC"
        sync_uri = self.get_conf("ALEMBIC_DATABASE_URI_SYNC")
        if sync_uri:
            url = parse_database_uri(sync_uri, sync_key, require_async=False)
            url = anchor_sqlite_path(url, self.app.configs.BASE_PATH)
            return MigrationSettings(
                self.db.db_name, url, sync_key, False, self.db.metadata, skip_empty_revisions
            )
        url = self.db.database_url()
        return MigrationSettings(
            self.db.db_name, url, self.db.uri_key, True, self.db.metadata, skip_empty_revisions
        )

    def alembic_config(self, *, skip_empty_revisions: bool = False) -> Config:
        """An Alembic Config for this database (no alembic.ini file is involved)."""
        import sys

        from alembic.config import Config

        # Alembic's default stream is the sys.stdout of its first import; pass today's.
        config = Config(stdout=sys.stdout)
        # configparser interpolates '%': escape it in paths
        config.set_main_option("script_location", self.migration_dir.replace("%", "%%"))
        config.set_main_option("path_separator", "os")
        config.attributes[SETTINGS_KEY] = self.settings(skip_empty_revisions=skip_empty_revisions)
        return config

    # --- operations -----------------------------------------------------------------
    def init(self) -> str:
        """Create the migration folder (env.py, script template, versions/); its path.

        Refuses a folder that exists and is not empty; writes into a temporary folder
        first, so a failure leaves nothing half-written.
        """
        directory = self.migration_dir
        if os.path.exists(directory) and (not os.path.isdir(directory) or os.listdir(directory)):
            raise MigrationError(
                f"migration folder {directory} already exists and is not empty "
                f"({self.migration_dir_key}); nothing was written"
            )
        parent = os.path.dirname(directory)
        if not os.path.isdir(parent):
            raise MigrationError(
                f"cannot create migration folder {directory}: parent folder {parent} "
                f"does not exist (check {self.migration_dir_key} and BASE_PATH)"
            )
        staging = tempfile.mkdtemp(prefix=".pyjolt-migrations-", dir=parent)
        try:
            # mkdtemp makes the folder 0o700; give it the mode mkdir would (the umask's).
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(staging, 0o777 & ~mask)
            template = resources.files("pyjolt.database.migrate").joinpath("template")
            for name in TEMPLATE_FILES:
                with open(os.path.join(staging, name), "wb") as target:
                    target.write(template.joinpath(name).read_bytes())
            os.mkdir(os.path.join(staging, "versions"))
            if os.path.isdir(directory):
                os.rmdir(directory)  # empty, checked above
            os.replace(staging, directory)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return directory

    def migrate(self, message: str | None = None, *, autogenerate: bool = True) -> str | None:
        """Write a migration comparing the models with the database; its file path.

        Returns None (and writes nothing) when autogenerate finds no changes.
        """
        if autogenerate:
            self._require_models()
        config = self._config_for_existing_folder(skip_empty_revisions=autogenerate)
        from alembic import command

        result = self._run(
            "migrate", lambda: command.revision(config, message=message, autogenerate=autogenerate)
        )
        scripts: list[Script] = [s for s in (result if isinstance(result, list) else [result]) if s]
        return scripts[0].path if scripts else None

    revision = migrate

    def merge(self, message: str | None = None) -> str | None:
        """Write a migration joining the heads into one; its path (None with one head)."""
        config = self._config_for_existing_folder()
        from alembic import command
        from alembic.script import ScriptDirectory

        if len(ScriptDirectory.from_config(config).get_heads()) < 2:
            return None
        script = self._run(
            "merge", lambda: command.merge(config, "heads", message=message or "merge heads")
        )
        return script.path if script is not None else None

    def current_revisions(self) -> tuple[str, ...]:
        """The revisions the database records as applied (its ``alembic_version`` rows).

        Empty for a database never migrated. A SQLite file that does not exist counts as
        a database never migrated and is not created by asking.
        """
        settings = self.settings()
        if _is_missing_sqlite_file(settings.url):
            return ()
        from alembic.runtime.migration import MigrationContext

        from .environment import run_on_connection

        def read(connection: Any) -> tuple[str, ...]:
            return tuple(MigrationContext.configure(connection).get_current_heads())

        return self._run("current", lambda: run_on_connection(settings, read))

    def upgrade(self, revision: str = "head") -> None:
        """Apply migrations up to ``revision`` (default: head)."""
        config = self._config_for_existing_folder()
        from alembic import command

        self._run("upgrade", lambda: command.upgrade(config, revision))

    def downgrade(self, revision: str = "-1") -> None:
        """Revert migrations down to ``revision`` (default: the last one)."""
        config = self._config_for_existing_folder()
        from alembic import command

        self._run("downgrade", lambda: command.downgrade(config, revision))

    def stamp(self, revision: str = "head") -> None:
        """Mark the database as at ``revision`` without running migrations."""
        config = self._config_for_existing_folder()
        from alembic import command

        self._run("stamp", lambda: command.stamp(config, revision))

    def history(self, verbose: bool = False, indicate_current: bool = False) -> None:
        """Print the revision history (oldest last)."""
        config = self._config_for_existing_folder()
        from alembic import command

        self._run(
            "history",
            lambda: command.history(config, verbose=verbose, indicate_current=indicate_current),
        )

    def current(self, verbose: bool = False) -> None:
        """Print the revision the database is at."""
        config = self._config_for_existing_folder()
        from alembic import command

        self._run("current", lambda: command.current(config, verbose=verbose))

    def heads(self, verbose: bool = False) -> None:
        """Print the head revisions of the migration scripts."""
        config = self._config_for_existing_folder()
        from alembic import command

        self._run("heads", lambda: command.heads(config, verbose=verbose))

    def show(self, revision: str = "head") -> None:
        """Print one revision."""
        config = self._config_for_existing_folder()
        from alembic import command

        self._run("show", lambda: command.show(config, revision))

    def check(self) -> None:
        """Raise ModelsOutOfSyncError when the models differ from the migrations.

        Alembic's ``check`` compares the models with a database at head, so a database
        behind its migrations (or several heads) fails the check too. An app without
        models passes when its migrations leave no tables.
        """
        config = self._config_for_existing_folder()
        from alembic import command

        try:
            self._run("check", lambda: command.check(config))
        except ModelsOutOfSyncError:
            raise
        except MigrationError as exc:
            message = str(exc)
            if "not up to date" in message or "head revisions" in message.lower():
                # The check found work to do (apply migrations, merge heads): exit 4.
                raise ModelsOutOfSyncError(message) from exc
            raise

    # --- helpers --------------------------------------------------------------------
    def _require_models(self) -> None:
        if not self.db.metadata:
            raise MigrationError(
                f"no models are registered for database {self.db.db_name!r}: list them in "
                f"MODELS (e.g. 'app.models:User') and derive them from "
                f"create_declarative_base({self.db.db_name!r})"
            )

    def _config_for_existing_folder(self, *, skip_empty_revisions: bool = False) -> Config:
        directory = self.migration_dir
        if not os.path.isfile(os.path.join(directory, "env.py")):
            state = "has no env.py" if os.path.isdir(directory) else "does not exist"
            raise MigrationError(
                f"migration folder {directory} {state} ({self.migration_dir_key}); "
                f"create it with '{self.hint_command('init')}'"
            )
        return self.alembic_config(skip_empty_revisions=skip_empty_revisions)

    def _run(self, operation: str, action: Callable[[], T]) -> T:
        """Run an Alembic command, turning its failures into one-line MigrationErrors."""
        from alembic.util import AutogenerateDiffsDetected, CommandError

        where = f"database {self.db.db_name!r}"
        try:
            return action()
        except DatabaseExtensionError:
            raise
        except AutogenerateDiffsDetected as exc:
            diffs = getattr(exc, "diffs", None) or []
            summary = describe_diffs(diffs) if diffs else one_line(str(exc))
            raise ModelsOutOfSyncError(
                f"{where}: the models differ from the migrations ({summary}); "
                f"write a migration with '{self.hint_command('migrate')}'"
            ) from exc
        except CommandError as exc:
            message = one_line(str(exc))
            raise MigrationError(
                f"{where}: {operation} failed: {message}{self._hint_for(message)}"
            ) from exc
        except SQLAlchemyError as exc:
            url = self.settings().url
            raise MigrationError(
                f"{where} ({describe_target(url)}): {operation} failed: {failure_reason(exc)}"
            ) from exc

    def _hint_for(self, message: str) -> str:
        """The fix for Alembic's commonest complaints, named with this instance's commands."""
        if "not up to date" in message:
            return f" (apply the migrations with '{self.hint_command('upgrade')}' first)"
        if "Multiple head revisions" in message or "multiple heads" in message.lower():
            return (
                f" (see '{self.hint_command('heads')}'; join them with "
                f"'{self.hint_command('merge')}', or pass --revision heads)"
            )
        if "didn't produce" in message or "is not a valid downgrade target" in message:
            return (
                " (fewer migrations are applied than that; see "
                f"'{self.hint_command('history')} --indicate-current')"
            )
        if "Can't locate revision" in message or "No such revision" in message:
            return f" (see '{self.hint_command('history')}' for the known revisions)"
        return ""

    def __repr__(self) -> str:
        return f"<Migrate {self.db.db_name!r} command_prefix={self.command_prefix!r}>"


def _is_missing_sqlite_file(url: Any) -> bool:
    """A file-based SQLite URL whose file does not exist (relative paths: to the cwd)."""
    if url.get_backend_name() != "sqlite" or url.query.get("uri"):
        return False
    database = url.database or ""
    return database not in ("", ":memory:") and not os.path.exists(database)
