"""The command tree: fast --help (lazy imports), versions, exit codes."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pyjolt import __version__
from pyjolt.cli.errors import EXIT_USAGE
from pyjolt.cli.fields import FIELD_TYPES
from pyjolt.cli.kinds import KINDS

from .conftest import CliRunner

HEAVY = [
    "alembic",
    "copier",
    "jinja2",
    "libcst",
    "pydantic",
    "pyjolt.app",
    "pyjolt.database",
    "rich",
    "sqlalchemy",
    "uvicorn",
    "yaml",
]

PROBE = """
import json, sys
from pyjolt.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy} if m in sys.modules)), file=sys.stderr)
"""


def loaded_after(*args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stderr.strip().splitlines()[-1])


def test_help_imports_neither_the_framework_nor_the_tools() -> None:
    assert loaded_after("--help") == []


def test_subcommand_help_stays_light_too() -> None:
    # typer itself imports pydantic to render a command's parameters
    heavy = set(HEAVY) - {"pydantic"}
    assert heavy.isdisjoint(loaded_after("generate", "controller", "--help"))
    assert heavy.isdisjoint(loaded_after("destroy", "resource", "--help"))
    assert heavy.isdisjoint(loaded_after("db", "upgrade", "--help"))


def test_the_app_cli_can_use_the_db_command_table_without_the_pyjolt_tree() -> None:
    probe = (
        "import sys; import pyjolt.cli.db_commands; "
        "print(sorted(m for m in ('typer', 'pyjolt.cli.main') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("verb", ["generate", "destroy"])
def test_every_kind_in_the_registry_has_a_command_with_examples(cli: CliRunner, verb: str) -> None:
    listing = cli(verb, "--help").out
    for kind in KINDS:
        assert f"  {kind.name} " in listing, kind.name
        result = cli(verb, kind.name, "--help")
        assert result.code == 0, (verb, kind.name)
        assert f"pyjolt {verb} {kind.name}" in result.out, (verb, kind.name)


@pytest.mark.parametrize("kind", ["model", "resource"])
def test_field_types_are_listed_in_the_help_of_kinds_with_fields(cli: CliRunner, kind: str) -> None:
    help_text = " ".join(cli("generate", kind, "--help").out.split())
    assert "Field types: " + ", ".join(FIELD_TYPES) in help_text


@pytest.mark.parametrize("verb", ["generate", "destroy"])
def test_a_missing_name_is_bad_usage_for_every_kind_that_takes_one(
    cli: CliRunner, verb: str
) -> None:
    for kind in KINDS:
        if not kind.singleton:
            result = cli(verb, kind.name)
            assert result.code == EXIT_USAGE, (verb, kind.name, result.err)
            assert "Missing argument 'NAME'" in result.err


def test_every_command_has_help_with_examples(cli: CliRunner) -> None:
    for command in (
        ["new-project"],
        ["generate", "controller"],
        ["generate", "model"],
        ["generate", "resource"],
        ["destroy"],
        ["dev"],
        ["run"],
        ["routes"],
        ["openapi", "export"],
        ["db", "upgrade"],
        ["db", "check"],
    ):
        result = cli(*command, "--help")
        assert result.code == 0, command
        assert "Examples" in result.out, command


def test_version_flag(cli: CliRunner) -> None:
    result = cli("--version")
    assert result.code == 0
    assert result.out.strip() == f"pyjolt {__version__}"


def test_unknown_command_is_bad_usage(cli: CliRunner) -> None:
    assert cli("frobnicate").code == EXIT_USAGE


def test_missing_argument_is_bad_usage(cli: CliRunner) -> None:
    assert cli("generate", "controller").code == EXIT_USAGE
    assert cli("destroy", "controller").code == EXIT_USAGE


LAZY_PROBE = """
import sys
import pyjolt
assert "pyjolt.app" not in sys.modules, "import pyjolt loaded the runtime"
import pyjolt.testing  # loads the submodule pyjolt.app
from pyjolt import app, PyJolt
assert callable(app) and app.__name__ == "app", app
assert pyjolt.app is app
assert sorted(pyjolt.__all__) == sorted(set(pyjolt.__all__))
missing = [name for name in pyjolt.__all__ if not hasattr(pyjolt, name)]
assert not missing, missing
print("ok")
"""


def test_package_loads_its_public_names_lazily_and_keeps_the_app_decorator() -> None:
    result = subprocess.run(
        [sys.executable, "-c", LAZY_PROBE], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr


def _sources_with_hints() -> list[Path]:
    import pyjolt.cli
    import pyjolt.database.migrate

    cli_dir = Path(pyjolt.cli.__file__).parent
    migrate_dir = Path(pyjolt.database.migrate.__file__).parent
    return [
        *sorted(cli_dir.rglob("*.py")),
        *sorted(migrate_dir.glob("*.py")),
        migrate_dir / "template" / "README",
        migrate_dir / "template" / "env.py",
    ]


def test_every_pyjolt_command_named_in_a_message_exists() -> None:
    import typer

    from pyjolt.cli.main import app

    root = typer.main.get_command(app)
    named = set()
    for path in _sources_with_hints():
        for match in re.finditer(r"pyjolt ((?:[a-z][a-z-]* ?)+)", path.read_text()):
            named.add(match.group(1).strip())
    checked = 0
    for mention in sorted(named):
        words = mention.split()
        if words[0] not in root.commands:  # prose: "the pyjolt command", "pyjolt itself"
            continue
        command = root.commands[words[0]]
        for word in words[1:]:
            subcommands = getattr(command, "commands", None)
            if not subcommands:
                break
            assert word in subcommands, f"'pyjolt {mention}' names no command"
            command = subcommands[word]
        checked += 1
    assert checked >= 10


def test_messages_name_pyjolt_commands_not_the_app_clis() -> None:
    cli_dir = Path(__file__).parents[2] / "pyjolt" / "cli"
    for path in sorted(cli_dir.rglob("*.py")):
        for line in path.read_text().splitlines():
            assert not re.search(r"'db-[a-z]+", line), f"{path.name}: {line.strip()}"


def test_the_cli_reference_lists_every_kind_and_both_spellings_of_every_db_command() -> None:
    from pyjolt.cli.db_commands import DB_COMMANDS

    reference = (Path(__file__).parents[2] / "docs" / "cli.md").read_text()
    for kind in KINDS:
        assert f"| `generate {kind.name}" in reference, kind.name
    for command in DB_COMMANDS:
        assert f"| `db {command.name}" in reference, command.name
        assert f"`db-{command.name}" in reference, command.name
