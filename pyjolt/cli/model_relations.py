"""The other side of a reference: ``Author.posts``, added to (and taken out of) a model file.

``pyjolt generate resource posts author:references+`` writes ``Post.author`` in the new
model and adds, with libcst, to the existing ``Author`` class::

    posts: Mapped[list["Post"]] = relationship(back_populates="author")

with the imports it needs (``relationship``; ``Post`` under ``if TYPE_CHECKING:``, so the
two modules do not import each other at runtime). Nothing else in the file changes; when
the file was formatted by ruff before, the result is formatted again with the project's
settings. The journal records the statement and the imports the file lacked, so destroy
takes out exactly those, and only while the statement still reads as written.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CliError, ConflictError

if TYPE_CHECKING:
    import libcst as cst

    from .fields import FieldSpec
    from .journal import JournalModelEdit
    from .kinds.base import Package
    from .kinds.model import ModelNames
    from .project import Project


class ModelEditError(CliError):
    """A model file cannot be edited safely; nothing was written."""


@dataclass(frozen=True)
class HasManyEdit:
    """Add the list of ``item_class`` rows to ``model`` in ``path``."""

    path: str  # the referenced model's file, relative to the project root
    model: str  # Author
    attribute: str  # posts
    item_class: str  # Post
    item_module: str  # app.models.post
    back_populates: str  # author
    foreign_key: str = ""  # "Post.author_id" when Post references Author more than once

    @classmethod
    def from_journal(cls, recorded: JournalModelEdit) -> HasManyEdit:
        return cls(
            recorded.file,
            recorded.model,
            recorded.attribute,
            recorded.item_class,
            recorded.item_module,
            recorded.back_populates,
            recorded.foreign_key,
        )

    def journal(self, imports: list[str]) -> JournalModelEdit:
        from .journal import JournalModelEdit

        return JournalModelEdit(
            self.path,
            self.model,
            self.attribute,
            self.item_class,
            self.item_module,
            self.back_populates,
            self.foreign_key,
            imports,
        )

    @classmethod
    def for_reference(
        cls, package: Package, names: ModelNames, field: FieldSpec, foreign_key: str = ""
    ) -> HasManyEdit:
        reference = field.reference
        assert reference is not None
        return cls(
            path=f"{package.folder}/models/{reference.module}.py",
            model=reference.model,
            attribute=names.table,
            item_class=names.class_name,
            item_module=f"{package.module}.models.{names.module}",
            back_populates=field.name,
            foreign_key=foreign_key,
        )

    @property
    def statement(self) -> str:
        options = f'back_populates="{self.back_populates}"'
        if self.foreign_key:
            options += f', foreign_keys="{self.foreign_key}"'
        return f'{self.attribute}: Mapped[list["{self.item_class}"]] = relationship({options})'

    @property
    def imports(self) -> tuple[tuple[str, str], ...]:
        """``(module, name)`` the statement needs; the last one only when type checking."""
        return (
            ("typing", "TYPE_CHECKING"),
            ("sqlalchemy.orm", "Mapped"),
            ("sqlalchemy.orm", "relationship"),
            (self.item_module, self.item_class),
        )


@dataclass
class ModelEditResult:
    source: bytes
    changed: bool
    imports: list[str]  # "module.name" of the imports the edit added (or removed)
    messages: list[str]


# --- reading the module -------------------------------------------------------------


def _parse(source: bytes, filename: str) -> cst.Module:
    import libcst as cst

    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        raise ModelEditError(
            f"{filename}:{exc.raw_line}:{exc.raw_column}: cannot parse the model ({exc.message})",
            hint="fix the syntax error and run the command again; nothing was written",
        ) from None


def _dotted(node: cst.BaseExpression | None) -> str:
    import libcst as cst

    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _is_type_checking_block(stmt: cst.CSTNode) -> bool:
    import libcst as cst

    return isinstance(stmt, cst.If) and _dotted(stmt.test) in {
        "TYPE_CHECKING",
        "typing.TYPE_CHECKING",
    }


def _import_from(stmt: cst.CSTNode, module: str) -> cst.ImportFrom | None:
    """The ``from module import ...`` of a simple statement line, if it is one."""
    import libcst as cst

    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    node = stmt.body[0]
    if isinstance(node, cst.ImportFrom) and not node.relative and _dotted(node.module) == module:
        if isinstance(node.names, cst.ImportStar):
            return None
        return node
    return None


def _imported_names(node: cst.ImportFrom) -> list[str]:
    import libcst as cst

    assert not isinstance(node.names, cst.ImportStar)
    return [alias.evaluated_alias or alias.evaluated_name for alias in node.names]


def _imports(body: list[cst.BaseStatement]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for stmt in body:
        for inner in _block_or_self(stmt):
            node = _any_import_from(inner)
            if node is not None:
                found |= {(_dotted(node.module), name) for name in _imported_names(node)}
    return found


def _block_or_self(stmt: cst.BaseStatement) -> list[cst.BaseStatement]:
    import libcst as cst

    if _is_type_checking_block(stmt):
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


def _class_index(module: cst.Module, name: str, filename: str) -> int:
    import libcst as cst

    for index, stmt in enumerate(module.body):
        if isinstance(stmt, cst.ClassDef) and stmt.name.value == name:
            return index
    raise ModelEditError(f"{filename} defines no class {name}; nothing was written")


def _attribute_index(body: cst.IndentedBlock, attribute: str) -> int | None:
    import libcst as cst

    for index, stmt in enumerate(body.body):
        if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
            node = stmt.body[0]
            target = None
            if isinstance(node, cst.AnnAssign):
                target = node.target
            elif isinstance(node, cst.Assign) and len(node.targets) == 1:
                target = node.targets[0].target
            if isinstance(target, cst.Name) and target.value == attribute:
                return index
    return None


def _code_of(stmt: cst.CSTNode) -> str:
    import libcst as cst

    return " ".join(cst.Module(body=[]).code_for_node(stmt).split())


# --- adding -----------------------------------------------------------------------------


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


def _add_import(body: list[cst.BaseStatement], module: str, name: str, guarded: bool) -> None:
    """Import ``name`` from ``module`` (under ``if TYPE_CHECKING:`` when ``guarded``)."""
    import libcst as cst

    statement = cst.parse_statement(f"from {module} import {name}")
    if guarded:
        for index, stmt in enumerate(body):
            if _is_type_checking_block(stmt):
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
        node = _import_from(stmt, module)
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


def add_has_many(source: bytes, edit: HasManyEdit, filename: str) -> ModelEditResult:
    """Add ``edit``'s statement to its class, with the imports the file lacks."""
    import libcst as cst

    module = _parse(source, filename)
    index = _class_index(module, edit.model, filename)
    classdef = module.body[index]
    assert isinstance(classdef, cst.ClassDef) and isinstance(classdef.body, cst.IndentedBlock)
    existing = _attribute_index(classdef.body, edit.attribute)
    if existing is not None:
        if _code_of(classdef.body.body[existing]) == " ".join(edit.statement.split()):
            return ModelEditResult(source, False, [], [])
        raise ConflictError(
            f"{filename}: {edit.model} already has an attribute {edit.attribute!r}, so the "
            f"list of {edit.item_class} rows cannot be added; nothing was written",
            hint="rename that attribute, or leave out '+' and add the list by hand",
        )
    statement = cst.parse_statement(edit.statement)
    body: list[cst.BaseStatement] = list(module.body)
    body[index] = classdef.with_changes(
        body=classdef.body.with_changes(body=[*classdef.body.body, statement])
    )
    present = _imports(body)
    added: list[str] = []
    for import_module, name in edit.imports:
        if (import_module, name) not in present:
            _add_import(body, import_module, name, guarded=import_module == edit.item_module)
            added.append(f"{import_module}.{name}")
    result = module.with_changes(body=body).code.encode(module.encoding)
    _parse(result, filename)
    return ModelEditResult(result, True, added, [f"add {edit.model}.{edit.attribute}"])


