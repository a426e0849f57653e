"""Resolving ``author:references`` against the project's models, before anything is written.

A reference names a model class (``Author``, or the one in brackets); its file under
``<package>/models/`` gives the table the foreign key points at, the primary key's type
(an ``int`` or ``uuid`` column must match it) and the columns answers embed. A model
that is not there stops the command with exit 2 naming it. The referenced model's own
references are resolved too, so the generated tests can store a whole chain of rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .errors import UsageError
from .fields import FieldSpec
from .project import Project


def resolve_fields(
    project: Project,
    fields: Iterable[FieldSpec],
    own_class: str,
    table: str,
    chain: tuple[str, ...] = (),
    refuse_self: bool = True,
) -> tuple[FieldSpec, ...]:
    """``fields`` with every reference's table, key type, module and fields filled in.

    ``own_class`` is the model the fields belong to. A reference to itself is refused
    (``refuse_self``: its tests and embedding need more than this generator writes) or,
    in a model read from its file, kept as a plain foreign key column, as is one that
    closes a cycle: ``chain`` holds the models being resolved above this one.
    """
    from .model_fields import read_model

    resolved: list[FieldSpec] = []
    has_many: dict[str, str] = {}
    for field in fields:
        reference = field.reference
        if reference is None:
            resolved.append(field)
            continue
        if reference.model in (*chain, own_class) and (chain or not refuse_self):
            resolved.append(_plain_column(field))
            continue
        if reference.model == own_class:
            raise UsageError(
                f"field {field.name!r} references {own_class}, the model being generated; "
                "nothing was written",
                hint=f"references to the model itself are not generated yet: add "
                f"{field.column} and its relationship to the model by hand",
            )
        if reference.has_many:
            if reference.model in has_many:
                raise UsageError(
                    f"fields {has_many[reference.model]!r} and {field.name!r} both ask for "
                    f"the list of {table} on {reference.model} ('+'); nothing was written",
                    hint=f"keep '+' on one of them: the list is called {reference.model}.{table}",
                )
            has_many[reference.model] = field.name
        try:
            target = read_model(project, reference.model)
        except UsageError as exc:
            raise UsageError(
                f"field {field.name!r} references model {reference.model}, which is not in "
                f"{project.relative(project.package_dir / 'models')}/ ({exc.message}); "
                "nothing was written",
                hint=f"generate it first (pyjolt generate resource "
                f"{_plural_hint(reference.model)} name:str), or name another model: "
                f"{field.name}:references[User]",
            ) from None
        target_fields = resolve_fields(
            project, target.fields, target.class_name, target.table, (*chain, own_class)
        )
        resolved.append(
            replace(
                field,
                reference=replace(
                    reference,
                    table=target.table,
                    key=target.key,
                    module=target.module,
                    fields=target_fields,
                ),
            )
        )
    return tuple(resolved)


def _plain_column(field: FieldSpec) -> FieldSpec:
    """A reference as its bare foreign key column (``parent_id``), without embedding."""
    key = field.reference.key if field.reference is not None else "int"
    return FieldSpec(field.column, key, field.nullable, field.unique)


def _plural_hint(class_name: str) -> str:
    from .naming import normalise_name

    return normalise_name(class_name, "model name").plural.kebab


__all__ = ["resolve_fields"]
