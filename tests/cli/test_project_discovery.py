"""Finding the app: --app, else [tool.pyjolt] app, else app:Application."""

from pathlib import Path

import pytest

from pyjolt.cli.errors import CliError, UsageError
from pyjolt.cli.project import find_project


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_tool_pyjolt_app_is_used_from_a_subfolder(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.pyjolt]\napp = "service.main:Api"\n')
    found = find_project(start=(tmp_path / "service" / "deep").resolve())
    assert found.root == tmp_path.resolve()
    assert found.app_spec == "service.main:Api"
    assert found.configs_path == tmp_path.resolve() / "service" / "main" / "configs.py"


def test_app_option_wins_over_pyproject(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.pyjolt]\napp = "service.main:Api"\n')
    assert find_project("other:App", start=tmp_path).app_spec == "other:App"


def test_default_app_when_pyproject_has_no_table_but_app_package_exists(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    write(tmp_path / "app" / "__init__.py", "")
    assert find_project(start=tmp_path).app_spec == "app:Application"


def test_outside_a_project_is_an_error_with_a_hint(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project]\nname = 'not-pyjolt'\n")
    with pytest.raises(CliError) as caught:
        find_project(start=tmp_path)
    assert "no PyJolt project found" in caught.value.message
    assert caught.value.hint and "--app" in caught.value.hint


def test_malformed_app_setting_is_bad_usage(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.pyjolt]\napp = "no colon"\n')
    with pytest.raises(UsageError, match="not an import string"):
        find_project(start=tmp_path)
