"""The database commands, one table for ``pyjolt db NAME`` and ``python cli.py db-NAME``.

Each :class:`DbCommand` names a command, its parameters and the Migrate method it
calls. Both front ends build their typer commands from :data:`DB_COMMANDS` with
:func:`make_callback`, so the arguments are the same in both spellings (a revision as
an argument or ``--revision``/``-r``, ``--message``/``-m``, ``--verbose``,
``--indicate-current``, ``--yes``), and both run a command inside
:func:`alembic_progress`. The front ends differ only in how they find the Migrate and
where the result line goes.

This module imports nothing heavy (typer only inside :func:`make_callback`): the
``pyjolt`` command builds its ``--help`` from it, and the Migrate is passed in.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

if TYPE_CHECKING:
    import logging

    from pyjolt.database.migrate import Migrate


@dataclass(frozen=True)
class DbParam:
    """One parameter of a db command; ``positional`` also takes it as an argument."""

    name: str
    help: str
    flags: tuple[str, ...]
    default: str | bool | None
    positional: bool = False


@dataclass(frozen=True)
class DbCommand:
    """One database command: ``pyjolt db {name}`` and ``python cli.py {prefix}db-{name}``."""

    name: str
    help: str
    run: Callable[[Migrate, dict[str, Any]], str | None]  # returns the line to print
    params: tuple[DbParam, ...] = ()
    examples: tuple[str, ...] = ("",)


def _revision(default: str, help: str) -> DbParam:
    return DbParam("revision", help, ("--revision", "-r"), default, positional=True)


MESSAGE = DbParam("message", "What the migration does.", ("--message", "-m"), None)
VERBOSE = DbParam("verbose", "More detail.", ("--verbose",), False)
INDICATE_CURRENT = DbParam(
    "indicate_current", "Mark the revision the database is at.", ("--indicate-current",), False
)
YES = DbParam(
    "yes", "Do not ask for confirmation (needed without a terminal).", ("--yes", "-y"), False
)


def shown_path(path: str) -> str:
    """``path`` relative to the working directory when it is below it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _database(migrate: Migrate) -> str:
    return repr(migrate.db.db_name)


def _init(migrate: Migrate, args: dict[str, Any]) -> str:
    directory = migrate.init()
    return f"Created migration folder {shown_path(directory)} for database {_database(migrate)}."


def _migrate(migrate: Migrate, args: dict[str, Any]) -> str:
    path = migrate.migrate(args["message"] or None)
    if path is None:
        return f"No changes in the models of database {_database(migrate)}; no migration written."
    return f"Wrote migration {shown_path(path)}."


def _merge(migrate: Migrate, args: dict[str, Any]) -> str:
    path = migrate.merge(args["message"] or None)
    if path is None:
        return f"Database {_database(migrate)} has one head; nothing to merge."
    return f"Wrote merge migration {shown_path(path)}."


def _upgrade(migrate: Migrate, args: dict[str, Any]) -> str:
    migrate.upgrade(args["revision"])
    return f"Database {_database(migrate)} upgraded to {args['revision']}."


def _downgrade(migrate: Migrate, args: dict[str, Any]) -> str:
    revision = args["revision"]
    migrate.downgrade(revision)
    if revision.startswith("-"):
        return f"Database {_database(migrate)} downgraded by {revision[1:]} revision(s)."
    return f"Database {_database(migrate)} downgraded to {revision}."


def _stamp(migrate: Migrate, args: dict[str, Any]) -> str:
    migrate.stamp(args["revision"])
    return f"Database {_database(migrate)} stamped at {args['revision']}."


def _history(migrate: Migrate, args: dict[str, Any]) -> None:
    migrate.history(verbose=args["verbose"], indicate_current=args["indicate_current"])


def _current(migrate: Migrate, args: dict[str, Any]) -> None:
    migrate.current(verbose=args["verbose"])


def _heads(migrate: Migrate, args: dict[str, Any]) -> None:
    migrate.heads(verbose=args["verbose"])


def _show(migrate: Migrate, args: dict[str, Any]) -> None:
    migrate.show(args["revision"])


def _check(migrate: Migrate, args: dict[str, Any]) -> str:
    migrate.check()
    return f"The models of database {_database(migrate)} match its migrations."


def _target(migrate: Migrate) -> str:
    """Where the database is, for messages: ``'shop' (host 127.0.0.1:5432)``."""
    from pyjolt.database.connection import describe_target

    url = migrate.db.database_url()
    if url.get_backend_name() == "sqlite":
        return f"SQLite database {shown_path(str(url.database))}"
    return f"database {url.database!r} ({describe_target(url._replace(database=None))})"


def _create(migrate: Migrate, args: dict[str, Any]) -> str:
    from pyjolt.database.lifecycle import create_database
    from pyjolt.database.migrate.environment import run_coroutine

    if run_coroutine(create_database(migrate.db.database_url())):
        return f"Created {_target(migrate)}."
    return f"The {_target(migrate)} already exists; nothing to do."


