"""BaseConfig: the SPEC's keys and defaults, environment overrides and validation errors."""

from __future__ import annotations

import os
import threading
from typing import Any, List, Optional  # noqa: UP035 - the SPEC's configs are written this way

import pytest
from pydantic import BaseModel

from pyjolt import BaseConfig, ConfigError, PyJolt, Request
from pyjolt.controller import Controller, get, path
from pyjolt.testing import PyJoltTestClient

TEN_MIB = 10 * 1024 * 1024


class SpecConfig(BaseConfig):
    """The config class of the SPEC's minimum app, verbatim."""

    APP_NAME: str = "Test app"
    VERSION: str = "1.0"
    SECRET_KEY: str = "46373hdnsfshf73462twvdngnghjdgsfd"
    BASE_PATH: str = os.path.dirname(__file__)
    DEBUG: bool = True


@path("/env")
class EnvApi(Controller):
    """Loaded only when the CONTROLLERS environment variable names it."""

    @get("/")
    async def index(self, req: Request) -> dict[str, str]:
        return {"loaded": "from env"}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys a developer's shell may export must not leak into these tests."""
    for key in [*BaseConfig.model_fields, "DATABASE_URI", "TASK_MANAGER_DAEMON", "ONLY_HERE"]:
        monkeypatch.delenv(key, raising=False)


@pytest.mark.parametrize(
    ("key", "default"),
    [
        ("APP_NAME", "PyJolt App"),
        ("SECRET_KEY", None),
        ("BASE_PATH", None),
        ("DEBUG", True),
        ("HOST", "localhost"),
        ("PORT", 8080),
        ("LIFESPAN", "on"),
        ("TEMPLATES_DIR", "/templates"),
        ("STATIC_DIR", "/static"),
        ("STATIC_URL", "/static"),
        ("TEMPLATES_STRICT", True),
        ("STRICT_SLASHES", False),
        ("OPEN_API", True),
        ("OPEN_API_URL", "/openapi"),
        ("OPEN_API_DESCRIPTION", "Simple API"),
        ("CONTROLLERS", []),
        ("EXTENSIONS", []),
        ("MODELS", []),
        ("EXCEPTION_HANDLERS", []),
        ("MAX_BODY_SIZE", TEN_MIB),
    ],
)
def test_base_config_default(key: str, default: Any) -> None:
    assert getattr(BaseConfig(), key) == default


def test_version_has_a_default() -> None:
    assert isinstance(BaseConfig().VERSION, str)
    assert BaseConfig().VERSION


def test_list_defaults_are_not_shared_between_instances() -> None:
    first, second = BaseConfig(), BaseConfig()
    first.CONTROLLERS.append("somewhere:Api")
    assert second.CONTROLLERS == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("APP_NAME", "Test app"),
        ("VERSION", "1.0"),
        ("SECRET_KEY", "46373hdnsfshf73462twvdngnghjdgsfd"),
        ("BASE_PATH", os.path.dirname(__file__)),
        ("DEBUG", True),
    ],
)
def test_spec_config_class_values_are_kept(key: str, value: Any) -> None:
    assert getattr(PyJolt(SpecConfig).configs, key) == value


def test_spec_config_written_with_typing_list_and_optional() -> None:
    class Config(BaseConfig):
        CONTROLLERS: List[str] = ["tests.test_config:EnvApi"]  # noqa: UP006
        SECRET_KEY: Optional[str] = "abc"  # noqa: UP045

    configs = PyJolt(Config).configs
    assert configs.CONTROLLERS == ["tests.test_config:EnvApi"]
    assert configs.SECRET_KEY == "abc"


@pytest.mark.parametrize(
    ("key", "env_value", "expected"),
    [
        ("DEBUG", "false", False),
        ("DEBUG", "0", False),
        ("DEBUG", "true", True),
        ("PORT", "9000", 9000),
        ("HOST", "0.0.0.0", "0.0.0.0"),
        ("APP_NAME", "From env", "From env"),
        ("LIFESPAN", "off", "off"),
        ("STRICT_SLASHES", "true", True),
        ("MAX_BODY_SIZE", "1024", 1024),
        ("SECRET_KEY", "env-secret", "env-secret"),
        ("CONTROLLERS", '["tests.test_config:EnvApi"]', ["tests.test_config:EnvApi"]),
        ("MODELS", "[]", []),
    ],
)
def test_environment_variable_overrides_class_value(
    monkeypatch: pytest.MonkeyPatch, key: str, env_value: str, expected: Any
) -> None:
    class Config(BaseConfig):
        DEBUG: bool = True
        PORT: int = 8123
        HOST: str = "localhost"
        APP_NAME: str = "From class"
        LIFESPAN: str = "on"
        STRICT_SLASHES: bool = False
        MAX_BODY_SIZE: int = 2048
        SECRET_KEY: str = "class-secret"
        CONTROLLERS: list[str] = []
        MODELS: list[str] = ["tests.test_config:SpecConfig"]

    monkeypatch.setenv(key, env_value)
    assert getattr(PyJolt(Config).configs, key) == expected


