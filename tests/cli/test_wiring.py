"""libcst edits of configs.py: one list changes, everything else stays byte for byte."""

import os
import stat
from pathlib import Path

import pytest

from pyjolt.cli.errors import CliError
from pyjolt.cli.files import write_atomically
from pyjolt.cli.wiring import SettingEdit, WiringEdit, WiringError, apply_edits

CONFIGS = b'''"""Settings."""

import os

from pyjolt import BaseConfig


class Config(BaseConfig):
    """The app's config."""

    APP_NAME: str = "Shop"  # shown in the title
    CONTROLLERS: list[str] = [
        "app.api.home:HomeApi",  # the landing page
        # controllers go here
    ]
    EXTENSIONS = ['app.extensions:db', 'app.extensions:migrate']
    MODELS: list[str] = []
    EXCEPTION_HANDLERS: list[str] = [
        "app.api.exceptions:Handler"
    ]
'''

USERS = WiringEdit("CONTROLLERS", "app.api.users:UsersApi")


def add(source: bytes, *edits: WiringEdit) -> bytes:
    return apply_edits(source, list(edits)).source


def test_entry_is_appended_after_the_last_one_keeping_comments() -> None:
    result = add(CONFIGS, USERS).decode()
    assert (
        '        "app.api.home:HomeApi",  # the landing page\n'
        '        "app.api.users:UsersApi",\n'
        "        # controllers go here\n"
        "    ]\n"
    ) in result


def test_nothing_outside_the_edited_list_changes() -> None:
    before = CONFIGS.decode().splitlines()
    after = add(CONFIGS, USERS).decode().splitlines()
    assert [line for line in after if line not in before] == ['        "app.api.users:UsersApi",']
    assert [line for line in before if line not in after] == []


def test_single_line_list_stays_on_one_line_with_its_quotes() -> None:
    result = add(CONFIGS, WiringEdit("EXTENSIONS", "app.cache:cache")).decode()
    expected = "['app.extensions:db', 'app.extensions:migrate', 'app.cache:cache']"
    assert f"    EXTENSIONS = {expected}\n" in result


def test_empty_list_becomes_one_entry_per_line() -> None:
    result = add(CONFIGS, WiringEdit("MODELS", "app.models.user:User")).decode()
    assert '    MODELS: list[str] = [\n        "app.models.user:User",\n    ]\n' in result


def test_list_without_trailing_comma_keeps_that_style() -> None:
    result = add(CONFIGS, WiringEdit("EXCEPTION_HANDLERS", "app.errors:Other")).decode()
    assert (
        "    EXCEPTION_HANDLERS: list[str] = [\n"
        '        "app.api.exceptions:Handler",\n'
        '        "app.errors:Other"\n'
        "    ]\n"
    ) in result


def test_missing_list_is_added_to_the_config_class() -> None:
    source = b'class Config(BaseConfig):\n    APP_NAME = "x"\n'
    result = apply_edits(source, [USERS])
    assert result.source == (
        b'class Config(BaseConfig):\n    APP_NAME = "x"\n'
        b'    CONTROLLERS: list[str] = [\n        "app.api.users:UsersApi",\n    ]\n'
    )
    assert result.created_lists == ["CONTROLLERS"]


def test_adding_an_entry_twice_changes_nothing_and_says_so() -> None:
    once = add(CONFIGS, USERS)
    again = apply_edits(once, [USERS])
    assert again.source == once
    assert not again.changed
    assert again.applied == [False]
    assert "already has" in again.messages[0]


@pytest.mark.parametrize(
    "edit",
    [
        USERS,
        WiringEdit("EXTENSIONS", "app.cache:cache"),
        WiringEdit("MODELS", "app.models.user:User"),
        WiringEdit("EXCEPTION_HANDLERS", "app.errors:Other"),
    ],
)
def test_removing_what_was_added_restores_the_original_text(edit: WiringEdit) -> None:
    added = add(CONFIGS, edit)
    assert apply_edits(added, [edit], remove=True).source == CONFIGS


def test_removing_a_list_the_add_created_restores_the_original_text() -> None:
    source = b"class Config(BaseConfig):\n    DEBUG = True\n"
    added = apply_edits(source, [USERS])
    removed = apply_edits(added.source, [USERS], remove=True, drop_if_empty=added.created_lists)
    assert removed.source == source


