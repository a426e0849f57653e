"""The kinds registry: each kind's names, answers and owned files, checked as data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pyjolt.cli.kinds import KINDS, kind_named
from pyjolt.cli.kinds.base import Generation, Table, TemplateAnswers
from pyjolt.cli.migrations import MigrationAnswers
from pyjolt.cli.project import Project
from pyjolt.cli.templates import render_to_memory, template_dir

OPTIONS: dict[str, tuple[str | None, dict[str, Any]]] = {
    "controller": ("user-accounts", {"crud": True}),
    "model": ("Products", {"fields": ["name:str!", "price:float"]}),
    "resource": ("Product", {"fields": ["name:str!"]}),
    "exception-handler": ("BillingHandler", {}),
    "middleware": ("TimingMiddleware", {}),
    "websocket": ("ChatSocket", {}),
    "auth": (None, {}),
    "scheduler": (None, {}),
    "cache": (None, {}),
    "ai": (None, {}),
    "deploy": (None, {}),
}


def build(kind_name: str, tmp_path: Path) -> Generation:
    name, options = OPTIONS[kind_name]
    project = Project(tmp_path, "app:Application", {})
    return kind_named(kind_name).build(project, name, **options)


def test_every_kind_is_exercised_here() -> None:
    assert {kind.name for kind in KINDS} == set(OPTIONS)


@pytest.mark.parametrize(
    ("kind", "typed", "key"),
    [
        ("controller", "UserAccounts", "user_accounts"),
        ("model", "products", "product"),
        ("resource", "Product", "products"),
        ("exception-handler", "billing", "billing"),
        ("middleware", "audit-log", "audit_log"),
        ("websocket", "support-chat", "support_chat"),
        ("auth", None, "auth"),
        ("deploy", None, "deploy"),
    ],
)
def test_generate_and_destroy_share_one_name_rule(
    kind: str, typed: str | None, key: str, tmp_path: Path
) -> None:
    assert kind_named(kind).journal_key(typed) == key
    project = Project(tmp_path, "app:Application", {})
    assert kind_named(kind).build(project, typed, **OPTIONS[kind][1]).key == key


def test_resource_records_the_names_of_its_model_and_controller(tmp_path: Path) -> None:
    assert build("resource", tmp_path).names == {
        "model_module": "product",
        "model_class": "Product",
        "table": "products",
        "module": "products",
        "class": "ProductsApi",
        "route": "/api/v1/products",
    }


def questions(template: str) -> set[str]:
    config = yaml.safe_load((template_dir(template) / "copier.yml").read_text())
    return {key for key in config if not key.startswith("_")}


def every_answers(tmp_path: Path) -> list[TemplateAnswers]:
    answers: list[TemplateAnswers] = []
    for kind in KINDS:
        answers += build(kind.name, tmp_path).parts.renders
    table = build("model", tmp_path).parts.tables[0]
    answers += [MigrationAnswers("app/migrations", "abc", "", "drop", table)]
    return answers


def test_answers_give_exactly_the_questions_of_their_template(tmp_path: Path) -> None:
    for answers in every_answers(tmp_path):
        assert set(answers.to_data()) == questions(answers.template), answers.template


@pytest.mark.parametrize("kind", sorted(OPTIONS))
def test_a_kind_declares_the_files_its_templates_render(kind: str, tmp_path: Path) -> None:
    generation = build(kind, tmp_path)
    parts = [(answers.template, answers.to_data()) for answers in generation.parts.renders]
    rendered = {f.path for f in render_to_memory(parts)}
    shared = {path for path in rendered if path.endswith(("__init__.py", "models/base.py"))}
    assert rendered - shared == generation.files


def test_kinds_declare_whether_they_create_tables(tmp_path: Path) -> None:
    for kind in KINDS:
        assert kind.creates_tables == bool(build(kind.name, tmp_path).parts.tables), kind.name


def test_tables_come_from_the_model_kind(tmp_path: Path) -> None:
    for kind in ("model", "resource", "auth"):
        [table] = build(kind, tmp_path).parts.tables
        assert isinstance(table, Table)
    conversations, messages = build("ai", tmp_path).parts.tables
    assert (conversations.name, messages.name) == ("conversations", "conversation_messages")
    assert build("resource", tmp_path).parts.tables[0].name == "products"
    assert build("auth", tmp_path).parts.tables[0].name == "users"
    assert build("controller", tmp_path).parts.tables == []


def copier_render(template: str, data: dict[str, Any], destination: Path) -> dict[str, bytes]:
    """What copier itself renders: the reference the generators' renderer must match."""
    from pyjolt.cli.templates import collect_files, render

    render(template, destination, data)
    return {item.path: item.data for item in collect_files(destination)}


def test_the_generators_render_exactly_what_copier_renders(tmp_path: Path) -> None:
    from pyjolt.cli.rendering import render_template

    project = Project(tmp_path, "app:Application", {})
    plain = kind_named("controller").build(project, "reports").parts.renders
    for index, answers in enumerate([*every_answers(tmp_path), *plain]):
        data = answers.to_data()
        expected = copier_render(answers.template, data, tmp_path / f"copier-{index}")
        ours = {item.path: item.data for item in render_template(answers.template, data)}
        assert ours == expected, answers.template


def test_the_renderer_leaves_out_excluded_paths(tmp_path: Path) -> None:
    from pyjolt.cli.rendering import render_template

    data = build("model", tmp_path).parts.renders[0].to_data()
    every = {item.path for item in render_template("model", data)}
    assert "app/models/base.py" in every
    kept = {item.path for item in render_template("model", data, ["app/models/base.py"])}
    assert kept == every - {"app/models/base.py"}


@pytest.mark.parametrize(
    "kind", sorted({answers.template for answers in every_answers(Path("/x"))})
)
def test_every_kind_template_has_the_layout_the_renderer_reads(kind: str) -> None:
    from pyjolt.cli.rendering import SUBDIRECTORY, TEMPLATES_SUFFIX

    config = yaml.safe_load((template_dir(kind) / "copier.yml").read_text())
    assert config["_subdirectory"] == SUBDIRECTORY
    assert config["_templates_suffix"] == TEMPLATES_SUFFIX