def confirm_destruction(args: dict[str, Any], question: str, refusal: str) -> None:
    """Ask ``question`` on the terminal unless ``--yes`` was given; refuse without one.

    Without a terminal (CI, pipes) there is nobody to ask, so the command stops with
    exit 2 unless ``--yes`` says the destruction is intended.
    """
    from pyjolt.database.errors import CommandCancelledError, ConfirmationRequiredError

    if args["yes"]:
        return
    if sys.stdin is None or not sys.stdin.isatty():
        raise ConfirmationRequiredError(
            f"{refusal}: no terminal to confirm on; pass --yes if that is what you want"
        )
    import typer

    if not typer.confirm(question, default=False):
        raise CommandCancelledError("cancelled; nothing was changed")


def _drop(migrate: Migrate, args: dict[str, Any]) -> str:
    from pyjolt.database.lifecycle import drop_database
    from pyjolt.database.migrate.environment import run_coroutine

    target = _target(migrate)
    confirm_destruction(
        args, f"Drop the {target} and everything in it?", f"not dropping the {target}"
    )
    if run_coroutine(drop_database(migrate.db.database_url())):
        return f"Dropped the {target}."
    return f"The {target} does not exist; nothing to do."


def _seed_line(migrate: Migrate) -> str:
    from pyjolt.database.migrate.environment import run_coroutine
    from pyjolt.database.seeding import run_seed

    result = run_coroutine(run_seed(migrate.db))
    rows = f"{result.added} new row(s)" if result.added else "no new rows"
    return f"Seeded database {_database(migrate)} with {result.target}: {rows}."


def _seed(migrate: Migrate, args: dict[str, Any]) -> str:
    return _seed_line(migrate)


def _reset(migrate: Migrate, args: dict[str, Any]) -> str:
    from pyjolt.database.lifecycle import create_database, drop_database
    from pyjolt.database.migrate.environment import run_coroutine
    from pyjolt.database.seeding import SeedsNotFoundError, load_seed, seed_target

    target = _target(migrate)
    confirm_destruction(
        args,
        f"Drop the {target} and build it again from the migrations and seeds?",
        f"not resetting the {target}",
    )
    try:
        load_seed(migrate.db)
        seeds = True
    except SeedsNotFoundError:
        if seed_target(migrate.db)[1]:
            raise  # configured, so it must exist
        seeds = False
    url = migrate.db.database_url()
    run_coroutine(drop_database(url))
    run_coroutine(create_database(url))
    migrate.upgrade("head")
    done = f"Reset the {target}: dropped, created, migrated to head"
    if not seeds:
        return f"{done}; no seeds ({seed_target(migrate.db)[0]} not found)."
    return f"{done}. {_seed_line(migrate)}"


DB_COMMANDS: tuple[DbCommand, ...] = (
    DbCommand("init", "Create the migration folder.", _init),
    DbCommand(
        "migrate",
        "Write a migration from the models (nothing when nothing changed).",
        _migrate,
        (MESSAGE,),
        ('-m "add tags"',),
    ),
    DbCommand(
        "upgrade",
        "Apply migrations up to REVISION (default: head).",
        _upgrade,
        (_revision("head", "Target revision."),),
        ("", "ae10"),
    ),
    DbCommand(
        "downgrade",
        "Revert migrations down to REVISION (default: one step; 'base' for all).",
        _downgrade,
        (_revision("-1", "Target revision."),),
        ("", "base", "--revision ae10"),
    ),
    DbCommand(
        "history",
        "List the migrations, newest first.",
        _history,
        (VERBOSE, INDICATE_CURRENT),
        ("", "--indicate-current"),
    ),
    DbCommand("current", "Show the revision the database is at.", _current, (VERBOSE,)),
    DbCommand("heads", "Show the head revision(s).", _heads, (VERBOSE,)),
    DbCommand(
        "show",
        "Show one migration.",
        _show,
        (_revision("head", "Revision to show."),),
        ("head",),
    ),
    DbCommand(
        "stamp",
        "Record REVISION as applied without running migrations.",
        _stamp,
        (_revision("head", "Revision to record."),),
        ("head",),
    ),
    DbCommand(
        "merge",
        "Write a migration joining several heads into one.",
        _merge,
        (MESSAGE,),
        ('-m "merge heads"',),
    ),
    DbCommand(
        "check",
        "Exit 4 unless the models match the migrations and the database is at the one head.",
        _check,
    ),
    DbCommand(
        "create",
        "Create the database of DATABASE_URI (nothing to do when it exists).",
        _create,
    ),
    DbCommand(
        "drop",
        "Drop the database of DATABASE_URI; asks first unless --yes.",
        _drop,
        (YES,),
        ("", "--yes"),
    ),
    DbCommand(
        "seed",
        "Run the seed function (app/seeds.py: async def seed(session)) and commit once.",
        _seed,
    ),
    DbCommand(
        "reset",
        "Drop, create, migrate to head and seed the database; asks first unless --yes.",
        _reset,
        (YES,),
        ("", "--yes"),
    ),
)


