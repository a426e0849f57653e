"""Two databases side by side: own prefix, own models, own migrations, own commands."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pyjolt import AppBuildError, BaseConfig, PyJolt
from pyjolt.database import SqlDatabase
from pyjolt.database.migrate import Migrate
from pyjolt.testing import PyJoltTestClient

from .conftest import NewDatabase, table_names
from .project import ANALYTICS_MODELS, MODELS, TWO_DATABASE_EXTENSIONS, Project


async def test_two_databases_migrate_and_serve_independently(
    make_project: Callable[..., Project], new_database: NewDatabase
) -> None:
    main_url, analytics_url = await new_database(), await new_database()
    project = make_project(
        {
            "DATABASE_URI": main_url,
            "ANALYTICS_DATABASE_URI": analytics_url,
            "ANALYTICS_ALEMBIC_MIGRATION_DIR": "analytics_migrations",
            "EXTENSIONS": [
                "{package}.extensions:db",
                "{package}.extensions:migrate",
                "{package}.extensions:analytics",
                "{package}.extensions:analytics_migrate",
            ],
            "MODELS": [
                "{package}.models:User",
                "{package}.models:Post",
                "{package}.models:Event",
            ],
        },
        models=MODELS + ANALYTICS_MODELS,
        extensions=TWO_DATABASE_EXTENSIONS,
    )
    analytics_folder = project.package_dir / "analytics_migrations"

    for prefix in ("", "analytics-"):
        project.cli_ok(f"{prefix}db-init")
        project.cli_ok(f"{prefix}db-migrate", "-m", "initial")
        project.cli_ok(f"{prefix}db-upgrade")

    [main_script] = project.versions()
    [analytics_script] = project.versions(analytics_folder)
    assert "events" not in main_script.read_text()
    assert "users" not in analytics_script.read_text()
    assert await table_names(main_url) == {"users", "posts", "alembic_version"}
    assert await table_names(analytics_url) == {"events", "alembic_version"}
    assert "analytics-db-upgrade" in project.cli_ok("--help").stdout
    project.cli_ok("db-check")
    project.cli_ok("analytics-db-check")

    app = project.load_app()
    db, analytics = app.extensions["db"], app.extensions["analytics"]
    models = project.module("models")
    async with PyJoltTestClient(app) as client:
        response = await client.post("/api/users/", json={"fullname": "A", "email": "a@x.io"})
        assert response.status_code == 201
        async with analytics.session() as session:
            session.add(models.Event(name="signup"))
            await session.commit()
        async with analytics.session() as session:
            assert [e.name for e in await models.Event.query(session).all()] == ["signup"]
        async with db.session() as session:
            assert await models.User.query(session).count() == 1
    assert [m.__name__ for m in db.models] == ["User", "Post"]
    assert [m.__name__ for m in analytics.models] == ["Event"]

    project.cli_ok("analytics-db-downgrade", "--revision", "base")
    assert await table_names(analytics_url) == {"alembic_version"}
    assert "users" in await table_names(main_url)


def test_two_migrates_without_a_command_prefix_collide() -> None:
    app = PyJolt(BaseConfig())
    first, second = SqlDatabase(), SqlDatabase("other", variable_prefix="OTHER_")
    first.init_app(app)
    second.init_app(app)
    Migrate(first).init_app(app)
    with pytest.raises(AppBuildError, match="'db-init' is already registered"):
        Migrate(second).init_app(app)
    Migrate(second, command_prefix="other-").init_app(app)
    assert "other-db-upgrade" in app.cli_commands


def test_migrate_reads_its_keys_with_the_database_prefix(tmp_path: object) -> None:
    app = PyJolt(
        BaseConfig(
            BASE_PATH="/srv/app",
            OTHER_ALEMBIC_MIGRATION_DIR="other_migrations",
            OTHER_DATABASE_URI="sqlite+aiosqlite:///other.db",
            OTHER_ALEMBIC_DATABASE_URI_SYNC="sqlite:///other.db",
        )
    )
    db = SqlDatabase("other", variable_prefix="OTHER_")
    db.init_app(app)
    migrate = Migrate(db, command_prefix="other-")
    migrate.init_app(app)
    assert migrate.migration_dir == "/srv/app/other_migrations"
    settings = migrate.settings()
    assert settings.url_key == "OTHER_ALEMBIC_DATABASE_URI_SYNC"
    assert settings.is_async is False
