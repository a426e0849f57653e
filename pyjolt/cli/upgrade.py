"""``pyjolt upgrade``: bring a project up to the current version of the project template.

copier's update does the merge: it renders the template version the project was made
from and the current one with the project's answers, and applies the project's own
changes (the difference between the first render and the project) onto the second.
copier needs the template in git, with both versions as commits; PyJolt ships them as
folders (see template_versions), so both are committed to a throwaway repository.

Nothing of the project is touched until the end: the update runs on a copy (its files
as git lists them, uncommitted changes included with ``--force``), then the files that
changed are written back. So ``--dry-run`` is exact (copier's own ``pretend`` still
applies the patch to the project), and a failure leaves the project as it was. copier's
update exits 0 even when conflict markers were left behind; here every such file, and
every ``.rej`` file, is listed and the command exits 3.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import console
from .errors import CliError, ConflictError
from .new_project import ANSWERS_FILE, fix_answers_file
from .project import find_project
from .runtime import runtime_available
from .template_versions import FIRST_VERSION, current_version, template_of
from .templates import package_reference

#: Tags of the two versions in the throwaway template repository (PEP 440, increasing).
OLD_TAG, NEW_TAG = "1.0.0", "2.0.0"
CONFLICT_MARKERS = (b"<<<<<<< ", b">>>>>>> ")
DEFAULT_SECRET = "change-me-to-a-long-random-string-of-64-characters-or-more-0000"
_GIT_IDENTITY = ("-c", "user.name=PyJolt upgrade", "-c", "user.email=upgrade@pyjolt.invalid")


@dataclass
class UpgradePlan:
    """What the update changed, relative to the project's files."""

    updated: dict[str, bytes] = field(default_factory=dict)
    created: dict[str, bytes] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)
    modes: dict[str, int] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.updated or self.created or self.deleted)


def run_upgrade(app_spec: str | None, dry_run: bool, force: bool) -> None:
    project = find_project(app_spec)
    root = project.root
    answers = _read_answers(root)
    old, new = str(answers.get("_commit") or FIRST_VERSION), current_version()
    if old == new:
        console.success(f"the project is at project template version {new}; nothing to do")
        return
    files = _project_files(root, force)
    plan = _plan(root, files, answers, old, new)
    label = f"template version {old} -> {new}"
    if dry_run:
        _print_plan(root, plan, label)
        if plan.conflicts:
            raise ConflictError(
                f"upgrading would leave conflicts in {', '.join(plan.conflicts)}; "
                "nothing was written",
                hint="run without --dry-run, then resolve the <<<<<<< markers",
            )
        return
    _write(root, plan)
    if plan.conflicts:
        raise ConflictError(
            f"upgraded ({label}) with conflicts in {len(plan.conflicts)} file(s): "
            + ", ".join(plan.conflicts),
            hint="resolve the <<<<<<< / >>>>>>> markers (and any .rej file), then commit; "
            "`git checkout -- .` undoes the upgrade",
        )
    changed = len(plan.updated) + len(plan.created) + len(plan.deleted)
    console.success(f"upgraded the project ({label}): {changed} file(s) changed; review and commit")


# --- reading the project ------------------------------------------------------------------


