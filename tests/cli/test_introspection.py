"""``pyjolt routes``, ``openapi export`` and ``db``: the app imported, never served."""

import json
import sys
from pathlib import Path

import pytest

from pyjolt.cli.errors import EXIT_CHECK_FAILED, EXIT_ERROR, EXIT_USAGE

from .conftest import CliRunner


def test_routes_json_lists_method_path_endpoint_and_file(cli: CliRunner, project: Path) -> None:
    result = cli("routes", "--json")
    assert result.code == 0, result.err
    routes = json.loads(result.out)
    health = next(r for r in routes if r["path"] == "/health")
    assert health == {
        "method": "GET",
        "path": "/health",
        "endpoint": "HomeApi.health",
        "controller": "app.api.home:HomeApi",
        "file": "app/api/home.py",
        "line": health["line"],
    }
    assert health["line"] > 0
    assert {"GET", "POST", "PATCH", "DELETE"} <= {r["method"] for r in routes}


def test_the_project_in_the_working_directory_wins_over_another_on_the_path(
    cli: CliRunner, project: Path, tmp_path: Path
) -> None:
    """Two projects installed editable in one venv both put their root, each with an
    ``app`` package, on sys.path; the commands must load the one they run in."""
    other = tmp_path / "other"
    (other / "app").mkdir(parents=True)
    (other / "app" / "__init__.py").write_text("raise RuntimeError('the other project')\n")
    sys.path[:0] = [str(other), str(project)]
    assert cli("generate", "controller", "reports").code == 0

    result = cli("routes", "--json")

    assert result.code == 0, result.err
    assert "/api/v1/reports/" in {route["path"] for route in json.loads(result.out)}


def test_routes_table_shows_new_controllers(cli: CliRunner, project: Path) -> None:
    assert cli("generate", "controller", "reports").code == 0
    result = cli("routes")
    assert result.code == 0, result.err
    assert "/api/v1/reports/" in result.out
    assert "ReportsApi.index" in result.out


def test_openapi_export_writes_json_and_check_passes(cli: CliRunner, project: Path) -> None:
    assert cli("openapi", "export", "--output", "openapi.json").code == 0
    spec = json.loads((project / "openapi.json").read_text())
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/notes/" in spec["paths"]
    assert cli("openapi", "export", "--output", "openapi.json", "--check").code == 0


def test_openapi_check_exits_4_when_the_file_is_stale(cli: CliRunner, project: Path) -> None:
    (project / "openapi.json").write_text("{}\n")
    result = cli("openapi", "export", "--output", "openapi.json", "--check")
    assert result.code == EXIT_CHECK_FAILED
    assert "out of date" in result.err
    assert (project / "openapi.json").read_text() == "{}\n"


def test_openapi_yaml_goes_to_stdout(cli: CliRunner, project: Path) -> None:
    result = cli("openapi", "export", "--format", "yaml")
    assert result.code == 0
    assert result.out.startswith("openapi: 3.")


def test_openapi_check_without_output_is_bad_usage(cli: CliRunner, project: Path) -> None:
    assert cli("openapi", "export", "--check").code == EXIT_USAGE


def test_db_upgrade_then_check_passes(cli: CliRunner, project: Path) -> None:
    result = cli("db", "upgrade")
    assert result.code == 0, result.err
    assert (project / "shop.db").is_file()
    assert cli("db", "check").code == 0
    assert cli("db", "current").code == 0
    assert cli("db", "history").code == 0
    assert cli("db", "heads").code == 0


TAG_MODEL = """
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(20))
"""


def add_model_by_hand(project: Path) -> None:
    """A model written without the generator, so without a migration."""
    (project / "app/models/tag.py").write_text(TAG_MODEL)
    configs = project / "app/configs.py"
    text = configs.read_text()
    configs.write_text(
        text.replace('"app.models.note:Note",', '"app.models.note:Note", "app.models.tag:Tag",')
    )


def test_db_check_exits_4_when_a_model_has_no_migration(cli: CliRunner, project: Path) -> None:
    assert cli("db", "upgrade").code == 0
    add_model_by_hand(project)
    result = cli("db", "check")
    assert result.code == EXIT_CHECK_FAILED
    assert "tags" in result.err
    assert "pyjolt db migrate" in result.err


def test_db_migrate_writes_the_missing_migration(cli: CliRunner, project: Path) -> None:
    assert cli("db", "upgrade").code == 0
    add_model_by_hand(project)
    assert cli("db", "migrate", "-m", "add tags").code == 0
    assert cli("db", "upgrade").code == 0
    result = cli("--verbose", "db", "check")
    assert result.code == 0, result.err


def test_db_with_an_unknown_database_name_is_bad_usage(cli: CliRunner, project: Path) -> None:
    assert cli("db", "current", "--database", "analytics").code == EXIT_USAGE


def test_app_option_pointing_nowhere_is_an_error(cli: CliRunner, project: Path) -> None:
    result = cli("routes", "--app", "nothing_here:Application")
    assert result.code == EXIT_ERROR
    assert "cannot import the app module 'nothing_here'" in result.err


@pytest.mark.parametrize("spec", ["app", "app:", ":Application", "app:Application;rm"])
def test_malformed_app_option_is_bad_usage(cli: CliRunner, project: Path, spec: str) -> None:
    assert cli("routes", "--app", spec).code == EXIT_USAGE


def test_app_error_has_no_traceback_unless_verbose(cli: CliRunner, project: Path) -> None:
    home = project / "app/api/home.py"
    home.write_text(home.read_text() + "\nraise RuntimeError('boom at import')\n")
    quiet = cli("routes")
    assert quiet.code == EXIT_ERROR
    assert "boom at import" in quiet.err
    assert "Traceback" not in quiet.err
    verbose = cli("--verbose", "routes")
    assert verbose.code == EXIT_ERROR
    assert "Traceback" in verbose.err


def test_db_check_exits_4_when_the_database_is_behind(cli: CliRunner, project: Path) -> None:
    result = cli("db", "check")
    assert result.code == EXIT_CHECK_FAILED
    assert "not up to date" in result.err
    assert "'pyjolt db upgrade'" in result.err


def test_db_check_without_migrations_folder_is_an_error(cli: CliRunner, project: Path) -> None:
    import shutil

    shutil.rmtree(project / "app/migrations")
    result = cli("db", "check")
    assert result.code == EXIT_ERROR
    assert "'pyjolt db init'" in result.err


def test_db_takes_the_revision_as_an_argument_or_as_the_apps_option(
    cli: CliRunner, project: Path
) -> None:
    assert cli("db", "upgrade", "--revision", "head").code == 0
    assert cli("db", "downgrade", "-r", "base").code == 0
    assert cli("db", "upgrade", "head").code == 0
    history = cli("db", "history", "--indicate-current")
    assert history.code == 0 and "(current)" in history.out
    both = cli("db", "downgrade", "base", "--revision", "-1")
    assert both.code == EXIT_USAGE
    assert "given twice" in both.err


def test_db_merge_with_one_head_has_nothing_to_do(cli: CliRunner, project: Path) -> None:
    result = cli("db", "merge", "-m", "merge heads")
    assert result.code == 0, result.err
    assert "nothing to merge" in result.err