class DbCallback:
    """The typer callback of one db command; it calls ``invoke(args, extra_values)``.

    ``args`` holds each parameter's value (its default when not given); ``extra`` are a
    front end's own parameters (``--database``, ``--app``), handed over as they are.
    typer is imported when the signature is first read (when the CLI is built), so an
    app that registers the commands at start-up does not pay for it.
    """

    def __init__(
        self,
        command: DbCommand,
        invoke: Callable[[dict[str, Any], dict[str, Any]], None],
        extra: Sequence[inspect.Parameter] = (),
    ) -> None:
        self.command = command
        self.invoke = invoke
        self.extra = tuple(extra)
        self.__name__ = self.__qualname__ = f"db_{command.name}"
        self.__doc__ = command.help

    @functools.cached_property
    def __signature__(self) -> inspect.Signature:
        import typer

        keyword = inspect.Parameter.KEYWORD_ONLY
        parameters = []
        for param in self.command.params:
            default_text = f" (default: {param.default})" if isinstance(param.default, str) else ""
            if param.positional:
                argument = typer.Argument(
                    metavar=param.name.upper(),
                    help=f"{param.help}{default_text}",
                    show_default=False,
                )
                parameters.append(
                    inspect.Parameter(
                        f"{param.name}_argument",
                        keyword,
                        default=None,
                        annotation=Annotated[str | None, argument],
                    )
                )
            annotation: Any
            if isinstance(param.default, bool):
                annotation = Annotated[bool, typer.Option(*param.flags, help=param.help)]
                default: Any = param.default
            else:
                option = typer.Option(*param.flags, help=f"{param.help}{default_text}")
                annotation, default = Annotated[str | None, option], None
            parameters.append(
                inspect.Parameter(param.name, keyword, default=default, annotation=annotation)
            )
        return inspect.Signature([*parameters, *self.extra])

    @property
    def __annotations__(self) -> dict[str, Any]:  # type: ignore[override]
        return {p.name: p.annotation for p in self.__signature__.parameters.values()}

    def __call__(self, **values: Any) -> None:
        args: dict[str, Any] = {}
        for param in self.command.params:
            value = values[param.name]
            if param.positional:
                given = values[f"{param.name}_argument"]
                if given is not None and value is not None and given != value:
                    import typer

                    raise typer.BadParameter(
                        f"{param.name} given twice ({given!r} and {param.flags[0]} {value!r})"
                    )
                value = given if given is not None else value
            args[param.name] = param.default if value is None else value
        self.invoke(args, {p.name: values[p.name] for p in self.extra})


PROGRESS_PREFIXES = ("Running ", "Detected ")


def _progress_handler() -> logging.Handler:
    """A handler writing Alembic's progress lines to whatever ``sys.stdout`` is then.

    "Running upgrade a -> b" and "Detected added table 'users'", plus any warning: the
    set-up chatter Alembic logs at INFO ("Context impl SQLiteImpl.") is left out.
    """
    import logging

    class CurrentStdoutHandler(logging.StreamHandler):  # type: ignore[type-arg,unused-ignore]
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno > logging.INFO or record.getMessage().startswith(PROGRESS_PREFIXES):
                self.stream = sys.stdout
                super().emit(record)

    handler = CurrentStdoutHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    return handler


#: Notes MySQL/MariaDB send back on every migration that creates a table: primary keys
#: are always named PRIMARY there, so the name the naming convention gives is ignored.
#: asyncmy logs each server note as a warning; these say nothing to act on.
IGNORED_SERVER_NOTES = ("ignored for PRIMARY key",)


def _drop_harmless_notes(record: logging.LogRecord) -> bool:
    return not any(note in record.getMessage() for note in IGNORED_SERVER_NOTES)


@contextmanager
def alembic_progress() -> Iterator[None]:
    """Show Alembic's progress lines on stdout for one command, then restore logging."""
    import logging

    alembic_logger = logging.getLogger("alembic")
    driver_logger = logging.getLogger("asyncmy")
    handler = _progress_handler()
    level, propagate = alembic_logger.level, alembic_logger.propagate
    alembic_logger.addHandler(handler)
    alembic_logger.setLevel(logging.INFO)
    alembic_logger.propagate = False
    driver_logger.addFilter(_drop_harmless_notes)
    try:
        yield
    finally:
        driver_logger.removeFilter(_drop_harmless_notes)
        alembic_logger.removeHandler(handler)
        alembic_logger.setLevel(level)
        alembic_logger.propagate = propagate
