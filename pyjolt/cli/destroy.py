"""``pyjolt destroy KIND [NAME]``: undo a generate command using the journal.

Files whose content still has the recorded hash are removed; edited files are kept
with a warning (``--force`` removes them too). The entries the command added to
``configs.py`` are taken out again, and lists it created are deleted, so the file
returns to its earlier text.

Migrations are the database's history. One is deleted only while it is a head no
database has applied (the configured database is asked; when it cannot be, the
migration counts as applied) and no other migration revises. Otherwise it stays, and
destroy writes a new migration dropping its table, so ``pyjolt db upgrade`` and
``pyjolt db check`` keep working after any sequence of generate and destroy. A table that
another generated table still references (``posts.author_id`` -> ``authors``) is not
dropped: destroy stops and names what to destroy first, since dropping it would fail (or
leave rows pointing nowhere). The lists a reference added to the model it points at
(``Author.posts``) are taken out of that model's file again.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from . import console
from .errors import CliError, ConflictError
from .files import Transaction
from .journal import Journal, JournalEntry, load_journal, save_journal, sha256_of
from .kinds.base import Kind, Table
from .migrations import (
    MigrationAnswers,
    Revision,
    applied_closure,
    database_revisions,
    plan_drop,
    read_revisions,
    revised_by,
    table_of,
    versions_folder,
)
from .project import Project, find_project
from .templates import RenderedFile
from .wiring import ConfigEdit, SettingEdit, WiringEdit, WiringResult, apply_edits, read_configs


@dataclass
class _History:
    """The migration folder as destroy sees it; the database is asked at most once."""

    project: Project
    revisions: dict[str, Revision]
    _applied: set[str] | None = None
    _asked: bool = False

    def applied(self) -> set[str] | None:
        if not self._asked:
            current = database_revisions(self.project)
            self._applied = None if current is None else applied_closure(self.revisions, current)
            self._asked = True
        return self._applied

    def why_kept(self, revision: str, leaving: set[str]) -> str | None:
        """Why ``revision`` must stay in the history, or None when it may be deleted."""
        later = [rev for rev in revised_by(self.revisions, revision) if rev not in leaving]
        if later:
            return f"migration {later[0]} revises it"
        applied = self.applied()
        if applied is None:
            return "the database could not be checked"
        if revision in applied:
            return "the database has applied it"
        return None


@dataclass
class DestroyPlan:
    remove: list[Path] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    kept_migrations: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    drop_tables: list[Table] = field(default_factory=list)
    drops: list[MigrationAnswers] = field(default_factory=list)
    drop_files: list[RenderedFile] = field(default_factory=list)
    unwired: list[tuple[Path, bytes, WiringResult]] = field(default_factory=list)
    model_edits: list[tuple[Path, bytes, bytes, list[str]]] = field(default_factory=list)


def _unwire(project: Project, entry: JournalEntry) -> list[tuple[Path, bytes, WiringResult]]:
    by_file: dict[str, list[ConfigEdit]] = {}
    created: dict[str, list[str]] = {}
    for wiring in reversed(entry.wiring):
        by_file.setdefault(wiring.file, []).append(WiringEdit(wiring.list_name, wiring.entry))
        if wiring.created_list:
            created.setdefault(wiring.file, []).append(wiring.list_name)
    for setting in entry.settings:
        by_file.setdefault(setting.file, []).append(SettingEdit(setting.name))
    results = []
    for file, edits in by_file.items():
        path = project.root / file
        if not path.exists():
            console.warn(f"{file} no longer exists; nothing to unwire there")
            continue
        before = read_configs(path)
        result = apply_edits(before, edits, file, remove=True, drop_if_empty=created.get(file, ()))
        results.append((path, before, result))
    return results


def _plan_files(project: Project, entry: JournalEntry, force: bool, plan: DestroyPlan) -> None:
    for recorded in entry.files:
        path = project.root / recorded.path
        if not path.is_file():
            console.action("missing", "dim", f"{recorded.path} (already gone)")
        elif sha256_of(path.read_bytes()) == recorded.sha256 or force:
            plan.remove.append(path)
        else:
            plan.edited.append(recorded.path)


def _plan_migrations(project: Project, entry: JournalEntry, force: bool, plan: DestroyPlan) -> None:
    versions = versions_folder(project, warn=False)
    if versions is None or not entry.migrations:
        return
    history = _History(project, read_revisions(versions))
    leaving: set[str] = set()
    for migration in reversed(entry.migrations):  # newest first: it may free the older
        path = project.root / migration.path
        if not path.is_file():
            console.action("missing", "dim", f"{migration.path} (already gone)")
            continue
        reason = history.why_kept(migration.revision, leaving)
        if reason is None and sha256_of(path.read_bytes()) != migration.sha256 and not force:
            reason = "it was edited since it was generated"
        if reason is None:
            plan.remove.append(path)
            leaving.add(migration.revision)
        else:
            plan.kept_migrations.append((migration.path, reason))
            plan.drop_tables.append(table_of(migration))
    plan.drops = plan_drop(project, plan.drop_tables, leaving)


def _render_drops(project: Project, plan: DestroyPlan) -> None:
    from .templates import render_to_memory

    if plan.drops:
        parts = [(drop.template, drop.to_data()) for drop in plan.drops]
        first_party = project.app_module.split(".")[0]
        plan.drop_files = render_to_memory(parts, project.root, first_party)


def _legacy_migrations(project: Project, entry: JournalEntry) -> None:
    """Entries written before the journal recorded migrations list them as plain files."""
    versions = versions_folder(project, warn=False)
    if versions is None or entry.migrations:
        return
    history = _History(project, read_revisions(versions))
    for recorded in entry.files:
        path = project.root / recorded.path
        match = [rev for rev, info in history.revisions.items() if info.path == path]
        if match and (reason := history.why_kept(match[0], set())) is not None:
            raise ConflictError(
                f"{recorded.path} stays in the migration history ({reason}), and this "
                "journal entry predates the record destroy needs to drop its table; "
                "nothing was changed",
                hint=f"remove the rest by hand, then write the migration with "
                f"'pyjolt db migrate -m \"drop {entry.name}\"'",
            )


def _refuse_referenced_tables(kind: Kind, entry: JournalEntry, journal: Journal) -> None:
    """ConflictError (exit 3) while another entry's table has a foreign key to one of
    this entry's tables: dropping it would fail on the database, or orphan those rows."""
    from .fields import parse_field
    from .kinds import kind_named

    tables = {migration.table for migration in entry.migrations}
    for other in journal.entries:
        if other is entry:
            continue
        for migration in other.migrations:
            for spec in migration.fields:
                field = parse_field(spec)
                if field.reference is not None and field.reference.table in tables:
                    what = kind_named(other.kind).describe(other.name)
                    raise ConflictError(
                        f"table {migration.table} references {field.reference.table} "
                        f"({migration.table}.{field.column}, from {what}), so "
                        f"{kind.describe(entry.name)} cannot be destroyed yet; nothing was "
                        "changed",
                        hint=f"destroy that first: pyjolt destroy {what}",
                    )


