"""``pyjolt upgrade`` for real: a project made from template version 1 (kept as a fixture,
generated the way PyJolt did then), edited and committed as a user would, then upgraded
to the current template through the CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pyjolt.cli import new_project
from pyjolt.cli.template_versions import current_version

from .conftest import snapshot

FIXTURE = Path(__file__).parent / "fixtures" / "project_template_v1"
PYJOLT = str(Path(sys.executable).parent / "pyjolt")
GIT = ["git", "-c", "user.name=Ada", "-c", "user.email=ada@example.invalid"]


def render_version_1(
    kind: str, destination: Path, data: dict[str, Any], interactive: bool = False, **_: Any
) -> None:
    import copier
    from copier import errors as copier_errors

    assert kind == "project"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", copier_errors.CopierWarning)
        copier.run_copy(
            str(FIXTURE), destination, data=data, defaults=True, quiet=True, skip_tasks=True
        )


@pytest.fixture(scope="module")
def version_1_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pyjolt new-project shop`` as it was with template version 1."""
    parent = tmp_path_factory.mktemp("v1")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(new_project, "render", render_version_1)
        new_project.create_project(str(parent / "shop"), defaults=True)
    root = parent / "shop"
    # PyJolt recorded neither the template version nor its own version then.
    answers_file = root / ".copier-answers.yml"
    text = answers_file.read_text()
    header = "".join(line for line in text.splitlines(True) if line.startswith("#"))
    answers = yaml.safe_load(text)
    for key in ("_commit", "pyjolt_version"):
        answers.pop(key)
    answers_file.write_text(header + yaml.safe_dump(answers, sort_keys=True))
    return root


def git(root: Path, *args: str) -> str:
    result = subprocess.run([*GIT, *args], cwd=root, capture_output=True, text=True, check=True)
    return result.stdout


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