def test_environment_overrides_a_key_only_the_subclass_declares(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Config(BaseConfig):
        DATABASE_URI: str = "sqlite+aiosqlite:///./test.db"

    monkeypatch.setenv("DATABASE_URI", "postgresql+asyncpg://user:pass@db/app")
    assert PyJolt(Config).configs.DATABASE_URI == "postgresql+asyncpg://user:pass@db/app"


def test_environment_is_read_when_the_app_is_built_not_when_the_class_is_defined(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Config(BaseConfig):
        PORT: int = 8123

    assert PyJolt(Config).configs.PORT == 8123
    monkeypatch.setenv("PORT", "9001")
    assert PyJolt(Config).configs.PORT == 9001


def test_empty_environment_variable_keeps_class_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_NAME", "")
    assert PyJolt(SpecConfig).configs.APP_NAME == "Test app"


async def test_controllers_from_environment_json_list_are_loaded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    class Config(BaseConfig):
        DEBUG: bool = False
        BASE_PATH: str = str(tmp_path)

    monkeypatch.setenv("CONTROLLERS", '["tests.test_config:EnvApi"]')
    async with PyJoltTestClient(PyJolt(Config)) as client:
        response = await client.get("/env/")
    assert response.status_code == 200
    assert response.json() == {"loaded": "from env"}


@pytest.mark.parametrize(
    ("key", "env_value"),
    [
        ("PORT", "abc"),
        ("PORT", "70000"),
        ("PORT", "-1"),
        ("DEBUG", "maybe"),
        ("LIFESPAN", "sometimes"),
        ("MAX_BODY_SIZE", "0"),
        ("MAX_BODY_SIZE", "ten"),
        ("CONTROLLERS", '"app.api:UsersApi"'),
        ("CONTROLLERS", "app.api:UsersApi"),
        ("EXTENSIONS", "[1, 2"),
    ],
)
def test_invalid_environment_value_fails_app_construction_naming_the_key(
    monkeypatch: pytest.MonkeyPatch, key: str, env_value: str
) -> None:
    monkeypatch.setenv(key, env_value)
    with pytest.raises(ConfigError) as info:
        PyJolt(SpecConfig)
    assert key in str(info.value)


def test_config_error_names_the_config_class(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "abc")
    with pytest.raises(ConfigError, match="SpecConfig"):
        PyJolt(SpecConfig)


def test_config_error_is_a_value_error() -> None:
    assert issubclass(ConfigError, ValueError)


@pytest.mark.parametrize(
    ("attributes", "key"),
    [
        ({"PORT": "abc", "__annotations__": {"PORT": int}}, "PORT"),
        ({"DEBUG": "maybe", "__annotations__": {"DEBUG": bool}}, "DEBUG"),
        ({"LIFESPAN": "never"}, "LIFESPAN"),
        ({"CONTROLLERS": "app.api:UsersApi"}, "CONTROLLERS"),
        ({"MAX_BODY_SIZE": 0}, "MAX_BODY_SIZE"),
    ],
)
def test_invalid_class_value_fails_app_construction_naming_the_key(
    attributes: dict[str, Any], key: str
) -> None:
    config_class = type("BrokenConfig", (BaseConfig,), dict(attributes))
    with pytest.raises(ConfigError, match=key):
        PyJolt(config_class)


def test_invalid_dict_config_fails_naming_the_key() -> None:
    with pytest.raises(ConfigError, match="PORT"):
        PyJolt({"PORT": "abc"})


def test_configs_of_an_unsupported_type_raise_config_error() -> None:
    with pytest.raises(ConfigError, match="BaseConfig"):
        PyJolt(42)  # type: ignore[arg-type]


def test_unannotated_upper_case_attributes_are_accepted() -> None:
    job_store = object()

    class Config(BaseConfig):
        TASK_MANAGER_JOB_STORES = {"default": job_store}
        TASK_MANAGER_JOB_DEFAULTS = {"coalesce": False, "max_instances": 3}
        TASK_MANAGER_DAEMON: bool = True
        TASK_MANAGER_SCHEDULER = dict

    configs = PyJolt(Config).configs
    assert configs.TASK_MANAGER_JOB_STORES["default"] is job_store
    assert configs.TASK_MANAGER_JOB_DEFAULTS == {"coalesce": False, "max_instances": 3}
    assert configs.TASK_MANAGER_DAEMON is True
    assert configs.TASK_MANAGER_SCHEDULER is dict


def test_unannotated_object_values_are_kept_as_the_same_object() -> None:
    """Job stores, engines and the like hold locks; they cannot be deep-copied."""
    lock = threading.Lock()

    class Config(BaseConfig):
        TASK_MANAGER_JOB_STORES = {"default": lock}
        TASK_MANAGER_LOCK = lock

    configs = PyJolt(Config).configs
    assert configs.TASK_MANAGER_JOB_STORES["default"] is lock
    assert configs.TASK_MANAGER_LOCK is lock


@pytest.mark.parametrize(
    ("value", "env_value", "expected"),
    [(True, "false", False), (3, "7", 7), (0.5, "1.5", 1.5), ("text", "other", "other")],
)
def test_unannotated_scalar_keys_take_the_type_of_their_value_for_env_values(
    monkeypatch: pytest.MonkeyPatch, value: Any, env_value: str, expected: Any
) -> None:
    config_class = type("ScalarConfig", (BaseConfig,), {"TASK_MANAGER_DAEMON": value})
    monkeypatch.setenv("TASK_MANAGER_DAEMON", env_value)
    result = PyJolt(config_class).configs.TASK_MANAGER_DAEMON
    assert result == expected
    assert type(result) is type(expected)


def test_methods_on_a_config_class_are_not_settings() -> None:
    class Config(BaseConfig):
        def database_name(self) -> str:
            return "main"

    configs = PyJolt(Config).configs
    assert configs.database_name() == "main"
    assert "database_name" not in type(configs).model_fields


@pytest.mark.parametrize(
    ("env_value", "expected"),
    [("false", False), ("true", True), ("0", False)],
)
def test_unannotated_override_of_a_base_key_keeps_its_type_for_env_values(
    monkeypatch: pytest.MonkeyPatch, env_value: str, expected: bool
) -> None:
    class Config(BaseConfig):
        DEBUG = True

    monkeypatch.setenv("DEBUG", env_value)
    assert PyJolt(Config).configs.DEBUG is expected


def test_unannotated_override_of_a_base_key_is_still_validated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Config(BaseConfig):
        PORT = 9000

    assert PyJolt(Config).configs.PORT == 9000
    monkeypatch.setenv("PORT", "abc")
    with pytest.raises(ConfigError, match="PORT"):
        PyJolt(Config)


def test_unannotated_override_keeps_the_base_constraints() -> None:
    class Config(BaseConfig):
        PORT = 70000

    with pytest.raises(ConfigError, match="PORT"):
        PyJolt(Config)


def test_dict_config_accepts_extra_keys() -> None:
    configs = PyJolt({"DEBUG": False, "ONLY_HERE": "yes"}).configs
    assert configs.ONLY_HERE == "yes"
    assert configs.DEBUG is False


def test_config_instance_is_used_as_given() -> None:
    instance = SpecConfig(APP_NAME="Instance")
    assert PyJolt(instance).configs is instance


@pytest.mark.parametrize(
    ("key", "default", "expected"),
    [
        ("APP_NAME", None, "Test app"),
        ("NOT_A_KEY", None, None),
        ("NOT_A_KEY", "fallback", "fallback"),
        ("DEBUG", False, True),
    ],
)
def test_get_conf_reads_config_values(key: str, default: Any, expected: Any) -> None:
    application = PyJolt(SpecConfig)
    assert application.get_conf(key, default) == expected
    assert application.configs.get(key, default) == expected


class Limits(BaseModel):
    rate: int


@pytest.mark.parametrize(
    ("annotation", "env_value", "expected"),
    [
        (dict[str, bool], '{"beta": true}', {"beta": True}),
        (list[str] | None, '["a", "b"]', ["a", "b"]),
        (tuple[int, int], "[1, 2]", (1, 2)),
        (Limits, '{"rate": 5}', Limits(rate=5)),
        (str | None, '["not", "json", "parsed"]', '["not", "json", "parsed"]'),
        (int, "7", 7),
    ],
)
def test_structured_keys_read_json_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, annotation: Any, env_value: str, expected: Any
) -> None:
    config_class = type("Config", (BaseConfig,), {"__annotations__": {"EXTRA_KEY": annotation}})
    monkeypatch.setenv("EXTRA_KEY", env_value)
    assert expected == config_class().EXTRA_KEY


def test_explicit_values_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "9001")
    assert BaseConfig(PORT=7000).PORT == 7000