# --- removing ---------------------------------------------------------------------------


def _uses(module: cst.Module, name: str) -> bool:
    """Whether ``name`` is used outside import statements (annotations in quotes too)."""
    import libcst as cst

    blocks = [stmt for stmt in module.body if _is_type_checking_block(stmt)]
    if name == "TYPE_CHECKING" and blocks:
        return True
    without_imports = [
        stmt for stmt in module.body if _any_import_from(stmt) is None and stmt not in blocks
    ]
    code = cst.Module(body=without_imports).code
    return re.search(rf"\b{re.escape(name)}\b", code) is not None


def _without_import(
    body: list[cst.BaseStatement], module: str, name: str
) -> list[cst.BaseStatement]:
    import libcst as cst

    result: list[cst.BaseStatement] = []
    for stmt in body:
        if _is_type_checking_block(stmt):
            assert isinstance(stmt, cst.If) and isinstance(stmt.body, cst.IndentedBlock)
            inner = _without_import(list(stmt.body.body), module, name)
            if inner:
                result.append(stmt.with_changes(body=stmt.body.with_changes(body=inner)))
            continue
        node = _import_from(stmt, module)
        if node is None or name not in _imported_names(node):
            result.append(stmt)
            continue
        assert not isinstance(node.names, cst.ImportStar)
        kept = [alias for alias in node.names if alias.evaluated_name != name]
        if kept:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            assert isinstance(stmt, cst.SimpleStatementLine)
            result.append(stmt.with_changes(body=[node.with_changes(names=kept)]))
    return result


