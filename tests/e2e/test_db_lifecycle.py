"""``pyjolt db create / drop / seed / reset`` on a generated project, on every database.

One project is made per module; each test points DATABASE_URI at a database of its own
(a SQLite file, or a throwaway database on the PostgreSQL or MariaDB server) and runs
the real ``pyjolt`` (and ``python cli.py``) processes, without a terminal.
"""

from __future__ import annotations

import asyncio
import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from pyjolt.database.lifecycle import database_exists

from .databases import BACKENDS, Backend, params
from .helpers import environment, ok, pyjolt

FAILING_SEEDS = '''\
"""Adds a note, then fails: nothing may stay behind."""

from pyjolt.database import AsyncSession

from app.models.note import Note


async def seed(session: AsyncSession) -> None:
    session.add(Note(title="half-done"))
    await session.flush()
    raise ValueError("the price list is missing")
'''


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("lifecycle")
    ok(pyjolt("new-project", "shop", "--defaults", cwd=parent))
    root = parent / "shop"
    (root / "app" / "failing_seeds.py").write_text(FAILING_SEEDS)
    return root


@dataclass
class Target:
    """The database one test works on, and the environment naming it."""

    url: str
    env: dict[str, str]

    def run(self, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(Path(sys.executable).parent / "pyjolt"), *args],
            cwd=project,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def exists(self) -> bool:
        return asyncio.run(database_exists(make_url(self.url)))

    def notes(self) -> list[str]:
        async def read() -> list[str]:
            engine = create_async_engine(self.url)
            try:
                async with engine.connect() as connection:
                    rows = await connection.execute(text("SELECT title FROM notes"))
                    return [row[0] for row in rows]
            finally:
                await engine.dispose()

        return asyncio.run(read())


@pytest.fixture(params=params(BACKENDS))
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    backend: Backend = request.param
    with backend.throwaway("pyjolt_lifecycle") as name:
        if backend.is_server:
            url = backend.url(name)
        else:
            url = f"sqlite+aiosqlite:///{tmp_path / (name + '.db')}"
        yield Target(url, {**environment(), "DATABASE_URI": url})


def test_create_makes_the_database_once_and_drop_needs_a_yes(project: Path, target: Target) -> None:
    created = target.run(project, "db", "create")
    assert created.returncode == 0, created.stderr
    assert "Created" in created.stderr
    assert target.exists()

    again = target.run(project, "db", "create")
    assert again.returncode == 0, again.stderr
    assert "already exists" in again.stderr

    refused = target.run(project, "db", "drop")
    assert refused.returncode == 2, refused.stderr
    assert "--yes" in refused.stderr
    assert target.exists(), "drop without --yes dropped the database"

    dropped = target.run(project, "db", "drop", "--yes")
    assert dropped.returncode == 0, dropped.stderr
    assert not target.exists()
    gone = target.run(project, "db", "drop", "-y")
    assert gone.returncode == 0, gone.stderr
    assert "does not exist" in gone.stderr


def test_reset_migrates_and_seeds_and_a_failing_seed_leaves_the_data_alone(
    project: Path, target: Target
) -> None:
    reset = target.run(project, "db", "reset", "--yes")
    assert reset.returncode == 0, reset.stdout + reset.stderr
    assert "1 new row(s)" in reset.stderr
    assert target.notes() == ["Welcome"]

    again = target.run(project, "db", "seed")
    assert again.returncode == 0, again.stderr
    assert "no new rows" in again.stderr

    refused = target.run(project, "db", "reset")
    assert refused.returncode == 2, refused.stderr
    assert "pass --yes" in refused.stderr

    target.env["DATABASE_SEEDS"] = "app.failing_seeds:seed"
    failed = target.run(project, "db", "seed")
    assert failed.returncode == 1, failed.stderr
    assert "Traceback" not in failed.stderr
    assert failed.stderr.startswith("error: seed app.failing_seeds:seed failed")
    assert "nothing was committed: ValueError: the price list is missing" in failed.stderr

    assert target.notes() == ["Welcome"]


def test_the_app_cli_has_the_same_commands(project: Path, tmp_path: Path) -> None:
    python = str(Path(sys.executable))
    database = tmp_path / "cli.db"
    env = {**environment(), "DATABASE_URI": f"sqlite+aiosqlite:///{database}"}
    created = subprocess.run(
        [python, "cli.py", "db-create"], cwd=project, env=env, capture_output=True, text=True
    )
    assert created.returncode == 0, created.stderr
    assert "Created" in created.stdout
    refused = subprocess.run(
        [python, "cli.py", "db-drop"],
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2, refused.stderr
    assert "pass --yes" in refused.stderr
    assert database.is_file()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+asyncpg://postgres@127.0.0.1:9/shop",
        "mysql+asyncmy://root@127.0.0.1:9/shop",
    ],
    ids=["postgresql", "mysql"],
)
def test_create_on_an_unreachable_server_is_one_readable_line(project: Path, url: str) -> None:
    result = pyjolt("db", "create", cwd=project, env={**environment(), "DATABASE_URI": url})

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: cannot connect to the server of ")
    assert "127.0.0.1:9" in lines[0]


def test_seed_without_seeds_names_the_file_to_write(project: Path, tmp_path: Path) -> None:
    env = {
        **environment(),
        "DATABASE_URI": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
        "DATABASE_SEEDS": "app.no_such_seeds:seed",
    }
    result = pyjolt("db", "seed", cwd=project, env=env)

    assert result.returncode == 1
    assert "module 'app.no_such_seeds' not found" in result.stderr
    assert "app/no_such_seeds.py" in result.stderr


def _drop_in_a_terminal(project: Path, env: dict[str, str], answer: str) -> tuple[int, str]:
    """``pyjolt db drop`` on a pty, answering its question with ``answer``."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "pyjolt"), "db", "drop"],
        cwd=project,
        env={**env, "TERM": "dumb"},
        stdin=slave,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    output = b""
    deadline = time.monotonic() + 60
    while b"[y/N]" not in output and time.monotonic() < deadline:
        if select.select([master], [], [], 0.5)[0]:
            output += os.read(master, 4096)
    os.write(master, f"{answer}\n".encode())
    code = process.wait(timeout=60)
    while select.select([master], [], [], 0.2)[0]:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.close(master)
    return code, output.decode(errors="replace")


def test_drop_on_a_terminal_asks_and_no_keeps_the_database(project: Path, tmp_path: Path) -> None:
    database = tmp_path / "asked.db"
    env = {**environment(), "DATABASE_URI": f"sqlite+aiosqlite:///{database}"}
    ok(pyjolt("db", "create", cwd=project, env=env))

    code, output = _drop_in_a_terminal(project, env, "n")
    assert code == 1, output
    assert "Drop the SQLite database" in output and "cancelled" in output
    assert database.is_file()

    code, output = _drop_in_a_terminal(project, env, "y")
    assert code == 0, output
    assert not database.exists()
