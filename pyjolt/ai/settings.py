"""The ``AI_INTERFACE_*`` settings: typed, read from the app config, overridable from env.

Each key is looked up as ``{variable_prefix}AI_INTERFACE_{NAME}``: an environment
variable of that name wins over the config (as for the app's own keys), so an API key
or a model name can change per deployment without touching code.
"""

from __future__ import annotations

import json
import os
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import AiConfigError

SETTINGS_PREFIX = "AI_INTERFACE_"


class AiSettings(BaseModel):
    """Everything the AI interface reads from the configuration."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    API_KEY: str | None = Field(default=None, repr=False)
    #: Any OpenAI-compatible server: OpenAI, Ollama (http://127.0.0.1:11434/v1), vLLM...
    API_BASE_URL: str | None = None
    ORGANIZATION_ID: str | None = None
    PROJECT_ID: str | None = None
    #: Seconds for one request to the model server (each retry gets its own).
    TIMEOUT: float = Field(default=60.0, gt=0)
    MODEL: str = "gpt-4o-mini"
    TEMPERATURE: float | None = Field(default=None, ge=0, le=2)
    #: Sent as ``response_format`` when a call asks for no structured output itself.
    RESPONSE_FORMAT: dict[str, Any] | None = None
    #: ``auto``, ``none``, ``required`` or ``{"type": "function", "function": {...}}``;
    #: sent only when the call offers tools.
    TOOL_CHOICE: Literal["auto", "none", "required"] | dict[str, Any] | None = None
    #: Retries of a request answered 408/409/429/5xx or not at all, with backoff that
    #: honours the server's Retry-After.
    MAX_RETRIES: int = Field(default=2, ge=0, le=10)
    #: Rounds of tool calls one ``chat()`` may run before giving up (502).
    MAX_TOOL_ROUNDS: int = Field(default=8, ge=1, le=100)
    #: Embeddings: ``openai`` (the server's /embeddings) or ``local``
    #: (sentence-transformers in this process, ``pip install "pyjolt[ai-local]"``).
    EMBEDDINGS_PROVIDER: Literal["openai", "local"] = "openai"
    #: The embeddings model: a server model name, or a local model's name or folder.
    EMBEDDINGS_MODEL: str = "text-embedding-3-small"
    EMBEDDINGS_DIMENSIONS: int | None = Field(default=None, gt=0)
    EMBEDDINGS_BATCH_SIZE: int = Field(default=64, ge=1)
    #: Let a local model run code shipped with it (only for models you trust).
    EMBEDDINGS_TRUST_REMOTE_CODE: bool = False
    EMBEDDINGS_DEVICE: str = "cpu"


_JSON_KEYS = frozenset({"RESPONSE_FORMAT", "TOOL_CHOICE"})


def _environment_value(name: str, raw: str, key: str) -> Any:
    if name not in _JSON_KEYS or not raw.lstrip().startswith(("{", "[")):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise AiConfigError(f"{key}: the environment variable must be JSON ({exc})") from None


def load_settings(configs: Any, variable_prefix: str = "") -> AiSettings:
    """Read every ``AI_INTERFACE_*`` key (environment first, then the config) and validate.

    A wrong value raises :class:`AiConfigError` naming the full key.
    """
    values: dict[str, Any] = {}
    keys: dict[str, str] = {}
    for name in AiSettings.model_fields:
        key = f"{variable_prefix}{SETTINGS_PREFIX}{name}"
        keys[name] = key
        raw = os.environ.get(key)
        if raw:
            values[name] = _environment_value(name, raw, key)
            continue
        value = configs.get(key) if configs is not None else None
        if value is not None:
            values[name] = value
    try:
        return AiSettings(**values)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            name = str(error["loc"][0]) if error["loc"] else ""
            problems.append(f"{keys.get(name, name)}: {error['msg']} (got {error.get('input')!r})")
        raise AiConfigError("Invalid AI interface configuration: " + "; ".join(problems)) from None
