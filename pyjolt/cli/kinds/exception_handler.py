"""``pyjolt generate exception-handler NAME``: a custom exception and its handler.

Template: ``project_templates/exception_handler/``. Name rules: ``billing`` (or
``BillingHandler``) gives module ``billing`` in ``app/api/exceptions/``, class
``BillingExceptionHandler`` and exception ``BillingError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..wiring import WiringEdit
from .base import Generation, Kind, Package, Parts, TemplateAnswers, package_of, typed_name

if TYPE_CHECKING:
    from ..project import Project


@dataclass(frozen=True)
class ExceptionHandlerNames:
    module: str
    class_name: str
    exception_class: str
    title: str

    @classmethod
    def from_typed(cls, raw: str, package: Package) -> ExceptionHandlerNames:
        name = typed_name(raw, package, "exception handler name")
        base = name.pascal.removesuffix("ExceptionHandler").removesuffix("Handler") or name.pascal
        return cls(name.snake, f"{base}ExceptionHandler", f"{base}Error", name.title)

    def journal(self) -> dict[str, str]:
        return {"module": self.module, "class": self.class_name, "exception": self.exception_class}


@dataclass(frozen=True)
class ExceptionHandlerAnswers(TemplateAnswers):
    template: ClassVar[str] = "exception_handler"
    package: Package
    names: ExceptionHandlerNames

    @property
    def entry(self) -> str:
        return self.package.entry(f"api.exceptions.{self.names.module}", self.names.class_name)

    @property
    def files(self) -> tuple[str, ...]:
        module = self.names.module
        return (
            f"{self.package.folder}/api/exceptions/{module}.py",
            f"tests/test_{module}_exception_handler.py",
        )

    def to_data(self) -> dict[str, Any]:
        return {
            **self.package.to_data(),
            "module_name": self.names.module,
            "class_name": self.names.class_name,
            "exception_class": self.names.exception_class,
            "title": self.names.title,
        }


class ExceptionHandlerKind(Kind):
    name = "exception-handler"
    summary = "An ExceptionHandler with a custom exception, registered in EXCEPTION_HANDLERS."
    examples = ("billing",)
    name_help = "Handler name, e.g. 'billing'."

    def build(self, project: Project, name: str | None, **_: Any) -> Generation:
        assert name is not None
        package = package_of(project)
        names = ExceptionHandlerNames.from_typed(name, package)
        answers = ExceptionHandlerAnswers(package, names)
        parts = Parts(renders=[answers], wiring=[WiringEdit("EXCEPTION_HANDLERS", answers.entry)])
        return Generation(
            kind=self.name,
            key=names.module,
            parts=parts,
            names=names.journal(),
            summary=f"exception handler {names.class_name} with {names.exception_class}",
        )


EXCEPTION_HANDLER = ExceptionHandlerKind()
