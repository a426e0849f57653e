"""``pyjolt generate middleware NAME``: a middleware class and its test.

Template: ``project_templates/middleware/``. Name rules: ``timing`` (or
``TimingMiddleware``) gives module ``timing`` in ``app/middleware/`` and class
``TimingMiddleware``; the entry goes to the end of MIDDLEWARE (innermost of the list).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..wiring import WiringEdit
from .base import Generation, Kind, Package, Parts, TemplateAnswers, package_of, typed_name

if TYPE_CHECKING:
    from ..project import Project


@dataclass(frozen=True)
class MiddlewareNames:
    """``timing`` -> ``timing``, ``TimingMiddleware``."""

    module: str
    class_name: str
    title: str

    @classmethod
    def from_typed(cls, raw: str, package: Package) -> MiddlewareNames:
        name = typed_name(raw, package, "middleware name")
        base = name.pascal.removesuffix("Middleware") or name.pascal
        return cls(name.snake, f"{base}Middleware", name.title)

    def journal(self) -> dict[str, str]:
        return {"module": self.module, "class": self.class_name}


@dataclass(frozen=True)
class MiddlewareAnswers(TemplateAnswers):
    template: ClassVar[str] = "middleware"
    package: Package
    names: MiddlewareNames

    @property
    def entry(self) -> str:
        return self.package.entry(f"middleware.{self.names.module}", self.names.class_name)

    @property
    def files(self) -> tuple[str, ...]:
        module = self.names.module
        return (
            f"{self.package.folder}/middleware/{module}.py",
            f"tests/test_{module}_middleware.py",
        )

    def to_data(self) -> dict[str, Any]:
        return {
            **self.package.to_data(),
            "module_name": self.names.module,
            "class_name": self.names.class_name,
            "title": self.names.title,
        }


class MiddlewareKind(Kind):
    name = "middleware"
    summary = "A middleware class (app/middleware/NAME.py) and its test, added to MIDDLEWARE."
    examples = ("timing", "audit-log --dry-run")
    name_help = "Middleware name, e.g. 'timing'."

    def build(self, project: Project, name: str | None, **_: Any) -> Generation:
        assert name is not None
        package = package_of(project)
        names = MiddlewareNames.from_typed(name, package)
        answers = MiddlewareAnswers(package, names)
        parts = Parts(renders=[answers], wiring=[WiringEdit("MIDDLEWARE", answers.entry)])
        return Generation(
            kind=self.name,
            key=names.module,
            parts=parts,
            names=names.journal(),
            summary=f"middleware {names.class_name} (last in MIDDLEWARE)",
        )


MIDDLEWARE = MiddlewareKind()