def remove_has_many(source: bytes, recorded: JournalModelEdit) -> ModelEditResult:
    """Take out what :func:`add_has_many` added, while the statement still reads so."""
    import libcst as cst

    edit = HasManyEdit.from_journal(recorded)
    module = _parse(source, recorded.file)
    try:
        index = _class_index(module, recorded.model, recorded.file)
    except ModelEditError:
        return ModelEditResult(source, False, [], [f"{recorded.model} is gone; nothing to remove"])
    classdef = module.body[index]
    assert isinstance(classdef, cst.ClassDef) and isinstance(classdef.body, cst.IndentedBlock)
    position = _attribute_index(classdef.body, recorded.attribute)
    if position is None:
        return ModelEditResult(source, False, [], [])
    if _code_of(classdef.body.body[position]) != " ".join(edit.statement.split()):
        message = (
            f"{recorded.model}.{recorded.attribute} was edited since it was generated; keeping it"
        )
        return ModelEditResult(source, False, [], [message])
    members = [stmt for i, stmt in enumerate(classdef.body.body) if i != position]
    body = list(module.body)
    body[index] = classdef.with_changes(body=classdef.body.with_changes(body=members))
    edited = module.with_changes(body=body)
    removed: list[str] = []
    for dotted in reversed(recorded.imports):
        import_module, _, name = dotted.rpartition(".")
        if not _uses(edited, name):
            kept = _without_import(list(edited.body), import_module, name)
            edited = edited.with_changes(body=kept)
            removed.append(dotted)
    result = edited.code.encode(module.encoding)
    message = f"remove {recorded.model}.{recorded.attribute}"
    return ModelEditResult(result, True, removed, [message])


# --- formatting -------------------------------------------------------------------------


def format_like_project(project: Project, before: bytes, after: bytes) -> bytes:
    """``after`` formatted by ruff with the project's settings, if ``before`` was.

    A file someone formats by hand keeps its style: only the edit changes it.
    """
    from .formatting import find_ruff, format_python_files, ruff_config

    if find_ruff() is None:
        return after
    config = ruff_config(project.root)
    first_party = project.app_module.split(".")[0]
    with tempfile.TemporaryDirectory(prefix="pyjolt-model-edit-") as tmp:
        folder = Path(tmp)
        (folder / "before").mkdir()
        (folder / "after").mkdir()
        (folder / "before" / "model.py").write_bytes(before)
        (folder / "after" / "model.py").write_bytes(after)
        format_python_files(folder / "before", config, first_party)
        if (folder / "before" / "model.py").read_bytes() != before:
            return after
        format_python_files(folder / "after", config, first_party)
        return (folder / "after" / "model.py").read_bytes()


__all__ = [
    "HasManyEdit",
    "ModelEditError",
    "add_has_many",
    "format_like_project",
    "remove_has_many",
]
