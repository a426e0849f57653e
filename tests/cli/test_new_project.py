"""``pyjolt new-project``: a project that runs at once, written all at once or not at all."""

import os
import stat
from pathlib import Path

import pytest
import yaml

from pyjolt.cli.errors import EXIT_CONFLICT, EXIT_USAGE

from .conftest import CliRunner, snapshot


def test_project_has_the_spec_structure(template_project: Path) -> None:
    for relative in (
        "app/__init__.py",
        "app/configs.py",
        "app/extensions.py",
        "app/api/home.py",
        "app/api/exceptions/exception_handler.py",
        "app/templates/index.html",
        "app/static/style.css",
        "tests/conftest.py",
        ".env.example",
        "README.md",
        "pyproject.toml",
        ".gitignore",
        "cli.py",
        ".copier-answers.yml",
    ):
        assert (template_project / relative).is_file(), relative
    configs = (template_project / "app/configs.py").read_text()
    for name in ("CONTROLLERS", "EXTENSIONS", "MODELS", "EXCEPTION_HANDLERS"):
        assert f"    {name}: list[str] = [" in configs
    assert "[tool.pyjolt]\n# " in (template_project / "pyproject.toml").read_text()


def test_answers_name_the_template_by_package_reference(template_project: Path) -> None:
    answers = yaml.safe_load((template_project / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == "pyjolt:project_templates/project"
    assert answers["project_name"] == "shop"
    assert "secret_key" not in answers


def test_each_project_gets_its_own_secret_key(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("new-project", str(tmp_path / "one"), "--defaults").code == 0
    assert cli("new-project", str(tmp_path / "two"), "--defaults").code == 0
    one = (tmp_path / "one/app/configs.py").read_text()
    two = (tmp_path / "two/app/configs.py").read_text()
    assert one != two


def test_data_and_database_flags_become_answers(cli: CliRunner, tmp_path: Path) -> None:
    result = cli(
        "new-project",
        str(tmp_path / "pg"),
        "--defaults",
        "--database",
        "postgres",
        "--data",
        "description=Orders service",
        "--data",
        "author=Ada",
    )
    assert result.code == 0, result.err
    configs = (tmp_path / "pg/app/configs.py").read_text()
    assert 'DATABASE_URI: str = "postgresql+asyncpg://' in configs
    assert 'description = "Orders service"' in (tmp_path / "pg/pyproject.toml").read_text()


def test_non_empty_target_is_refused_and_left_alone(cli: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = cli("new-project", str(target), "--defaults")
    assert result.code == EXIT_CONFLICT
    assert "not empty" in result.err
    assert snapshot(target) == {"notes.txt": b"mine"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_force_writes_into_a_non_empty_folder(cli: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    assert cli("new-project", str(target), "--defaults", "--force").code == 0
    assert (target / "notes.txt").read_text() == "mine"
    assert (target / "app/configs.py").is_file()


@pytest.mark.parametrize(
    "args",
    [
        ["1shop"],
        ["shop!"],
        ["shop", "--data", "nonsense=1"],
        ["shop", "--data", "no-equals-sign"],
        ["shop", "--with", "kitchen-sink"],
        ["shop", "--database", "oracle"],
    ],
)
def test_bad_usage_exits_2_and_writes_nothing(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("new-project", *args, "--defaults")
    assert result.code == EXIT_USAGE, result.err
    assert list(tmp_path.iterdir()) == []


def test_extras_are_generated_and_recorded(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("new-project", str(tmp_path / "full"), "--defaults", "--with", "auth,cache")
    assert result.code == 0, result.err
    configs = (tmp_path / "full/app/configs.py").read_text()
    assert '"app.authentication:auth"' in configs
    assert '"app.cache:cache"' in configs
    journal = (tmp_path / "full/.pyjolt/journal.toml").read_text()
    assert 'kind = "auth"' in journal
    answers = yaml.safe_load((tmp_path / "full/.copier-answers.yml").read_text())
    assert answers["with_auth"] is True
    assert answers["with_scheduler"] is False


@pytest.mark.parametrize(
    "name", ["pyjolt", "PyJolt", "sqlalchemy", "SQLAlchemy", "pydantic", "alembic", "pytest"]
)
def test_a_name_that_shadows_a_dependency_is_bad_usage(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("new-project", name, "--defaults")
    assert result.code == EXIT_USAGE, result.err
    assert "depends on" in result.err
    assert list(tmp_path.iterdir()) == []


def test_project_folders_get_the_users_umask(cli: CliRunner, tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        assert cli("new-project", str(tmp_path / "shop"), "--defaults").code == 0
    finally:
        os.umask(previous)
    for folder in ("", "app", "app/migrations", "app/migrations/versions", ".pyjolt"):
        mode = stat.S_IMODE((tmp_path / "shop" / folder).stat().st_mode)
        assert mode == 0o750, (folder, oct(mode))


def test_force_with_a_file_where_a_folder_goes_writes_nothing(
    cli: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "tests").write_text("a file, not a folder")
    result = cli("new-project", str(target), "--defaults", "--force")
    assert result.code == EXIT_CONFLICT, result.err
    assert "tests" in result.err
    assert snapshot(target) == {"tests": b"a file, not a folder"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
