"""``pyjolt generate model NAME field:type ...``: a SQLAlchemy model and its migration.

Template: ``project_templates/model/``. Name rules: the model is singular and its table
plural, whatever the user typed (``products`` and ``Product`` both give class
``Product`` in ``app/models/product.py``, table ``products``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..fields import FIELD_TYPES, FieldSpec
from ..naming import normalise_name
from ..wiring import WiringEdit
from .base import (
    Generation,
    Kind,
    Package,
    Param,
    Parts,
    Table,
    TemplateAnswers,
    package_of,
    refuse_handler_variables,
    typed_name,
)

if TYPE_CHECKING:
    from ..project import Project

FIELDS_PARAM = Param(
    "fields",
    f"Fields as name:type[?][!]; types: {', '.join(FIELD_TYPES)}.",
    form="many",
    metavar="FIELD...",
)


@dataclass(frozen=True)
class ModelNames:
    """``products`` -> module ``product``, class ``Product``, table ``products``."""

    module: str
    class_name: str
    table: str
    title: str

    @classmethod
    def from_typed(cls, raw: str, package: Package, what: str = "model name") -> ModelNames:
        typed = typed_name(raw, package, what)
        refuse_handler_variables(typed, what)
        name = typed.singular
        return cls(name.snake, name.pascal, name.plural.snake, name.title)

    def journal(self) -> dict[str, str]:
        return {"model_module": self.module, "model_class": self.class_name, "table": self.table}


@dataclass(frozen=True)
class ModelAnswers(TemplateAnswers):
    """Answers of ``project_templates/model`` (the controller and auth templates embed them)."""

    template: ClassVar[str] = "model"
    package: Package
    names: ModelNames
    fields: tuple[FieldSpec, ...]

    @property
    def entry(self) -> str:
        return self.package.entry(f"models.{self.names.module}", self.names.class_name)

    @property
    def path(self) -> str:
        return f"{self.package.folder}/models/{self.names.module}.py"

    @property
    def files(self) -> tuple[str, ...]:
        return (self.path,)

    def to_data(self) -> dict[str, Any]:
        return {
            **self.package.to_data(),
            "model_module": self.names.module,
            "model_class": self.names.class_name,
            "model_title": self.names.title,
            "table_name": self.names.table,
            "fields": [spec.as_data() for spec in self.fields],
        }


class ModelKind(Kind):
    name = "model"
    summary = "A SQLAlchemy model (app/models/NAME.py) with its migration, registered in MODELS."
    examples = ("User email:str! full_name:str bio:text?", "Tag label:str! color:str?")
    name_help = "Model name, singular or plural, e.g. 'User'."
    params = (FIELDS_PARAM,)
    runtime = ("database",)
    creates_tables = True
    takes_fields = True

    def journal_key(self, raw: str | None) -> str:
        if raw is None:
            return self.name
        return normalise_name(raw, "model name").singular.snake

    def parts(self, answers: ModelAnswers) -> Parts:
        """The model file, its MODELS entry and its table (for resource and auth too)."""
        return Parts(
            renders=[answers],
            wiring=[WiringEdit("MODELS", answers.entry)],
            tables=[Table(answers.names.table, answers.fields)],
        )

    def build(
        self, project: Project, name: str | None, fields: list[str] | None = None, **_: Any
    ) -> Generation:
        from ..fields import parse_fields

        assert name is not None
        package = package_of(project)
        names = ModelNames.from_typed(name, package)
        answers = ModelAnswers(package, names, tuple(parse_fields(fields or [])))
        return Generation(
            kind=self.name,
            key=names.module,
            parts=self.parts(answers),
            names=names.journal(),
            summary=f"model {names.class_name} (table {names.table})",
        )


MODEL = ModelKind()
