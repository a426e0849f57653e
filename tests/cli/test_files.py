"""Writing safely: a failure part-way leaves the project as it was."""

from pathlib import Path

import pytest

from pyjolt.cli import generate
from pyjolt.cli.files import Transaction

from .conftest import CliRunner, snapshot


def test_rollback_undoes_creates_replacements_removals_and_new_folders(tmp_path: Path) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_text("before")
    gone = tmp_path / "gone.txt"
    gone.write_text("still here")
    before = snapshot(tmp_path)
    transaction = Transaction()
    transaction.write(tmp_path / "new" / "deep" / "file.py", b"x = 1\n")
    transaction.write(kept, b"after")
    transaction.remove(gone)
    transaction.rollback()
    assert snapshot(tmp_path) == before
    assert not (tmp_path / "new").exists()


def test_failure_while_writing_leaves_the_project_unchanged(
    cli: CliRunner, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_journal(root: Path, journal: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(generate, "save_journal", broken_journal)
    before = snapshot(project)
    result = cli("generate", "resource", "products", "name:str")
    assert result.code == 1
    assert "disk full" in result.err
    assert snapshot(project) == before
    assert not (project / "app/schemas/product.py").exists()


def test_rollback_survives_its_own_failures_and_undoes_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    transaction = Transaction()
    stuck = tmp_path / "stuck.py"
    transaction.write(tmp_path / "app/api/users.py", b"x = 1\n")
    transaction.write(stuck, b"y = 2\n")
    transaction.write(tmp_path / "tests/api/test_users.py", b"z = 3\n")
    real_unlink = Path.unlink

    def unlink(path: Path, missing_ok: bool = False) -> None:
        if path == stuck:
            raise NotADirectoryError(20, "Not a directory", str(path))
        real_unlink(path, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    transaction.rollback()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stuck.py"]
    assert "could not remove" in caplog.text


def test_a_write_failing_part_way_leaves_nothing_behind(
    cli: CliRunner, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    shutil.rmtree(project / "tests/api")
    (project / "tests/api").write_text("not a folder\n")
    # Skip the planning check that finds this first, to reach the write that fails.
    monkeypatch.setattr(generate, "_file_in_the_way", lambda root, relative: None)
    before = snapshot(project)
    result = cli("generate", "controller", "users")
    assert result.code == 1
    assert "Not a directory" in result.err
    assert snapshot(project) == before
    assert not (project / "app/api/users.py").exists()
