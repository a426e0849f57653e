"""``pyjolt generate deploy``: the recipe's files, read as Docker and Compose read them.

tests/e2e/test_deploy_recipe.py builds the image's virtual environment the way the
Dockerfile does and runs what the services run, as processes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pyjolt.cli.kinds.deploy import DECLARED_SETTINGS, DeployNames
from pyjolt.cli.project import Project

from ..e2e.docker_recipe import (
    Dockerfile,
    InterpolationError,
    context_files,
    interpolate,
    read_dockerfile,
)
from .conftest import CliRunner, snapshot

SECRETS = {"SECRET_KEY": "k" * 48, "POSTGRES_PASSWORD": "p4ssw0rd"}
APP_SERVICES = ("migrate", "web", "worker")


def configs(root: Path) -> str:
    return (root / "app/configs.py").read_text()


@pytest.fixture
def deployed(cli: CliRunner, project: Path) -> Path:
    result = cli("generate", "deploy")
    assert result.code == 0, result.err
    return project


def dockerfile_of(project: Path) -> Dockerfile:
    return read_dockerfile((project / "Dockerfile").read_text())


def compose_of(project: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    data = yaml.safe_load((project / "compose.yaml").read_text())
    resolved: dict[str, Any] = interpolate(data, SECRETS if env is None else env)
    return resolved


def test_deploy_writes_the_recipe_and_declares_the_settings_it_sets(deployed: Path) -> None:
    for path in ("Dockerfile", ".dockerignore", "compose.yaml", "docs/deployment.md"):
        assert (deployed / path).is_file(), path
    text = configs(deployed)
    for setting in DECLARED_SETTINGS:
        assert f"\n    {setting}: str | None = None\n" in text
    # The project had no TaskManager: the worker's comes with the recipe.
    assert (deployed / "app/scheduler.py").is_file()
    assert '"app.scheduler:scheduler"' in text


def test_the_image_is_built_in_stages_and_runs_unprivileged(deployed: Path) -> None:
    dockerfile = dockerfile_of(deployed)
    build, runtime = dockerfile.stages
    assert runtime.name == "runtime" and build.name == "build"
    # The runtime stage takes nothing from the build context, only the build's results.
    copies = runtime.all("COPY")
    assert copies and all("--from=build" in item.flags for item in copies)
    user = runtime.last("USER")
    assert user is not None
    assert user.value[0].split(":")[0] not in {"root", "0"}
    assert runtime.instructions.index(user) > max(runtime.instructions.index(c) for c in copies)


def test_the_image_checks_health_on_health_and_serves_with_pyjolt_run(deployed: Path) -> None:
    runtime = dockerfile_of(deployed).stages[-1]
    healthcheck = runtime.last("HEALTHCHECK")
    assert healthcheck is not None and healthcheck.value[0] == "CMD"
    assert "http://127.0.0.1:8000/health" in " ".join(healthcheck.value)
    cmd = runtime.last("CMD")
    assert cmd is not None and cmd.json
    assert list(cmd.value[:2]) == ["pyjolt", "run"]
    assert "--host" in cmd.value and cmd.value[cmd.value.index("--host") + 1] == "0.0.0.0"
    assert runtime.last("ENTRYPOINT") is None


def test_migrations_are_a_release_step_not_part_of_every_worker(deployed: Path) -> None:
    services = compose_of(deployed)["services"]
    upgrading = [name for name, s in services.items() if "upgrade" in s.get("command", [])]
    assert upgrading == ["migrate"]
    assert services["migrate"]["command"] == ["pyjolt", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker"):
        needs = services[name]["depends_on"]["migrate"]
        assert needs == {"condition": "service_completed_successfully"}, name
    runtime = dockerfile_of(deployed).stages[-1]
    assert all("upgrade" not in item.value for item in runtime.all("CMD"))


def test_compose_runs_web_worker_postgres_and_redis(deployed: Path) -> None:
    services = compose_of(deployed)["services"]
    assert set(services) == {"migrate", "web", "worker", "db", "redis"}
    assert services["web"]["command"][:2] == ["pyjolt", "run"]
    assert services["web"]["ports"] == ["8000:8000"]
    assert services["worker"]["command"][:2] == ["pyjolt", "worker"]
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    for name in ("db", "redis"):
        assert services[name]["healthcheck"]["test"], name
    # The image's HTTP health check means nothing for services that serve no HTTP.
    for name in ("migrate", "worker"):
        assert services[name]["healthcheck"] == {"disable": True}, name
    for name in APP_SERVICES:
        assert services[name]["build"] == "."
        environment = services[name]["environment"]
        assert environment["DATABASE_URI"].startswith("postgresql+asyncpg://shop:p4ssw0rd@db:")
        assert environment["TASK_MANAGER_BROKER_URL"].startswith("redis://redis:6379/")
        assert environment["DEBUG"] == "false"


def test_every_variable_compose_sets_is_a_setting_the_app_reads(deployed: Path) -> None:
    sys.path.insert(0, str(deployed))  # the conftest restores sys.path afterwards
    from app.configs import Config

    for name in APP_SERVICES:
        environment = compose_of(deployed)["services"][name]["environment"]
        unread = sorted(set(environment) - set(Config.model_fields))
        assert unread == [], name


def test_the_default_allowed_hosts_let_the_health_check_in(deployed: Path) -> None:
    import json

    environment = compose_of(deployed)["services"]["web"]["environment"]
    assert "127.0.0.1" in json.loads(environment["ALLOWED_HOSTS"])
    chosen = compose_of(deployed, {**SECRETS, "ALLOWED_HOSTS": '["example.com"]'})
    assert chosen["services"]["web"]["environment"]["ALLOWED_HOSTS"] == '["example.com"]'


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_compose_refuses_to_start_without_its_secrets(deployed: Path, missing: str) -> None:
    env = {key: value for key, value in SECRETS.items() if key != missing}
    with pytest.raises(InterpolationError, match=missing):
        compose_of(deployed, env)


def test_the_build_context_leaves_out_secrets_databases_and_environments(deployed: Path) -> None:
    for leftover in (".env", "shop.db", ".venv/bin/python", ".git/config", "app/__pycache__/x.pyc"):
        path = deployed / leftover
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    copied = context_files(deployed)
    assert "pyproject.toml" in copied and "app/configs.py" in copied
    assert "app/migrations/env.py" in copied
    for leftover in (".env", "shop.db", ".venv/bin/python", ".git/config", "app/__pycache__/x.pyc"):
        assert leftover not in copied, leftover


def test_names_come_from_the_distribution_name(tmp_path: Path) -> None:
    for distribution, image, database in [
        ("shop", "shop", "shop"),
        ("My_Shop", "my-shop", "my_shop"),
        ("api.v2", "api-v2", "api_v2"),
        ("2fast", "app-2fast", "app_2fast"),
    ]:
        (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "{distribution}"\n')
        names = DeployNames.from_project(Project(tmp_path, "app:Application"))
        assert (names.image, names.database) == (image, database), distribution


def test_an_existing_scheduler_is_kept_and_survives_destroy(cli: CliRunner, project: Path) -> None:
    assert cli("generate", "scheduler").code == 0
    before = snapshot(project)
    result = cli("generate", "deploy")
    assert result.code == 0, result.err
    assert "app/scheduler.py" not in result.err
    assert cli("destroy", "deploy").code == 0
    after = snapshot(project)
    assert after.pop(".pyjolt/journal.toml") == before.pop(".pyjolt/journal.toml")
    assert after == before


def test_destroy_returns_the_project_to_its_earlier_state(cli: CliRunner, project: Path) -> None:
    before = snapshot(project)
    assert cli("generate", "deploy").code == 0
    result = cli("destroy", "deploy")
    assert result.code == 0, result.err
    after = snapshot(project)
    assert after.pop(".pyjolt/journal.toml") == before.pop(".pyjolt/journal.toml")
    assert after == before


def test_destroy_keeps_a_setting_the_user_gave_a_value(deployed: Path, cli: CliRunner) -> None:
    path = deployed / "app/configs.py"
    changed = '    CACHE_REDIS_URL: str | None = "redis://cache:6379/0"\n'
    path.write_text(path.read_text().replace("    CACHE_REDIS_URL: str | None = None\n", changed))
    result = cli("destroy", "deploy")
    assert result.code == 0, result.err
    assert "CACHE_REDIS_URL was changed since it was declared; keeping it" in result.err
    text = configs(deployed)
    assert changed in text
    assert "TASK_MANAGER_BROKER_URL" not in text
