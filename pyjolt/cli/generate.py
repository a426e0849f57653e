"""Plan, then write: the common path of every ``pyjolt generate`` command.

A generator is described by a :class:`GenerationRequest` (template, answers, config
lists to wire). :func:`plan_generation` renders the template into a temporary folder,
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
    JournalEntry,
    JournalFile,
    JournalWiring,
    load_journal,
    now,
    save_journal,
    sha256_of,
)
from .project import Project
from .templates import RenderedFile, render_to_memory
from .wiring import WiringEdit, WiringResult, apply_edits, read_configs


@dataclass
class TemplatePart:
    """One template to render with its answers; a command may render several."""

    template: str
    data: dict[str, Any]


@dataclass
class GenerationRequest:
    """What one generate command wants: templates, their answers, and the wiring."""

    kind: str
    name: str
    parts: list[TemplatePart]
    wiring: list[WiringEdit] = field(default_factory=list)
    summary: str = ""


@dataclass
class Plan:
    request: GenerationRequest
    create: list[RenderedFile] = field(default_factory=list)
    overwrite: list[RenderedFile] = field(default_factory=list)
    identical: list[RenderedFile] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # package __init__.py files already there
    configs_path: Path | None = None
    configs_before: bytes = b""
    wiring: WiringResult | None = None

    @property
    def nothing_to_do(self) -> bool:
        return not self.create and not self.overwrite and not (self.wiring and self.wiring.changed)


SHARED_FILE_NAMES = ("__init__.py", "models/base.py")


def is_shared_file(path: str) -> bool:
    """Package ``__init__.py`` files and the models' ``base.py`` serve every generator:
    created when missing, never a conflict, never recorded for ``destroy``."""
    return path.endswith(SHARED_FILE_NAMES)


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


def plan_generation(project: Project, request: GenerationRequest) -> Plan:
    """Render and compare; raise before writing anything if configs.py cannot be edited."""
    plan = Plan(request)
    if request.wiring:
        plan.configs_path = project.configs_path
        plan.configs_before = read_configs(project.configs_path)
        plan.wiring = apply_edits(
            plan.configs_before, request.wiring, project.relative(project.configs_path)
        )
    parts = [(part.template, part.data) for part in request.parts]
    first_party = project.app_module.split(".")[0]
    present = existing_shared_files(project)
    rendered = render_to_memory(parts, project.root, first_party, exclude=present)
    for item in rendered:
        target = project.root / item.path
        if not target.exists():
            plan.create.append(item)
        elif is_shared_file(item.path):
            plan.kept.append(item.path)
        elif target.is_file() and target.read_bytes() == item.data:
            plan.identical.append(item)
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
    from rich.markup import escape

    out = console.err()
    verb = "would " if dry_run else ""
    for rendered in plan.create:
        out.print(f"  [green]{verb}create[/green]    {escape(rendered.path)}")
    for rendered in plan.overwrite:
        if force:
            out.print(f"  [yellow]{verb}overwrite[/yellow] {escape(rendered.path)}")
        else:
            out.print(f"  [red]conflict[/red]  {escape(rendered.path)} (exists and differs)")
    for rendered in plan.identical:
        out.print(f"  [dim]identical[/dim] {escape(rendered.path)}")
    if plan.wiring:
        for message in plan.wiring.messages:
            name = project.relative(plan.configs_path) if plan.configs_path else "configs.py"
            action = "would wire" if dry_run else "wire"
            out.print(f"  [cyan]{action}[/cyan]      {name}: {escape(message)}")


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
    if dry_run:
        diff = configs_diff(plan, project)
        if diff:
            from rich.syntax import Syntax

            console.out().print(Syntax(diff, "diff", theme="ansi_dark", background_color="default"))
        console.info("[dim]dry run: nothing was written[/dim]")
        return False
    if plan.nothing_to_do:
        console.success(
            f"{plan.request.summary or plan.request.kind}: already up to date, no change"
        )
        return False
    transaction = Transaction()
    try:
        for rendered in [*plan.create, *plan.overwrite]:
            transaction.write(project.root / rendered.path, rendered.data, rendered.mode)
        if plan.wiring and plan.wiring.changed and plan.configs_path is not None:
            transaction.write(plan.configs_path, plan.wiring.source)
        _record(project, plan)
    except BaseException:
        transaction.rollback()
        raise
    if not quiet:
        console.success(
            plan.request.summary or f"generated {plan.request.kind} {plan.request.name}"
        )
    return True


def _record(project: Project, plan: Plan) -> None:
    """Add (or update) the journal entry of this kind and name."""
    from pyjolt import __version__

    journal = load_journal(project.root)
    previous = journal.find(plan.request.kind, plan.request.name)
    files = {f.path: f for f in (previous.files if previous else [])}
    for rendered in [*plan.create, *plan.overwrite, *plan.identical]:
        if is_shared_file(rendered.path):
            continue
        files[rendered.path] = JournalFile(rendered.path, sha256_of(rendered.data))
    wiring = list(previous.wiring) if previous else []
    if plan.wiring and plan.configs_path is not None:
        configs = project.relative(plan.configs_path)
        known = {(w.list_name, w.entry) for w in wiring}
        added = [
            edit
            for edit, applied in zip(plan.request.wiring, plan.wiring.applied, strict=True)
            if applied
        ]
        for edit in added:
            if (edit.list_name, edit.entry) not in known:
                created = edit.list_name in plan.wiring.created_lists
                wiring.append(JournalWiring(configs, edit.list_name, edit.entry, created))
    journal.record(
        JournalEntry(
            kind=plan.request.kind,
            name=plan.request.name,
            template_version=__version__,
            created_at=previous.created_at if previous else now(),
            files=list(files.values()),
            wiring=wiring,
        )
    )
    save_journal(project.root, journal)
