"""Editing a module's imports with libcst: add a name, or take it out once unused.

The generators edit files the user owns (a model gains ``posts`` and the imports it
needs), so the edits touch only the import statements concerned: a name joins an
existing ``from module import ...`` (ruff's isort puts it in order afterwards), a
type-only import goes under ``if TYPE_CHECKING:``, and taking a name out leaves the
statement, or the block, only when nothing else is left in it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import libcst as cst


def dotted_name(node: cst.BaseExpression | None) -> str:
    """``typing.TYPE_CHECKING`` for that attribute chain; "" for anything else."""
    import libcst as cst

    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted_name(node.value)}.{node.attr.value}"
    return ""


def is_type_checking_block(stmt: cst.CSTNode) -> bool:
    """Whether ``stmt`` is ``if TYPE_CHECKING:`` (or ``if typing.TYPE_CHECKING:``)."""
    import libcst as cst

    return isinstance(stmt, cst.If) and dotted_name(stmt.test) in {
        "TYPE_CHECKING",
        "typing.TYPE_CHECKING",
    }


def import_from(stmt: cst.CSTNode, module: str) -> cst.ImportFrom | None:
    """The ``from module import ...`` of a simple statement line, if it is one."""
    import libcst as cst

    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    node = stmt.body[0]
    if (
        not isinstance(node, cst.ImportFrom)
        or node.relative
        or isinstance(node.names, cst.ImportStar)
    ):
        return None
    return node if dotted_name(node.module) == module else None


def imported_names(node: cst.ImportFrom) -> list[str]:
    """The names an import binds (``as`` names where given)."""
    import libcst as cst

    assert not isinstance(node.names, cst.ImportStar)
    return [alias.evaluated_alias or alias.evaluated_name for alias in node.names]


def imported(body: list[cst.BaseStatement]) -> set[tuple[str, str]]:
    """``(module, name)`` of every ``from`` import at module level or under TYPE_CHECKING."""
    found: set[tuple[str, str]] = set()
    for stmt in body:
        for inner in _block_or_self(stmt):
            node = _any_import_from(inner)
            if node is not None:
                found |= {(dotted_name(node.module), name) for name in imported_names(node)}
    return found


def _block_or_self(stmt: cst.BaseStatement) -> list[cst.BaseStatement]:
    import libcst as cst

    if is_type_checking_block(stmt):
        assert isinstance(stmt, cst.If) and isinstance(stmt.body, cst.IndentedBlock)
        return list(stmt.body.body)
    return [stmt]


def _any_import_from(stmt: cst.BaseStatement) -> cst.ImportFrom | None:
    import libcst as cst

    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        node = stmt.body[0]
        if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
            return node
    return None


def _with_name(node: cst.ImportFrom, name: str) -> cst.ImportFrom:
    """``node`` importing ``name`` too (ruff's isort puts it in place afterwards)."""
    import libcst as cst

    assert not isinstance(node.names, cst.ImportStar)
    names = [alias.with_changes(comma=cst.MaybeSentinel.DEFAULT) for alias in node.names]
    names.append(cst.ImportAlias(name=cst.Name(name)))
    return node.with_changes(names=names)


def _last_import_index(body: list[cst.BaseStatement]) -> int:
    import libcst as cst

    last = -1
    for index, stmt in enumerate(body):
        if isinstance(stmt, cst.SimpleStatementLine) and all(
            isinstance(node, cst.Import | cst.ImportFrom) for node in stmt.body
        ):
            last = index
    return last


def _first_import_index(body: list[cst.BaseStatement]) -> int:
    import libcst as cst

    for index, stmt in enumerate(body):
        if isinstance(stmt, cst.SimpleStatementLine) and all(
            isinstance(node, cst.Import | cst.ImportFrom) for node in stmt.body
        ):
            return index
    return 0


def add_import(body: list[cst.BaseStatement], module: str, name: str, guarded: bool) -> None:
    """Import ``name`` from ``module`` (under ``if TYPE_CHECKING:`` when ``guarded``)."""
    import libcst as cst

    statement = cst.parse_statement(f"from {module} import {name}")
    if guarded:
        for index, stmt in enumerate(body):
            if is_type_checking_block(stmt):
                assert isinstance(stmt, cst.If) and isinstance(stmt.body, cst.IndentedBlock)
                inner = stmt.body.with_changes(body=[*stmt.body.body, statement])
                body[index] = stmt.with_changes(body=inner)
                return
        block = cst.parse_statement(f"if TYPE_CHECKING:\n    from {module} import {name}\n")
        empty = cst.EmptyLine(indent=False, whitespace=cst.SimpleWhitespace(""))
        assert isinstance(block, cst.If)
        body.insert(_last_import_index(body) + 1, block.with_changes(leading_lines=[empty]))
        return
    for index, stmt in enumerate(body):
        node = import_from(stmt, module)
        if node is not None:
            assert isinstance(stmt, cst.SimpleStatementLine)
            body[index] = stmt.with_changes(body=[_with_name(node, name)])
            return
    position = _first_import_index(body) if module == "typing" else _last_import_index(body) + 1
    if position < len(body) and module == "typing":
        leading = body[position]
        if isinstance(leading, cst.SimpleStatementLine):
            statement = statement.with_changes(leading_lines=leading.leading_lines)
            body[position] = leading.with_changes(leading_lines=[])
    body.insert(position, statement)


def uses(module: cst.Module, name: str) -> bool:
    """Whether ``name`` is used outside import statements (annotations in quotes too)."""
    import libcst as cst

    blocks = [stmt for stmt in module.body if is_type_checking_block(stmt)]
    if name == "TYPE_CHECKING" and blocks:
        return True
    without_imports = [
        stmt for stmt in module.body if _any_import_from(stmt) is None and stmt not in blocks
    ]
    code = cst.Module(body=without_imports).code
    return re.search(rf"\b{re.escape(name)}\b", code) is not None


def without_import(
    body: list[cst.BaseStatement], module: str, name: str
) -> list[cst.BaseStatement]:
    import libcst as cst

    result: list[cst.BaseStatement] = []
    for stmt in body:
        if is_type_checking_block(stmt):
            assert isinstance(stmt, cst.If) and isinstance(stmt.body, cst.IndentedBlock)
            inner = without_import(list(stmt.body.body), module, name)
            if inner:
                result.append(stmt.with_changes(body=stmt.body.with_changes(body=inner)))
            continue
        node = import_from(stmt, module)
        if node is None or name not in imported_names(node):
            result.append(stmt)
            continue
        assert not isinstance(node.names, cst.ImportStar)
        kept = [alias for alias in node.names if alias.evaluated_name != name]
        if kept:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            assert isinstance(stmt, cst.SimpleStatementLine)
            result.append(stmt.with_changes(body=[node.with_changes(names=kept)]))
    return result


__all__ = [
    "add_import",
    "dotted_name",
    "import_from",
    "imported",
    "imported_names",
    "is_type_checking_block",
    "uses",
    "without_import",
]
