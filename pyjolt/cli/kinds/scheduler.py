"""``pyjolt generate scheduler``: a TaskManager subclass with an example job.

Template: ``project_templates/scheduler/``. A singleton: no NAME.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..wiring import WiringEdit
from .base import Generation, Kind, Package, Parts, TemplateAnswers, package_of

if TYPE_CHECKING:
    from ..project import Project


@dataclass(frozen=True)
class SchedulerAnswers(TemplateAnswers):
    template: ClassVar[str] = "scheduler"
    package: Package

    def to_data(self) -> dict[str, Any]:
        return self.package.to_data()

    @property
    def files(self) -> tuple[str, ...]:
        return (f"{self.package.folder}/scheduler.py", "tests/test_scheduler.py")


class SchedulerKind(Kind):
    name = "scheduler"
    summary = "A TaskManager subclass with an example job, registered in EXTENSIONS."
    examples = ("",)
    runtime = ("task_manager",)
    extra = True

    def build(self, project: Project, name: str | None = None, **_: Any) -> Generation:
        package = package_of(project)
        parts = Parts(
            renders=[SchedulerAnswers(package)],
            wiring=[WiringEdit("EXTENSIONS", package.entry("scheduler", "scheduler"))],
        )
        return Generation(
            kind=self.name,
            key=self.name,
            parts=parts,
            names={"module": "scheduler"},
            summary="scheduler: TaskManager subclass with an example job",
        )


SCHEDULER = SchedulerKind()
