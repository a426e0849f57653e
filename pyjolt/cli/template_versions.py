"""Versions of the project template: the current one, and the earlier ones kept to upgrade from.

``pyjolt upgrade`` merges the changes between the version a project was made from and the
current one into the project (copier's update), so every version a project can record
must stay renderable: the current template is ``project_templates/project``; each earlier
one is a verbatim copy in ``project_templates/history/project/<version>/``. A project's
``.copier-answers.yml`` records its version as ``_commit``; projects made before versions
were recorded have none and were made from version 1.
"""

from __future__ import annotations

from pathlib import Path

from .errors import CliError
from .templates import template_dir, templates_root

VERSION_SETTING = "_pyjolt_template_version"
#: The version of projects whose answers file records none.
FIRST_VERSION = "1"


def current_version() -> str:
    """The version of the project template this PyJolt renders (from its copier.yml)."""
    import yaml

    config = yaml.safe_load((template_dir("project") / "copier.yml").read_text(encoding="utf-8"))
    return str(config[VERSION_SETTING])


def history_dir() -> Path:
    return templates_root() / "history" / "project"


def known_versions() -> list[str]:
    """Every version this PyJolt can render, oldest first."""
    kept = [p.name for p in history_dir().iterdir() if (p / "copier.yml").is_file()]
    return sorted({*kept, current_version()}, key=_version_key)


def template_of(version: str) -> Path:
    """The template folder (with copier.yml) of ``version``."""
    if version == current_version():
        return template_dir("project")
    folder = history_dir() / version
    if not (folder / "copier.yml").is_file():
        raise CliError(
            f"this PyJolt does not know project template version {version!r} "
            f"(it knows {', '.join(known_versions())})",
            hint="upgrade PyJolt, or check _commit in .copier-answers.yml",
        )
    return folder


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))
