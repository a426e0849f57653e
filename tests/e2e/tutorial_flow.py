"""The tutorial (docs/tutorial/), followed literally: its pages are parsed, and every
command of their ```` ```bash ```` blocks is run and every file block written, in order,
in a project made in a venv as the README says (see user_venv.py). ```` ```console ````
blocks are shown, not run (a server, docker compose). The SQLite and PostgreSQL runs are
two test modules so pytest-xdist runs them side by side.

One deliberate departure from the text: on PostgreSQL, ``new-project`` also gets
``--database postgres`` and the test server's URL.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.docs.markdown_blocks import DOCS, code_blocks, shell_commands

from .databases import BACKENDS_BY_NAME
from .user_venv import UserVenv

TUTORIAL = DOCS / "tutorial"
PAGES = sorted(TUTORIAL.glob("[0-9][0-9]-*.md"))


@dataclass(frozen=True)
class Step:
    """One thing the reader does: run a command line, or write a file."""

    where: str
    command: str | None = None
    path: str | None = None
    code: str | None = None


def page_steps(page: Path) -> list[Step]:
    steps: list[Step] = []
    for block in code_blocks(page):
        if block.language == "bash":
            steps += [Step(block.where, command=line) for line in shell_commands(block)]
        elif block.language == "python" and block.file_path:
            steps.append(Step(block.where, path=block.file_path, code=block.code))
    return steps


@dataclass
class Reader:
    """The reader's shell: a venv, a working directory that ``cd`` moves."""

    venv: UserVenv
    cwd: Path
    new_project_args: list[str] = field(default_factory=list)

    def follow(self, step: Step) -> None:
        if step.path is not None:
            assert step.code is not None
            target = self.cwd / step.path
            assert target.parent.is_dir(), f"{step.where}: no folder for {step.path}"
            target.write_text(step.code, encoding="utf-8")
            return
        assert step.command is not None
        command = self.adapt(step.command)
        words = shlex.split(command)
        if words[0] == "cd" and len(words) == 2:
            self.cwd = (self.cwd / words[1]).resolve()
            assert self.cwd.is_dir(), f"{step.where}: cd {words[1]}: no such folder"
            return
        self.venv.shell(command, self.cwd, step.where)

    def adapt(self, command: str) -> str:
        if command.startswith("pyjolt new-project") and self.new_project_args:
            command = f"{command} {shlex.join(self.new_project_args)}"
        return command


def tutorial_reader(
    backend: str, venv: UserVenv, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Reader]:
    """A reader in an empty folder; on a server backend, with a database of their own."""
    reader = Reader(venv, tmp_path_factory.mktemp(f"tutorial-{backend}"))
    database = BACKENDS_BY_NAME[backend]
    with database.created("pyjolt_tutorial") as name:
        reader.new_project_args = database.new_project_args(name)
        yield reader


def follow_page(reader: Reader, page: Path) -> None:
    steps = page_steps(page)
    assert steps or page.name == "index.md", f"{page.name}: nothing to do"
    for step in steps:
        reader.follow(step)
