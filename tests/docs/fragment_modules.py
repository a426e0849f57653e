"""A fragment of the docs as a module mypy can check: its contexts, then the fragment.

markdown_blocks.py's module docstring says how a page writes a fragment's context. Each
line of the assembled module remembers the page line it came from, so mypy's errors can
name the Markdown source instead of a temporary file.
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass, field
from pathlib import Path

from .markdown_blocks import PLACEHOLDER, REPOSITORY, CodeBlock, code_blocks

# Top-level ``await`` outside any function is checked as the body of this coroutine.
WRAPPER = "async def _fragment_body() -> None:"
# The package of the reader's own project in the docs (``from app.models import User``).
OWN_PACKAGE = "app"


@dataclass
class FragmentModule:
    """One fragment with its contexts; ``unchecked`` is the reason when it opted out."""

    fragment: CodeBlock
    contexts: list[CodeBlock] = field(default_factory=list)
    unchecked: str | None = None

    def lines(self) -> list[tuple[str, str]]:
        """The module's lines, each with the ``page:line`` it comes from."""
        inner = _without_stood_in_imports(
            self.fragment.code, _block_lines(self.fragment), self.contexts
        )
        imports: list[tuple[str, str]] = []
        at_top_level = not any(_placeholder_indent(context) for context in self.contexts)
        if not at_top_level:
            imports, inner = _split_imports(self.fragment.code, inner)
        elif _awaits_at_top_level(self.fragment.code):
            inner = [(WRAPPER, inner[0][1]), *[("    " + text, where) for text, where in inner]]
        for context in reversed(self.contexts):
            inner = _place(inner, context)
        return [*imports, *inner]

    def source(self) -> str:
        return "\n".join(text for text, _ in self.lines()) + "\n"

    def where(self, line: int) -> str:
        """The page line behind the module's 1-based ``line``."""
        lines = self.lines()
        return lines[min(max(line, 1), len(lines)) - 1][1]


def _block_lines(block: CodeBlock) -> list[tuple[str, str]]:
    page = block.source.relative_to(REPOSITORY)
    # A block's code starts on the line after its opening fence (or comment line).
    return [(text, f"{page}:{block.line + 1 + n}") for n, text in enumerate(_code_lines(block))]


def _code_lines(block: CodeBlock) -> list[str]:
    lines = block.code.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _place(inner: list[tuple[str, str]], context: CodeBlock) -> list[tuple[str, str]]:
    """``context`` with ``inner`` at its placeholder line (after it, when there is none)."""
    outer = _block_lines(context)
    for n, (text, _) in enumerate(outer):
        if text.strip() == PLACEHOLDER:
            indent = text[: len(text) - len(text.lstrip())]
            placed = [(indent + line if line.strip() else line, where) for line, where in inner]
            return [*outer[:n], *placed, *outer[n + 1 :]]
    return [*outer, *inner]


def _without_stood_in_imports(
    code: str, lines: list[tuple[str, str]], contexts: list[CodeBlock]
) -> list[tuple[str, str]]:
    """The fragment without its imports from the reader's own package whose names the
    contexts define: those definitions stand in for modules the docs do not show."""
    defined = {name for context in contexts for name in _top_level_names(context)}
    dropped: set[int] = set()
    for node in ast.parse(code).body:
        if (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").split(".")[0] == OWN_PACKAGE
            and all((alias.asname or alias.name) in defined for alias in node.names)
        ):
            dropped.update(range(node.lineno - 1, node.end_lineno or node.lineno))
    return [("" if n in dropped else text, where) for n, (text, where) in enumerate(lines)]


def _top_level_names(context: CodeBlock) -> set[str]:
    """The names a context defines at module level (its placeholder read as ``pass``)."""
    code = "\n".join(
        line.replace(PLACEHOLDER, "pass") if line.strip() == PLACEHOLDER else line
        for line in _code_lines(context)
    )
    names: set[str] = set()
    for node in ast.parse(code).body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(target.id for target in targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _split_imports(
    code: str, lines: list[tuple[str, str]]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The fragment's own imports (to the top of the module, where a class body or a
    function would not take them) and its other lines."""
    spans = [
        range(node.lineno - 1, node.end_lineno or node.lineno)
        for node in ast.parse(code).body
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    hoisted = {n for span in spans for n in span}
    imports = [line for n, line in enumerate(lines) if n in hoisted]
    rest = [line for n, line in enumerate(lines) if n not in hoisted]
    return imports, rest


def _placeholder_indent(context: CodeBlock) -> str:
    for text in _code_lines(context):
        if text.strip() == PLACEHOLDER:
            return text[: len(text) - len(text.lstrip())]
    return ""


def _awaits_at_top_level(code: str) -> bool:
    """Whether ``code`` uses ``await`` (or ``async for``/``with``) outside a function."""
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    compiled = compile(code, "<fragment>", "exec", flags=flags, dont_inherit=True)
    return bool(compiled.co_flags & inspect.CO_COROUTINE)


def page_fragments(source: Path) -> list[FragmentModule]:
    """The fragments of one page, each with the contexts that apply to it."""
    fragments: list[FragmentModule] = []
    page_context: CodeBlock | None = None
    own_context: CodeBlock | None = None
    unchecked: CodeBlock | None = None
    for block in code_blocks(source):
        if block.marker == "context page":
            page_context = block
        elif block.marker == "context":
            assert own_context is None, f"{block.where}: a second context for one fragment"
            own_context = block
        elif block.marker == "unchecked":
            unchecked = block
        elif block.marker == "fragment" and block.language == "python":
            contexts = [context for context in (page_context, own_context) if context]
            reason = unchecked.code if unchecked is not None else None
            fragments.append(FragmentModule(block, contexts, reason))
            own_context = unchecked = None
    assert own_context is None, f"{own_context.where}: no fragment follows this context"
    assert unchecked is None, f"{unchecked.where}: no fragment follows this opt-out"
    return fragments
