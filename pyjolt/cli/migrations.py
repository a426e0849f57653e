"""Migration files the generators write, and the history they join.

The folder is read from the files (never by importing Alembic): each file in
``versions/`` names its ``revision`` and ``down_revision``; a head is a revision no other
file revises. A generator's migration follows the single head; its revision id is
derived from its parent and its purpose, so rendering the same project twice writes the
same file. ``destroy`` never deletes a migration a database has applied or another
migration revises: it writes a new one that drops the table (see :func:`plan_drop`).
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

from . import console
from .errors import CliError, ConflictError
from .fields import parse_field
from .journal import JournalMigration
from .kinds.base import Table, TemplateAnswers
from .project import Project

MERGE_HINT = 'merge them first: pyjolt db merge -m "merge heads"'


@dataclass(frozen=True)
class Revision:
    path: Path
    down_revisions: tuple[str, ...]


def migrations_dir(project: Project) -> Path:
    """``[tool.pyjolt] migrations`` (relative to the root), else ``<package>/migrations``."""
    configured = project.settings.get("migrations")
    if isinstance(configured, str) and configured:
        return project.root / configured
    return project.package_dir / "migrations"


def _assigned_strings(path: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read migration {path}: {exc}") from exc
    for node in tree.body:
        target = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and target.id in {"revision", "down_revision"}:
            try:
                values[target.id] = ast.literal_eval(value)
            except ValueError:
                values[target.id] = None
    return values


def read_revisions(versions: Path) -> dict[str, Revision]:
    """``{revision: Revision}`` of every migration file in ``versions``."""
    revisions: dict[str, Revision] = {}
    for path in sorted(versions.glob("*.py")):
        values = _assigned_strings(path)
        revision = values.get("revision")
        if not isinstance(revision, str):
            continue
        down = values.get("down_revision")
        downs = (down,) if isinstance(down, str) else tuple(down or ())
        revisions[revision] = Revision(path, downs)
    return revisions


def heads(revisions: dict[str, Revision]) -> list[str]:
    revised = {down for rev in revisions.values() for down in rev.down_revisions}
    return sorted(rev for rev in revisions if rev not in revised)


def revised_by(revisions: dict[str, Revision], revision: str) -> list[str]:
    """The revisions whose ``down_revision`` names ``revision``."""
    return sorted(rev for rev, info in revisions.items() if revision in info.down_revisions)


def applied_closure(revisions: dict[str, Revision], current: set[str]) -> set[str] | None:
    """Every revision at or below the database's ``current`` ones; None if one is unknown."""
    applied: set[str] = set()
    stack = list(current)
    while stack:
        revision = stack.pop()
        if revision in applied:
            continue
        if revision not in revisions:
            return None
        applied.add(revision)
        stack.extend(revisions[revision].down_revisions)
    return applied


def revision_id(down_revision: str, slug: str) -> str:
    # Derived from what the migration does and what it follows, so rendering the same
    # project twice (new-project --force) writes the same file, not a second head.
    return hashlib.sha256(f"{down_revision}:{slug}".encode()).hexdigest()[:12]


@dataclass(frozen=True)
class MigrationAnswers(TemplateAnswers):
    """Answers of ``project_templates/migration``: create or drop one table."""

    template: ClassVar[str] = "migration"
    migrations_dir: str  # relative to the project root
    revision: str
    down_revision: str
    operation: Literal["create", "drop"]
    table: Table

    @property
    def slug(self) -> str:
        return f"{self.operation}_{self.table.name}_table"

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
            "operation": self.operation,
            "message": f"{self.operation} {self.table.name} table".capitalize(),
            "slug": self.slug,
            "table_name": self.table.name,
            "key": self.table.key,
            "fields": [spec.as_data() for spec in self.table.fields],
        }

    def journal(self, sha256: str) -> JournalMigration:
        return JournalMigration(
            self.path,
            sha256,
            self.revision,
            self.down_revision,
            self.table.name,
            [spec.spec for spec in self.table.fields],
            self.table.key,
        )


def versions_folder(project: Project, warn: bool = True) -> Path | None:
    """The ``versions/`` folder, or None (with a warning) when there is no migration folder."""
    folder = migrations_dir(project)
    versions = folder / "versions"
    if (folder / "env.py").is_file() and versions.is_dir():
        return versions
    if warn:
        console.warn(
            f"no migration folder at {project.relative(folder)}: no migration written; "
            "create one with 'pyjolt db init', then write the migration with "
            "'pyjolt db migrate -m \"...\"'"
        )
    return None


def single_head(project: Project, revisions: dict[str, Revision], versions: Path) -> str:
    """The one head the next migration follows ("" when there are none)."""
    current = heads(revisions)
    if len(current) > 1:
        raise ConflictError(
            f"the migrations in {project.relative(versions)} have several heads "
            f"({', '.join(current)}); nothing was written",
            hint=MERGE_HINT,
        )
    return current[0] if current else ""


def plan_create(
    project: Project, table: Table, previous: JournalMigration | None, follows: str | None = None
) -> MigrationAnswers | None:
    """The migration creating ``table``; the one generated before when it still exists.

    ``follows`` is the revision this migration comes after when the same command plans
    several (one per table): they form a chain, not several heads.
    """
    versions = versions_folder(project)
    if versions is None:
        return None
    folder = project.relative(versions.parent)
    if previous is not None and previous.table == table.name:
        path = project.root / previous.path
        if path.is_file():
            return MigrationAnswers(
                folder, previous.revision, previous.down_revision, "create", table
            )
    down = (
        follows if follows is not None else single_head(project, read_revisions(versions), versions)
    )
    return MigrationAnswers(
        folder, revision_id(down, f"create_{table.name}_table"), down, "create", table
    )


def plan_drop(
    project: Project, tables: list[Table], leaving: Collection[str] = ()
) -> list[MigrationAnswers]:
    """Migrations dropping ``tables``, one after the other, after the current head.

    ``leaving`` names revisions the same command deletes: they are not heads to follow.
    """
    versions = versions_folder(project, warn=False)
    if versions is None or not tables:
        return []
    revisions = {rev: info for rev, info in read_revisions(versions).items() if rev not in leaving}
    down = single_head(project, revisions, versions)
    folder = project.relative(versions.parent)
    planned = []
    for table in tables:
        revision = revision_id(down, f"drop_{table.name}_table")
        planned.append(MigrationAnswers(folder, revision, down, "drop", table))
        down = revision
    return planned


def table_of(migration: JournalMigration) -> Table:
    fields = tuple(parse_field(spec) for spec in migration.fields)
    return Table(migration.table, fields, migration.key)


def database_revisions(project: Project) -> set[str] | None:
    """The revisions the configured database records as applied; None when unknown.

    The app is imported (not started) to find its Migrate for this migration folder.
    Anything that stops the check (the app does not import, the database is down) is
    reported and answers None, which callers treat as "applied".
    """
    from .db import find_migrate_for_folder
    from .project import load_application

    folder = migrations_dir(project).resolve()
    try:
        application = load_application(project, build=False)
        migrate = find_migrate_for_folder(application.extensions, folder)
        return set(migrate.current_revisions())
    except Exception as exc:  # reported below, and answered safely
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        console.warn(
            f"cannot read which migrations the database has applied ({message}); "
            "treating them all as applied"
        )
        return None
