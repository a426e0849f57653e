"""Signed cookie values (itsdangerous, HMAC-SHA256), one salt per purpose, optionally expiring."""

from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, TimestampSigner

DEFAULT_COOKIE_SALT = "pyjolt.auth.cookie"


def _signer(key: bytes, salt: str) -> TimestampSigner:
    return TimestampSigner(key, salt=salt, digest_method=hashlib.sha256)


def sign_value(key: bytes, value: str | int, salt: str = DEFAULT_COOKIE_SALT) -> str:
    """``value`` with a timestamp and an HMAC signature appended."""
    return _signer(key, salt).sign(str(value)).decode("utf-8")


def unsign_value(
    key: bytes, signed_value: str, salt: str = DEFAULT_COOKIE_SALT, max_age: int | None = None
) -> str | None:
    """The original value, or None when tampered with, signed for another salt or expired.

    itsdangerous compares signatures in constant time.
    """
    if not isinstance(signed_value, str) or not signed_value:
        return None
    try:
        value = _signer(key, salt).unsign(signed_value, max_age=max_age)
    except BadSignature:  # includes SignatureExpired
        return None
    return value.decode("utf-8")
