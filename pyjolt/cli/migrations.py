"""Migration files written by generators: where they go and which revision they follow.

The folder is read from the files (never by importing Alembic or the app): each file in
``versions/`` names its ``revision`` and ``down_revision``; the head is the revision no
other file revises. Re-running a generator reuses the revision of the migration it
wrote before, so the second run finds the file identical.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path
from typing import Any

from . import console
from .errors import CliError
from .project import Project


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


def read_revisions(versions: Path) -> dict[str, tuple[Path, tuple[str, ...]]]:
    """``{revision: (file, down_revisions)}`` of every migration file in ``versions``."""
    revisions: dict[str, tuple[Path, tuple[str, ...]]] = {}
    for path in sorted(versions.glob("*.py")):
        values = _assigned_strings(path)
        revision = values.get("revision")
        if not isinstance(revision, str):
            continue
        down = values.get("down_revision")
        downs = (down,) if isinstance(down, str) else tuple(down or ())
        revisions[revision] = (path, downs)
    return revisions


def heads(revisions: dict[str, tuple[Path, tuple[str, ...]]]) -> list[str]:
    revised = {down for _, downs in revisions.values() for down in downs}
    return sorted(rev for rev in revisions if rev not in revised)


def migration_part(project: Project, model_data: dict[str, Any], message: str) -> Any:
    """A TemplatePart for a migration creating ``model_data``'s table, or None.

    None (with a warning) when the project has no migration folder yet.
    """
    from .generate import TemplatePart

    folder = migrations_dir(project)
    versions = folder / "versions"
    if not (folder / "env.py").is_file() or not versions.is_dir():
        console.warn(
            f"no migration folder at {project.relative(folder)}: no migration written "
            "(run 'pyjolt db init' then 'pyjolt db migrate -m \"...\"')"
        )
        return None
    slug = message.replace(" ", "_")
    revisions = read_revisions(versions)
    existing = [
        (rev, downs) for rev, (path, downs) in revisions.items() if path.name == f"{rev}_{slug}.py"
    ]
    if existing:
        revision, downs = existing[0]
        down_revision = downs[0] if downs else ""
    else:
        current_heads = heads(revisions)
        if len(current_heads) > 1:
            raise CliError(
                f"the migrations in {project.relative(versions)} have several heads "
                f"({', '.join(current_heads)})",
                hint="merge them first (alembic merge), then generate again",
            )
        down_revision = current_heads[0] if current_heads else ""
        # Derived from what the migration does and what it follows, so rendering the same
        # project twice (new-project --force) writes the same file, not a second head.
        revision = hashlib.sha256(f"{down_revision}:{slug}".encode()).hexdigest()[:12]
    return TemplatePart(
        "migration",
        {
            "migrations_dir": project.relative(folder),
            "revision": revision,
            "down_revision": down_revision,
            "message": message.capitalize(),
            "slug": slug,
            "table_name": model_data["table_name"],
            "fields": model_data["fields"],
        },
    )
