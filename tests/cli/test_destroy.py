"""``pyjolt destroy``: undo a generator from the journal, keeping edited files."""

from pathlib import Path

from pyjolt.cli.errors import EXIT_ERROR

from .conftest import CliRunner, snapshot


def test_destroy_returns_the_project_to_its_earlier_state(cli: CliRunner, project: Path) -> None:
    before = snapshot(project)
    assert cli("generate", "resource", "products", "name:str!", "price:float").code == 0
    result = cli("destroy", "resource", "products")
    assert result.code == 0, result.err
    after = snapshot(project)
    assert after.pop(".pyjolt/journal.toml") == before.pop(".pyjolt/journal.toml")
    assert after == before


def test_edited_files_are_kept_with_a_warning(cli: CliRunner, project: Path) -> None:
    assert cli("generate", "controller", "users").code == 0
    controller = project / "app/api/users.py"
    controller.write_text(controller.read_text() + "# my change\n")
    result = cli("destroy", "controller", "users")
    assert result.code == 0
    assert "was edited" in result.err
    assert controller.is_file()
    assert not (project / "tests/api/test_users.py").exists()
    assert "UsersApi" not in (project / "app/configs.py").read_text()


def test_force_removes_edited_files_too(cli: CliRunner, project: Path) -> None:
    assert cli("generate", "controller", "users").code == 0
    controller = project / "app/api/users.py"
    controller.write_text("# mine\n")
    assert cli("destroy", "controller", "users", "--force").code == 0
    assert not controller.exists()


def test_dry_run_changes_nothing(cli: CliRunner, project: Path) -> None:
    assert cli("generate", "controller", "users").code == 0
    before = snapshot(project)
    result = cli("destroy", "controller", "users", "--dry-run")
    assert result.code == 0
    assert '-        "app.api.users:UsersApi",' in result.out
    assert snapshot(project) == before


def test_destroying_something_never_generated_is_an_error(cli: CliRunner, project: Path) -> None:
    before = snapshot(project)
    result = cli("destroy", "controller", "ghosts")
    assert result.code == EXIT_ERROR
    assert "the journal has no controller ghosts" in result.err
    assert snapshot(project) == before