def test_middleware_list_is_created_when_missing_and_dropped_again() -> None:
    timing = WiringEdit("MIDDLEWARE", "app.middleware.timing:TimingMiddleware")
    added = apply_edits(CONFIGS, [timing])
    assert added.created_lists == ["MIDDLEWARE"]
    assert added.source.endswith(
        b'    MIDDLEWARE: list[str] = [\n        "app.middleware.timing:TimingMiddleware",\n    ]\n'
    )
    removed = apply_edits(added.source, [timing], remove=True, drop_if_empty=added.created_lists)
    assert removed.source == CONFIGS


def test_removing_a_middle_entry_keeps_the_others() -> None:
    source = b'class Config:\n    CONTROLLERS = ["a:A", "b:B", "c:C"]\n'
    result = apply_edits(source, [WiringEdit("CONTROLLERS", "b:B")], remove=True)
    assert result.source == b'class Config:\n    CONTROLLERS = ["a:A", "c:C"]\n'


def test_windows_line_endings_are_kept() -> None:
    source = b"class Config(BaseConfig):\r\n    CONTROLLERS: list[str] = [\r\n"
    source += b'        "a:A",\r\n    ]\r\n'
    result = add(source, USERS)
    assert b'        "app.api.users:UsersApi",\r\n' in result
    assert b"\n" not in result.replace(b"\r\n", b"")


def test_config_class_found_by_its_base_when_not_named_config() -> None:
    source = b"from pyjolt import BaseConfig\n\n\nclass Settings(BaseConfig):\n    DEBUG = True\n"
    assert b'"app.api.users:UsersApi"' in add(source, USERS)


def test_unparseable_file_is_an_error_naming_the_line() -> None:
    source = b"class Config(BaseConfig):\n    CONTROLLERS = [\n        'a:A'\n    DEBUG = True\n"
    with pytest.raises(WiringError) as caught:
        apply_edits(source, [USERS], "app/configs.py")
    assert caught.value.message.startswith("app/configs.py:")
    assert "cannot parse" in caught.value.message


def test_unparseable_file_reports_the_right_line_number() -> None:
    source = b'class Config(BaseConfig):\n    DEBUG = True\n    NAME = "x\n'
    with pytest.raises(WiringError, match=r"^configs.py:3:"):
        apply_edits(source, [USERS])


def test_list_that_is_not_a_literal_is_refused() -> None:
    source = b"class Config(BaseConfig):\n    CONTROLLERS = BASE + ['a:A']\n"
    with pytest.raises(WiringError, match="not a list or tuple literal"):
        apply_edits(source, [USERS])


def test_file_without_a_config_class_is_refused() -> None:
    with pytest.raises(WiringError, match="no Config class"):
        apply_edits(b"DEBUG = True\n", [USERS])


@pytest.mark.parametrize(
    "edit",
    [WiringEdit("ROUTES", "a:B"), WiringEdit("CONTROLLERS", "a.b"), WiringEdit("MODELS", "x'+y:Z")],
)
def test_unknown_lists_and_malformed_entries_are_refused(edit: WiringEdit) -> None:
    with pytest.raises(CliError):
        apply_edits(CONFIGS, [edit])


def test_atomic_write_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "configs.py"
    path.write_bytes(CONFIGS)
    os.chmod(path, 0o600)
    write_atomically(path, add(CONFIGS, USERS))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"UsersApi" in path.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["configs.py"]


TUPLES = b"""class Config(BaseConfig):
    EXTENSIONS = (
        "app.extensions:db",  # the database
        "app.extensions:migrate",
    )
    MODELS = ("app.models.note:Note",)
    CONTROLLERS: tuple[str, ...] = ("a:A", "b:B")
    EXCEPTION_HANDLERS = ()
"""


def test_tuples_are_edited_like_lists() -> None:
    result = add(TUPLES, WiringEdit("EXTENSIONS", "app.cache:cache")).decode()
    assert (
        "    EXTENSIONS = (\n"
        '        "app.extensions:db",  # the database\n'
        '        "app.extensions:migrate",\n'
        '        "app.cache:cache",\n'
        "    )\n"
    ) in result
    one_line = add(TUPLES, WiringEdit("CONTROLLERS", "c:C")).decode()
    assert '    CONTROLLERS: tuple[str, ...] = ("a:A", "b:B", "c:C")\n' in one_line


