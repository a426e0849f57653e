"""Reading an existing model class: its table, its primary key and its fields.

Used by ``generate controller --model`` (the fields become schemas and endpoints) and by
references (``author:references`` needs the authors table, its key type and the columns
an answer embeds). The model file is parsed, never imported: each
``name: Mapped[T] = mapped_column(...)`` that is not the primary key becomes a field; a
foreign key column with its ``relationship`` becomes one ``references`` field. Types
outside the generator's list are treated as ``json`` so the schemas still accept them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .fields import FieldSpec, Reference
from .naming import normalise_name
from .project import Project

_TYPE_NAMES = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "datetime": "datetime",
    "date": "date",
    "Decimal": "decimal",
    "UUID": "uuid",
    "uuid": "uuid",
}
_ENUM_BASES = frozenset({"StrEnum", "Enum", "str"})


@dataclass(frozen=True)
class ModelInfo:
    """What a model file says about one class."""

    module: str  # models/<module>.py
    class_name: str
    table: str
    key: str  # the primary key's type: int or uuid
    fields: tuple[FieldSpec, ...]


def _name_of(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ""


def _strip_optional(node: ast.expr) -> tuple[ast.expr, bool]:
    """``T | None`` / ``Optional[T]`` -> (T, True); a quoted annotation is parsed first."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return node, False
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        parts = [node.left, node.right]
        others = [p for p in parts if not (isinstance(p, ast.Constant) and p.value is None)]
        if len(others) == 1:
            return _strip_optional(others[0])[0], True
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Optional"
    ):
        return _strip_optional(node.slice)[0], True
    return node, False


def _calls(value: ast.expr | None) -> list[ast.Call]:
    """Every call inside ``mapped_column(...)``, itself included."""
    if value is None:
        return []
    return [node for node in ast.walk(value) if isinstance(node, ast.Call)]


def _mentions(value: ast.expr | None, name: str) -> bool:
    """Whether ``name`` appears in ``value``: ``mapped_column(Text)`` or ``Text()``."""
    return value is not None and any(
        isinstance(node, ast.Name | ast.Attribute) and _name_of(node) == name
        for node in ast.walk(value)
    )


def _keyword(call: ast.Call, name: str) -> object:
    for kw in call.keywords:
        if kw.arg == name and isinstance(kw.value, ast.Constant):
            return kw.value.value
    return None


def _is_call_to(call: ast.Call, *names: str) -> bool:
    return _name_of(call.func) in names


