"""``pyjolt generate controller NAME [--crud] [--model Model]``: a controller and its test.

Template: ``project_templates/controller/``. Name rules: ``user-accounts`` gives module
``user_accounts``, class ``UserAccountsApi``, route ``/api/v1/user-accounts``; the CRUD
endpoints handle one ``UserAccount`` (the singular), or the ``--model`` class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..wiring import WiringEdit
from .base import Generation, Kind, Package, Param, Parts, TemplateAnswers, package_of, typed_name
from .model import ModelAnswers, ModelNames, stored_rows

if TYPE_CHECKING:
    from ..project import Project


@dataclass(frozen=True)
class ControllerNames:
    """``user-accounts`` -> ``user_accounts``, ``UserAccountsApi``, ``/api/v1/user-accounts``."""

    module: str
    class_name: str
    route: str
    title: str
    item_class: str
    item_name: str

    @classmethod
    def from_typed(
        cls, raw: str, package: Package, what: str = "controller name"
    ) -> ControllerNames:
        name = typed_name(raw, package, what)
        class_name = name.pascal if name.pascal.endswith("Api") else f"{name.pascal}Api"
        return cls(
            module=name.snake,
            class_name=class_name,
            route=f"/api/v1/{name.kebab}",
            title=name.title,
            item_class=name.singular.pascal,
            item_name=name.singular.snake,
        )

    def journal(self) -> dict[str, str]:
        return {"module": self.module, "class": self.class_name, "route": self.route}


@dataclass(frozen=True)
class ControllerAnswers(TemplateAnswers):
    """Answers of ``project_templates/controller``; with a model, CRUD on its table."""

    template: ClassVar[str] = "controller"
    package: Package
    names: ControllerNames
    crud: bool = False
    model: ModelAnswers | None = None

    @property
    def entry(self) -> str:
        return self.package.entry(f"api.{self.names.module}", self.names.class_name)

    @property
    def files(self) -> tuple[str, ...]:
        module = self.names.module
        owned: tuple[str, ...] = (
            f"{self.package.folder}/api/{module}.py",
            f"tests/api/test_{module}.py",
        )
        if self.model is not None:
            owned += (f"{self.package.folder}/schemas/{self.model.names.module}.py",)
        return owned

    def to_data(self) -> dict[str, Any]:
        model = self.model
        return {
            **self.package.to_data(),
            "module_name": self.names.module,
            "class_name": self.names.class_name,
            "url_path": self.names.route,
            "title": self.names.title,
            "crud": self.crud or model is not None,
            "item_class": model.names.class_name if model else self.names.item_class,
            "item_name": model.names.module if model else self.names.item_name,
            "model": model.to_data() if model else None,
            "stored": stored_rows(model.fields) if model else [],
        }


class ControllerKind(Kind):
    name = "controller"
    summary = "A controller (app/api/NAME.py) and its test, registered in CONTROLLERS."
    examples = ("users", "user-accounts --crud", "posts --crud --model Post")
    name_help = "Controller name, e.g. 'users'."
    params = (
        Param("crud", "List/get/create/update/delete endpoints.", ("--crud",), form="flag"),
        Param(
            "model",
            "Model class the CRUD endpoints use (read from app/models/).",
            ("--model",),
            metavar="MODEL",
        ),
    )

    def parts(self, answers: ControllerAnswers) -> Parts:
        return Parts(renders=[answers], wiring=[WiringEdit("CONTROLLERS", answers.entry)])

    def build(
        self,
        project: Project,
        name: str | None,
        crud: bool = False,
        model: str | None = None,
        **_: Any,
    ) -> Generation:
        assert name is not None
        package = package_of(project)
        names = ControllerNames.from_typed(name, package)
        model_answers = None
        if model is not None:
            from ..model_fields import read_model_fields
            from ..references import resolve_fields
            from ..runtime import require_runtime

            require_runtime("database", "generate controller --model")
            model_names = ModelNames.from_typed(model, package)
            fields, key = read_model_fields(project, model_names.module, model_names.class_name)
            resolved = resolve_fields(
                project, fields, model_names.class_name, model_names.table, refuse_self=False
            )
            model_answers = ModelAnswers(package, model_names, resolved, key)
        answers = ControllerAnswers(package, names, crud, model_answers)
        return Generation(
            kind=self.name,
            key=names.module,
            parts=self.parts(answers),
            names=names.journal(),
            summary=f"controller {names.class_name} at {names.route}",
        )


CONTROLLER = ControllerKind()
