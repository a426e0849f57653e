"""``pyjolt generate model NAME field:type ...``: a SQLAlchemy model and its migration.

Template: ``project_templates/model/``. Name rules: the model is singular and its table
plural, whatever the user typed (``products`` and ``Product`` both give class
``Product`` in ``app/models/product.py``, table ``products``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import UsageError
from ..fields import (
    FIELD_EXAMPLES,
    FIELD_SYNTAX,
    FIELD_TYPES,
    KEY_TYPES,
    FieldSpec,
    Reference,
)
from ..naming import normalise_name
from ..wiring import WiringEdit
from .base import (
    PROJECT_CLASSES,
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
    f"Fields as {FIELD_SYNTAX}, e.g. {FIELD_EXAMPLES}; types: {', '.join(FIELD_TYPES)}.",
    form="many",
    metavar="FIELD...",
)
KEY_PARAM = Param(
    "key",
    "Type of the id primary key: int (default, 1, 2, 3...) or uuid (random, "
    "not guessable; routes take <uuid:...>).",
    ("--id",),
    metavar="int|uuid",
)


def reference_title(reference: Reference) -> str:
    """How messages name a referenced row: ``user account`` for ``UserAccount``."""
    return normalise_name(reference.model, "model name").title.lower()


def stored_rows(fields: tuple[FieldSpec, ...]) -> list[dict[str, Any]]:
    """The rows a generated test stores before the ones it creates can reference them.

    One per referenced model, after the models its required fields reference in turn,
    each with its required fields (the nullable ones are left out).
    """
    rows: dict[str, dict[str, Any]] = {}

    def visit(reference: Reference) -> None:
        required = [f for f in reference.fields if not f.nullable]
        for field in required:
            if field.reference is not None:
                visit(field.reference)
        rows.setdefault(
            reference.model,
            {
                "model": reference.model,
                "module": reference.module,
                "key": reference.key,
                "title": reference_title(reference),
                "fields": [field.as_data() for field in required],
            },
        )

    for field in fields:
        if field.reference is not None:
            visit(field.reference)
    return list(rows.values())


#: Names the generated schema and controller modules import besides the project's own.
IMPORTED_NAMES = frozenset(
    {"Annotated", "Any", "Decimal", "DecimalString", "Int32", "SafeDatetime", "StrEnum"}
)


def refuse_class_collisions(names: ModelNames, fields: tuple[FieldSpec, ...]) -> None:
    """UsageError (exit 2) when a class the fields bring would clash with another name.

    An enum field gets a class ``PostStatus`` and a reference an embedded ``PostAuthor``:
    ``update:enum[...]`` would make ``PostUpdate``, the update body's class; a referenced
    model must not be named like a class the generated code already imports.
    """
    model = names.class_name
    taken = (
        PROJECT_CLASSES | IMPORTED_NAMES | {f"{model}{part}" for part in ("In", "Out", "Update")}
    )
    for field in fields:
        if field.type in {"enum", "references"}:
            made = model + "".join(word.capitalize() for word in field.name.split("_"))
            if made in taken:
                raise UsageError(
                    f"field {field.name!r} would name its class {made}, which the generated "
                    "code already uses",
                    hint=f"choose another field name, e.g. {field.name}_value",
                )
        if field.reference is not None and field.reference.model in taken:
            raise UsageError(
                f"field {field.name!r} references {field.reference.model}, a name the "
                "generated code already uses",
                hint="rename that model class, or leave the reference out and add it by hand",
            )


def key_type(raw: str | None) -> str:
    """The ``--id`` answer, checked: ``int`` unless ``uuid`` is asked for."""
    if raw is None:
        return "int"
    if raw not in KEY_TYPES:
        raise UsageError(f"--id {raw!r} is not a key type", hint="pass --id int or --id uuid")
    return raw


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
    key: str = "int"  # the id column's type: int or uuid

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
            "key": self.key,
            "fields": [self._field_data(spec) for spec in self.fields],
        }

    def _field_data(self, spec: FieldSpec) -> dict[str, Any]:
        """A field for the templates; an enum gets its class name (``PostStatus``), a
        reference the name of the list on the other side and its ``foreign_keys``."""
        data = spec.as_data()
        if spec.type == "enum" and not spec.enum_class:
            pascal = "".join(word.capitalize() for word in spec.name.split("_"))
            data["enum_class"] = f"{self.names.class_name}{pascal}"
        if spec.reference is not None:
            data["reference"]["back_populates"] = (
                self.names.table if spec.reference.has_many else ""
            )
            data["reference"]["foreign_keys"] = self.foreign_keys_of(spec)
            data["reference"]["title"] = reference_title(spec.reference)
        return data

    def foreign_keys_of(self, spec: FieldSpec) -> str:
        """``"Post.author_id"`` when the model references the same model more than once
        (``author`` and ``editor``): SQLAlchemy then needs to be told which column each
        relationship follows. Empty otherwise."""
        if spec.reference is None:
            return ""
        same = [f for f in self.fields if f.reference and f.reference.model == spec.reference.model]
        return f"{self.names.class_name}.{spec.column}" if len(same) > 1 else ""

    @property
    def has_many(self) -> tuple[FieldSpec, ...]:
        """The references that add a list of these rows to the referenced model."""
        return tuple(f for f in self.fields if f.reference is not None and f.reference.has_many)


class ModelKind(Kind):
    name = "model"
    summary = "A SQLAlchemy model (app/models/NAME.py) with its migration, registered in MODELS."
    examples = (
        "User email:str! full_name:str bio:text?",
        "Post title:str price:decimal status:enum[draft,published] author:references+",
    )
    name_help = "Model name, singular or plural, e.g. 'User'."
    params = (FIELDS_PARAM, KEY_PARAM)
    runtime = ("database",)
    creates_tables = True
    takes_fields = True

    def journal_key(self, raw: str | None) -> str:
        if raw is None:
            return self.name
        return normalise_name(raw, "model name").singular.snake

    def parts(self, answers: ModelAnswers) -> Parts:
        """The model file, its MODELS entry, its table (for resource and auth too) and
        the lists of its rows that ``+`` references add to the models they point at."""
        from ..model_relations import HasManyEdit

        edits = [
            HasManyEdit.for_reference(
                answers.package,
                answers.names,
                field,
                answers.foreign_keys_of(field),
            )
            for field in answers.has_many
        ]
        return Parts(
            renders=[answers],
            wiring=[WiringEdit("MODELS", answers.entry)],
            tables=[Table(answers.names.table, answers.fields, answers.key)],
            model_edits=edits,
        )

    def answers(
        self, project: Project, names: ModelNames, fields: list[str] | None, key: str | None
    ) -> ModelAnswers:
        """Parse the field specs and resolve their references against the project."""
        from ..fields import parse_fields
        from ..references import resolve_fields

        parsed = tuple(parse_fields(fields or []))
        refuse_class_collisions(names, parsed)
        resolved = resolve_fields(project, parsed, names.class_name, names.table)
        return ModelAnswers(package_of(project), names, resolved, key_type(key))

    def build(
        self,
        project: Project,
        name: str | None,
        fields: list[str] | None = None,
        key: str | None = None,
        **_: Any,
    ) -> Generation:
        assert name is not None
        names = ModelNames.from_typed(name, package_of(project))
        answers = self.answers(project, names, fields, key)
        return Generation(
            kind=self.name,
            key=names.module,
            parts=self.parts(answers),
            names=names.journal(),
            summary=f"model {names.class_name} (table {names.table})",
        )


MODEL = ModelKind()
