"""``pyjolt destroy KIND NAME``: undo a generate command using the journal.

Files whose content still has the recorded hash are removed; edited files are kept
with a warning (``--force`` removes them too). The entries the command added to
``configs.py`` are taken out again, and lists it created are deleted, so the file
returns to its earlier text.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from . import console
from .errors import CliError
from .files import Transaction
from .journal import JournalEntry, load_journal, save_journal, sha256_of
from .naming import normalise_name
from .project import Project, find_project
from .wiring import WiringEdit, WiringResult, apply_edits, read_configs

SINGLETON_KINDS = {"auth", "scheduler", "cache"}


def journal_name(kind: str, name: str | None) -> str:
    """The name a generate command recorded for ``kind`` and what the user typed."""
    if kind in SINGLETON_KINDS:
        return kind
    if name is None:
        raise CliError(f"destroy {kind} needs a NAME", hint=f"e.g. pyjolt destroy {kind} users")
    normalised = normalise_name(name, f"{kind} name")
    if kind == "model":
        return normalised.singular.snake
    if kind == "resource":
        return normalised.plural.snake
    return normalised.snake


def _unwire(project: Project, entry: JournalEntry) -> list[tuple[Path, bytes, WiringResult]]:
    by_file: dict[str, list[WiringEdit]] = {}
    created: dict[str, list[str]] = {}
    for wiring in entry.wiring:
        by_file.setdefault(wiring.file, []).append(WiringEdit(wiring.list_name, wiring.entry))
        if wiring.created_list:
            created.setdefault(wiring.file, []).append(wiring.list_name)
    results = []
    for file, edits in by_file.items():
        path = project.root / file
        if not path.exists():
            console.warn(f"{file} no longer exists; nothing to unwire there")
            continue
        before = read_configs(path)
        result = apply_edits(
            before, list(reversed(edits)), file, remove=True, drop_if_empty=created.get(file, ())
        )
        results.append((path, before, result))
    return results


def destroy_generated(
    kind: str,
    name: str | None,
    force: bool = False,
    dry_run: bool = False,
    app_spec: str | None = None,
) -> None:
    project = find_project(app_spec)
    key = journal_name(kind, name)
    journal = load_journal(project.root)
    entry = journal.find(kind, key)
    if entry is None:
        known = ", ".join(f"{e.kind} {e.name}" for e in journal.entries) or "nothing yet"
        raise CliError(
            f"the journal has no {kind} {key!r}; nothing was changed",
            hint=f"destroy undoes what 'pyjolt generate' recorded in .pyjolt/journal.toml "
            f"({known})",
        )
    remove: list[Path] = []
    kept: list[str] = []
    verb = "would remove" if dry_run else "remove"
    for recorded in entry.files:
        path = project.root / recorded.path
        if not path.is_file():
            console.info(f"  [dim]missing[/dim]   {recorded.path} (already gone)")
        elif sha256_of(path.read_bytes()) == recorded.sha256 or force:
            remove.append(path)
            console.info(f"  [red]{verb}[/red]    {recorded.path}")
        else:
            kept.append(recorded.path)
            console.warn(f"{recorded.path} was edited since it was generated; keeping it")
    unwired = _unwire(project, entry)
    for path, _before, result in unwired:
        for message in result.messages:
            console.info(f"  [cyan]unwire[/cyan]    {project.relative(path)}: {message}")
    if dry_run:
        for path, before, result in unwired:
            if result.changed:
                name_ = project.relative(path)
                diff = difflib.unified_diff(
                    before.decode("utf-8", "replace").splitlines(True),
                    result.source.decode("utf-8", "replace").splitlines(True),
                    f"a/{name_}",
                    f"b/{name_}",
                )
                console.out().print("".join(diff), markup=False, end="")
        console.info("[dim]dry run: nothing was changed[/dim]")
        return
    transaction = Transaction()
    try:
        for path in remove:
            transaction.remove(path)
        for path, _before, result in unwired:
            if result.changed:
                transaction.write(path, result.source)
        journal.forget(kind, key)
        save_journal(project.root, journal)
    except BaseException:
        transaction.rollback()
        raise
    summary = f"destroyed {kind} {key}: {len(remove)} file(s) removed"
    if kept:
        summary += f", {len(kept)} edited file(s) kept (--force removes them)"
    console.success(summary)
