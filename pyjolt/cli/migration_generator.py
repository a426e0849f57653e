"""``pyjolt generate migration NAME``: a new migration after the current head.

Empty (to fill in by hand: data changes, indexes, SQL the models do not describe),
rendered from the same template as the generators' migrations, or with
``--autogenerate`` written by Alembic from the differences between the models and the
database, as ``pyjolt db migrate`` does. Either way the migration follows the single
head; several heads are a conflict (exit 3) to merge first.

It is not a generator kind: a migration joins the database's history, so nothing is
wired, nothing goes into the journal, and ``destroy`` has nothing to undo (delete the
file while no database has applied it, or write another migration).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from . import console
from .errors import CliError, ConflictError, UsageError
from .kinds.base import TemplateAnswers
from .migrations import migrations_dir, read_revisions, single_head, versions_folder
from .project import Project, find_project

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def migration_slug(name: str) -> str:
    """``AddIndexToNotes``, ``add index to notes`` -> ``add_index_to_notes``."""
    slug = _NOT_SLUG.sub("_", _WORD_BOUNDARY.sub("_", name.strip()).lower()).strip("_")
    if not slug:
        raise UsageError(
            f"migration name {name!r} has no letters or digits",
            hint='describe the change, e.g. pyjolt generate migration "add index to notes"',
        )
    return slug[:60].rstrip("_")


@dataclass(frozen=True)
class EmptyMigrationAnswers(TemplateAnswers):
    """Answers of ``project_templates/migration`` for a migration with empty bodies."""

    template: ClassVar[str] = "migration"
    migrations_dir: str  # relative to the project root
    revision: str
    down_revision: str
    message: str
    slug: str

    @property
    def path(self) -> str:
        return f"{self.migrations_dir}/versions/{self.revision}_{self.slug}.py"

    @property
    def files(self) -> tuple[str, ...]:
        return (self.path,)

    def to_data(self) -> dict[str, Any]:
        return {
            "migrations_dir": self.migrations_dir,
            "revision": self.revision,
            "down_revision": self.down_revision,
            "operation": "empty",
            "message": self.message,
            "slug": self.slug,
            "table_name": "",
            "fields": [],
        }


def _versions(project: Project) -> Path:
    versions = versions_folder(project, warn=False)
    if versions is None:
        folder = project.relative(migrations_dir(project))
        raise CliError(
            f"no migration folder at {folder}",
            hint="create it with 'pyjolt db init'",
        )
    return versions


def _refuse_a_taken_name(project: Project, versions: Path, slug: str) -> None:
    for path in sorted(versions.glob(f"*_{slug}.py")):
        raise ConflictError(
            f"a migration named {slug!r} exists already ({project.relative(path)}); "
            "nothing was written",
            hint="choose a name that says what this change does",
        )


def generate_migration(
    name: str,
    autogenerate: bool = False,
    dry_run: bool = False,
    database: str | None = None,
    app_spec: str | None = None,
) -> None:
    """Write the migration; print where it is and which revision it follows."""
    if autogenerate and dry_run:
        raise UsageError(
            "--dry-run cannot be combined with --autogenerate",
            hint="'pyjolt db check' shows whether the models differ from the migrations",
        )
    slug = migration_slug(name)
    project = find_project(app_spec)
    versions = _versions(project)
    revisions = read_revisions(versions)
    head = single_head(project, revisions, versions)  # several heads: exit 3
    _refuse_a_taken_name(project, versions, slug)
    if autogenerate:
        _autogenerate(project, name.strip(), database, app_spec)
        return
    answers = EmptyMigrationAnswers(
        project.relative(versions.parent), uuid.uuid4().hex[:12], head, name.strip(), slug
    )
    follows = f"after {head}" if head else "as the first migration"
    if dry_run:
        console.action("would create", "green", answers.path)
        console.info(f"[dim]dry run: nothing was written ({follows})[/dim]")
        return
    from .files import Transaction
    from .templates import render_to_memory

    first_party = project.app_module.split(".")[0]
    for rendered in render_to_memory(
        [(answers.template, answers.to_data())], project.root, first_party
    ):
        Transaction().write(project.root / rendered.path, rendered.data, rendered.mode)
    console.action("create", "green", answers.path)
    console.success(
        f"wrote migration {answers.revision} {follows}: fill in upgrade() and downgrade(), "
        "then apply it with 'pyjolt db upgrade'"
    )


def _autogenerate(
    project: Project, message: str, database: str | None, app_spec: str | None
) -> None:
    """Alembic's autogenerate through the app's Migrate, as ``pyjolt db migrate`` runs it."""
    from .db import find_migrate, find_migrate_for_folder, migrate_operation
    from .db_commands import shown_path
    from .project import load_application

    application = load_application(project, build=False)
    if database is None:
        migrate = find_migrate_for_folder(application.extensions, migrations_dir(project).resolve())
    else:
        migrate = find_migrate(application.extensions, database)
    with migrate_operation(migrate, application.extensions):
        path = migrate.migrate(message)
    if path is None:
        console.success(
            f"no changes in the models of database {migrate.db.db_name!r}; no migration written"
        )
        return
    console.success(f"wrote migration {shown_path(path)}: review it, then 'pyjolt db upgrade'")
