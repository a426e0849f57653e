"""Reading the fields of an existing model class, for ``generate controller --model``.

The model file is parsed (never imported): each ``name: Mapped[T] = mapped_column(...)``
that is not the primary key becomes a field. Types outside the generator's list are
treated as ``json`` so the schemas still accept them.
"""

from __future__ import annotations

import ast

from .errors import UsageError
from .fields import FieldSpec
from .project import Project

_TYPE_NAMES = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "datetime": "datetime",
    "date": "date",
    "UUID": "uuid",
    "uuid": "uuid",
}


def _annotation_type(node: ast.expr) -> tuple[str, bool]:
    """(field type, nullable) of the ``T`` in ``Mapped[T]``."""
    nullable = False
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        parts = [node.left, node.right]
        if any(isinstance(p, ast.Constant) and p.value is None for p in parts):
            nullable = True
            node = next(p for p in parts if not (isinstance(p, ast.Constant) and p.value is None))
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        if node.value.id == "Optional":
            return _annotation_type(node.slice)[0], True
        return "json", nullable
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return _TYPE_NAMES.get(name, "json"), nullable


def _is_primary_key(value: ast.expr | None) -> bool:
    if not isinstance(value, ast.Call):
        return False
    return any(
        kw.arg == "primary_key" and isinstance(kw.value, ast.Constant) and kw.value.value is True
        for kw in value.keywords
    )


def _has_text_column(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Call) and any(
        isinstance(arg, ast.Name | ast.Call) and "Text" in ast.dump(arg) for arg in value.args
    )


def _is_unique(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Call) and any(
        kw.arg == "unique" and isinstance(kw.value, ast.Constant) and kw.value.value is True
        for kw in value.keywords
    )


def read_model_fields(project: Project, module: str, class_name: str) -> list[FieldSpec]:
    """The fields of class ``class_name`` in ``<package>/models/<module>.py``."""
    path = project.package_dir / "models" / f"{module}.py"
    if not path.is_file():
        raise UsageError(
            f"model {class_name} not found: {project.relative(path)} does not exist",
            hint=f"create it first: pyjolt generate model {class_name} field:type ...",
        )
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return _fields_of(node)
    raise UsageError(f"{project.relative(path)} defines no class {class_name}")


def _fields_of(node: ast.ClassDef) -> list[FieldSpec]:
    fields = []
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
        if _is_primary_key(stmt.value):
            continue
        type_name, nullable = _annotation_type(annotation.slice)
        if type_name == "str" and _has_text_column(stmt.value):
            type_name = "text"
        fields.append(FieldSpec(stmt.target.id, type_name, nullable, _is_unique(stmt.value)))
    return fields


__all__ = ["read_model_fields"]
