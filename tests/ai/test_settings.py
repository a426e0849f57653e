"""AI_INTERFACE_* settings: typed, environment first, errors naming the key."""

from __future__ import annotations

from typing import Any

import pytest

from pyjolt import BaseConfig, PyJolt
from pyjolt.ai import AiConfigError, AiInterface
from pyjolt.ai.settings import load_settings


def test_defaults_apply_without_configuration() -> None:
    settings = load_settings(BaseConfig())
    assert settings.MODEL == "gpt-4o-mini"
    assert settings.MAX_RETRIES == 2
    assert settings.TOOL_CHOICE is None
    assert settings.EMBEDDINGS_TRUST_REMOTE_CODE is False


def test_config_values_are_typed() -> None:
    config = BaseConfig(
        AI_INTERFACE_TIMEOUT="12.5", AI_INTERFACE_MAX_RETRIES="4", AI_INTERFACE_TEMPERATURE=0
    )
    settings = load_settings(config)
    assert (settings.TIMEOUT, settings.MAX_RETRIES, settings.TEMPERATURE) == (12.5, 4, 0.0)


def test_the_environment_overrides_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AI_INTERFACE_MODEL", "llama3.2")
    monkeypatch.setenv(
        "AI_INTERFACE_TOOL_CHOICE", '{"type": "function", "function": {"name": "f"}}'
    )
    monkeypatch.setenv("AI_INTERFACE_RESPONSE_FORMAT", '{"type": "json_object"}')
    settings = load_settings(BaseConfig(AI_INTERFACE_MODEL="gpt-4o"))
    assert settings.MODEL == "llama3.2"
    assert settings.TOOL_CHOICE == {"type": "function", "function": {"name": "f"}}
    assert settings.RESPONSE_FORMAT == {"type": "json_object"}


def test_a_variable_prefix_reads_its_own_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCAL_AI_INTERFACE_MODEL", "qwen2.5")
    config = BaseConfig(AI_INTERFACE_MODEL="gpt-4o", LOCAL_AI_INTERFACE_TIMEOUT=3)
    settings = load_settings(config, "LOCAL_")
    assert (settings.MODEL, settings.TIMEOUT) == ("qwen2.5", 3.0)


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("AI_INTERFACE_TIMEOUT", 0, "AI_INTERFACE_TIMEOUT"),
        ("AI_INTERFACE_TEMPERATURE", 3, "AI_INTERFACE_TEMPERATURE"),
        ("AI_INTERFACE_MAX_RETRIES", "many", "AI_INTERFACE_MAX_RETRIES"),
        ("AI_INTERFACE_TOOL_CHOICE", "sometimes", "AI_INTERFACE_TOOL_CHOICE"),
        ("AI_INTERFACE_EMBEDDINGS_PROVIDER", "cloud", "AI_INTERFACE_EMBEDDINGS_PROVIDER"),
    ],
)
def test_an_invalid_value_names_its_key(key: str, value: Any, named: str) -> None:
    with pytest.raises(AiConfigError, match=named):
        load_settings(BaseConfig(**{key: value}))


def test_invalid_json_in_the_environment_names_its_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AI_INTERFACE_RESPONSE_FORMAT", "{oops")
    with pytest.raises(AiConfigError, match="AI_INTERFACE_RESPONSE_FORMAT"):
        load_settings(BaseConfig())


def test_an_invalid_setting_fails_when_the_app_is_assembled() -> None:
    with pytest.raises(AiConfigError, match="AI_INTERFACE_MAX_TOOL_ROUNDS"):
        AiInterface().init_app(PyJolt(BaseConfig(AI_INTERFACE_MAX_TOOL_ROUNDS=0)))


async def test_without_a_key_or_a_server_a_chat_says_what_to_set(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ai = AiInterface()
    app = PyJolt(BaseConfig(DEBUG=False))
    ai.init_app(app)
    await app.startup()  # the app's other endpoints still work
    assert "AI_INTERFACE_API_KEY is not set" in caplog.text
    with pytest.raises(AiConfigError, match="AI_INTERFACE_API_KEY is not set"):
        await ai.chat([{"role": "user", "content": "hi"}])
    await app.shutdown()


async def test_a_local_server_needs_no_key() -> None:
    ai = AiInterface()
    ai.init_app(PyJolt(BaseConfig(AI_INTERFACE_API_BASE_URL="http://127.0.0.1:11434/v1")))
    await ai.start()
    try:
        assert str(ai.client.base_url) == "http://127.0.0.1:11434/v1/"
    finally:
        await ai.stop()


def test_the_reference_module_name_still_imports() -> None:
    import pyjolt.ai
    import pyjolt.ai_interface

    assert pyjolt.ai_interface.AiInterface is AiInterface
    assert set(pyjolt.ai_interface.__all__) == set(pyjolt.ai.__all__)
