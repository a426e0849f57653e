"""Runs the Python blocks of one page as markdown_blocks.py describes."""

from __future__ import annotations

import ast
import asyncio
import importlib
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .markdown_blocks import CodeBlock


class ExampleFailed(AssertionError):
    """A docs example did not run (or compile) as written."""


@contextmanager
def page_project(folder: Path) -> Iterator[None]:
    """``folder`` as the working directory and first on ``sys.path``, for one page; the
    modules the page imported from it are forgotten afterwards."""
    before = set(sys.modules)
    cwd = Path.cwd()
    sys.path.insert(0, str(folder))
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(cwd)
        sys.path.remove(str(folder))
        for name in set(sys.modules) - before:
            module = sys.modules.get(name)
            if str(folder) in str(getattr(module, "__file__", "") or ""):
                del sys.modules[name]


def _fail(block: CodeBlock, what: str) -> ExampleFailed:
    return ExampleFailed(f"{block.where}: {what}\n--- the block ---\n{block.code}")


def _compile(block: CodeBlock, source: str | ast.Module | None = None) -> Any:
    try:
        return compile(
            source if source is not None else block.code,
            block.where,
            "exec",
            flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
        )
    except SyntaxError as exc:
        raise _fail(block, f"does not compile: {exc}") from None


def run_block(block: CodeBlock, namespace: dict[str, Any], loop: asyncio.AbstractEventLoop) -> None:
    """Execute a run block in the page's namespace (top-level ``await`` on the page's loop)."""
    _execute(block, _compile(block), namespace, loop)


def check_fragment(
    block: CodeBlock, namespace: dict[str, Any], loop: asyncio.AbstractEventLoop
) -> None:
    """Compile a fragment and run its imports of PyJolt (a fragment may also import the
    reader's own modules or a generated client, which the page does not have)."""
    _compile(block)
    tree = ast.parse(block.code)
    imports = [node for node in tree.body if _imports_pyjolt(node)]
    if imports:
        module = ast.Module(body=imports, type_ignores=[])
        _execute(block, _compile(block, module), dict(namespace), loop)


def _imports_pyjolt(node: ast.stmt) -> bool:
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] == "pyjolt" and node.level == 0
    if isinstance(node, ast.Import):
        return all(alias.name.split(".")[0] == "pyjolt" for alias in node.names)
    return False


def _execute(
    block: CodeBlock, code: Any, namespace: dict[str, Any], loop: asyncio.AbstractEventLoop
) -> None:
    try:
        result = eval(code, namespace)
        if asyncio.iscoroutine(result):
            loop.run_until_complete(result)
    except Exception:
        raise _fail(block, f"raised\n{traceback.format_exc(limit=-8)}") from None


def write_file_block(block: CodeBlock, folder: Path) -> str:
    """Write a file block into the page's project; return its module name."""
    assert block.file_path is not None
    target = folder / block.file_path
    target.parent.mkdir(parents=True, exist_ok=True)
    for package in target.relative_to(folder).parents:
        if package != Path(".") and not (folder / package / "__init__.py").exists():
            (folder / package / "__init__.py").touch()
    target.write_text(block.code, encoding="utf-8")
    parts = list(Path(block.file_path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _replace_earlier_version(block: CodeBlock, modules: list[tuple[CodeBlock, str]]) -> None:
    """A page may show a file twice (a second way to write it): the first version is
    imported before the second replaces it, and forgotten so the second is imported too."""
    for earlier, module in modules:
        if earlier.file_path == block.file_path:
            _import(earlier, module)
            sys.modules.pop(module, None)


def _import(block: CodeBlock, module: str) -> None:
    importlib.invalidate_caches()
    try:
        importlib.import_module(module)
    except Exception:
        raise _fail(block, f"does not import\n{traceback.format_exc(limit=-8)}") from None


def run_page(blocks: list[CodeBlock], folder: Path) -> dict[str, int]:
    """Run every Python block of one page; return how many of each kind ran."""
    counts = {"run": 0, "file": 0, "fragment": 0, "setup": 0, "setup-file": 0}
    namespace: dict[str, Any] = {
        "__name__": "__docs_example__",
        "__file__": str(folder / "__docs_example__.py"),
    }
    modules: list[tuple[CodeBlock, str]] = []
    loop = asyncio.new_event_loop()
    try:
        with page_project(folder):
            for block in blocks:
                counts[block.kind] += 1
                if block.kind in ("file", "setup-file"):
                    _replace_earlier_version(block, modules)
                    modules.append((block, write_file_block(block, folder)))
                elif block.kind == "fragment":
                    check_fragment(block, namespace, loop)
                else:
                    importlib.invalidate_caches()
                    run_block(block, namespace, loop)
            last_versions = {module: block for block, module in modules}
            for module, block in last_versions.items():
                _import(block, module)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
    return counts