def _read_answers(root: Path) -> dict[str, Any]:
    import yaml

    path = root / ANSWERS_FILE
    if not path.is_file():
        raise CliError(
            f"{ANSWERS_FILE} is missing in {root}: pyjolt upgrade works on projects made by "
            "'pyjolt new-project'"
        )
    answers = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    source = answers.get("_src_path")
    if source != package_reference("project"):
        raise CliError(
            f"{ANSWERS_FILE}: the project was made from the template {source!r}, "
            f"not PyJolt's ({package_reference('project')})",
            hint="update it with that template's own tools (copier update)",
        )
    return dict(answers)


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(
            ["git", *_GIT_IDENTITY, *args],
            cwd=root,
            input=stdin,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise CliError("pyjolt upgrade needs git, which is not installed") from None
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise CliError(f"git {' '.join(args)} failed in {root}: {message}")
    return result.stdout


def _project_files(root: Path, force: bool) -> list[str]:
    """The project's files as git sees them (tracked, and untracked but not ignored)."""
    inside = subprocess.run(
        ["git", "rev-parse", "--is-inside-work-tree"], cwd=root, capture_output=True, check=False
    )
    if inside.returncode != 0:
        raise CliError(
            f"{root} is not in a git repository: an upgrade must be reviewable and undoable",
            hint="git init && git add -A && git commit -m 'before upgrade'",
        )
    status = _git(root, "status", "--porcelain", "--untracked-files=all", "--", ".")
    dirty = [line[3:] for line in status.decode(errors="replace").splitlines() if line.strip()]
    if dirty and not force:
        shown = ", ".join(dirty[:10]) + (f" and {len(dirty) - 10} more" if len(dirty) > 10 else "")
        raise ConflictError(
            f"the project has uncommitted changes ({shown}); nothing was written",
            hint="commit or stash them first, or pass --force to upgrade them as they are",
        )
    listed = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return sorted(
        {name for name in listed.decode().split("\0") if name and (root / name).is_file()}
    )


def _secret_key(root: Path) -> str:
    """The SECRET_KEY literal of app/configs.py, which the template wrote there."""
    path = root / "app" / "configs.py"
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return DEFAULT_SECRET
    for node in ast.walk(tree):
        target: ast.expr | None = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        value = getattr(node, "value", None)
        if (
            isinstance(target, ast.Name)
            and target.id == "SECRET_KEY"
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
        ):
            return value.value
    return DEFAULT_SECRET


def _recorded_pyjolt_version(root: Path, answers: dict[str, Any]) -> str:
    """The PyJolt version the project was rendered with (its pyproject's requirement)."""
    recorded = answers.get("pyjolt_version")
    if recorded:
        return str(recorded)
    try:
        text = (root / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        text = ""
    found = re.search(r"""["']pyjolt>=([^"',;\s]+)""", text)
    return found.group(1) if found else "0.1.0"


def _hidden_answers(root: Path, answers: dict[str, Any], pyjolt_version: str) -> dict[str, Any]:
    """The answers new-project computes instead of asking (copier does not record them)."""
    return {
        "has_database": "database" in answers,
        "has_auth_runtime": runtime_available("auth"),
        "has_scheduler_runtime": runtime_available("task_manager"),
        "has_cache_runtime": runtime_available("caching"),
        "secret_key": _secret_key(root),
        "pyjolt_version": pyjolt_version,
    }


# --- the update, on copies ----------------------------------------------------------------


def _plan(root: Path, files: list[str], answers: dict[str, Any], old: str, new: str) -> UpgradePlan:
    from pyjolt import __version__

    old_hidden = _hidden_answers(root, answers, _recorded_pyjolt_version(root, answers))
    new_hidden = _hidden_answers(root, answers, __version__)
    with tempfile.TemporaryDirectory(prefix="pyjolt-upgrade-") as tmp:
        templates = Path(tmp) / "template"
        unhidden = _template_repository(templates, template_of(old), template_of(new))
        copy = Path(tmp) / "project"
        _copy_project(root, files, copy)
        recorded = {
            key: value
            for key, value in answers.items()
            if not key.startswith("_") and key not in new_hidden
        }
        _write_answers(
            copy, {**recorded, **old_hidden, "_src_path": str(templates), "_commit": OLD_TAG}
        )
        _git(copy, "init", "-q")
        _git(copy, "add", "-A")
        _git(copy, "commit", "-q", "--no-verify", "--no-gpg-sign", "-m", "project before upgrade")
        _copier_update(copy, new_hidden)
        _drop_answers(copy, unhidden)
        fix_answers_file(copy, __version__)
        return _compare(root, files, copy)


def _template_repository(folder: Path, old: Path, new: Path) -> set[str]:
    """A git repository whose tags OLD_TAG and NEW_TAG hold the two template versions.

    Returns the names of the questions made ordinary (see :func:`_unhide_questions`).
    """
    folder.mkdir()
    _git(folder, "init", "-q")
    unhidden: set[str] = set()
    for source, tag in ((old, OLD_TAG), (new, NEW_TAG)):
        for entry in folder.iterdir():
            if entry.name != ".git":
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        unhidden |= _unhide_questions(source / "copier.yml", folder / "copier.yml")
        shutil.copytree(source / "template", folder / "template")
        _git(folder, "add", "-A")
        _git(folder, "commit", "-q", "--allow-empty", "--no-verify", "--no-gpg-sign", "-m", tag)
        _git(folder, "tag", tag)
    return unhidden


def _unhide_questions(source: Path, target: Path) -> set[str]:
    """Copy copier.yml with its ``when: false`` questions made ordinary; their names.

    new-project passes those answers (has_database, secret_key...) instead of asking. For
    its three-way merge copier renders the new version a second time without the answers
    of ``when: false`` questions, which would take the database out of configs.py in
    every conflicting file; as ordinary questions (answered by ``data``, never asked)
    they reach every render.
    """
    import yaml

    config = yaml.safe_load(source.read_text(encoding="utf-8"))
    unhidden = set()
    for name, question in config.items():
        if isinstance(question, dict) and question.get("when") is False:
            del question["when"]
            unhidden.add(name)
    target.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return unhidden


def _copy_project(root: Path, files: list[str], copy: Path) -> None:
    for name in files:
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)


def _write_answers(root: Path, answers: dict[str, Any]) -> None:
    import yaml

    text = yaml.safe_dump(answers, sort_keys=True, default_flow_style=False)
    (root / ANSWERS_FILE).write_text(text, encoding="utf-8")


def _drop_answers(root: Path, names: set[str]) -> None:
    """Take the answers of unhidden questions out of the answers file, as new-project does."""
    import yaml

    path = root / ANSWERS_FILE
    text = path.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(True) if line.startswith("#"))
    answers = {k: v for k, v in (yaml.safe_load(text) or {}).items() if k not in names}
    path.write_text(header + yaml.safe_dump(answers, sort_keys=True), encoding="utf-8")


