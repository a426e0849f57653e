"""JSON Web Tokens signed with HS256 only, always expiring."""

from __future__ import annotations

import time
from typing import Any

import jwt

from ..config import ConfigError

ALGORITHM = "HS256"
#: RFC 7518 3.2: an HS256 key must be at least as long as the hash output.
MIN_HMAC_KEY_BYTES = 32
"""Shortest ``SECRET_KEY`` accepted for signing (HS256 needs a key as long as its hash)."""


def hmac_key(secret: str | bytes | None, setting: str = "SECRET_KEY") -> bytes:
    """``secret`` as bytes, or a ConfigError naming ``setting`` when missing or short."""
    if not secret:
        raise ConfigError(
            f"{setting} is not set: the Authentication extension signs cookies and tokens "
            "with it. Set it to a random string of at least "
            f"{MIN_HMAC_KEY_BYTES} bytes, e.g. the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    key = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    if len(key) < MIN_HMAC_KEY_BYTES:
        raise ConfigError(
            f"{setting} is {len(key)} bytes long; HMAC signing needs at least "
            f"{MIN_HMAC_KEY_BYTES} bytes. Use a longer random string, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    return key


def encode_jwt(payload: dict[str, Any], key: bytes, expires_in: int = 3600) -> str:
    """Sign ``payload`` plus ``iat`` and ``exp`` (``expires_in`` seconds from now)."""
    if expires_in <= 0:
        raise ValueError(f"expires_in must be a positive number of seconds, got {expires_in}")
    now = int(time.time())
    claims = dict(payload)
    claims.setdefault("iat", now)
    claims["exp"] = now + int(expires_in)
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def decode_jwt(token: str | bytes, key: bytes) -> dict[str, Any] | None:
    """The claims of a valid, unexpired HS256 token with an ``exp`` claim; else None.

    The accepted algorithm is pinned, so ``alg: none`` and algorithm-confusion tokens are
    refused; a token without ``exp`` never validates.
    """
    if not isinstance(token, (str, bytes)) or not token:
        return None
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={"require": ["exp"], "verify_exp": True, "verify_signature": True},
        )
    except jwt.InvalidTokenError:
        return None
    return claims if isinstance(claims, dict) else None
