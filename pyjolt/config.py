"""BaseConfig: the application's settings, validated by pydantic, overridable from env."""

from __future__ import annotations

import json
import os
import types
from collections.abc import Mapping, Sequence, Set
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

TEN_MIB = 10 * 1024 * 1024
STRUCTURED_TYPES = (list, tuple, set, frozenset, dict, Mapping, Sequence, Set, BaseModel)

if TYPE_CHECKING:
    from .settings import SettingsSection

    S = TypeVar("S", bound=SettingsSection)

if TYPE_CHECKING:
    # Type checkers must see pydantic's own metaclass as the base, or every user's
    # ``class Config(BaseConfig)`` reports a metaclass conflict.
    from pydantic._internal._model_construction import ModelMetaclass as _ModelMeta
else:
    _ModelMeta = type(BaseModel)


class ConfigError(ValueError):
    """The configuration is invalid; the message names each offending key."""


class _ConfigMeta(_ModelMeta):
    """Accept upper-case settings written without a type annotation.

    The SPEC's examples write ``TASK_MANAGER_JOB_STORES = {...}``; plain pydantic refuses
    un-annotated attributes. An un-annotated override of an inherited key (``DEBUG =
    False``) keeps the inherited type and constraints, so ``DEBUG=false`` from the
    environment is still a bool; a plain scalar takes its value's type; anything else is
    ``Any`` and kept as the very object given (pydantic would deep-copy it, which fails
    for objects holding locks or connections, such as job stores).
    """

    def __new__(
        mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kw: Any
    ) -> Any:
        annotations = namespace.setdefault("__annotations__", {})
        inherited: dict[str, Any] = {}
        for base in reversed(bases):
            for key, info in getattr(base, "__pydantic_fields__", {}).items():
                annotation = info.annotation
                inherited[key] = (
                    Annotated[(annotation, *info.metadata)] if info.metadata else annotation
                )
        for key, value in list(namespace.items()):
            if (
                key.isupper()
                and not key.startswith("_")
                and key not in annotations
                and not isinstance(value, (staticmethod, classmethod, property))
            ):
                if key in inherited:
                    annotations[key] = inherited[key]
                elif type(value) in (bool, int, float, str):
                    annotations[key] = type(value)
                else:
                    annotations[key] = Any
                if annotations[key] is Any:
                    namespace[key] = Field(default_factory=lambda value=value: value)
        return super().__new__(mcs, name, bases, namespace, **kw)


def _is_structured(annotation: Any) -> bool:
    """Whether an environment value for this type is given as JSON (lists, dicts, models)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _is_structured(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return any(_is_structured(arg) for arg in get_args(annotation) if arg is not type(None))
    target = origin or annotation
    if not isinstance(target, type) or issubclass(target, (str, bytes)):
        return False
    return issubclass(target, STRUCTURED_TYPES)


def _accepts_text(annotation: Any) -> bool:
    """Whether a plain string is a valid value of this type (``str | list[str]``)."""
    if annotation is str:
        return True
    origin = get_origin(annotation)
    if origin is Annotated:
        return _accepts_text(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return any(_accepts_text(arg) for arg in get_args(annotation))
    return False


def environment_value(owner: str, key: str, annotation: Any) -> Any:
    """The environment's value for ``key`` (None when unset or empty).

    Strings go to pydantic as they are (its lax mode turns "false" into a bool, "9000"
    into an int); lists, dicts and models are read as JSON.
    """
    raw = os.environ.get(key)
    if not raw:
        return None
    if not _is_structured(annotation):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        if _accepts_text(annotation):
            return raw  # ``str | list[str]``: "Bearer, Token" is a plain string
        raise ConfigError(
            f"Invalid configuration in {owner}: {key}: the environment "
            f"variable must be JSON ({exc}), got {raw!r}"
        ) from None


def environment_values(config_class: type[BaseModel]) -> dict[str, Any]:
    """Values of declared keys found in the environment (same name, empty ones ignored)."""
    found: dict[str, Any] = {}
    for name, info in config_class.model_fields.items():
        value = environment_value(config_class.__name__, name, info.annotation)
        if value is not None:
            found[name] = value
    return found


def declaring_class(config_class: type[BaseModel], key: str) -> type:
    """The class of ``config_class``'s MRO whose body sets ``key`` (BaseConfig for defaults)."""
    for klass in config_class.__mro__:
        if key in vars(klass).get("__annotations__", {}):
            return klass
    return config_class


