"""``pyjolt console`` in a terminal (a pty): the app starts, an awaited query answers,
and leaving shuts the extensions down (the app's own shutdown hook runs)."""

from __future__ import annotations

import os
import pty
import re
import select
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from .helpers import PYJOLT, copy_project, environment, ok, pyjolt

TIMEOUT = 40.0

LIFECYCLE_HOOKS = """

    @on_startup
    async def mark_started(self) -> None:
        (Path(__file__).parent.parent / "lifecycle.log").write_text("started\\n")

    @on_shutdown
    async def mark_stopped(self) -> None:
        with (Path(__file__).parent.parent / "lifecycle.log").open("a") as log:
            log.write("stopped\\n")
"""


ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\r")


class Terminal:
    """A process on the slave end of a pty; reads and writes go through the master end.

    What it printed is compared without ANSI escapes and carriage returns (IPython draws
    its prompt with prompt_toolkit).
    """

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            # No cursor-position requests: the pty has no terminal to answer them.
            args, cwd=cwd, stdin=slave, stdout=slave, stderr=slave,
            env={**environment(), "PROMPT_TOOLKIT_NO_CPR": "1"},
        )  # fmt: skip
        os.close(slave)
        self.output = b""

    def text(self) -> str:
        return ANSI.sub(b"", self.output).decode(errors="replace")

    def read_until(self, marker: str, timeout: float = TIMEOUT) -> str:
        """What was printed from now until ``marker`` appears."""
        start = len(self.text())
        deadline = time.monotonic() + timeout
        while marker not in self.text()[start:]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"no {marker!r} within {timeout}s; output:\n{self.text()}")
            if self._read(remaining) == b"":
                pytest.fail(f"the console ended before {marker!r}:\n{self.text()}")
        return self.text()[start:]

    def _read(self, timeout: float) -> bytes | None:
        """The next chunk; None when nothing came in ``timeout``, b"" once it closed."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return None
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # the process closed the terminal
            return b""
        self.output += chunk
        return chunk

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def drain(self) -> None:
        while self._read(0.5):
            pass

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self.master)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("console-project")
    ok(pyjolt("new-project", "shop", "--defaults", cwd=parent))
    return parent / "shop"


@pytest.fixture
def project(generated: Path, tmp_path: Path) -> Path:
    root = copy_project(generated, tmp_path / "shop")
    init = root / "app" / "__init__.py"
    source = init.read_text().replace(
        "from pyjolt import PyJolt, app",
        "from pathlib import Path\n\nfrom pyjolt import PyJolt, app, on_shutdown, on_startup",
    )
    init.write_text(source + LIFECYCLE_HOOKS)
    ok(pyjolt("db", "upgrade", cwd=root))
    return root


@pytest.mark.parametrize("shell", ["python", "ipython"])
def test_console_runs_awaited_queries_and_shuts_the_extensions_down(
    project: Path, shell: str
) -> None:
    if shell == "ipython":
        pytest.importorskip("IPython")
    prompts = iter(f"In [{n}]: " for n in range(1, 100)) if shell == "ipython" else None

    def prompt() -> str:
        return next(prompts) if prompts else ">>> "

    def answer(line: str) -> str:
        """Type ``line``; what it printed before the next prompt."""
        terminal.type(line)
        return terminal.read_until(prompt())

    terminal = Terminal([PYJOLT, "console", "--shell", shell], cwd=project)
    try:
        banner = terminal.read_until(prompt())
        assert "extensions started" in banner and "models: Note" in banner
        assert (project / "lifecycle.log").read_text() == "started\n"

        answer("session.add(Note(title='from the console'))")
        answer("await session.commit()")
        counted = answer("await Note.query(session).count()")
        assert re.search(r"(\n|Out\[3\]: )1\n", counted), counted
        titles = answer("[n.title for n in await Note.query(session).all()]")
        assert "['from the console']" in titles
        assert "'Shop'" in answer("config.APP_NAME")
        failed = answer("await Note.query(session).filter_by(nope=1).all()")
        assert "Traceback" in failed and "nope" in failed  # shown; the console goes on
        assert re.search(r"(\n|Out\[7\]: )2\n", answer("1 + 1"))

        os.write(terminal.master, b"\x04")  # Ctrl+D
        terminal.process.wait(timeout=TIMEOUT)
        terminal.drain()
    finally:
        terminal.close()

    assert terminal.process.returncode == 0, terminal.text()
    assert "console closed; the app's extensions are shut down" in terminal.text()
    assert (project / "lifecycle.log").read_text() == "started\nstopped\n"
    with sqlite3.connect(project / "shop.db") as connection:
        assert connection.execute("SELECT title FROM notes").fetchall() == [("from the console",)]
