"""The packaged copier templates: found, rendered, and their errors reported."""

from pathlib import Path

import pytest

from pyjolt.cli.errors import CliError, UsageError
from pyjolt.cli.kinds import kind_named
from pyjolt.cli.project import Project
from pyjolt.cli.templates import (
    package_reference,
    render,
    render_to_memory,
    resolve_reference,
    template_dir,
    templates_root,
)

KINDS = [
    "project",
    "controller",
    "model",
    "migration",
    "exception_handler",
    "auth",
    "scheduler",
    "cache",
    "ai",
]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_copier_template(kind: str) -> None:
    assert (template_dir(kind) / "copier.yml").is_file()


def test_package_reference_resolves_to_the_template() -> None:
    assert resolve_reference(package_reference("project")) == templates_root() / "project"


def test_unknown_template_is_an_error() -> None:
    with pytest.raises(CliError, match="no template for 'widget'"):
        template_dir("widget")


def test_missing_required_answer_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="project_name"):
        render("project", tmp_path, {})


def test_invalid_answer_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        render("project", tmp_path, {"project_name": "9 lives"})


def test_conditional_schema_file_is_left_out_without_a_model(tmp_path: Path) -> None:
    project = Project(tmp_path, "app:Application", {})
    [answers] = kind_named("controller").build(project, "things").parts.renders
    files = render_to_memory([("controller", answers.to_data())])
    assert sorted(f.path for f in files) == [
        "app/api/__init__.py",
        "app/api/things.py",
        "tests/__init__.py",
        "tests/api/__init__.py",
        "tests/api/test_things.py",
    ]


def test_a_missing_answer_is_named_instead_of_rendering_an_empty_path() -> None:
    with pytest.raises(CliError, match="is undefined"):
        render_to_memory([("controller", {"module_name": "things", "model": None})])
