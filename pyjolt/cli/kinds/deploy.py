"""``pyjolt generate deploy``: the deployment recipe (Dockerfile, compose.yaml, docs).

Template: ``project_templates/deploy/``. A singleton: no NAME. The names come from the
project's distribution name in ``pyproject.toml``: ``my_shop`` gives the image and
compose project ``my-shop`` and the PostgreSQL database and user ``my_shop``.

The compose file runs a job worker (``pyjolt worker``), which needs a TaskManager: when
the project has no ``scheduler.py`` the recipe brings the scheduler kind's. The app reads
its broker and cache URLs from the environment only if its Config declares them, so
the recipe declares ``TASK_MANAGER_BROKER_URL`` and ``CACHE_REDIS_URL`` when missing.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..wiring import ConfigEdit, SettingEdit
from .base import Generation, Kind, Package, Parts, TemplateAnswers, package_of
from .scheduler import SCHEDULER

if TYPE_CHECKING:
    from pathlib import Path

    from ..project import Project

#: The settings compose.yaml sets for the app besides those BaseConfig and the project
#: template declare (DEBUG, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URI).
DECLARED_SETTINGS = ("TASK_MANAGER_BROKER_URL", "CACHE_REDIS_URL")


def distribution_name(root: Path) -> str:
    """``[project] name`` of the project's pyproject.toml, else its folder's name."""
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        data = {}
    name = data.get("project", {}).get("name")
    return name if isinstance(name, str) and name.strip() else root.name


@dataclass(frozen=True)
class DeployNames:
    """``My_Shop`` -> image ``my-shop``, database ``my_shop``."""

    project: str
    image: str  # the image and compose project: lower-case letters, digits and '-'
    database: str  # the PostgreSQL database and role: lower-case letters, digits and '_'

    @classmethod
    def from_project(cls, project: Project) -> DeployNames:
        name = distribution_name(project.root)
        words = re.findall(r"[a-z0-9]+", name.lower()) or ["app"]
        if not words[0][0].isalpha():
            words.insert(0, "app")
        return cls(name, "-".join(words), "_".join(words))

    def journal(self) -> dict[str, str]:
        return {"image": self.image, "database": self.database}


@dataclass(frozen=True)
class DeployAnswers(TemplateAnswers):
    template: ClassVar[str] = "deploy"
    package: Package
    names: DeployNames

    @property
    def files(self) -> tuple[str, ...]:
        return ("Dockerfile", ".dockerignore", "compose.yaml", "docs/deployment.md")

    def to_data(self) -> dict[str, Any]:
        return {
            **self.package.to_data(),
            "project_name": self.names.project,
            "image_name": self.names.image,
            "database_name": self.names.database,
        }


class DeployKind(Kind):
    name = "deploy"
    summary = (
        "Dockerfile (multi-stage, non-root, /health check) and compose.yaml: web, worker, "
        "migrate (release step), PostgreSQL, Redis; docs/deployment.md."
    )
    examples = ("", "--dry-run")
    runtime = ("task_manager",)

    def build(self, project: Project, name: str | None = None, **_: Any) -> Generation:
        package = package_of(project)
        names = DeployNames.from_project(project)
        parts = Parts(renders=[DeployAnswers(package, names)])
        has_scheduler = (project.package_dir / "scheduler.py").exists()
        if not has_scheduler:
            parts = parts + SCHEDULER.build(project).parts
        settings: list[ConfigEdit] = [SettingEdit(setting) for setting in DECLARED_SETTINGS]
        parts.wiring += settings
        return Generation(
            kind=self.name,
            key=self.name,
            parts=parts,
            names={**names.journal(), "scheduler": "kept" if has_scheduler else "added"},
            summary=(
                f"deploy: image {names.image} (Dockerfile), compose.yaml with web, worker, "
                "migrate, PostgreSQL and Redis, docs/deployment.md"
            ),
        )


DEPLOY = DeployKind()