@pytest.mark.parametrize(
    "edit",
    [
        WiringEdit("EXTENSIONS", "app.cache:cache"),
        WiringEdit("MODELS", "app.models.user:User"),
        WiringEdit("CONTROLLERS", "c:C"),
        WiringEdit("EXCEPTION_HANDLERS", "app.errors:Other"),
    ],
)
def test_removing_what_was_added_to_a_tuple_restores_the_original_text(edit: WiringEdit) -> None:
    added = add(TUPLES, edit)
    assert edit.entry in added.decode()
    assert apply_edits(added, [edit], remove=True).source == TUPLES


def test_a_tuple_left_with_one_entry_stays_a_tuple() -> None:
    result = apply_edits(TUPLES, [WiringEdit("CONTROLLERS", "b:B")], remove=True)
    assert b'    CONTROLLERS: tuple[str, ...] = ("a:A",)\n' in result.source
    emptied = apply_edits(TUPLES, [WiringEdit("MODELS", "app.models.note:Note")], remove=True)
    assert b"    MODELS = ()\n" in emptied.source


def test_a_tuple_without_parentheses_is_refused() -> None:
    source = b"class Config(BaseConfig):\n    EXTENSIONS = 'a:A', 'b:B'\n"
    with pytest.raises(WiringError, match="not a list or tuple literal"):
        apply_edits(source, [WiringEdit("EXTENSIONS", "c:C")])


BROKER = SettingEdit("TASK_MANAGER_BROKER_URL")


def test_a_missing_setting_is_declared_at_the_end_of_the_class() -> None:
    result = apply_edits(CONFIGS, [BROKER])
    assert result.source == CONFIGS + b"    TASK_MANAGER_BROKER_URL: str | None = None\n"
    assert result.applied == [True]
    assert result.created_lists == []


def test_a_setting_the_class_already_has_is_left_alone() -> None:
    source = b'class Config(BaseConfig):\n    TASK_MANAGER_BROKER_URL = "redis://x"\n'
    result = apply_edits(source, [BROKER])
    assert result.source == source
    assert result.applied == [False]
    assert "already sets TASK_MANAGER_BROKER_URL" in result.messages[0]


def test_removing_a_declared_setting_restores_the_original_text() -> None:
    added = apply_edits(CONFIGS, [BROKER, USERS]).source
    assert apply_edits(added, [USERS, BROKER], remove=True).source == CONFIGS


@pytest.mark.parametrize(
    "declared",
    [
        b'    TASK_MANAGER_BROKER_URL: str | None = "redis://redis:6379/1"\n',
        b"    TASK_MANAGER_BROKER_URL: str | None = None  # the queue\n",
        b"    # the queue\n    TASK_MANAGER_BROKER_URL: str | None = None\n",
    ],
)
def test_a_setting_the_user_changed_is_kept(declared: bytes) -> None:
    result = apply_edits(CONFIGS + declared, [BROKER], remove=True)
    assert result.source == CONFIGS + declared
    assert result.applied == [False]
    assert "was changed since it was declared" in result.messages[0]


def test_removing_a_setting_that_is_gone_changes_nothing() -> None:
    result = apply_edits(CONFIGS, [BROKER], remove=True)
    assert result.source == CONFIGS
    assert result.applied == [False]
    assert "has no TASK_MANAGER_BROKER_URL" in result.messages[0]


def test_declaring_keeps_windows_line_endings() -> None:
    source = b"class Config(BaseConfig):\r\n    DEBUG = False\r\n"
    result = apply_edits(source, [BROKER]).source
    assert result == source + b"    TASK_MANAGER_BROKER_URL: str | None = None\r\n"


@pytest.mark.parametrize("name", ["broker_url", "A-B", "X = 1\nY", ""])
def test_setting_names_must_be_upper_case_identifiers(name: str) -> None:
    with pytest.raises(WiringError, match="is not a setting name"):
        apply_edits(CONFIGS, [SettingEdit(name)])