@pytest.fixture
def project(version_1_project: Path, tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "shop"
    shutil.copytree(version_1_project, root)
    git(root, "init", "-q")
    commit(root, "generated")
    yield root


def upgrade(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYJOLT, "upgrade", *args], cwd=root, capture_output=True, text=True, check=False
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


SQLITE_V1 = '"sqlite+aiosqlite:///./shop.db"'
SQLITE_V2 = '"sqlite+aiosqlite:///../shop.db"'


def test_version_1_is_what_the_fixture_renders(version_1_project: Path) -> None:
    assert SQLITE_V1 in (version_1_project / "app" / "configs.py").read_text()
    assert current_version() != "1"


def test_a_clean_merge_keeps_the_users_edits_and_brings_the_template_changes(
    project: Path,
) -> None:
    configs = project / "app" / "configs.py"
    edit(configs, 'VERSION: str = "0.1.0"', 'VERSION: str = "0.2.0"')
    with (project / "README.md").open("a") as readme:
        readme.write("\n## Our notes\n\nDeployed by the ops team.\n")
    (project / "app" / "api" / "reports.py").write_text('"""Reports."""\n')
    commit(project, "user edits")

    secret = secret_key_line(project)

    result = upgrade(project)

    assert result.returncode == 0, result.stderr
    assert secret_key_line(project) == secret
    text = configs.read_text()
    assert 'VERSION: str = "0.2.0"' in text and SQLITE_V2 in text and SQLITE_V1 not in text
    assert '"app.api.notes:NotesApi"' in text  # wired by a generator after new-project
    assert "Deployed by the ops team." in (project / "README.md").read_text()
    assert "pyjolt config" in (project / ".env.example").read_text()
    assert (project / "app" / "api" / "reports.py").read_text() == '"""Reports."""\n'
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == current_version()
    assert answers["_src_path"] == "pyjolt:project_templates/project"
    assert "secret_key" not in answers and "has_database" not in answers
    changed = git(project, "status", "--porcelain").split()
    assert {"app/configs.py", ".env.example", ".copier-answers.yml"} <= set(changed)
    assert not any(b"<<<<<<<" in path.read_bytes() for path in project.rglob("*.py"))
    # The upgraded project still works: its database is found from a sub-folder.
    db = subprocess.run(
        [PYJOLT, "db", "upgrade"], cwd=project / "app" / "api", capture_output=True, text=True
    )
    assert db.returncode == 0, db.stderr
    assert (project / "shop.db").is_file()
    # Upgrading again has nothing to do.
    commit(project, "upgraded")
    again = upgrade(project)
    assert again.returncode == 0 and "nothing to do" in again.stderr


def secret_key_line(project: Path) -> str:
    [line] = [
        x for x in (project / "app" / "configs.py").read_text().splitlines() if "SECRET_KEY:" in x
    ]
    return line


def test_a_conflicting_edit_exits_3_and_lists_every_file(project: Path) -> None:
    edit(project / "app" / "configs.py", SQLITE_V1, '"sqlite+aiosqlite:///./data/shop.db"')
    edit(project / ".env.example", "///./shop.db", "///./data/shop.db")
    commit(project, "our own database path")
    secret = secret_key_line(project)

    result = upgrade(project)

    assert result.returncode == 3, result.stderr
    message = " ".join(result.stderr.split())
    assert "conflicts in 2 file(s)" in message
    assert "app/configs.py" in message and ".env.example" in message
    for name in ("app/configs.py", ".env.example"):
        text = (project / name).read_text()
        assert "<<<<<<< " in text and ">>>>>>> " in text and "data/shop.db" in text
    # Only the conflicting lines are in question: the rest is the project's, merged.
    configs = (project / "app" / "configs.py").read_text()
    assert configs.count(secret) == 1 and "change-me" not in configs
    conflict = configs[configs.index("<<<<<<< ") : configs.index(">>>>>>> ")]
    assert "DATABASE_URI" in conflict and "SECRET_KEY" not in conflict
    assert '"app.extensions:db",' in configs and '"app.extensions:migrate",' in configs


def test_dry_run_shows_what_would_change_and_writes_nothing(project: Path) -> None:
    before = snapshot(project)

    result = upgrade(project, "--dry-run")

    assert result.returncode == 0, result.stderr
    assert snapshot(project) == before
    assert "would update" in result.stderr and "app/configs.py" in result.stderr
    assert f"+    DATABASE_URI: str = {SQLITE_V2}" in result.stdout
    assert f"-    DATABASE_URI: str = {SQLITE_V1}" in result.stdout


def test_a_dry_run_reports_the_conflicts_it_would_leave(project: Path) -> None:
    edit(project / "app" / "configs.py", SQLITE_V1, '"sqlite+aiosqlite:///./data/shop.db"')
    commit(project, "our own database path")
    before = snapshot(project)

    result = upgrade(project, "--dry-run")

    assert result.returncode == 3
    assert "app/configs.py" in result.stderr and "nothing was written" in result.stderr
    assert snapshot(project) == before


def test_uncommitted_changes_are_refused_unless_forced(project: Path) -> None:
    with (project / "README.md").open("a") as readme:
        readme.write("\nWork in progress.\n")
    before = snapshot(project)

    refused = upgrade(project)

    assert refused.returncode == 3
    assert "README.md" in refused.stderr and "--force" in refused.stderr
    assert snapshot(project) == before

    forced = upgrade(project, "--force")

    assert forced.returncode == 0, forced.stderr
    assert "Work in progress." in (project / "README.md").read_text()
    assert SQLITE_V2 in (project / "app" / "configs.py").read_text()


def test_a_project_outside_git_is_refused(version_1_project: Path, tmp_path: Path) -> None:
    root = tmp_path / "shop"
    shutil.copytree(version_1_project, root)

    result = upgrade(root)

    assert result.returncode == 1
    assert "not in a git repository" in result.stderr