class BaseConfig(BaseModel, metaclass=_ConfigMeta):
    """Base class of every application config.

    Every declared key can be overridden by an environment variable of the same name
    (``DEBUG=false``, ``PORT=9000``, lists as JSON). Keys that only a subclass declares,
    such as ``DATABASE_URI``, are overridable the same way.
    """

    model_config = ConfigDict(extra="allow", validate_default=True, arbitrary_types_allowed=True)

    #: Where each key's value came from: "explicit", "environment", "default" or
    #: "class <Name>" (set in the body of a subclass), for ``pyjolt config``.
    _sources: dict[str, str] = PrivateAttr(default_factory=dict)
    #: Keys registered by extensions' settings sections, with the section's class.
    _section_keys: dict[str, type[SettingsSection]] = PrivateAttr(default_factory=dict)
    _section_families: set[str] = PrivateAttr(default_factory=set)

    def __init__(self, **values: Any) -> None:
        # Environment first, explicit values win: Config(DEBUG=False) beats DEBUG=true.
        from_environment = environment_values(type(self))
        super().__init__(**{**from_environment, **values})
        for key in type(self).model_fields:
            if key in values:
                self._sources[key] = "explicit"
            elif key in from_environment:
                self._sources[key] = "environment"
            else:
                klass = declaring_class(type(self), key)
                source = "default" if klass is BaseConfig else f"class {klass.__name__}"
                self._sources[key] = source
        for key in self.model_extra or {}:
            self._sources[key] = "explicit"

    APP_NAME: str = Field(default="PyJolt App", description="Human-readable name of the app")
    VERSION: str = Field(default="1.0.0", description="Application version")
    SECRET_KEY: str | None = Field(default=None, description="Signs cookies and tokens")
    BASE_PATH: str | None = Field(
        default=None, description="Folder of the app package; defaults to the app module's folder"
    )
    DEBUG: bool = True
    HOST: str = "localhost"
    PORT: int = Field(default=8080, ge=0, le=65535)
    LIFESPAN: Literal["on", "off", "auto"] = "on"
    TEMPLATES_DIR: str = "/templates"
    STATIC_DIR: str = "/static"
    STATIC_URL: str = "/static"
    TEMPLATES_STRICT: bool = True
    STRICT_SLASHES: bool = False
    OPEN_API: bool = True
    OPEN_API_URL: str = "/openapi"
    OPEN_API_DESCRIPTION: str = "Simple API"
    OPEN_API_IN_PRODUCTION: bool = Field(
        default=False, description="Serve specs.json and /docs when DEBUG is off too"
    )
    OPEN_API_SWAGGER_URL: str | None = Field(
        default=None,
        description=(
            "Folder URL to load Swagger UI from (a CDN, a static folder); "
            "unset: the copy shipped with PyJolt"
        ),
    )
    ALLOWED_HOSTS: list[str] | None = Field(
        default=None,
        description=(
            "Host names the site answers to ('example.com', '.example.com' with "
            "subdomains, '*'); other Host headers get 400. Unset: every host"
        ),
    )
    MAX_BODY_SIZE: int = Field(default=TEN_MIB, gt=0, description="Largest accepted body, bytes")
    STRICT_RESPONSES: bool | None = Field(
        default=None,
        description=(
            "Refuse response data of the wrong type for the response model instead of "
            "converting it (a 500 naming the field); unset: on when DEBUG is on"
        ),
    )
    GC_FREEZE_AFTER_STARTUP: bool = Field(
        default=True,
        description="gc.freeze() once started: the cyclic GC stops rescanning startup objects",
    )
    CONTROLLERS: list[str] = Field(default_factory=list)
    EXTENSIONS: list[str] = Field(default_factory=list)
    MODELS: list[str] = Field(default_factory=list)
    EXCEPTION_HANDLERS: list[str] = Field(default_factory=list)
    MIDDLEWARE: list[str] = Field(
        default_factory=list,
        description="Middleware import strings, outermost first (see docs/middleware.md)",
    )

    # --- WebSockets (docs/websockets.md) ------------------------------------------------
    WEBSOCKET_MAX_MESSAGE_SIZE: int = Field(
        default=1024 * 1024, gt=0, description="Largest message a socket accepts (close 1009)"
    )
    WEBSOCKET_IDLE_TIMEOUT: float | None = Field(
        default=600.0,
        ge=0,
        description="Close a socket after this many seconds without a message (0/None: never)",
    )
    WEBSOCKET_CHECK_ORIGIN: bool = Field(
        default=True, description="Refuse browser handshakes from other sites' pages"
    )
    WEBSOCKET_ALLOWED_ORIGINS: list[str] = Field(
        default_factory=list,
        description="Origins besides the app's own that may open sockets (exact or ^regex$)",
    )

    # --- CORS (docs/cors.md) ------------------------------------------------------------
    CORS_ENABLED: bool = Field(default=False, description="Answer cross-origin requests")
    CORS_ALLOW_ORIGINS: list[str] = Field(
        default_factory=list, description="Exact origins, ^anchored regexes$ or '*'"
    )
    CORS_ALLOW_METHODS: list[str] = Field(
        default_factory=lambda: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
    )
    CORS_ALLOW_HEADERS: list[str] = Field(
        default_factory=list, description="Request headers allowed besides the safelisted ones"
    )
    CORS_EXPOSE_HEADERS: list[str] = Field(default_factory=list)
    CORS_ALLOW_CREDENTIALS: bool = False
    CORS_MAX_AGE: int = Field(default=600, ge=0, description="Seconds a preflight is cached")

    # --- bundled middleware (docs/middleware.md) ----------------------------------------
    REQUEST_ID_HEADER: str = "X-Request-ID"
    REQUEST_ID_TRUST_INCOMING: bool = Field(
        default=True, description="Keep a well-formed request id sent by a proxy"
    )
    COMPRESSION_MINIMUM_SIZE: int = Field(
        default=500, ge=0, description="Bodies smaller than this are sent uncompressed"
    )
    COMPRESSION_GZIP_LEVEL: int = Field(default=6, ge=1, le=9)
    COMPRESSION_BROTLI_QUALITY: int = Field(default=4, ge=0, le=11)
    SECURITY_HSTS_SECONDS: int = Field(
        default=31536000, ge=0, description="Strict-Transport-Security max-age on https (0: off)"
    )
    SECURITY_HSTS_INCLUDE_SUBDOMAINS: bool = True
    SECURITY_HSTS_PRELOAD: bool = False
    SECURITY_FRAME_OPTIONS: Literal["DENY", "SAMEORIGIN"] | None = "DENY"
    SECURITY_CONTENT_TYPE_NOSNIFF: bool = True
    SECURITY_REFERRER_POLICY: str | None = "strict-origin-when-cross-origin"
    SECURITY_CONTENT_SECURITY_POLICY: str | None = None
    SECURITY_CSP_REPORT_ONLY: bool = False
    TRUSTED_HOSTS: list[str] = Field(
        default_factory=list,
        description="Host header values served ('example.com', '*.example.com'); others 400",
    )
    RATE_LIMIT: str | None = Field(
        default=None, description="Requests per client, e.g. '100/minute' (None: no limit)"
    )
    RATE_LIMIT_STRATEGY: Literal["fixed-window", "token-bucket"] = "fixed-window"
    RATE_LIMIT_KEY_FUNC: str | None = Field(
        default=None, description="Import string of key(req) -> str; default: client address"
    )
    RATE_LIMIT_REDIS_URL: str | None = Field(
        default=None, description="Share limits between workers through Redis"
    )
    RATE_LIMIT_KEY_PREFIX: str = "pyjolt:ratelimit:"

    # --- extension settings ----------------------------------------------------------
    def register_section(self, section: type[S], prefix: str = "") -> S:
        """Read ``section``'s keys (each behind ``prefix``) and return them validated.

        A key the config sets (declared on the class, passed to the constructor) keeps
        that value, so the environment overrides it as for any declared key; a key the
        config does not have is read from the environment variable of the same name,
        else takes the section's default. The values are also set on the config, so
        ``config.get(key)`` sees them. A bad value raises ConfigError naming the key.
        """
        declared = type(self).model_fields
        extra = self.model_extra or {}
        values: dict[str, Any] = {}
        sources: dict[str, str] = {}
        for name, info in section.model_fields.items():
            key = f"{prefix}{name}"
            if key in declared:
                values[name] = getattr(self, key)
                sources[key] = self._sources.get(key, "default")
            elif key in extra:
                values[name] = extra[key]
                sources[key] = self._sources.get(key, "explicit")
            else:
                found = environment_value(type(self).__name__, key, info.annotation)
                if found is not None:
                    values[name] = found
                    sources[key] = "environment"
                else:
                    sources[key] = "default"
        try:
            settings = section.model_validate(values)
        except ValidationError as exc:
            raise ConfigError(
                describe_validation_error(type(self).__name__, exc, prefix=prefix)
            ) from None
        for name in section.model_fields:
            key = f"{prefix}{name}"
            if key not in declared:
                setattr(self, key, getattr(settings, name))
            self._sources[key] = sources[key]
            self._section_keys[key] = section
        self._section_families.update(f"{prefix}{family}" for family in section.families)
        return settings

    def known_keys(self) -> list[str]:
        """Every key this config has: declared, passed, or registered by an extension."""
        return sorted({*type(self).model_fields, *(self.model_extra or {}), *self._section_keys})

    def section_families(self) -> set[str]:
        """Key families (``CACHE_``, ``ANALYTICS_DATABASE_``) of the registered sections."""
        return set(self._section_families)

    def source_of(self, key: str) -> str:
        """Where ``key``'s value came from (see ``_sources``); "unknown" for other keys."""
        return self._sources.get(key, "unknown")

    def section_of(self, key: str) -> type[SettingsSection] | None:
        """The settings section that registered ``key``, if any."""
        return self._section_keys.get(key)

    def get(self, key: str, default: Any = None) -> Any:
        """Return a config value by name, or ``default`` when it is not set."""
        value = getattr(self, key, default)
        return default if value is None else value

    def resolve_path(self, folder: str) -> str:
        """Return ``folder`` (e.g. ``/templates``) as an absolute path under BASE_PATH."""
        base = self.BASE_PATH or os.getcwd()
        return os.path.join(base, folder.lstrip("/\\"))


def describe_validation_error(config_name: str, exc: ValidationError, prefix: str = "") -> str:
    """Turn pydantic's error list into one message naming each bad key."""
    problems = []
    for error in exc.errors(include_url=False):
        key = prefix + (".".join(str(part) for part in error["loc"]) or "<config>")
        problems.append(f"{key}: {error['msg']} (got {error.get('input')!r})")
    return f"Invalid configuration in {config_name}: " + "; ".join(problems)


def load_config(source: type[BaseConfig] | BaseConfig | dict[str, Any] | None) -> BaseConfig:
    """Instantiate the app's config, turning validation failures into a ConfigError."""
    if isinstance(source, BaseConfig):
        return source
    try:
        if source is None:
            return BaseConfig()
        if isinstance(source, dict):
            return BaseConfig(**source)
        if isinstance(source, type) and issubclass(source, BaseConfig):
            return source()
    except ValidationError as exc:
        name = source.__name__ if isinstance(source, type) else "config"
        raise ConfigError(describe_validation_error(name, exc)) from None
    raise ConfigError(
        f"configs must be a BaseConfig subclass, instance or dict, got {type(source).__name__}"
    )
