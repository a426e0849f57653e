"""Bad input to ``python cli.py db-...``: one clear line, non-zero exit, database untouched."""

from __future__ import annotations

import textwrap
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import current_revisions, postgres_base_url, table_names
from .project import Project, single_error_line

BRANCH_REVISION = '''
"""branch {table}"""
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{parent}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("{table}", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("{table}")
'''


def migrated(project: Project) -> str:
    """init + migrate + upgrade; the revision the database is at."""
    project.cli_ok("db-init")
    project.cli_ok("db-migrate", "-m", "first")
    project.cli_ok("db-upgrade")
    [script] = project.versions()
    return script.name.split("_", 1)[0]


def unreachable_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/missing-folder/app.db"
    return (
        postgres_base_url().set(port=1, password="s3cret-pw").render_as_string(hide_password=False)
    )


async def test_unreachable_database(
    make_project: Callable[..., Project], backend: str, tmp_path: Path
) -> None:
    project = make_project({"DATABASE_URI": unreachable_url(backend, tmp_path)})
    project.cli_ok("db-init")

    for command in ("db-migrate", "db-upgrade", "db-current"):
        result = project.cli(command)
        assert result.returncode == 1, result.stderr
        line = single_error_line(result.stderr)
        assert line.startswith(f"error: {command}: cannot connect to the database")
        assert "DATABASE_URI" in line
        assert "s3cret-pw" not in result.stderr + result.stdout
        if backend == "postgresql":
            assert "host 127.0.0.1:1" in line and "***" in line
    assert project.versions() == []
    assert not (tmp_path / "missing-folder").exists()


async def test_wrong_password_for_a_missing_role(
    make_project: Callable[..., Project], tmp_path: Path
) -> None:
    role = f"pyjolt_no_role_{uuid.uuid4().hex[:8]}"
    url = postgres_base_url().set(username=role, password="wrong-password")
    project = make_project({"DATABASE_URI": url.render_as_string(hide_password=False)})
    project.cli_ok("db-init")

    result = project.cli("db-upgrade")

    assert result.returncode == 1
    line = single_error_line(result.stderr)
    assert f'role "{role}" does not exist' in line and "DATABASE_URI" in line
    assert "wrong-password" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    "uri",
    [
        "postgres ql://user:hunter2@host/db",
        "postgresql+asyncpg://user:hunter2@127.0.0.1:notaport/db",
        "postgresql+asyncpg:/user:hunter2@host/db",
    ],
)
async def test_bad_uri(make_project: Callable[..., Project], uri: str) -> None:
    project = make_project({"DATABASE_URI": uri})
    project.cli_ok("db-init")

    result = project.cli("db-upgrade")

    assert result.returncode == 1
    line = single_error_line(result.stderr)
    assert "DATABASE_URI" in line and "is not a database URL" in line
    assert "hunter2" not in line


async def test_sync_driver_in_database_uri(make_project: Callable[..., Project]) -> None:
    project = make_project({"DATABASE_URI": "sqlite:///app.db"})
    project.cli_ok("db-init")
    line = single_error_line(project.cli("db-migrate").stderr)
    assert "is not async" in line and "sqlite+aiosqlite" in line


async def test_missing_migration_folder(
    make_project: Callable[..., Project], database_url: str
) -> None:
    project = make_project({"DATABASE_URI": database_url})

    for command in ("db-upgrade", "db-migrate", "db-check", "db-history"):
        result = project.cli(command)
        assert result.returncode == 1
        line = single_error_line(result.stderr)
        assert "migration folder" in line and "does not exist" in line
        assert "ALEMBIC_MIGRATION_DIR" in line and "db-init" in line
    assert not project.migrations.exists()
    assert await table_names(database_url) == set()


async def test_init_refuses_an_existing_folder(
    make_project: Callable[..., Project], database_url: str
) -> None:
    project = make_project({"DATABASE_URI": database_url})
    project.cli_ok("db-init")
    env_before = (project.migrations / "env.py").read_text()

    result = project.cli("db-init")

    assert result.returncode == 1
    assert "already exists" in single_error_line(result.stderr)
    assert (project.migrations / "env.py").read_text() == env_before


async def test_two_heads(make_project: Callable[..., Project], database_url: str) -> None:
    project = make_project({"DATABASE_URI": database_url})
    revision = migrated(project)
    versions = project.migrations / "versions"
    for name in ("left", "right"):
        source = BRANCH_REVISION.format(revision=f"{name}0001", parent=revision, table=name)
        (versions / f"{name}0001_branch.py").write_text(textwrap.dedent(source))
    tables_before = await table_names(database_url)

    result = project.cli("db-upgrade")

    assert result.returncode == 1
    line = single_error_line(result.stderr)
    assert "Multiple head revisions" in line and "db-heads" in line
    assert await current_revisions(database_url) == {revision}
    assert await table_names(database_url) == tables_before
    heads = project.cli_ok("db-heads").stdout
    assert "left0001" in heads and "right0001" in heads


async def test_downgrade_below_base(
    make_project: Callable[..., Project], database_url: str
) -> None:
    project = make_project({"DATABASE_URI": database_url})
    revision = migrated(project)
    tables_before = await table_names(database_url)

    result = project.cli("db-downgrade", "--revision", "-2")

    assert result.returncode == 1
    line = single_error_line(result.stderr)
    assert line.startswith("error: db-downgrade:") and "db-history" in line
    assert await current_revisions(database_url) == {revision}
    assert await table_names(database_url) == tables_before


async def test_unknown_revision(make_project: Callable[..., Project], database_url: str) -> None:
    project = make_project({"DATABASE_URI": database_url})
    revision = migrated(project)

    result = project.cli("db-upgrade", "--revision", "deadbeef")

    assert result.returncode == 1
    assert "deadbeef" in single_error_line(result.stderr)
    assert await current_revisions(database_url) == {revision}


async def test_verbose_adds_the_traceback(make_project: Callable[..., Project]) -> None:
    project = make_project({"DATABASE_URI": "sqlite+aiosqlite:///app.db"})

    for result in (project.cli("db-upgrade", verbose=True), project.cli("db-heads", "--verbose")):
        assert result.returncode == 1
        assert "Traceback" in result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith("error: ")


async def test_unknown_option_is_a_usage_error(make_project: Callable[..., Project]) -> None:
    project = make_project({"DATABASE_URI": "sqlite+aiosqlite:///app.db"})

    result = project.cli("db-upgrade", "--no-such-option")

    assert result.returncode == 2
    line = single_error_line(result.stderr)
    assert "--no-such-option" in line and "--help" in line


async def test_no_models_registered(
    make_project: Callable[..., Project], database_url: str
) -> None:
    project = make_project({"DATABASE_URI": database_url, "MODELS": []})
    project.cli_ok("db-init")

    result = project.cli("db-migrate")

    assert result.returncode == 1
    assert "no models are registered for database 'db'" in single_error_line(result.stderr)
    assert project.versions() == []
