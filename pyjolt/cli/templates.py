"""Locating the copier templates, rendering them (copier for new projects), collecting files.

The templates are ``project_templates/<kind>/`` in the source tree; the wheel carries
them as ``pyjolt/project_templates/``. Rendering always goes to a fresh temporary folder;
callers decide what to move into the project, so a failed render writes nothing.
"""

from __future__ import annotations

import os
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import CliError, UsageError

PACKAGE_REFERENCE_PREFIX = "pyjolt:project_templates/"


def templates_root() -> Path:
    """The folder holding one copier template per kind."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "project_templates", package_dir.parent / "project_templates"):
        if (candidate / "project" / "copier.yml").is_file():
            return candidate
    raise CliError(
        "the PyJolt project templates are missing from this installation",
        hint='reinstall PyJolt: pip install --force-reinstall "pyjolt"',
    )


def template_dir(kind: str) -> Path:
    path = templates_root() / kind
    if not (path / "copier.yml").is_file():
        raise CliError(f"no template for {kind!r} in {templates_root()}")
    return path


def package_reference(kind: str) -> str:
    """How ``.copier-answers.yml`` names a template: independent of where things live."""
    return f"{PACKAGE_REFERENCE_PREFIX}{kind}"


def resolve_reference(reference: str) -> Path:
    """The template folder for a package reference (or a plain path) from an answers file."""
    if reference.startswith(PACKAGE_REFERENCE_PREFIX):
        return template_dir(reference.removeprefix(PACKAGE_REFERENCE_PREFIX))
    return Path(reference)


def stdin_is_interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty() and sys.stdout.isatty()


@dataclass
class RenderedFile:
    path: str  # relative, POSIX separators
    data: bytes
    mode: int


def collect_files(folder: Path) -> list[RenderedFile]:
    files = []
    for dirpath, _dirnames, filenames in os.walk(folder):
        for filename in sorted(filenames):
            full = Path(dirpath) / filename
            rel = full.relative_to(folder).as_posix()
            files.append(RenderedFile(rel, full.read_bytes(), full.stat().st_mode & 0o777))
    return sorted(files, key=lambda f: f.path)


def render(
    kind: str,
    destination: Path,
    data: dict[str, Any],
    interactive: bool = False,
    exclude: list[str] | None = None,
) -> None:
    """Render template ``kind`` with ``data`` into ``destination`` (an empty folder).

    Without ``interactive`` every question not in ``data`` takes its default; a required
    question without a default is a UsageError naming it.
    """
    import copier
    from copier import errors as copier_errors

    source = template_dir(kind)
    with warnings.catch_warnings():
        # The templates live inside PyJolt's own (possibly uncommitted) checkout.
        warnings.simplefilter("ignore", copier_errors.CopierWarning)
        try:
            copier.run_copy(
                str(source),
                destination,
                data=data,
                defaults=not interactive,
                overwrite=True,
                quiet=True,
                unsafe=False,
                skip_tasks=True,
                cleanup_on_error=False,
                exclude=exclude or (),
            )
        except copier_errors.CopierAnswersInterrupt:
            raise CliError("cancelled; nothing was written") from None
        except copier_errors.InteractiveSessionError as exc:
            raise UsageError(
                f"{exc}", hint="pass --defaults, or the answers with --data key=value"
            ) from None
        except ValueError as exc:
            message = str(exc)
            if "is required" in message:
                raise UsageError(message, hint="pass the answer with --data key=value") from None
            if isinstance(exc, copier_errors.CopierError):
                raise CliError(f"rendering the {kind} template failed: {message}") from exc
            raise UsageError(f"invalid answer: {message}") from None
        except copier_errors.CopierError as exc:
            raise CliError(f"rendering the {kind} template failed: {exc}") from exc


def render_to_memory(
    parts: list[tuple[str, dict[str, Any]]],
    format_root: Path | None = None,
    first_party: str = "app",
    exclude: list[str] | None = None,
) -> list[RenderedFile]:
    """Render each ``(kind, answers)`` and return the files, later parts winning a path.

    With ``format_root`` the Python files are formatted with that project's ruff settings
    (in a temporary folder, so ruff sees them as files); ``exclude`` names rendered paths
    to leave out (files the project already has).
    """
    from .rendering import render_template

    files: dict[str, RenderedFile] = {}
    for kind, data in parts:
        for item in render_template(kind, data, exclude):
            files[item.path] = item
    if format_root is None:
        return sorted(files.values(), key=lambda item: item.path)
    from .formatting import format_python_files, ruff_config

    with tempfile.TemporaryDirectory(prefix="pyjolt-render-") as tmp:
        for item in files.values():
            target = Path(tmp) / item.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(item.data)
            target.chmod(item.mode)
        format_python_files(Path(tmp), ruff_config(format_root), first_party)
        return collect_files(Path(tmp))
