"""Settings sections: an extension's keys come from the config, the environment or defaults,
and environment variables that look like settings but match none are warned about."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pyjolt import BaseConfig, ConfigError, PyJolt
from pyjolt.caching import Cache, MemoryCacheBackend, RedisCacheBackend
from pyjolt.database import SqlDatabase
from pyjolt.settings import unknown_environment_variables


class ProjectConfig(BaseConfig):
    """A project's Config that declares none of the cache's keys."""

    APP_NAME: str = "Shop"
    CACHE_DURATION: int = 60


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("CACHE_REDIS_URL", "CACHE_DURATION", "CACHE_KEY_PREFIX", "CACHE_MAX_ENTRIES"):
        monkeypatch.delenv(key, raising=False)


def cache_app(tmp_path: Path, config: BaseConfig | None = None) -> tuple[PyJolt, Cache]:
    app = PyJolt(config or ProjectConfig(BASE_PATH=str(tmp_path)))
    cache = Cache()
    cache.init_app(app)
    return app, cache


def test_an_undeclared_extension_key_is_read_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CACHE_REDIS_URL", "redis://127.0.0.1:6379/9")

    app, cache = cache_app(tmp_path)

    assert isinstance(cache.backend, RedisCacheBackend)
    assert app.configs.get("CACHE_REDIS_URL") == "redis://127.0.0.1:6379/9"
    assert app.configs.source_of("CACHE_REDIS_URL") == "environment"


def test_without_the_variable_the_section_default_applies(tmp_path: Path) -> None:
    app, cache = cache_app(tmp_path)

    assert isinstance(cache.backend, MemoryCacheBackend)
    assert app.configs.get("CACHE_KEY_PREFIX") == "pyjolt:cache:"
    assert app.configs.source_of("CACHE_KEY_PREFIX") == "default"
    assert app.configs.section_of("CACHE_KEY_PREFIX").__name__ == "CacheSettings"


def test_a_key_declared_on_the_config_class_is_overridden_by_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, plain = cache_app(tmp_path)
    monkeypatch.setenv("CACHE_DURATION", "7")
    app, from_env = cache_app(tmp_path)

    assert plain.duration == 60
    assert from_env.duration == 7
    assert app.configs.source_of("CACHE_DURATION") == "environment"


def test_an_explicit_value_beats_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CACHE_KEY_PREFIX", "from-env:")
    config = ProjectConfig(BASE_PATH=str(tmp_path), CACHE_KEY_PREFIX="explicit:")

    app, _ = cache_app(tmp_path, config)

    assert app.configs.get("CACHE_KEY_PREFIX") == "explicit:"
    assert app.configs.source_of("CACHE_KEY_PREFIX") == "explicit"


def test_a_bad_environment_value_names_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CACHE_MAX_ENTRIES", "lots")

    with pytest.raises(ConfigError, match="CACHE_MAX_ENTRIES: Input should be a valid integer"):
        cache_app(tmp_path)


def test_a_prefixed_extension_reads_its_prefixed_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANALYTICS_DATABASE_URI", "sqlite+aiosqlite:///:memory:")
    app = PyJolt(BaseConfig(BASE_PATH=str(tmp_path)))
    db = SqlDatabase("analytics", variable_prefix="ANALYTICS_")

    db.init_app(app)

    assert db.database_url().database == ":memory:"
    assert "ANALYTICS_DATABASE_" in app.configs.section_families()


def test_sources_tell_class_default_environment_and_explicit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORT", "9000")

    config = ProjectConfig(DEBUG=False)

    assert config.source_of("DEBUG") == "explicit"
    assert config.source_of("PORT") == "environment"
    assert config.source_of("APP_NAME") == "class ProjectConfig"
    assert config.source_of("HOST") == "default"


@pytest.mark.parametrize(
    ("variable", "expected"),
    [
        ("DATABASE_URL", "did you mean DATABASE_URI?"),
        ("CACHE_REDIS_URI", "did you mean CACHE_REDIS_URL?"),
        ("CORS_ALLOW_ORIGIN", "did you mean CORS_ALLOW_ORIGINS?"),
        ("TASK_MANAGER_BROKER_URL", "the TaskManager extension (pyjolt.task_manager) is not"),
    ],
)
def test_a_variable_that_looks_like_a_setting_but_is_none_is_warned_about(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    variable: str,
    expected: str,
) -> None:
    monkeypatch.setenv(variable, "x")
    app = PyJolt(
        BaseConfig(BASE_PATH=str(tmp_path), EXTENSIONS=[], DATABASE_URI="sqlite+aiosqlite://")
    )
    Cache().init_app(app)
    caplog.clear()

    with caplog.at_level(logging.WARNING, logger="pyjolt.settings"):
        PyJolt(app.configs)

    [record] = [r for r in caplog.records if r.name == "pyjolt.settings"]
    assert variable in record.getMessage() and expected in record.getMessage()


def test_known_and_unrelated_variables_are_not_warned_about(tmp_path: Path) -> None:
    app, _ = cache_app(tmp_path)
    environ = {"CACHE_REDIS_URL": "redis://x", "HOME": "/root", "PYJOLT_TEST_X": "1", "PORT": "1"}

    assert unknown_environment_variables(app.configs, environ) == []
