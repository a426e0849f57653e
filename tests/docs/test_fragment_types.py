"""Every fragment of the docs type-checks in its context (markdown_blocks.py says how a
page gives one), so a fragment calling a renamed method, passing a wrong argument or
reading a missing attribute fails here, with the page and line of the fragment.

One mypy process checks all fragments: each is a module of a temporary folder. Example
code need not be annotated (``check_untyped_defs`` still checks its bodies). PyJolt is
the working tree's, not an installed copy; its own errors are ``make typecheck``'s.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .fragment_modules import FragmentModule, page_fragments
from .markdown_blocks import REPOSITORY, CodeBlock, documentation_files

FRAGMENTS = [fragment for page in documentation_files() for fragment in page_fragments(page)]
MYPY_CONFIG = f"""\
[mypy]
mypy_path = {REPOSITORY}
check_untyped_defs = True
# Examples leave bodies out with "...".
disable_error_code = empty-body
warn_unused_ignores = True
no_error_summary = True
show_error_codes = True
# The reader's own modules (app.models, ...) are not in the temporary folder.
[mypy-app.*]
ignore_missing_imports = True
# PyJolt itself is checked by `make typecheck`; only the fragments are reported here.
[mypy-pyjolt.*]
follow_imports = silent
# An optional dependency of PyJolt without type information.
[mypy-brotli.*]
ignore_missing_imports = True
"""
MESSAGE = re.compile(r"^(?P<file>[^:]+\.py):(?P<line>\d+): (?P<text>.*)$")


def test_fragments_type_check(tmp_path: Path) -> None:
    checked = {f"fragment_{n:03}.py": f for n, f in enumerate(FRAGMENTS) if f.unchecked is None}
    for name, fragment in checked.items():
        (tmp_path / name).write_text(fragment.source(), encoding="utf-8")
    (tmp_path / "mypy.ini").write_text(MYPY_CONFIG, encoding="utf-8")
    command = [sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "--cache-dir", "cache"]
    result = subprocess.run(
        [*command, *sorted(checked)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    problems = [_on_the_page(line, checked) for line in result.stdout.splitlines()]
    assert result.returncode == 0 and not problems, (
        "fragments of the docs do not type-check (mypy):\n"
        + "\n".join(problems or [result.stdout, result.stderr])
    )


def _on_the_page(line: str, checked: dict[str, FragmentModule]) -> str:
    """mypy's message with the Markdown page and line in place of the temporary module's."""
    match = MESSAGE.match(line)
    if match is None or match["file"] not in checked:
        return line
    fragment = checked[match["file"]]
    where = fragment.where(int(match["line"]))
    return f"{where}: {match['text']}  (fragment at {fragment.fragment.where})"


def test_opt_outs_are_few_and_say_why() -> None:
    unchecked = [fragment for fragment in FRAGMENTS if fragment.unchecked is not None]
    assert len(FRAGMENTS) >= 40
    assert len(unchecked) <= 3, [fragment.fragment.where for fragment in unchecked]


def test_a_fragment_module_nests_its_contexts_and_maps_lines_back() -> None:
    page = REPOSITORY / "docs" / "example.md"
    page_context = CodeBlock(page, 10, "python", "context page", "import asyncio\n")
    own_context = CodeBlock(page, 20, "python", "context", "class Api:\n    <fragment>\n")
    fragment = CodeBlock(page, 30, "python", "fragment", "import json\n\nasync def f(self): ...\n")
    module = FragmentModule(fragment, [page_context, own_context])
    assert (
        module.source() == "import json\nimport asyncio\nclass Api:\n\n    async def f(self): ...\n"
    )
    assert [module.where(line) for line in (1, 2, 3, 5)] == [
        "docs/example.md:31",  # the fragment's import, moved out of the class
        "docs/example.md:11",
        "docs/example.md:21",
        "docs/example.md:33",
    ]
    awaiting = CodeBlock(page, 40, "python", "fragment", "await asyncio.sleep(0)\n")
    assert FragmentModule(awaiting, [page_context]).source() == (
        "import asyncio\nasync def _fragment_body() -> None:\n    await asyncio.sleep(0)\n"
    )