def _plan_model_edits(project: Project, entry: JournalEntry, plan: DestroyPlan) -> None:
    """Take the lists this entry added to other models (``Author.posts``) out again."""
    from .model_relations import format_like_project, remove_has_many

    current: dict[Path, bytes] = {}
    for recorded in reversed(entry.model_edits):
        path = project.root / recorded.file
        if path not in current:
            if not path.is_file():
                console.action("missing", "dim", f"{recorded.file} (already gone)")
                continue
            current[path] = path.read_bytes()
        before = current[path]
        result = remove_has_many(before, recorded)
        for message in result.messages:
            if not result.changed:
                console.warn(f"{recorded.file}: {message}")
        if result.changed:
            after = format_like_project(project, before, result.source)
            current[path] = after
            plan.model_edits.append((path, before, after, result.messages))


def _find_entry(kind: Kind, name: str | None, journal: Journal) -> JournalEntry:
    key = kind.journal_key(name)
    entry = journal.find(kind.name, key)
    if entry is None:
        known = ", ".join(f"{e.kind} {e.name}" for e in journal.entries) or "nothing yet"
        raise CliError(
            f"the journal has no {kind.describe(key)}; nothing was changed",
            hint=f"destroy undoes what 'pyjolt generate' recorded in .pyjolt/journal.toml "
            f"({known})",
        )
    return entry