def _copier_update(copy: Path, data: dict[str, Any]) -> None:
    import copier
    from copier import errors as copier_errors

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", copier_errors.CopierWarning)
        try:
            copier.run_update(
                copy,
                data=data,
                defaults=True,
                overwrite=True,
                quiet=True,
                unsafe=False,
                skip_tasks=True,
                vcs_ref=NEW_TAG,
                conflict="inline",
            )
        except copier_errors.CopierError as exc:
            raise CliError(f"copier could not update the project: {exc}") from exc


def _compare(root: Path, files: list[str], copy: Path) -> UpgradePlan:
    plan = UpgradePlan()
    after: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(copy):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for filename in filenames:
            path = Path(dirpath) / filename
            after[path.relative_to(copy).as_posix()] = path
    before = set(files)
    for name, path in sorted(after.items()):
        data = path.read_bytes()
        plan.modes[name] = path.stat().st_mode & 0o777
        if name not in before:
            plan.created[name] = data
        elif data != (root / name).read_bytes():
            plan.updated[name] = data
        if name.endswith(".rej") or _has_markers(data):
            plan.conflicts.append(name)
    plan.deleted = sorted(before - set(after))
    return plan


def _has_markers(data: bytes) -> bool:
    starts = {line[:8] for line in data.splitlines()}
    return all(marker in starts for marker in CONFLICT_MARKERS)


# --- writing and showing ------------------------------------------------------------------


def _write(root: Path, plan: UpgradePlan) -> None:
    for name, data in {**plan.updated, **plan.created}.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.pyjolt-upgrade")
        temporary.write_bytes(data)
        os.chmod(temporary, plan.modes.get(name, 0o644))
        os.replace(temporary, target)
    for name in plan.deleted:
        (root / name).unlink(missing_ok=True)
    for name in sorted({**plan.updated, **plan.created}):
        mark = "  conflict " if name in plan.conflicts else ""
        console.action("updated" if name in plan.updated else "created", "green", name + mark)
    for name in plan.deleted:
        console.action("deleted", "red", name)


def _print_plan(root: Path, plan: UpgradePlan, label: str) -> None:
    if plan.empty:
        console.info(f"upgrading ({label}) would change no file")
        return
    console.info(f"upgrading ({label}) would change:")
    for name in sorted(plan.updated):
        console.action("would update", "yellow", name)
    for name in sorted(plan.created):
        console.action("would create", "green", name)
    for name in plan.deleted:
        console.action("would delete", "red", name)
    for name, data in sorted(plan.updated.items()):
        old = (root / name).read_text(encoding="utf-8", errors="replace").splitlines(True)
        new = data.decode("utf-8", errors="replace").splitlines(True)
        diff = difflib.unified_diff(old, new, f"a/{name}", f"b/{name}")
        console.out().print("".join(diff), markup=False, highlight=False, end="")
