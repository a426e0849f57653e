"""The ``pyjolt`` commands of the docs, run as a reader runs them.

Every ```` ```bash ```` block of docs/*.md and the README that calls ``pyjolt`` is run,
line by line and in page order, in one folder per page, in the venv a new user makes
(user_venv.py). A page whose first command is not ``pyjolt new-project`` starts in a new
project, set up as getting-started.md says (``new-project shop --defaults``, ``cd shop``,
``pip install -e ".[dev]"``). Blocks marked ```` ```bash fragment ```` (alternatives that
cannot all run in one folder, servers of another host, docker) are only parsed
(tests/docs/test_examples.py); the tutorial has its own test (tutorial_flow.py).

Departures from the text, and only these:

- the lines that make the venv and install PyJolt (``python3 -m venv``, ``pip install
  pyjolt...``) are already done: the venv is the shared one, built the same way;
- a server command (``pyjolt dev``, ``pyjolt run``) is started on a free port instead of
  the one written, must answer HTTP, and is then stopped with SIGTERM.
"""

from __future__ import annotations

import shlex
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.docs.markdown_blocks import (
    DOCS,
    REPOSITORY,
    CodeBlock,
    code_blocks,
    documentation_files,
    pyjolt_invocations,
    shell_commands,
)

from .helpers import terminate
from .test_uvicorn import free_port
from .user_venv import UserVenv

SERVERS = {"dev", "run"}
SERVER_STARTUP_TIMEOUT = 90.0
INSTALLED_BY_THE_VENV = ("python3 -m venv", "pip install pyjolt", 'pip install "pyjolt[')
PROJECT_SETUP = ["pyjolt new-project shop --defaults", "cd shop", 'pip install -e ".[dev]"']


def runnable_blocks(page: Path) -> list[CodeBlock]:
    """The page's ``bash`` blocks that call ``pyjolt`` and are not marked ``fragment``."""
    return [
        block
        for block in code_blocks(page)
        if block.language == "bash"
        and block.marker != "fragment"
        and any(pyjolt_invocations(line) for line in shell_commands(block))
    ]


def pages_with_commands() -> list[Path]:
    tutorial = DOCS / "tutorial"
    return [
        page
        for page in documentation_files()
        if tutorial not in page.parents and runnable_blocks(page)
    ]


def page_id(page: Path) -> str:
    return str(page.relative_to(REPOSITORY))


@dataclass
class Shell:
    """The reader's shell: the venv on PATH and a working directory ``cd`` moves."""

    venv: UserVenv
    cwd: Path

    def run_page(self, page: Path) -> None:
        blocks = runnable_blocks(page)
        first = shell_commands(blocks[0])[0]
        if not first.startswith("pyjolt new-project"):
            for line in PROJECT_SETUP:
                self.run_line(line, f"{page_id(page)} (project setup)")
        for block in blocks:
            for line in shell_commands(block):
                self.run_line(line, block.where)

    def run_line(self, line: str, where: str) -> None:
        if line.startswith(INSTALLED_BY_THE_VENV):
            return
        words = shlex.split(line, comments=True)
        if words[0] == "cd" and len(words) == 2:
            self.cwd = (self.cwd / words[1]).resolve()
            assert self.cwd.is_dir(), f"{where}: cd {words[1]}: no such folder"
            return
        if words[0] == "pyjolt" and len(words) > 1 and words[1] in SERVERS:
            self.serve(words, where)
            return
        self.venv.shell(line, self.cwd, where)

    def serve(self, words: list[str], where: str) -> None:
        """Start the server on a free port; it must answer HTTP before it is stopped."""
        port = free_port()
        if "--port" in words:
            words[words.index("--port") + 1] = str(port)
        else:
            words += ["--port", str(port)]
        log = self.cwd / f"server-{port}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(self.venv.bin / words[0]), *words[1:]],
                cwd=self.cwd,
                env=self.venv.environment(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + SERVER_STARTUP_TIMEOUT
            while True:
                assert process.poll() is None, (
                    f"{where}: {shlex.join(words)} exited\n{log.read_text()}"
                )
                assert time.monotonic() < deadline, f"{where}: no answer\n{log.read_text()}"
                try:
                    response = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                except httpx.TransportError:
                    time.sleep(0.3)
                    continue
                assert response.status_code < 500, (
                    f"{where}: {response.status_code}\n{log.read_text()}"
                )
                return
        finally:
            terminate(process)