def _print_plan(project: Project, plan: DestroyPlan, dry_run: bool) -> None:
    verb = "would " if dry_run else ""
    for path in plan.remove:
        console.action(f"{verb}remove", "red", project.relative(path))
    for edited in plan.edited:
        console.warn(f"{edited} was edited since it was generated; keeping it")
    for migration_path, reason in plan.kept_migrations:
        console.action("keep", "yellow", f"{migration_path} ({reason})")
    for drop in plan.drop_files:
        console.action(f"{verb}create", "green", drop.path)
    for path, _before, result in plan.unwired:
        for message in result.messages:
            console.action(f"{verb}unwire", "cyan", f"{project.relative(path)}: {message}")
    for path, _before, _after, messages in plan.model_edits:
        for message in messages:
            console.action(f"{verb}edit", "cyan", f"{project.relative(path)}: {message}")


def destroy_generated(
    kind_name: str,
    name: str | None,
    force: bool = False,
    dry_run: bool = False,
    app_spec: str | None = None,
) -> None:
    from .kinds import kind_named

    kind = kind_named(kind_name)
    project = find_project(app_spec)
    journal = load_journal(project.root)
    entry = _find_entry(kind, name, journal)
    _refuse_referenced_tables(kind, entry, journal)
    _legacy_migrations(project, entry)
    plan = DestroyPlan()
    _plan_files(project, entry, force, plan)
    _plan_migrations(project, entry, force, plan)
    _render_drops(project, plan)
    plan.unwired = _unwire(project, entry)
    _plan_model_edits(project, entry, plan)
    _print_plan(project, plan, dry_run)
    if dry_run:
        changes = [(path, before, result.source) for path, before, result in plan.unwired]
        changes += [(path, before, after) for path, before, after, _ in plan.model_edits]
        for path, before, after in changes:
            if before != after:
                name_ = project.relative(path)
                diff = difflib.unified_diff(
                    before.decode("utf-8", "replace").splitlines(True),
                    after.decode("utf-8", "replace").splitlines(True),
                    f"a/{name_}",
                    f"b/{name_}",
                )
                console.out().print("".join(diff), markup=False, end="")
        console.info("[dim]dry run: nothing was changed[/dim]")
        return
    transaction = Transaction()
    try:
        for path in plan.remove:
            transaction.remove(path)
        for drop in plan.drop_files:
            transaction.write(project.root / drop.path, drop.data, drop.mode)
        for path, _before, result in plan.unwired:
            if result.changed:
                transaction.write(path, result.source)
        edited: set[Path] = set()
        for path, _before, after, _messages in reversed(plan.model_edits):
            if path not in edited:  # the last edit of a file holds the earlier ones
                transaction.write(path, after)
                edited.add(path)
        journal.forget(entry.kind, entry.name)
        save_journal(project.root, journal)
    except BaseException:
        transaction.rollback()
        raise
    console.success(_summary(kind, entry, plan))


def _summary(kind: Kind, entry: JournalEntry, plan: DestroyPlan) -> str:
    summary = f"destroyed {kind.describe(entry.name)}: {len(plan.remove)} file(s) removed"
    if plan.edited:
        summary += f", {len(plan.edited)} edited file(s) kept (--force removes them)"
    for drop in plan.drops:
        summary += (
            f"; migration {drop.revision} drops table {drop.table.name} "
            "(apply it with 'pyjolt db upgrade')"
        )
    return summary
