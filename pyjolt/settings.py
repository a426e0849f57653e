"""Settings sections: the config keys an extension reads, declared (with types) by it.

An extension does not rely on the project's ``Config`` declaring its keys: it registers
a :class:`SettingsSection` on the app's config in ``init_app``, which reads every key of
the section from the config when the config sets it, else from an environment variable
(and so from ``.env``), else takes the section's default. Without this, a key only an
extension reads (``CACHE_REDIS_URL``) set in the environment would be silently ignored.

The module also finds environment variables that look like PyJolt settings but match no
key (``DATABASE_URL`` for ``DATABASE_URI``), so a typo is warned about, not ignored.
"""

from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from .config import BaseConfig

logger = logging.getLogger(__name__)


class SettingsSection(BaseModel):
    """The config keys one extension reads, with their types and defaults.

    Subclass it with upper-case fields named as the keys are without the extension's
    ``variable_prefix`` (``CACHE_REDIS_URL: str | None = None``) and register it from
    ``init_app``: ``settings = app.configs.register_section(CacheSettings, prefix)``.
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, arbitrary_types_allowed=True
    )

    #: The key prefixes of the section (``("CACHE_",)``): a variable starting with one
    #: that matches no key is warned about.
    families: ClassVar[tuple[str, ...]] = ()


#: Key families of PyJolt's own settings, with what reads them. An environment variable
#: starting with one of these is expected to be a setting; if it is none, it is warned
#: about. Families of BaseConfig (CORS_, SECURITY_...) are always read.
FRAMEWORK_FAMILIES: Mapping[str, str] = {
    "CACHE_": "the Cache extension (pyjolt.caching)",
    "DATABASE_": "the SqlDatabase extension (pyjolt.database)",
    "ALEMBIC_": "the Migrate extension (pyjolt.database.migrate)",
    "TASK_MANAGER_": "the TaskManager extension (pyjolt.task_manager)",
    "AUTHENTICATION_": "the Authentication extension (pyjolt.auth)",
    "CHANNELS_": "the Channels extension (pyjolt.channels)",
    "CORS_": "BaseConfig",
    "WEBSOCKET_": "BaseConfig",
    "SECURITY_": "BaseConfig",
    "COMPRESSION_": "BaseConfig",
    "RATE_LIMIT_": "BaseConfig",
    "REQUEST_ID_": "BaseConfig",
    "OPEN_API_": "BaseConfig",
}


@dataclass(frozen=True)
class UnknownVariable:
    """An environment variable named like a setting that no setting of the app matches."""

    name: str
    nearest: str | None
    family_owner: str | None  # set when no extension of the app reads this family

    def message(self) -> str:
        if self.family_owner:
            return (
                f"environment variable {self.name} is not read: no setting of this app has "
                f"that name, and {self.family_owner} is not in this app's EXTENSIONS"
            )
        if self.nearest:
            return (
                f"environment variable {self.name} matches no setting of this app; "
                f"did you mean {self.nearest}?"
            )
        return f"environment variable {self.name} matches no setting of this app"


def unknown_environment_variables(
    config: BaseConfig, environ: Mapping[str, str] | None = None
) -> list[UnknownVariable]:
    """Variables of ``environ`` in a settings family that match no key of ``config``."""
    environ = os.environ if environ is None else environ
    known = set(config.known_keys())
    families = set(FRAMEWORK_FAMILIES) | set(config.section_families())
    found = []
    for name in sorted(environ):
        if name in known or not name.isupper():
            continue
        family = next((f for f in _longest_first(families) if name.startswith(f)), None)
        if family is None:
            continue
        nearest = _nearest(name, known)
        read = any(key.startswith(family) for key in known)
        owner = None if read else FRAMEWORK_FAMILIES.get(family)
        found.append(UnknownVariable(name, nearest, owner))
    return found


def _longest_first(families: Iterable[str]) -> list[str]:
    return sorted(families, key=len, reverse=True)


def _nearest(name: str, keys: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(name, sorted(keys), n=1, cutoff=0.8)
    return matches[0] if matches else None


def warn_about_unknown_variables(config: BaseConfig) -> None:
    """Log a warning for each variable :func:`unknown_environment_variables` finds."""
    for unknown in unknown_environment_variables(config):
        logger.warning("%s", unknown.message())
