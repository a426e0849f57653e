"""``pyjolt new-project NAME``: render the project template and move it into place.

Everything is built in a temporary folder beside the target — the project template,
the migration folder, the example resource and the chosen extras (through the same
generators as ``pyjolt generate``) — and moved into place only when all of it worked,
so a failure never leaves a half-written project.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Any

from . import console
from .errors import ConflictError, UsageError
from .files import default_folder_mode
from .project import Project
from .runtime import runtime_available
from .templates import package_reference, render, stdin_is_interactive, template_dir

_PROJECT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
ANSWERS_FILE = ".copier-answers.yml"


def parse_data(pairs: list[str]) -> dict[str, Any]:
    """``['key=value', ...]`` -> dict; values are YAML scalars (``true``, ``3``, text)."""
    import yaml

    data: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--data {pair!r} is not key=value", hint="e.g. --data author=Ada")
        try:
            parsed = yaml.safe_load(value) if value else ""
        except yaml.YAMLError:
            parsed = value
        data[key.strip()] = parsed if isinstance(parsed, str | int | float | bool) else value
    return data


def question_names() -> dict[str, bool]:
    """``{question: asked}`` from the project template's copier.yml (asked: not hidden)."""
    import yaml

    config = yaml.safe_load((template_dir("project") / "copier.yml").read_text(encoding="utf-8"))
    return {
        key: value.get("when") is not False if isinstance(value, dict) else True
        for key, value in config.items()
        if not key.startswith("_")
    }


def extras() -> dict[str, tuple[str, ...]]:
    """``{kind: runtime parts it needs}`` of the kinds ``--with`` offers."""
    from .kinds import KINDS

    return {kind.name: kind.runtime for kind in KINDS if kind.extra}


def parse_features(features: str | None) -> list[str]:
    offered = extras()
    chosen = [f.strip() for f in (features or "").split(",") if f.strip()]
    for feature in chosen:
        if feature not in offered:
            raise UsageError(
                f"--with {feature!r} is not an extra", hint=f"choose from {', '.join(offered)}"
            )
        missing = [part for part in offered[feature] if not runtime_available(part)]
        if missing:
            raise UsageError(
                f"--with {feature}: this PyJolt installation has no {', '.join(missing)} support"
            )
    return chosen


# What a generated project installs besides PyJolt's own requirements.
PROJECT_TOOLS = ("hatchling", "pytest", "pytest-asyncio", "ruff")
# PyJolt's extras a project may depend on (new-project --with cache adds redis...).
RUNTIME_EXTRAS = ("cache", "scheduler", "full")


def canonical_name(name: str) -> str:
    """A distribution name as PyPI compares them (PEP 503): ``Py_Jolt`` -> ``py-jolt``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(distribution: str, extras: tuple[str, ...] = ()) -> list[str]:
    from importlib import metadata

    try:
        requires = metadata.distribution(distribution).requires or []
    except metadata.PackageNotFoundError:
        return []
    names = []
    for requirement in requires:
        _, _, marker = requirement.partition(";")
        wanted = re.findall(r"extra\s*==\s*['\"]([^'\"]+)['\"]", marker)
        if wanted and not set(wanted) & set(extras):
            continue
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
        if match:
            names.append(canonical_name(match.group()))
    return names


def project_dependencies() -> set[str]:
    """Every distribution a generated project depends on: PyJolt and what it needs
    (with its runtime extras), installed or not, and the project's own tools."""
    names = {"pyjolt", *PROJECT_TOOLS}
    queue: list[tuple[str, tuple[str, ...]]] = [("pyjolt", RUNTIME_EXTRAS)]
    while queue:
        distribution, extras = queue.pop()
        for name in _requirement_names(distribution, extras):
            if name not in names:
                names.add(name)
                queue.append((name, ()))
    return names


def check_project_name(project_name: str) -> None:
    """UsageError (exit 2) for a name that is unusable or shadows a dependency."""
    if not _PROJECT_NAME.match(project_name):
        raise UsageError(
            f"project name {project_name!r} is not valid",
            hint="use letters, digits, '-' and '_', starting with a letter (e.g. 'shop')",
        )
    if canonical_name(project_name) in project_dependencies():
        raise UsageError(
            f"project name {project_name!r} is the name of a package the project depends "
            "on; installing the project would replace it",
            hint=f"choose another name, e.g. 'my-{project_name}'",
        )


def check_target(target: Path, force: bool) -> None:
    if target.exists() and not target.is_dir():
        raise ConflictError(f"{target} exists and is not a folder; nothing was written")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise ConflictError(
            f"{target} exists and is not empty; nothing was written",
            hint="choose another name, or pass --force to write into it",
        )


