"""The Authentication extension's settings (``AUTHENTICATION_*``; SECRET_KEY is BaseConfig's)."""

from __future__ import annotations

from pydantic import Field

from ..settings import SettingsSection
from .passwords import DEFAULT_ROUNDS


class AuthenticationSettings(SettingsSection):
    """Messages of the 401/403 answers, bcrypt's cost and the accepted header schemes."""

    families = ("AUTHENTICATION_",)

    AUTHENTICATION_ERROR_MESSAGE: str | None = Field(
        default=None, description="Message of the 401 answer"
    )
    UNAUTHORIZED_ERROR_MESSAGE: str | None = Field(
        default=None, description="Message of the 403 answer"
    )
    AUTHENTICATION_BCRYPT_ROUNDS: int = Field(default=DEFAULT_ROUNDS, ge=4, le=31)
    AUTHENTICATION_SCHEMES: str | list[str] | None = Field(
        default=None,
        description="Authorization schemes accepted (a list, or 'Bearer, Token'); "
        "unset: the extension's default",
    )
