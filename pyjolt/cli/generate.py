"""Plan, then write: the common path of every ``pyjolt generate`` command.

A kind (see :mod:`pyjolt.cli.kinds`) turns what the user typed into a
:class:`~pyjolt.cli.kinds.base.Generation`. :func:`plan_generation` renders its
templates (and the migrations of the tables it creates) into a temporary folder,
compares every file with the project and computes the new ``configs.py`` — all before
anything is written. :func:`apply_plan` then writes the files, the config and the
journal, rolling everything back if one step fails.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import console
from .errors import ConflictError
from .files import Transaction
from .journal import (
    Journal,
    JournalEntry,
    JournalFile,
    JournalSetting,
    JournalWiring,
    load_journal,
    now,
    save_journal,
    sha256_of,
)
from .kinds.base import Generation
from .migrations import MigrationAnswers
from .model_relations import (
    PlannedModelEdit,
    model_edits_diff,
    plan_model_edits,
    with_recorded_edits,
)
from .project import Project, find_project
from .templates import RenderedFile, render_to_memory
from .wiring import SettingEdit, WiringResult, apply_edits, read_configs


@dataclass
class Plan:
    generation: Generation
    create: list[RenderedFile] = field(default_factory=list)
    overwrite: list[RenderedFile] = field(default_factory=list)
    identical: list[RenderedFile] = field(default_factory=list)
    owned: set[str] = field(default_factory=set)  # what the kind's answers declare
    kept: list[str] = field(default_factory=list)  # shared files already there
    migrations: dict[str, MigrationAnswers] = field(default_factory=dict)  # by path
    owned_elsewhere: set[str] = field(default_factory=set)  # identical files of other entries
    notes: list[str] = field(default_factory=list)
    configs_path: Path | None = None
    configs_before: bytes = b""
    wiring: WiringResult | None = None
    model_edits: list[PlannedModelEdit] = field(default_factory=list)
    # Rendered files shown with other entries' model edits: the hash the journal records
    # is of the file without them, which is what destroying those entries gives back.
    unedited: dict[str, bytes] = field(default_factory=dict)

    def is_shared(self, path: str) -> bool:
        """Rendered but not owned (package ``__init__.py``, ``models/base.py``): created
        when missing, never a conflict, never recorded for ``destroy``."""
        return path not in self.owned

    @property
    def nothing_to_do(self) -> bool:
        return (
            not self.create
            and not self.overwrite
            and not (self.wiring and self.wiring.changed)
            and not any(edit.changed for edit in self.model_edits)
        )


def existing_shared_files(project: Project) -> list[str]:
    """Shared files the project already has: not rendered again (each costs copier a
    ``git`` call), and kept as they are."""
    package = project.relative(project.package_dir)
    found: list[Path] = []
    for pattern in (
        f"{package}/**/__init__.py",
        "tests/**/__init__.py",
        f"{package}/models/base.py",
    ):
        found.extend(project.root.glob(pattern))
    return sorted(project.relative(path) for path in found)


def generate(
    kind_name: str,
    name: str | None,
    app_spec: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    **options: Any,
) -> None:
    """``pyjolt generate KIND [NAME] ...``: find the project, plan, then write."""
    from .kinds import kind_named

    kind = kind_named(kind_name)
    kind.check_runtime()
    project = find_project(app_spec)
    generation = kind.build(project, name, **options)
    apply_plan(project, plan_generation(project, generation), force=force, dry_run=dry_run)


def _file_in_the_way(root: Path, relative: str) -> str | None:
    """The first folder of ``relative`` that exists as something other than a folder."""
    parts = Path(relative).parts[:-1]
    for depth in range(1, len(parts) + 1):
        folder = root.joinpath(*parts[:depth])
        if folder.exists() and not folder.is_dir():
            return Path(*parts[:depth]).as_posix()
        if not folder.exists():
            return None
    return None


def _plan_migrations(project: Project, generation: Generation, journal: Journal) -> Plan:
    """The create migrations of the generation's tables; a table another entry's
    migration already creates gets none."""
    from .kinds import kind_named
    from .migrations import plan_create

    plan = Plan(generation)
    previous = journal.find(generation.kind, generation.key)
    follows: str | None = None  # the revision planned just before, for a chain
    for table in generation.parts.tables:
        owner = journal.owner_of_table(table.name)
        if owner is not None and owner[0] is not previous:
            entry, migration = owner
            if (project.root / migration.path).is_file():
                what = kind_named(entry.kind).describe(entry.name)
                plan.notes.append(f"table {table.name} is created by {migration.path} ({what})")
                continue
        earlier = None
        if previous is not None:
            earlier = next((m for m in previous.migrations if m.table == table.name), None)
        answers = plan_create(project, table, earlier, follows)
        if answers is not None:
            plan.migrations[answers.path] = answers
            follows = answers.revision
    return plan


def plan_generation(project: Project, generation: Generation) -> Plan:
    """Render and compare; raise before writing anything if something is in the way."""
    journal = load_journal(project.root)
    plan = _plan_migrations(project, generation, journal)
    plan.model_edits = plan_model_edits(project, generation.parts.model_edits)
    if generation.parts.wiring:
        plan.configs_path = project.configs_path
        plan.configs_before = read_configs(project.configs_path)
        plan.wiring = apply_edits(
            plan.configs_before, generation.parts.wiring, project.relative(project.configs_path)
        )
    answers = [*generation.parts.renders, *plan.migrations.values()]
    plan.owned = {path for item in answers for path in item.files}
    parts = [(item.template, item.to_data()) for item in answers]
    first_party = project.app_module.split(".")[0]
    present = existing_shared_files(project)
    rendered = render_to_memory(parts, project.root, first_party, exclude=present)
    previous = journal.find(generation.kind, generation.key)
    edited = {recorded.file for entry in journal.entries for recorded in entry.model_edits}
    for item in rendered:
        if item.path in edited:
            plan.unedited[item.path] = item.data
            item = with_recorded_edits(project, item, journal, previous)
        blocked = _file_in_the_way(project.root, item.path)
        if blocked is not None:
            raise ConflictError(
                f"{blocked} is a file where {item.path} needs a folder; nothing was written",
                hint=f"move {blocked} out of the way, then run the command again",
            )
        target = project.root / item.path
        if not target.exists():
            plan.create.append(item)
        elif plan.is_shared(item.path):
            plan.kept.append(item.path)
        elif target.is_file() and target.read_bytes() == item.data:
            plan.identical.append(item)
            owner = journal.owner_of_file(item.path)
            if owner is not None and owner is not previous:
                plan.owned_elsewhere.add(item.path)
        else:
            plan.overwrite.append(item)
    return plan


def configs_diff(plan: Plan, project: Project) -> str:
    if not plan.wiring or not plan.wiring.changed or plan.configs_path is None:
        return ""
    name = project.relative(plan.configs_path)
    before = plan.configs_before.decode("utf-8", "replace").splitlines(True)
    after = plan.wiring.source.decode("utf-8", "replace").splitlines(True)
    return "".join(difflib.unified_diff(before, after, f"a/{name}", f"b/{name}"))


def print_plan(plan: Plan, project: Project, force: bool, dry_run: bool) -> None:
    verb = "would " if dry_run else ""
    for rendered in plan.create:
        console.action(f"{verb}create", "green", rendered.path)
    for rendered in plan.overwrite:
        if force:
            console.action(f"{verb}overwrite", "yellow", rendered.path)
        else:
            console.action("conflict", "red", f"{rendered.path} (exists and differs)")
    for rendered in plan.identical:
        console.action("identical", "dim", rendered.path)
    for note in plan.notes:
        console.action("note", "dim", note)
    for planned in plan.model_edits:
        if planned.changed:
            edit = planned.edit
            what = f"{project.relative(planned.path)}: add {edit.model}.{edit.attribute}"
            console.action(f"{verb}edit", "cyan", what)
    if plan.wiring:
        name = project.relative(plan.configs_path) if plan.configs_path else "configs.py"
        for message in plan.wiring.messages:
            console.action(f"{verb}wire", "cyan", f"{name}: {message}")


def _refuse_rewriting_history(project: Project, plan: Plan) -> None:
    """--force never rewrites a migration a database applied or another one revises."""
    from .kinds import kind_named
    from .migrations import (
        applied_closure,
        database_revisions,
        read_revisions,
        revised_by,
        versions_folder,
    )

    rewritten = [plan.migrations[f.path] for f in plan.overwrite if f.path in plan.migrations]
    if not rewritten:
        return
    versions = versions_folder(project, warn=False)
    revisions = read_revisions(versions) if versions else {}
    applied: set[str] | None = None
    checked = False
    for migration in rewritten:
        later = revised_by(revisions, migration.revision)
        if later:
            reason = f"migration {later[0]} revises it"
        else:
            if not checked:
                current, checked = database_revisions(project), True
                applied = None if current is None else applied_closure(revisions, current)
            if applied is not None and migration.revision not in applied:
                continue
            reason = (
                "the database could not be checked"
                if applied is None
                else "the database has applied it"
            )
        table = migration.table.name
        undo = kind_named(plan.generation.kind).describe(plan.generation.key)
        raise ConflictError(
            f"{migration.path} creates table {table} and {reason}, so it is never "
            "rewritten; nothing was written",
            hint=f"to change the table, edit the model, then run 'pyjolt db migrate -m "
            f"\"change {table}\"'; or undo it first with 'pyjolt destroy {undo}' "
            "(which drops the table)",
        )


def apply_plan(
    project: Project,
    plan: Plan,
    force: bool = False,
    dry_run: bool = False,
    quiet: bool = False,
) -> bool:
    """Write the plan (unless ``dry_run``); return True when something changed.

    Conflicting files without ``force`` raise ConflictError (exit 3) before any write.
    """
    if not quiet:
        print_plan(plan, project, force, dry_run)
    if plan.overwrite and not force:
        names = ", ".join(f.path for f in plan.overwrite)
        raise ConflictError(
            f"{len(plan.overwrite)} file(s) already exist and differ: {names}; nothing was written",
            hint="pass --force to overwrite them, or remove them first",
        )
    _refuse_rewriting_history(project, plan)
    if dry_run:
        diff = configs_diff(plan, project) + model_edits_diff(plan.model_edits, project)
        if diff:
            from rich.syntax import Syntax

            console.out().print(Syntax(diff, "diff", theme="ansi_dark", background_color="default"))
        console.info("[dim]dry run: nothing was written[/dim]")
        return False
    if plan.nothing_to_do:
        console.success(f"{plan.generation.summary}: already up to date, no change")
        return False
    transaction = Transaction()
    try:
        for rendered in [*plan.create, *plan.overwrite]:
            transaction.write(project.root / rendered.path, rendered.data, rendered.mode)
        if plan.wiring and plan.wiring.changed and plan.configs_path is not None:
            transaction.write(plan.configs_path, plan.wiring.source)
        edited: set[Path] = set()
        for planned in reversed(plan.model_edits):  # the last edit of a file holds them all
            if planned.changed and planned.path not in edited:
                transaction.write(planned.path, planned.after)
                edited.add(planned.path)
        _record(project, plan)
    except BaseException:
        transaction.rollback()
        raise
    if not quiet:
        written = [path for path in plan.migrations if path in {f.path for f in plan.create}]
        hint = " (apply it with 'pyjolt db upgrade')" if written else ""
        console.success(plan.generation.summary + hint)
    return True


def _record(project: Project, plan: Plan) -> None:
    """Add (or update) the journal entry of this kind and name."""
    from pyjolt import __version__

    generation = plan.generation
    journal = load_journal(project.root)
    previous = journal.find(generation.kind, generation.key)
    files = {f.path: f for f in (previous.files if previous else [])}
    migrations = {m.table: m for m in (previous.migrations if previous else [])}
    for rendered in [*plan.create, *plan.overwrite, *plan.identical]:
        digest = sha256_of(plan.unedited.get(rendered.path, rendered.data))
        if rendered.path in plan.migrations:
            migration = plan.migrations[rendered.path]
            migrations[migration.table.name] = migration.journal(digest)
        elif not plan.is_shared(rendered.path) and rendered.path not in plan.owned_elsewhere:
            files[rendered.path] = JournalFile(rendered.path, digest)
    wiring = list(previous.wiring) if previous else []
    settings = list(previous.settings) if previous else []
    if plan.wiring and plan.configs_path is not None:
        configs = project.relative(plan.configs_path)
        known = {(w.list_name, w.entry) for w in wiring}
        declared = {item.name for item in settings}
        added = [
            edit
            for edit, applied in zip(generation.parts.wiring, plan.wiring.applied, strict=True)
            if applied
        ]
        for edit in added:
            if isinstance(edit, SettingEdit):
                if edit.name not in declared:
                    settings.append(JournalSetting(configs, edit.name))
            elif (edit.list_name, edit.entry) not in known:
                created = edit.list_name in plan.wiring.created_lists
                wiring.append(JournalWiring(configs, edit.list_name, edit.entry, created))
    model_edits = {(m.file, m.attribute): m for m in (previous.model_edits if previous else [])}
    for planned in plan.model_edits:
        if planned.changed:  # one already there before is not this entry's to take out
            key = (planned.edit.path, planned.edit.attribute)
            model_edits[key] = planned.edit.journal(planned.imports)
    journal.record(
        JournalEntry(
            kind=generation.kind,
            name=generation.key,
            template_version=__version__,
            created_at=previous.created_at if previous else now(),
            files=list(files.values()),
            wiring=wiring,
            migrations=list(migrations.values()),
            names=dict(generation.names),
            settings=settings,
            model_edits=list(model_edits.values()),
        )
    )
    save_journal(project.root, journal)
