"""Authorization header schemes: reading credentials, 401 challenges, OpenAPI schemes.

APIs differ in the scheme word they expect (``Authorization: Bearer <jwt>``, ``Token
<jwt>``...); an Authentication extension accepts the schemes it is configured with and
names the same schemes in ``WWW-Authenticate`` and in the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..request import Request

#: Schemes registered with IANA that OpenAPI can describe as ``type: http``.
HTTP_SCHEMES = frozenset({"basic", "bearer", "digest"})


class SchemeConfigError(ValueError):
    """``AUTHENTICATION_SCHEMES`` holds something that is not a scheme word."""


def parse_schemes(value: Any, setting: str) -> tuple[str, ...]:
    """Scheme names from a list or a comma-separated string (``"Bearer, Token"``)."""
    items: Iterable[Any] = value.split(",") if isinstance(value, str) else value
    schemes: list[str] = []
    for item in items:
        name = str(item).strip()
        if not name:
            continue
        if not name.isascii() or not all(ch.isalnum() or ch in "-._~+!#$%&'*^`|" for ch in name):
            raise SchemeConfigError(f"{setting}: {name!r} is not an authorization scheme name")
        schemes.append(name)
    return tuple(schemes)


def authorization_credentials(req: Request, schemes: Sequence[str]) -> str | None:
    """The credentials of ``Authorization: <scheme> <credentials>`` in an accepted scheme.

    Scheme names compare case-insensitively (RFC 9110); credentials with inner spaces
    are refused rather than guessed at.
    """
    header = req.headers.get("authorization", "")
    scheme, _, credentials = header.strip().partition(" ")
    credentials = credentials.strip()
    if not credentials or " " in credentials:
        return None
    wanted = scheme.lower()
    return credentials if any(wanted == accepted.lower() for accepted in schemes) else None


def challenge(schemes: Sequence[str], credentials_sent: bool) -> str:
    """The ``WWW-Authenticate`` value of a 401: every accepted scheme.

    When credentials were sent but refused, each challenge says ``error="invalid_token"``
    (RFC 6750) so clients know to log in again rather than retry.
    """
    suffix = ' error="invalid_token"' if credentials_sent else ""
    return ", ".join(f"{scheme}{suffix}" for scheme in schemes)


def security_scheme_name(scheme: str) -> str:
    """The name of ``scheme``'s entry in the OpenAPI ``securitySchemes``."""
    return f"{scheme[:1].upper()}{scheme[1:]}Auth"


def security_scheme(scheme: str, bearer_format: str | None = None) -> dict[str, Any]:
    """The OpenAPI security scheme object of one ``Authorization`` header scheme."""
    if scheme.lower() in HTTP_SCHEMES:
        definition: dict[str, Any] = {"type": "http", "scheme": scheme.lower()}
        if bearer_format and scheme.lower() == "bearer":
            definition["bearerFormat"] = bearer_format
        return definition
    # Not an IANA-registered HTTP scheme: OpenAPI can only describe it as a header value.
    return {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": f"Send 'Authorization: {scheme} <credentials>'",
    }
