"""The other side of a reference: ``Author.posts``, added to (and taken out of) a model file.

``pyjolt generate resource posts author:references+`` writes ``Post.author`` in the new
model and adds, with libcst, to the existing ``Author`` class::

    posts: Mapped[list["Post"]] = relationship(back_populates="author", passive_deletes="all")

with the imports it needs (``relationship``; ``Post`` under ``if TYPE_CHECKING:``, so the
two modules do not import each other at runtime). Nothing else in the file changes; when
the file was formatted by ruff before, the result is formatted again with the project's
settings. The journal records the statement and the imports the file lacked, so destroy
takes out exactly those, and only while the statement still reads as written.
"""

from __future__ import annotations

import difflib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CliError, ConflictError
from .import_edits import (
    add_import,
    imported,
    uses,
    without_import,
)

if TYPE_CHECKING:
    import libcst as cst

    from .fields import FieldSpec
    from .journal import Journal, JournalEntry, JournalModelEdit
    from .kinds.base import Package
    from .kinds.model import ModelNames
    from .project import Project
    from .templates import RenderedFile


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
        """The line added to the class.

        ``passive_deletes="all"`` leaves deleting the referenced row to the foreign key's
        ON DELETE (refuse, set NULL or cascade): without it, SQLAlchemy would first load
        the rows and set their key to NULL itself, which a NOT NULL column refuses.
        """
        options = f'back_populates="{self.back_populates}"'
        if self.foreign_key:
            options += f', foreign_keys="{self.foreign_key}"'
        options += ', passive_deletes="all"'
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


def _parse(source: bytes, filename: str) -> cst.Module:
    import libcst as cst

    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        raise ModelEditError(
            f"{filename}:{exc.raw_line}:{exc.raw_column}: cannot parse the model ({exc.message})",
            hint="fix the syntax error and run the command again; nothing was written",
        ) from None


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


def _reads_as(stmt: cst.CSTNode, statement: str) -> bool:
    """Whether ``stmt`` is ``statement``, however it is laid out (ruff may wrap it)."""
    import ast

    import libcst as cst

    code = cst.Module(body=[]).code_for_node(stmt)
    try:
        return ast.dump(ast.parse(code.strip())) == ast.dump(ast.parse(statement))
    except SyntaxError:
        return False


# --- adding -----------------------------------------------------------------------------


def add_has_many(source: bytes, edit: HasManyEdit, filename: str) -> ModelEditResult:
    """Add ``edit``'s statement to its class, with the imports the file lacks."""
    import libcst as cst

    module = _parse(source, filename)
    index = _class_index(module, edit.model, filename)
    classdef = module.body[index]
    assert isinstance(classdef, cst.ClassDef) and isinstance(classdef.body, cst.IndentedBlock)
    existing = _attribute_index(classdef.body, edit.attribute)
    if existing is not None:
        if _reads_as(classdef.body.body[existing], edit.statement):
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
    present = imported(body)
    added: list[str] = []
    for import_module, name in edit.imports:
        if (import_module, name) not in present:
            add_import(body, import_module, name, guarded=import_module == edit.item_module)
            added.append(f"{import_module}.{name}")
    result = module.with_changes(body=body).code.encode(module.encoding)
    _parse(result, filename)
    return ModelEditResult(result, True, added, [f"add {edit.model}.{edit.attribute}"])


# --- removing ---------------------------------------------------------------------------


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
    if not _reads_as(classdef.body.body[position], edit.statement):
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
        if not uses(edited, name):
            kept = without_import(list(edited.body), import_module, name)
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


# --- planning --------------------------------------------------------------------------


@dataclass
class PlannedModelEdit:
    """A list added to another model's file (``Author.posts``), before and after."""

    edit: HasManyEdit
    path: Path
    before: bytes
    after: bytes
    imports: list[str]  # the imports the file lacked

    @property
    def changed(self) -> bool:
        return self.after != self.before


def plan_model_edits(project: Project, edits: list[HasManyEdit]) -> list[PlannedModelEdit]:
    """The lists ``+`` references add to the models they point at, computed now."""
    planned: list[PlannedModelEdit] = []
    current: dict[Path, bytes] = {}
    for edit in edits:
        path = project.root / edit.path
        if path not in current:
            if not path.is_file():
                raise ModelEditError(f"{edit.path} does not exist; nothing was written")
            current[path] = path.read_bytes()
        before = current[path]
        result = add_has_many(before, edit, edit.path)
        after = format_like_project(project, before, result.source) if result.changed else before
        if result.changed:
            _check_round_trip(project, edit, before, after, result.imports)
        current[path] = after
        planned.append(PlannedModelEdit(edit, path, before, after, result.imports))
    return planned


def _check_round_trip(
    project: Project, edit: HasManyEdit, before: bytes, after: bytes, imports: list[str]
) -> None:
    """Taking the edit out again must give back the file as it was, byte for byte.

    So the edit changed nothing else, and destroy will restore the file exactly; a file
    where that does not hold (an unusual layout of its imports) is left to the user.
    """
    undone = remove_has_many(after, edit.journal(imports))
    if format_like_project(project, after, undone.source) != before:
        raise ModelEditError(
            f"{edit.path}: adding {edit.model}.{edit.attribute} would change more of the "
            "file than that line and its imports; nothing was written",
            hint=f"leave out '+' and add the list by hand: {edit.statement}",
        )


def with_recorded_edits(
    project: Project, rendered: RenderedFile, journal: Journal, previous: JournalEntry | None
) -> RenderedFile:
    """A rendered model with the lists other entries added to it since (``Author.posts``
    from ``generate resource posts author:references+``), so generating the authors again
    finds its file unchanged instead of a conflict."""
    from .templates import RenderedFile

    data = rendered.data
    for entry in journal.entries:
        if entry is previous:
            continue
        for recorded in entry.model_edits:
            if recorded.file == rendered.path:
                result = add_has_many(data, HasManyEdit.from_journal(recorded), recorded.file)
                data = format_like_project(project, data, result.source)
    return RenderedFile(rendered.path, data, rendered.mode)


def model_edits_diff(edits: list[PlannedModelEdit], project: Project) -> str:
    diffs = []
    for planned in edits:
        if planned.changed:
            name = project.relative(planned.path)
            before = planned.before.decode("utf-8", "replace").splitlines(True)
            after = planned.after.decode("utf-8", "replace").splitlines(True)
            diffs.append("".join(difflib.unified_diff(before, after, f"a/{name}", f"b/{name}")))
    return "".join(diffs)


__all__ = [
    "HasManyEdit",
    "ModelEditError",
    "PlannedModelEdit",
    "add_has_many",
    "format_like_project",
    "model_edits_diff",
    "plan_model_edits",
    "remove_has_many",
    "with_recorded_edits",
]
