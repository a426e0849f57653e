"""``pyjolt destroy``: undo a generator from the journal, keeping edited files."""

from pathlib import Path

import pytest

from pyjolt.cli.errors import EXIT_CONFLICT, EXIT_ERROR

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


def test_the_summary_names_the_kind_once(cli: CliRunner, project: Path) -> None:
    assert cli("generate", "auth").code == 0
    result = cli("destroy", "auth")
    assert result.code == 0, result.err
    assert "destroyed auth: " in result.err
    assert "auth auth" not in result.err
    assert cli("generate", "controller", "users").code == 0
    assert (
        "destroyed controller users: 2 file(s) removed" in cli("destroy", "controller", "users").err
    )


def test_an_unapplied_migration_nothing_follows_is_deleted(cli: CliRunner, project: Path) -> None:
    assert cli("generate", "model", "Tag", "label:str").code == 0
    result = cli("destroy", "model", "Tag")
    assert result.code == 0, result.err
    assert not list((project / "app/migrations/versions").glob("*_tags_table.py"))


def test_a_database_that_cannot_be_checked_counts_as_having_applied_everything(
    cli: CliRunner, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("generate", "model", "Tag", "label:str").code == 0
    monkeypatch.setenv("DATABASE_URI", "postgresql+asyncpg://nobody@127.0.0.1:1/nothing")
    result = cli("destroy", "model", "Tag")
    assert result.code == 0, result.err
    assert "treating them all as applied" in result.err
    versions = project / "app/migrations/versions"
    assert len(list(versions.glob("*_create_tags_table.py"))) == 1
    assert len(list(versions.glob("*_drop_tags_table.py"))) == 1
    monkeypatch.delenv("DATABASE_URI")
    assert cli("db", "upgrade").code == 0
    assert cli("db", "check").code == 0


def test_a_kept_migration_with_several_heads_is_a_conflict_naming_the_merge(
    cli: CliRunner, project: Path
) -> None:
    assert cli("generate", "resource", "products", "name:str").code == 0
    assert cli("generate", "resource", "orders", "number:str").code == 0
    orders = next((project / "app/migrations/versions").glob("*_create_orders_table.py"))
    branch = '"""Another head."""\n\nrevision = "bbbb00000001"\ndown_revision = "{}"\n'
    (project / "app/migrations/versions/bbbb00000001_branch.py").write_text(
        branch.format(orders.name.split("_")[0])
        + "\n\ndef upgrade() -> None:\n    pass\n\n\ndef downgrade() -> None:\n    pass\n"
    )
    (project / "app/migrations/versions/bbbb00000002_branch.py").write_text(
        branch.replace("bbbb00000001", "bbbb00000002").format(orders.name.split("_")[0])
        + "\n\ndef upgrade() -> None:\n    pass\n\n\ndef downgrade() -> None:\n    pass\n"
    )
    before = snapshot(project)
    result = cli("destroy", "resource", "products")
    assert result.code == EXIT_CONFLICT, result.err
    assert 'pyjolt db merge -m "merge heads"' in result.err
    assert snapshot(project) == before
    assert cli("db", "merge", "-m", "merge heads").code == 0
    assert cli("destroy", "resource", "products").code == 0
    assert cli("db", "upgrade").code == 0
    assert cli("db", "check").code == 0


def test_a_resource_over_an_existing_model_owns_only_what_it_added(
    cli: CliRunner, project: Path
) -> None:
    assert cli("generate", "model", "Tag", "label:str").code == 0
    result = cli("generate", "resource", "tags", "label:str")
    assert result.code == 0, result.err
    assert "table tags is created by" in result.err
    versions = project / "app/migrations/versions"
    assert len(list(versions.glob("*_create_tags_table.py"))) == 1
    assert cli("destroy", "resource", "tags").code == 0
    assert (project / "app/models/tag.py").is_file()
    assert '"app.models.tag:Tag"' in (project / "app/configs.py").read_text()
    assert not (project / "app/api/tags.py").exists()
    assert cli("db", "upgrade").code == 0
    assert cli("db", "check").code == 0


def test_a_journal_from_a_newer_pyjolt_is_refused(cli: CliRunner, project: Path) -> None:
    journal = project / ".pyjolt/journal.toml"
    journal.write_text(journal.read_text().replace("version = 2", "version = 99"))
    result = cli("destroy", "resource", "notes")
    assert result.code == EXIT_ERROR
    assert "newer than this pyjolt reads" in result.err