def _enum_members(tree: ast.Module) -> dict[str, tuple[str, ...]]:
    """``{class name: values}`` of the string enums the module defines."""
    enums: dict[str, tuple[str, ...]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        if not {_name_of(base) for base in node.bases} & _ENUM_BASES:
            continue
        values = [
            stmt.value.value
            for stmt in node.body
            if isinstance(stmt, ast.Assign)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        ]
        if values:
            enums[node.name] = tuple(values)
    return enums


@dataclass(frozen=True)
class _Column:
    name: str
    annotation: ast.expr
    value: ast.expr | None


def _foreign_key(column: _Column) -> ast.Call | None:
    return next((c for c in _calls(column.value) if _is_call_to(c, "ForeignKey")), None)


def _plain_field(column: _Column, enums: dict[str, tuple[str, ...]]) -> FieldSpec:
    inner, nullable = _strip_optional(column.annotation)
    calls = _calls(column.value)
    unique = any(_keyword(call, "unique") is True for call in calls)
    numeric = next((c for c in calls if _is_call_to(c, "Numeric", "DECIMAL")), None)
    python_type = "" if isinstance(inner, ast.Subscript) else _name_of(inner)
    if python_type in enums:
        values = enums[python_type]
        return FieldSpec(
            column.name, "enum", nullable, unique, values=values, enum_class=python_type
        )
    type_name = _TYPE_NAMES.get(python_type, "json")
    if type_name == "str" and _mentions(column.value, "Text"):
        type_name = "text"
    if type_name == "decimal":
        precision, scale = 12, 2
        if numeric is not None:
            numbers = [
                a.value
                for a in numeric.args
                if isinstance(a, ast.Constant) and isinstance(a.value, int)
            ]
            if len(numbers) == 2:
                precision, scale = numbers
        return FieldSpec(column.name, "decimal", nullable, unique, precision, scale)
    return FieldSpec(column.name, type_name, nullable, unique)


def _reference_field(
    name: str, annotation: ast.expr, column: _Column, foreign_key: ast.Call
) -> FieldSpec:
    inner, nullable = _strip_optional(annotation)
    target = foreign_key.args[0] if foreign_key.args else None
    table = _name_of(target).split(".")[0] if target is not None else ""
    key_inner, _ = _strip_optional(column.annotation)
    key = "uuid" if _TYPE_NAMES.get(_name_of(key_inner)) == "uuid" else "int"
    unique = any(_keyword(call, "unique") is True for call in _calls(column.value))
    cascade = _keyword(foreign_key, "ondelete") == "CASCADE"
    reference = Reference(_name_of(inner), cascade, table=table, key=key)
    return FieldSpec(name, "references", nullable, unique, reference=reference)


def _fields_of(
    node: ast.ClassDef, enums: dict[str, tuple[str, ...]]
) -> tuple[str, list[FieldSpec]]:
    """(primary key type, fields) of a model class body."""
    columns: list[_Column] = []
    relations: dict[str, ast.expr] = {}  # name -> annotation of a to-one relationship
    key = "int"
    for stmt in node.body:
        if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
            continue
        annotation = stmt.annotation
        if not (
            isinstance(annotation, ast.Subscript)
            and isinstance(annotation.value, ast.Name)
            and annotation.value.id == "Mapped"
        ):
            continue
        calls = _calls(stmt.value)
        if any(_is_call_to(call, "relationship") for call in calls):
            inner, _ = _strip_optional(annotation.slice)
            if not isinstance(inner, ast.Subscript):  # Mapped[list[...]]: the other side
                relations[stmt.target.id] = annotation.slice
            continue
        if any(_keyword(call, "primary_key") is True for call in calls):
            inner, _ = _strip_optional(annotation.slice)
            key = "uuid" if _TYPE_NAMES.get(_name_of(inner)) == "uuid" else "int"
            continue
        columns.append(_Column(stmt.target.id, annotation.slice, stmt.value))
    fields: list[FieldSpec] = []
    for column in columns:
        foreign_key = _foreign_key(column)
        relation = column.name.removesuffix("_id")
        if foreign_key is not None and column.name.endswith("_id") and relation in relations:
            fields.append(_reference_field(relation, relations[relation], column, foreign_key))
        else:
            fields.append(_plain_field(column, enums))
    return key, fields


def _table_of(node: ast.ClassDef) -> str:
    for stmt in node.body:
        if (
            isinstance(stmt, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in stmt.targets)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        ):
            return stmt.value.value
    return ""


def _find_class(path: Path, class_name: str) -> tuple[ast.Module, ast.ClassDef] | None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return tree, node
    return None


def model_path(project: Project, class_name: str) -> Path | None:
    """The file under ``<package>/models/`` defining ``class_name``: the one named after
    it (``Author`` -> ``author.py``), else the first other one that defines it."""
    folder = project.package_dir / "models"
    expected = folder / f"{normalise_name(class_name, 'model name').snake}.py"
    candidates = [expected, *sorted(p for p in folder.glob("*.py") if p != expected)]
    for path in candidates:
        if (
            path.is_file()
            and f"class {class_name}" in path.read_text(encoding="utf-8")
            and _find_class(path, class_name) is not None
        ):
            return path
    return None


def read_model(project: Project, class_name: str) -> ModelInfo:
    """The table, key and fields of ``class_name``; UsageError when it is not found."""
    path = model_path(project, class_name)
    if path is None:
        folder = project.relative(project.package_dir / "models")
        raise UsageError(f"model {class_name} not found: no class {class_name} in {folder}/")
    found = _find_class(path, class_name)
    assert found is not None
    tree, node = found
    table = _table_of(node)
    if not table:
        raise UsageError(
            f'model {class_name} in {project.relative(path)} has no __tablename__ = "..."',
            hint="give the class a literal __tablename__ so references can name its table",
        )
    key, fields = _fields_of(node, _enum_members(tree))
    return ModelInfo(path.stem, class_name, table, key, tuple(fields))


def read_model_fields(
    project: Project, module: str, class_name: str
) -> tuple[list[FieldSpec], str]:
    """The fields and primary key type of ``class_name`` in ``<package>/models/<module>.py``."""
    path = project.package_dir / "models" / f"{module}.py"
    if not path.is_file():
        raise UsageError(
            f"model {class_name} not found: {project.relative(path)} does not exist",
            hint=f"create it first: pyjolt generate model {class_name} field:type ...",
        )
    found = _find_class(path, class_name)
    if found is None:
        raise UsageError(f"{project.relative(path)} defines no class {class_name}")
    tree, node = found
    key, fields = _fields_of(node, _enum_members(tree))
    return fields, key


__all__ = ["ModelInfo", "model_path", "read_model", "read_model_fields"]
