"""Editing ``app/configs.py`` with libcst: add or remove an import string in a config list.

The edit touches one list in the ``Config`` class (CONTROLLERS, MODELS, EXTENSIONS,
EXCEPTION_HANDLERS, MIDDLEWARE) and nothing else: comments, quotes, trailing commas and
line endings stay as the user wrote them. A kind may also declare a setting the class
lacks (``TASK_MANAGER_BROKER_URL: str | None = None``), so the environment can set it:
only declared keys are read from the environment. After editing, the result is parsed
again and compared with the original outside the edited statement; the file is replaced
atomically (temporary file beside it, then ``os.replace``) keeping its mode.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CliError
from .list_layout import append_entry, new_list_statement, remove_element

if TYPE_CHECKING:
    import libcst as cst

CONFIG_LISTS = ("CONTROLLERS", "MODELS", "EXTENSIONS", "EXCEPTION_HANDLERS", "MIDDLEWARE")
_ENTRY = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
_SETTING = re.compile(r"^[A-Z][A-Z0-9_]*$")


class WiringError(CliError):
    """``configs.py`` cannot be edited safely; nothing was written."""


@dataclass
class WiringEdit:
    """One entry to add to (or remove from) one list of the Config class."""

    list_name: str
    entry: str


@dataclass
class SettingEdit:
    """A setting to declare in the Config class, ``NAME: str | None = None``.

    Declared only when the class does not assign ``NAME`` already; taken out again only
    while the statement still reads exactly so (a value the user gave it stays).
    """

    name: str

    @property
    def code(self) -> str:
        return f"{self.name}: str | None = None"


#: What a kind asks of ``configs.py``: an entry in a list, or a declared setting.
ConfigEdit = WiringEdit | SettingEdit


@dataclass
class WiringResult:
    """The new source and what happened, per edit, in order."""

    source: bytes
    changed: bool
    messages: list[str]
    created_lists: list[str]
    applied: list[bool]  # per edit: did it change the file?


def _check_edit(edit: ConfigEdit) -> None:
    if isinstance(edit, SettingEdit):
        if not _SETTING.match(edit.name):
            raise WiringError(f"{edit.name!r} is not a setting name like 'CACHE_REDIS_URL'")
        return
    if edit.list_name not in CONFIG_LISTS:
        raise WiringError(f"unknown config list {edit.list_name!r}; expected one of {CONFIG_LISTS}")
    if not _ENTRY.match(edit.entry):
        raise WiringError(f"{edit.entry!r} is not an import string like 'app.api.users:UsersApi'")


def parse_configs(source: bytes, filename: str) -> cst.Module:
    """Parse ``configs.py``; a syntax error becomes a WiringError naming the line."""
    import libcst as cst

    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        line, column, message = exc.raw_line, exc.raw_column, exc.message
        # libcst places tokenizer errors (an unterminated string...) on line 1; Python's
        # own parser names the real line.
        try:
            ast.parse(source, filename)
        except SyntaxError as py_exc:
            line, column, message = py_exc.lineno or line, py_exc.offset or column, py_exc.msg
        raise WiringError(
            f"{filename}:{line}:{column}: cannot parse configs.py ({message})",
            hint="fix the syntax error on that line and run the command again; nothing was written",
        ) from None


def _base_names(node: cst.ClassDef) -> list[str]:
    import libcst as cst

    names = []
    for arg in node.bases:
        value = arg.value
        if isinstance(value, cst.Name):
            names.append(value.value)
        elif isinstance(value, cst.Attribute):
            names.append(value.attr.value)
    return names


def find_config_class(module: cst.Module, filename: str) -> cst.ClassDef:
    """The class named ``Config``, else the first BaseConfig subclass."""
    import libcst as cst

    classes = [stmt for stmt in module.body if isinstance(stmt, cst.ClassDef)]
    for node in classes:
        if node.name.value == "Config":
            return node
    for node in classes:
        if "BaseConfig" in _base_names(node):
            return node
    raise WiringError(
        f"{filename}: no Config class found",
        hint="configs.py must define 'class Config(BaseConfig):' holding the config lists",
    )


def _assigned_name(stmt: cst.BaseStatement) -> tuple[str, cst.BaseExpression | None] | None:
    """``('CONTROLLERS', value)`` for ``CONTROLLERS[: T] = value`` statements."""
    import libcst as cst

    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    small = stmt.body[0]
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
        return small.target.value, small.value
    if (
        isinstance(small, cst.Assign)
        and len(small.targets) == 1
        and isinstance(small.targets[0].target, cst.Name)
    ):
        return small.targets[0].target.value, small.value
    return None


def _find_assignment(body: cst.IndentedBlock, name: str) -> int | None:
    """The index of the statement assigning ``name`` (a list or a setting) in the class."""
    found = None
    for index, stmt in enumerate(body.body):
        assigned = _assigned_name(stmt)
        if assigned and assigned[0] == name:
            found = index  # the last assignment is the one that counts
    return found


def _string_value(element: cst.BaseElement) -> str | None:
    import libcst as cst

    value = element.value
    if isinstance(value, cst.SimpleString):
        evaluated = value.evaluated_value
        return evaluated if isinstance(evaluated, str) else None
    return None


def list_entries(list_node: cst.List | cst.Tuple) -> list[str | None]:
    return [_string_value(element) for element in list_node.elements]


def _is_sequence_literal(value: cst.BaseExpression | None) -> bool:
    """A ``[...]`` list or a parenthesised ``(...)`` tuple."""
    import libcst as cst

    return isinstance(value, cst.List) or (isinstance(value, cst.Tuple) and bool(value.lpar))


def _set_value(
    stmt: cst.SimpleStatementLine, value: cst.List | cst.Tuple
) -> cst.SimpleStatementLine:
    small = stmt.body[0]
    return stmt.with_changes(body=[small.with_changes(value=value)])


def _changed_only_within(old: str, new: str, old_part: str, new_part: str) -> bool:
    """True when ``old`` and ``new`` differ only inside the edited statement."""
    old_lines, new_lines = old.splitlines(True), new.splitlines(True)
    start = 0
    while start < min(len(old_lines), len(new_lines)) and old_lines[start] == new_lines[start]:
        start += 1
    end = 0
    while (
        end < min(len(old_lines), len(new_lines)) - start
        and old_lines[-1 - end] == new_lines[-1 - end]
    ):
        end += 1
    # code_for_node renders a nested statement without its block's indentation, so the
    # comparison ignores leading whitespace.
    return _dedented(old_lines[start : len(old_lines) - end]) in _dedented(
        old_part.splitlines(True)
    ) and _dedented(new_lines[start : len(new_lines) - end]) in _dedented(new_part.splitlines(True))


def _dedented(lines: list[str]) -> str:
    return "".join(line.lstrip(" \t") for line in lines)


def apply_edits(
    source: bytes,
    edits: Sequence[ConfigEdit],
    filename: str = "configs.py",
    remove: bool = False,
    drop_if_empty: Collection[str] = (),
) -> WiringResult:
    """Add (or with ``remove=True`` take out) each edit's entry; return the new source.

    When removing, a list named in ``drop_if_empty`` (one an earlier add created) is
    deleted once it is empty, so the file returns to its earlier text.

    Raises WiringError (nothing to write) when the file does not parse, has no Config
    class, or a list is not a plain list literal.
    """
    import libcst as cst

    module = parse_configs(source, filename)
    indent_unit = module.default_indent
    messages: list[str] = []
    created: list[str] = []
    applied: list[bool] = []
    changed = False
    for edit in edits:
        _check_edit(edit)
        if isinstance(edit, SettingEdit):
            edited, message = _edit_setting(module, edit, filename, remove)
            messages.append(message)
            applied.append(edited is not None)
            if edited is not None:
                module, changed = edited, True
            continue
        config = find_config_class(module, filename)
        body = _class_body(config, filename)
        index = _find_assignment(body, edit.list_name)
        statements = list(body.body)
        anchor: cst.CSTNode
        if index is None:
            if remove:
                messages.append(f"{edit.list_name} has no {edit.entry!r}; nothing to remove")
                applied.append(False)
                continue
            new_stmt: cst.BaseStatement = new_list_statement(
                edit.list_name, edit.entry, indent_unit
            )
            statements.append(new_stmt)
            old_part, anchor = "", body
            created.append(edit.list_name)
            messages.append(f"added {edit.list_name} with {edit.entry!r} to {config.name.value}")
        else:
            stmt = statements[index]
            assert isinstance(stmt, cst.SimpleStatementLine)
            value = _assigned_name(stmt)[1]  # type: ignore[index]
            if not _is_sequence_literal(value):
                where = f"{filename}: {config.name.value}.{edit.list_name}"
                raise WiringError(
                    f"{where} is not a list or tuple literal",
                    hint=f"add {edit.entry!r} to {edit.list_name} by hand",
                )
            assert isinstance(value, cst.List | cst.Tuple)
            entries = list_entries(value)
            if remove:
                if edit.entry not in entries:
                    messages.append(f"{edit.list_name} has no {edit.entry!r}; nothing to remove")
                    applied.append(False)
                    continue
                new_value = remove_element(value, entries.index(edit.entry))
                messages.append(f"removed {edit.entry!r} from {edit.list_name}")
            else:
                if edit.entry in entries:
                    messages.append(f"{edit.list_name} already has {edit.entry!r}; no change")
                    applied.append(False)
                    continue
                new_value = append_entry(value, edit.entry, indent_unit)
                messages.append(f"added {edit.entry!r} to {edit.list_name}")
            new_stmt = _set_value(stmt, new_value)
            old_part, anchor = module.code_for_node(stmt), stmt
            statements[index] = new_stmt
            if remove and not new_value.elements and edit.list_name in drop_if_empty:
                del statements[index]
                old_part, anchor = "", body
        new_config = config.with_changes(body=body.with_changes(body=statements))
        new_module = module.with_changes(
            body=[new_config if s is config else s for s in module.body]
        )
        new_part = new_module.code_for_node(new_stmt) if old_part else ""
        if not old_part:
            old_part = module.code_for_node(anchor)
            new_part = new_module.code_for_node(new_config.body)
        _verify(module.code, new_module.code, old_part, new_part, edit, filename, remove)
        module = new_module
        changed = True
        applied.append(True)
    return WiringResult(module.bytes, changed, messages, created, applied)


def _class_body(config: cst.ClassDef, filename: str) -> cst.IndentedBlock:
    import libcst as cst

    if not isinstance(config.body, cst.IndentedBlock):
        raise WiringError(
            f"{filename}: the body of class {config.name.value} is on one line",
            hint="put the class body on its own indented lines",
        )
    return config.body


def _setting_statement(name: str) -> cst.SimpleStatementLine:
    """``NAME: str | None = None``."""
    import libcst as cst

    optional_str = cst.BinaryOperation(cst.Name("str"), cst.BitOr(), cst.Name("None"))
    return cst.SimpleStatementLine(
        body=[
            cst.AnnAssign(
                target=cst.Name(name),
                annotation=cst.Annotation(optional_str),
                value=cst.Name("None"),
            )
        ]
    )


def _edit_setting(
    module: cst.Module, edit: SettingEdit, filename: str, remove: bool
) -> tuple[cst.Module | None, str]:
    """Declare (or take out) one setting; None and the reason when nothing changes."""
    config = find_config_class(module, filename)
    body = _class_body(config, filename)
    where = config.name.value
    index = _find_assignment(body, edit.name)
    statements = list(body.body)
    if remove:
        if index is None:
            return None, f"{where} has no {edit.name}; nothing to remove"
        # Leading comment lines, a trailing comment or another value: the user's now.
        if module.code_for_node(statements[index]).strip() != edit.code:
            return None, f"{where}.{edit.name} was changed since it was declared; keeping it"
        del statements[index]
        message = f"removed {edit.code} from {where}"
    else:
        if index is not None:
            return None, f"{where} already sets {edit.name}; no change"
        statements.append(_setting_statement(edit.name))
        message = f"declared {edit.code} in {where}"
    new_config = config.with_changes(body=body.with_changes(body=statements))
    new_module = module.with_changes(body=[new_config if s is config else s for s in module.body])
    _verify_setting(module, new_module, body, new_config, edit, filename, remove)
    return new_module, message


def _verify_setting(
    module: cst.Module,
    new_module: cst.Module,
    body: cst.IndentedBlock,
    new_config: cst.ClassDef,
    edit: SettingEdit,
    filename: str,
    remove: bool,
) -> None:
    import libcst as cst

    try:
        reparsed = cst.parse_module(new_module.code)
    except cst.ParserSyntaxError as exc:  # pragma: no cover - would be a bug in this module
        raise WiringError(f"{filename}: the edited file does not parse ({exc.message})") from None
    present = _find_assignment(
        _class_body(find_config_class(reparsed, filename), filename), edit.name
    )
    unchanged_elsewhere = _changed_only_within(
        module.code,
        new_module.code,
        module.code_for_node(body),
        new_module.code_for_node(new_config.body),
    )
    if (present is not None) == remove or not unchanged_elsewhere:
        raise WiringError(  # pragma: no cover - would be a bug in this module
            f"{filename}: declaring {edit.name} went wrong; nothing was written"
        )


def _verify(
    old_code: str,
    new_code: str,
    old_part: str,
    new_part: str,
    edit: WiringEdit,
    filename: str,
    remove: bool,
) -> None:
    """Re-parse the result and check the edit did exactly what was asked."""
    import libcst as cst

    try:
        reparsed = cst.parse_module(new_code)
    except cst.ParserSyntaxError as exc:  # pragma: no cover - would be a bug in this module
        raise WiringError(f"{filename}: the edited file does not parse ({exc.message})") from None
    config = find_config_class(reparsed, filename)
    assert isinstance(config.body, cst.IndentedBlock)
    index = _find_assignment(config.body, edit.list_name)
    present = False
    if index is not None:
        value = _assigned_name(config.body.body[index])[1]  # type: ignore[index]
        present = isinstance(value, cst.List | cst.Tuple) and edit.entry in list_entries(value)
    if present == remove or not _changed_only_within(old_code, new_code, old_part, new_part):
        raise WiringError(  # pragma: no cover - would be a bug in this module
            f"{filename}: editing {edit.list_name} went wrong; nothing was written"
        )


def read_configs(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise WiringError(
            f"{path} does not exist",
            hint="generate commands run in a project made by 'pyjolt new-project'",
        ) from None
