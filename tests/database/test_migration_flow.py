"""The whole user journey through ``python cli.py``: init, migrate, upgrade, serve, downgrade."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pyjolt.testing import PyJoltTestClient

from .conftest import current_revisions, table_names
from .project import Project


async def test_init_migrate_upgrade_serve_and_downgrade(
    make_project: Callable[..., Project], database_url: str
) -> None:
    project = make_project({"DATABASE_URI": database_url})

    init = project.cli_ok("db-init")
    assert (project.migrations / "env.py").is_file()
    assert "Created migration folder" in init.stdout

    project.cli_ok("db-migrate", "--message", "create users and posts")
    [script] = project.versions()
    assert "create_table('users'" in script.read_text().replace('"', "'")
    revision = script.name.split("_", 1)[0]
    assert "users" not in await table_names(database_url)  # migrate writes, does not apply

    upgrade = project.cli_ok("db-upgrade")
    assert f"-> {revision}" in upgrade.stdout
    assert {"users", "posts", "alembic_version"} <= await table_names(database_url)
    assert await current_revisions(database_url) == {revision}

    async with PyJoltTestClient(project.load_app()) as client:
        created = await client.post(
            "/api/users/", json={"fullname": "Ada Lovelace", "email": "ada@example.com"}
        )
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["id"] == 1  # read after commit: expire_on_commit=False
        assert body["fullname"] == "Ada Lovelace"

        fetched = await client.get(f"/api/users/{body['id']}")
        assert fetched.json()["email"] == "ada@example.com"

    project.cli_ok("db-downgrade", "--revision", "base")
    assert await table_names(database_url) <= {"alembic_version"}
    assert await current_revisions(database_url) == set()


async def test_informational_commands_describe_the_migrations(
    make_project: Callable[..., Project], database_url: str
) -> None:
    project = make_project({"DATABASE_URI": database_url})
    project.cli_ok("db-init")
    project.cli_ok("db-migrate", "-m", "first")
    [script] = project.versions()
    revision = script.name.split("_", 1)[0]
    project.cli_ok("db-upgrade")

    assert f"{revision} (head)" in project.cli_ok("db-heads").stdout
    assert revision in project.cli_ok("db-current").stdout
    current = project.cli_ok("db-current", "--verbose").stdout
    assert "first" in current
    history = project.cli_ok("db-history", "--verbose", "--indicate-current").stdout
    assert "(current)" in history
    assert revision in project.cli_ok("db-show", "--revision", revision).stdout


async def test_stamp_records_a_revision_without_running_it(
    make_project: Callable[..., Project], database_url: str
) -> None:
    project = make_project({"DATABASE_URI": database_url})
    project.cli_ok("db-init")
    project.cli_ok("db-migrate", "-m", "first")
    [script] = project.versions()
    revision = script.name.split("_", 1)[0]

    project.cli_ok("db-stamp", "--revision", revision)

    assert await current_revisions(database_url) == {revision}
    assert "users" not in await table_names(database_url)
    # The same arguments as `pyjolt db stamp`: the revision may come as an argument.
    project.cli_ok("db-stamp", "base")
    assert await current_revisions(database_url) == set()


async def test_migrate_without_model_changes_writes_nothing(
    make_project: Callable[..., Project], database_url: str
) -> None:
    project = make_project({"DATABASE_URI": database_url})
    project.cli_ok("db-init")
    project.cli_ok("db-migrate", "-m", "first")
    project.cli_ok("db-upgrade")

    again = project.cli_ok("db-migrate", "-m", "nothing new")

    assert "no migration written" in again.stdout
    assert len(project.versions()) == 1


async def test_check_passes_then_fails_after_a_model_change(
    make_project: Callable[..., Project], database_url: str
) -> None:
    project = make_project({"DATABASE_URI": database_url})
    project.cli_ok("db-init")
    project.cli_ok("db-migrate", "-m", "first")
    project.cli_ok("db-upgrade")
    assert "match" in project.cli_ok("db-check").stdout

    project.add_model_source(
        """

        class Tag(Base):
            __tablename__ = "tags"

            id: Mapped[int] = mapped_column(primary_key=True)
            label: Mapped[str] = mapped_column(String(20))
        """
    )
    tables_before = await table_names(database_url)
    check = project.cli("db-check")

    assert check.returncode == 4, check.stderr
    line = check.stderr.strip()
    assert line.startswith("error: db-check:") and "add_table tags" in line
    assert "db-migrate" in line
    assert "Traceback" not in check.stderr
    assert await table_names(database_url) == tables_before

    project.cli_ok("db-migrate", "-m", "add tags")
    behind = project.cli("db-check")
    assert behind.returncode != 0 and "db-upgrade" in behind.stderr
    project.cli_ok("db-upgrade")
    project.cli_ok("db-check")


async def test_sync_uri_runs_migrations_through_a_sync_driver(
    make_project: Callable[..., Project], backend: str, database_url: str
) -> None:
    if backend == "postgresql":
        psycopg = pytest.importorskip("psycopg", reason="the sync URI test needs psycopg")
        sync_url = database_url.replace("+asyncpg", f"+{psycopg.__name__}")
    else:
        sync_url = database_url.replace("+aiosqlite", "")
    project = make_project(
        {
            "DATABASE_URI": "sqlite+aiosqlite:////nonexistent/unused.db",
            "ALEMBIC_DATABASE_URI_SYNC": sync_url,
        }
    )
    project.cli_ok("db-init")
    project.cli_ok("db-migrate", "-m", "through the sync driver")
    project.cli_ok("db-upgrade")

    assert "users" in await table_names(database_url)
