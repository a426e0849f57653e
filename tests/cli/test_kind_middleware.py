"""``pyjolt generate middleware NAME``: a middleware class and its test, in MIDDLEWARE."""

from pathlib import Path

import pytest

from pyjolt.cli.errors import EXIT_CONFLICT, EXIT_USAGE

from .conftest import CliRunner, snapshot


def configs(root: Path) -> str:
    return (root / "app/configs.py").read_text()


def test_middleware_is_written_and_appended_to_middleware(cli: CliRunner, project: Path) -> None:
    result = cli("generate", "middleware", "audit-log")
    assert result.code == 0, result.err
    source = (project / "app/middleware/audit_log.py").read_text()
    assert "class AuditLogMiddleware(Middleware):" in source
    assert "async def __call__(self, req: Request, call_next: CallNext) -> Response:" in source
    assert (project / "app/middleware/__init__.py").is_file()
    assert (project / "tests/test_audit_log_middleware.py").is_file()
    assert '"app.middleware.audit_log:AuditLogMiddleware",\n    ]' in configs(project)


def test_a_second_middleware_goes_after_the_first(cli: CliRunner, project: Path) -> None:
    assert cli("generate", "middleware", "timing").code == 0
    assert cli("generate", "middleware", "AuditMiddleware").code == 0
    text = configs(project)
    first = text.index('"app.middleware.timing:TimingMiddleware"')
    assert text.index('"app.middleware.audit_middleware:AuditMiddleware"') > first
    assert text.count("MIDDLEWARE: list[str]") == 1


def test_the_generated_middleware_runs_in_the_app(cli: CliRunner, project: Path) -> None:
    import asyncio
    import sys

    from pyjolt.testing import PyJoltTestClient

    assert cli("generate", "middleware", "timing").code == 0
    sys.path.insert(0, str(project))  # the conftest restores sys.path afterwards
    from app import Application
    from app.configs import Config

    async def fetch() -> str:
        async with PyJoltTestClient(Application(Config(DEBUG=True))) as client:
            response = await client.get("/health")
            return str(response.headers.get("server-timing", ""))

    assert asyncio.run(fetch()).startswith("timing;dur=")


def test_destroy_takes_the_middleware_and_its_entry_away(cli: CliRunner, project: Path) -> None:
    before = snapshot(project)
    assert cli("generate", "middleware", "timing").code == 0
    result = cli("destroy", "middleware", "timing")
    assert result.code == 0, result.err
    after = snapshot(project)
    assert after.pop(".pyjolt/journal.toml") == before.pop(".pyjolt/journal.toml")
    # The package __init__.py is shared (never removed); everything else is as before.
    assert after.pop("app/middleware/__init__.py") == b""
    assert after == before


def test_a_project_without_middleware_gets_the_list_and_loses_it_again(
    cli: CliRunner, project: Path
) -> None:
    path = project / "app/configs.py"
    # As projects made before MIDDLEWARE was in the template (its comment line goes too).
    lines = path.read_text().splitlines(True)
    older = "".join(line for line in lines if "MIDDLEWARE" not in line and "Outermost" not in line)
    path.write_text(older)
    assert cli("generate", "middleware", "timing").code == 0
    assert configs(project).endswith(
        '    MIDDLEWARE: list[str] = [\n        "app.middleware.timing:TimingMiddleware",\n    ]\n'
    )
    assert cli("destroy", "middleware", "timing").code == 0
    assert configs(project) == older


@pytest.mark.parametrize(("name", "code"), [("1timing", EXIT_USAGE), ("configs", EXIT_CONFLICT)])
def test_unusable_names_write_nothing(cli: CliRunner, project: Path, name: str, code: int) -> None:
    before = snapshot(project)
    assert cli("generate", "middleware", name).code == code
    assert snapshot(project) == before
