"""Every Python block of the docs and the README runs (or, marked ``fragment``, compiles
and imports what it names from PyJolt; test_fragment_types.py type-checks fragments);
every ``pyjolt`` command in a shell block parses against the real command tree. See
markdown_blocks.py for how blocks are read."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from pyjolt.cli.main import app as cli_app

from .example_runner import run_page
from .markdown_blocks import (
    REPOSITORY,
    SHELLS,
    code_blocks,
    documentation_files,
    pyjolt_invocations,
    python_blocks,
    shell_commands,
)

TUTORIAL = REPOSITORY / "docs" / "tutorial"
# The tutorial's files belong to the project its commands build: tests/e2e/test_tutorial_*.py
# writes and runs them there, in order with the commands.
PAGES = [
    page for page in documentation_files() if python_blocks(page) and TUTORIAL not in page.parents
]
SHELL_LINES = [
    (block, invocation)
    for page in documentation_files()
    for block in code_blocks(page)
    if block.language in SHELLS
    for line in shell_commands(block)
    for invocation in pyjolt_invocations(line)
]


def example_counts() -> dict[str, int]:
    """How many blocks of each kind the docs hold (printed in pytest's header)."""
    counts = {"python": 0, "run": 0, "file": 0, "fragment": 0, "pyjolt commands": 0}
    for page in documentation_files():
        for block in python_blocks(page):
            if block.marker != "setup":
                counts["python"] += 1
                counts[block.kind] += 1
    counts["pyjolt commands"] = len(SHELL_LINES)
    return counts


def test_the_collector_finds_the_examples() -> None:
    counts = example_counts()
    assert counts["python"] >= 80 and counts["pyjolt commands"] >= 40, counts
    assert counts["run"] + counts["file"] >= counts["fragment"] * 0.8, counts


@pytest.mark.parametrize("page", PAGES, ids=[str(page.relative_to(REPOSITORY)) for page in PAGES])
def test_python_examples_run(page: Path, tmp_path: Path) -> None:
    run_page(python_blocks(page), tmp_path)


@pytest.mark.parametrize(
    ("block", "arguments"),
    SHELL_LINES,
    ids=[f"{block.where}:{' '.join(arguments)[:60]}" for block, arguments in SHELL_LINES],
)
def test_pyjolt_commands_in_shell_blocks_parse(block, arguments: list[str]) -> None:
    """Options and arguments exist as written (nothing runs: parsing only)."""
    command = typer.main.get_command(cli_app)
    context = command.context_class(command, info_name="pyjolt", resilient_parsing=False)
    words = list(arguments)
    while words and hasattr(command, "list_commands") and not words[0].startswith("-"):
        name = words.pop(0)
        sub = command.get_command(context, name)
        assert sub is not None, f"{block.where}: pyjolt has no command {name!r}"
        command = sub
        context = command.context_class(command, info_name=name, parent=context)
    try:
        command.make_context(context.info_name, words, parent=context.parent)
    except Exception as exc:
        if type(exc).__name__ == "Exit":  # --help / --version
            return
        pytest.fail(f"{block.where}: pyjolt {' '.join(arguments)}: {exc}")