def create_project(
    name: str,
    defaults: bool = False,
    data: list[str] | None = None,
    database: str | None = None,
    features: str | None = None,
    force: bool = False,
) -> Path:
    """Create the project ``name`` (a folder name, or a path ending in one)."""
    target = Path(name).expanduser().absolute()
    project_name = target.name
    check_project_name(project_name)
    answers = parse_data(data or [])
    known = question_names()
    unknown = sorted(set(answers) - {k for k, asked in known.items() if asked})
    if unknown:
        asked = ", ".join(k for k, a in known.items() if a and k != "project_name")
        raise UsageError(f"unknown --data key(s): {', '.join(unknown)}", hint=f"known: {asked}")
    chosen = parse_features(features)
    has_database = runtime_available("database")
    if database is not None:
        if not has_database:
            raise UsageError("--database needs the database support (pyjolt.database)")
        answers["database"] = database
    for feature in extras():
        if feature in chosen:
            answers[f"with_{feature}"] = True
        elif features is not None:
            answers[f"with_{feature}"] = False
    check_target(target, force)
    if not target.parent.is_dir():
        raise UsageError(f"folder {target.parent} does not exist")

    from pyjolt import __version__

    answers.update(
        project_name=project_name,
        has_database=has_database,
        has_auth_runtime=runtime_available("auth"),
        has_scheduler_runtime=runtime_available("task_manager"),
        has_cache_runtime=runtime_available("caching"),
        secret_key=secrets.token_urlsafe(48),
        pyjolt_version=__version__,
    )
    interactive = not defaults and stdin_is_interactive()
    staging = Path(tempfile.mkdtemp(prefix=f".{project_name}.pyjolt-", dir=target.parent))
    try:
        # mkdtemp makes the folder 0o700; the project folder is the user's like any other.
        os.chmod(staging, default_folder_mode())
        render("project", staging, answers, interactive=interactive)
        recorded = {**answers, **fix_answers_file(staging, answers["pyjolt_version"])}
        _add_generated_parts(staging, recorded)
        _move_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _print_next_steps(target, recorded)
    return target


def fix_answers_file(root: Path, pyjolt_version: str) -> dict[str, Any]:
    """Point ``_src_path`` at the packaged template, record the template version (as
    ``_commit``) and the PyJolt version rendered with; return the recorded answers.

    Both versions are what ``pyjolt upgrade`` needs to render the project's template
    again exactly as it was.
    """
    import yaml

    from .template_versions import current_version

    path = root / ANSWERS_FILE
    text = path.read_text(encoding="utf-8")
    recorded = yaml.safe_load(text) or {}
    header = "".join(line for line in text.splitlines(True) if line.startswith("#"))
    recorded["_src_path"] = package_reference("project")
    recorded["_commit"] = current_version()
    recorded["pyjolt_version"] = pyjolt_version
    body = yaml.safe_dump(recorded, sort_keys=True, default_flow_style=False)
    path.write_text(header + body, encoding="utf-8")
    return recorded


def _add_generated_parts(root: Path, answers: dict[str, Any]) -> None:
    """Migration folder, example resource and extras, made by the generators."""
    from .generate import apply_plan, plan_generation
    from .kinds import KINDS, kind_named

    project = Project(root, "app:Application", {})
    # Generated one after the other: each migration follows the one written before it.
    wanted: list[tuple[str, str | None, dict[str, Any]]] = []
    if answers.get("has_database"):
        _init_migrations(root / "app" / "migrations")
        wanted.append(("resource", "notes", {"fields": ["title:str", "body:text?"]}))
    wanted += [(kind.name, None, {}) for kind in KINDS if answers.get(f"with_{kind.name}")]
    for kind_name, name, options in wanted:
        generation = kind_named(kind_name).build(project, name, **options)
        apply_plan(project, plan_generation(project, generation), quiet=True)


def _init_migrations(folder: Path) -> None:
    """The Alembic environment PyJolt's ``db init`` writes, copied without the app."""
    from importlib import resources

    from pyjolt.database.migrate.extension import TEMPLATE_FILES

    template = resources.files("pyjolt.database.migrate").joinpath("template")
    (folder / "versions").mkdir(parents=True)
    for name in TEMPLATE_FILES:
        (folder / name).write_bytes(template.joinpath(name).read_bytes())


def _in_the_way(staging: Path, target: Path) -> list[str]:
    """Paths of ``target`` a file and a folder would both need (``--force`` or not)."""
    clashes = []
    for rendered in sorted(staging.rglob("*")):
        relative = rendered.relative_to(staging)
        existing = target / relative
        if existing.is_symlink() or not existing.exists():
            continue
        if existing.is_dir() != rendered.is_dir():
            clashes.append(relative.as_posix())
    return clashes


def _move_into_place(staging: Path, target: Path) -> None:
    if not target.exists():
        os.rename(staging, target)
        return
    # --force into an existing folder: move each rendered entry over what is there,
    # once nothing stands in the way (a file where a folder goes, or the reverse).
    clashes = _in_the_way(staging, target)
    if clashes:
        raise ConflictError(
            f"{target} has {', '.join(clashes)} where the project needs the other kind "
            "(file or folder); nothing was written",
            hint="move them out of the way, then run the command again",
        )
    for entry in sorted(staging.iterdir()):
        destination = target / entry.name
        if destination.is_dir() and entry.is_dir():
            shutil.copytree(entry, destination, dirs_exist_ok=True)
        else:
            if destination.is_dir():
                shutil.rmtree(destination)
            os.replace(entry, destination)
    shutil.rmtree(staging, ignore_errors=True)


def _print_next_steps(target: Path, answers: dict[str, Any]) -> None:
    from rich.markup import escape

    relative = os.path.relpath(target)
    console.success(f"created project {escape(target.name)} in {escape(relative)}")
    steps = [f"cd {relative}"]
    if answers.get("has_database"):
        steps.append("pyjolt db upgrade")
    steps += ["pyjolt dev", "pytest"]
    console.info("next:\n" + "\n".join(f"  [bold]{escape(step)}[/bold]" for step in steps))
