"""``pyjolt generate resource NAME field:type ...``: model + CRUD controller, composed.

No template of its own: it renders the model kind's template and the controller kind's
(with the model, so the controller gets schemas, pagination and database CRUD), plus
the model's migration. Name rules: ``products`` gives model ``Product`` (table
``products``) and controller ``ProductsApi`` at ``/api/v1/products``; the journal
records it under the plural, ``products``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..naming import normalise_name
from .base import Generation, Kind, package_of, typed_name
from .controller import CONTROLLER, ControllerAnswers, ControllerNames
from .model import FIELDS_PARAM, KEY_PARAM, MODEL, ModelNames

if TYPE_CHECKING:
    from ..project import Project


class ResourceKind(Kind):
    name = "resource"
    summary = "Model + schemas + paginated CRUD controller + tests + migration, all wired."
    examples = (
        "products name:str! price:decimal description:text?",
        "posts title:str body:text status:enum[draft,published] author:references+",
        "orders number:str! total:decimal[10,2] customer:references[User] --id uuid",
    )
    name_help = "Resource name, e.g. 'products'."
    params = (FIELDS_PARAM, KEY_PARAM)
    runtime = ("database",)
    creates_tables = True
    takes_fields = True

    def journal_key(self, raw: str | None) -> str:
        if raw is None:
            return self.name
        return normalise_name(raw, "resource name").plural.snake

    def build(
        self,
        project: Project,
        name: str | None,
        fields: list[str] | None = None,
        key: str | None = None,
        **_: Any,
    ) -> Generation:
        assert name is not None
        package = package_of(project)
        plural = typed_name(name, package, "resource name").plural
        model_names = ModelNames.from_typed(name, package, "resource name")
        controller_names = ControllerNames.from_typed(plural.snake, package, "resource name")
        model = MODEL.answers(project, model_names, fields, key)
        controller = ControllerAnswers(package, controller_names, crud=True, model=model)
        return Generation(
            kind=self.name,
            key=plural.snake,
            parts=MODEL.parts(model) + CONTROLLER.parts(controller),
            names={**model_names.journal(), **controller_names.journal()},
            summary=(
                f"resource {model_names.class_name}: model, schemas, "
                f"{controller_names.class_name} at {controller_names.route}, tests"
            ),
        )


RESOURCE = ResourceKind()
