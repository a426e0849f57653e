"""``pyjolt db ...``: migrations through the app's Migrate extension (imported lazily)."""

from __future__ import annotations

from typing import Annotated

import typer

from .options import AppOption, DatabaseOption

db_app = typer.Typer(
    help="Database migrations (Alembic) through the app's Migrate extension.",
    no_args_is_help=True,
)


def _db(command: str, app_spec: str | None, database: str | None, **options: object) -> None:
    from .db import run_db_command

    run_db_command(command, app_spec, database, **options)


@db_app.command("init", epilog="Examples:\n\n  pyjolt db init")
def db_init(database: DatabaseOption = None, app_spec: AppOption = None) -> None:
    """Create the migrations folder."""
    _db("init", app_spec, database)


@db_app.command("migrate", epilog='Examples:\n\n  pyjolt db migrate -m "add users"')
def db_migrate(
    message: Annotated[str, typer.Option("--message", "-m", help="Revision message.")] = "",
    database: DatabaseOption = None,
    app_spec: AppOption = None,
) -> None:
    """Autogenerate a revision from the models."""
    _db("migrate", app_spec, database, message=message)


@db_app.command("upgrade", epilog="Examples:\n\n  pyjolt db upgrade\n\n  pyjolt db upgrade ae10")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    database: DatabaseOption = None,
    app_spec: AppOption = None,
) -> None:
    """Apply migrations up to REVISION (default: head)."""
    _db("upgrade", app_spec, database, revision=revision)


@db_app.command("downgrade", epilog="Examples:\n\n  pyjolt db downgrade -1")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "-1",
    database: DatabaseOption = None,
    app_spec: AppOption = None,
) -> None:
    """Revert migrations down to REVISION (default: one step)."""
    _db("downgrade", app_spec, database, revision=revision)


@db_app.command("history", epilog="Examples:\n\n  pyjolt db history")
def db_history(database: DatabaseOption = None, app_spec: AppOption = None) -> None:
    """List revisions, oldest last."""
    _db("history", app_spec, database)


@db_app.command("current", epilog="Examples:\n\n  pyjolt db current")
def db_current(database: DatabaseOption = None, app_spec: AppOption = None) -> None:
    """Show the revision the database is at."""
    _db("current", app_spec, database)


@db_app.command("heads", epilog="Examples:\n\n  pyjolt db heads")
def db_heads(database: DatabaseOption = None, app_spec: AppOption = None) -> None:
    """Show the head revision(s)."""
    _db("heads", app_spec, database)


@db_app.command("show", epilog="Examples:\n\n  pyjolt db show head")
def db_show(
    revision: Annotated[str, typer.Argument(help="Revision to show.")] = "head",
    database: DatabaseOption = None,
    app_spec: AppOption = None,
) -> None:
    """Show one revision."""
    _db("show", app_spec, database, revision=revision)


@db_app.command("stamp", epilog="Examples:\n\n  pyjolt db stamp head")
def db_stamp(
    revision: Annotated[str, typer.Argument(help="Revision to record.")] = "head",
    database: DatabaseOption = None,
    app_spec: AppOption = None,
) -> None:
    """Record REVISION as current without running migrations."""
    _db("stamp", app_spec, database, revision=revision)


@db_app.command("check", epilog="Examples:\n\n  pyjolt db check   # exit 4 when out of date")
def db_check(database: DatabaseOption = None, app_spec: AppOption = None) -> None:
    """Models match migrations, one head, database at head; else exit 4."""
    _db("check", app_spec, database)
