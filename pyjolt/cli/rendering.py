"""Rendering a kind's copier template with Jinja directly, by copier's rules.

``pyjolt generate`` renders small templates whose answers the CLI computes in full.
Importing copier costs about half a second (it loads its interactive prompt toolkit),
more than everything else a generate command does, so the generators render the same
copier templates here: copier's file layout (``_subdirectory``), its ``.jinja`` suffix,
its templated paths (a path part that renders empty leaves the file out), its default
exclusions and its Jinja settings (sandboxed, trailing newlines kept). A test renders
every kind both ways and requires identical files. ``new-project`` and upgrades still
go through copier itself: they need its questions, answers file and update machinery.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import CliError
from .templates import RenderedFile, template_dir

#: copier's default exclusions, matched against each path part.
DEFAULT_EXCLUDE = ("copier.yaml", "copier.yml", "~*", "*.py[co]", "__pycache__", ".git")


#: The layout every kind's ``copier.yml`` declares (a test keeps them in step): files
#: under ``template/``, rendered when they end in ``.jinja``. The generators pass every
#: answer, so the questions' defaults are never needed and copier.yml is not read.
SUBDIRECTORY = "template"
TEMPLATES_SUFFIX = ".jinja"


def _environment() -> Any:
    """copier's Jinja settings, except that an undefined answer is an error.

    copier renders an undefined name as nothing, which for a path part silently drops
    the file; the generators pass every answer, so a missing one is a bug to name.
    """
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        keep_trailing_newline=True, autoescape=False, undefined=StrictUndefined
    )


def _excluded(relative: PurePosixPath, exclude: frozenset[str]) -> bool:
    if relative.as_posix() in exclude:
        return True
    return any(
        fnmatch.fnmatch(part, pattern) for part in relative.parts for pattern in DEFAULT_EXCLUDE
    )


def _template_files(root: Path) -> Iterator[Path]:
    """The files of the template, skipping a plain file that has a ``.jinja`` sibling."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        names = set(filenames)
        for filename in sorted(filenames):
            if f"{filename}{TEMPLATES_SUFFIX}" in names:
                continue
            yield Path(dirpath) / filename


def render_template(
    kind: str, data: dict[str, Any], exclude: list[str] | None = None
) -> list[RenderedFile]:
    """The files template ``kind`` renders with ``data``, which answers every question."""
    from jinja2 import TemplateError

    root = template_dir(kind) / SUBDIRECTORY
    answers = data
    env = _environment()
    skip = frozenset(exclude or ())
    rendered: list[RenderedFile] = []
    try:
        for source in _template_files(root):
            relative = source.relative_to(root)
            is_template = source.name.endswith(TEMPLATES_SUFFIX)
            parts: list[str] = []
            for part in relative.parts:
                if is_template and part == relative.name:
                    part = part.removesuffix(TEMPLATES_SUFFIX)
                value = env.from_string(part).render(answers) if "{" in part else part
                if not value:
                    break
                parts.extend(piece for piece in value.split("/") if piece)
            else:
                target = PurePosixPath(*parts)
                if _excluded(target, skip):
                    continue
                content = source.read_bytes()
                if is_template:
                    text = env.from_string(content.decode("utf-8")).render(answers)
                    content = text.encode("utf-8")
                mode = source.stat().st_mode & 0o777
                rendered.append(RenderedFile(target.as_posix(), content, mode))
    except TemplateError as exc:
        raise CliError(f"rendering the {kind} template failed: {exc}") from exc
    return sorted(rendered, key=lambda item: item.path)
