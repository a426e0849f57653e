"""Generate and destroy never break a database: after any order, ``db upgrade`` and
``db check`` succeed.

Real ``pyjolt`` processes on a project made once per module (``new-project`` writes the
``notes`` resource and its migration); each test works on its own copy, on SQLite and,
with PYJOLT_TEST_POSTGRES_URL set, on a throwaway PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import BIN, copy_project, environment, ok, pyjolt, run, snapshot

POSTGRES_ENV = "PYJOLT_TEST_POSTGRES_URL"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("history")
    ok(pyjolt("new-project", "shop", "--defaults", cwd=parent))
    return parent / "shop"


def _admin(url: str, statement: str) -> None:
    import asyncpg

    async def execute() -> None:
        connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(execute())


@pytest.fixture(params=["sqlite", "postgresql"])
def env(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """The environment of the pyjolt processes: the project's SQLite file, or a fresh
    PostgreSQL database through DATABASE_URI."""
    variables = environment()
    if request.param == "sqlite":
        yield variables
        return
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(
            f"{POSTGRES_ENV} is not set; set it to e.g. "
            "postgresql+asyncpg://postgres@127.0.0.1:5432/test to run these on PostgreSQL"
        )
    name = f"pyjolt_history_{uuid.uuid4().hex[:10]}"
    _admin(url, f'CREATE DATABASE "{name}"')
    variables["DATABASE_URI"] = url.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield variables
    finally:
        for database in (name, f"{name}_test"):  # the project's tests make the second
            _admin(url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def project(generated: Path, tmp_path: Path) -> Path:
    return copy_project(generated, tmp_path / "shop")


def versions(root: Path, pattern: str) -> list[Path]:
    return sorted((root / "app/migrations/versions").glob(pattern))


def upgrade_and_check(root: Path, env: dict[str, str]) -> None:
    ok(pyjolt("db", "upgrade", cwd=root, env=env))
    ok(pyjolt("db", "check", cwd=root, env=env))


def test_destroying_an_applied_kind_adds_a_drop_migration_and_it_can_come_back(
    project: Path, env: dict[str, str]
) -> None:
    ok(pyjolt("generate", "auth", cwd=project, env=env))
    upgrade_and_check(project, env)
    [created] = versions(project, "*_create_users_table.py")

    before = snapshot(project)
    dry = ok(pyjolt("destroy", "auth", "--dry-run", cwd=project, env=env))
    assert "the database has applied it" in dry.stderr
    assert "would create" in dry.stderr and "_drop_users_table.py" in dry.stderr
    assert snapshot(project) == before

    destroyed = ok(pyjolt("destroy", "auth", cwd=project, env=env))
    assert "destroyed auth:" in destroyed.stderr
    assert created.is_file()
    assert len(versions(project, "*_drop_users_table.py")) == 1
    assert not (project / "app/models/user.py").exists()
    upgrade_and_check(project, env)

    ok(pyjolt("generate", "auth", cwd=project, env=env))
    assert len(versions(project, "*_create_users_table.py")) == 2
    upgrade_and_check(project, env)


def test_destroying_a_resource_another_migration_follows_drops_its_table(
    project: Path, env: dict[str, str]
) -> None:
    ok(pyjolt("generate", "resource", "products", "name:str!", cwd=project, env=env))
    [notes] = versions(project, "*_create_notes_table.py")

    result = ok(pyjolt("destroy", "resource", "notes", cwd=project, env=env))
    assert "revises it" in result.stderr
    assert notes.is_file()
    assert len(versions(project, "*_drop_notes_table.py")) == 1
    upgrade_and_check(project, env)
    # Nothing left behind uses the example: the seeds and every test still pass.
    ok(run(str(BIN / "ruff"), "check", "--no-cache", ".", cwd=project))
    ok(run(str(BIN / "pytest"), "-q", "-p", "no:cacheprovider", cwd=project, env=env))

    ok(pyjolt("destroy", "resource", "products", cwd=project, env=env))
    upgrade_and_check(project, env)


def test_destroying_an_unapplied_kind_that_is_followed_keeps_the_history_whole(
    project: Path, env: dict[str, str]
) -> None:
    ok(pyjolt("generate", "auth", cwd=project, env=env))
    ok(pyjolt("generate", "resource", "orders", "number:str!", cwd=project, env=env))

    ok(pyjolt("destroy", "auth", cwd=project, env=env))

    assert len(versions(project, "*_create_users_table.py")) == 1
    assert len(versions(project, "*_drop_users_table.py")) == 1
    upgrade_and_check(project, env)
    ok(pyjolt("generate", "auth", cwd=project, env=env))
    upgrade_and_check(project, env)


def test_an_unapplied_head_is_deleted_with_its_kind(project: Path, env: dict[str, str]) -> None:
    upgrade_and_check(project, env)
    before = snapshot(project)
    ok(pyjolt("generate", "model", "Tag", "label:str!", cwd=project, env=env))
    assert len(versions(project, "*_create_tags_table.py")) == 1

    ok(pyjolt("destroy", "model", "tags", cwd=project, env=env))

    after = snapshot(project)
    assert after.pop(".pyjolt/journal.toml") == before.pop(".pyjolt/journal.toml")
    assert after == before
    upgrade_and_check(project, env)
