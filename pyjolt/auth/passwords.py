"""Password hashing with bcrypt, for passwords of any length.

bcrypt only reads the first 72 bytes of a password: older releases truncate silently
(two long passwords sharing a prefix then match each other), newer ones raise. Refusing
long passwords is no better for an API, since its clients cannot see a byte limit in a
JSON schema that counts characters. So a password over 72 bytes is first reduced to
the base64 of its SHA-256 digest (44 bytes), the scheme passlib calls bcrypt_sha256:
every byte counts, and passwords of up to 72 bytes hash exactly as plain bcrypt does.
"""

from __future__ import annotations

import base64
import functools
import hashlib

import anyio.to_thread
import bcrypt

#: The most bytes of a password that bcrypt reads.
MAX_PASSWORD_BYTES = 72
"""bcrypt reads at most 72 bytes; longer passwords are hashed with SHA-256 first, whole."""
DEFAULT_ROUNDS = 12


def _password_bytes(password: str | bytes) -> bytes:
    data = password.encode("utf-8") if isinstance(password, str) else bytes(password)
    if len(data) > MAX_PASSWORD_BYTES:
        return base64.b64encode(hashlib.sha256(data).digest())
    return data


def hash_password(password: str | bytes, rounds: int = DEFAULT_ROUNDS) -> str:
    """A bcrypt hash of ``password`` (blocking: about 0.2 s at 12 rounds)."""
    return bcrypt.hashpw(_password_bytes(password), bcrypt.gensalt(rounds)).decode("ascii")


@functools.cache
def _stand_in_hash(rounds: int) -> bytes:
    return bcrypt.hashpw(b"no account has this password", bcrypt.gensalt(rounds))


def verify_password(
    password: str | bytes, hashed_password: str | bytes | None, rounds: int = DEFAULT_ROUNDS
) -> bool:
    """True when ``password`` matches the bcrypt ``hashed_password`` (blocking).

    ``None`` (no such account) is checked against a stand-in hash of the same cost and
    is always False: an unknown e-mail then takes as long to refuse as a wrong
    password, so response times do not tell which accounts exist.
    """
    data = _password_bytes(password)
    if hashed_password is None:
        bcrypt.checkpw(data, _stand_in_hash(rounds))
        return False
    hashed = hashed_password
    if isinstance(hashed, str):
        hashed = hashed.encode("utf-8")
    try:
        return bcrypt.checkpw(data, hashed)
    except ValueError as exc:  # "Invalid salt": the stored value is not a bcrypt hash
        raise ValueError(f"hashed_password is not a bcrypt hash ({exc})") from None


async def hash_password_async(password: str | bytes, rounds: int = DEFAULT_ROUNDS) -> str:
    """:func:`hash_password` in a worker thread, so the event loop keeps serving."""
    return await anyio.to_thread.run_sync(functools.partial(hash_password, password, rounds))


async def verify_password_async(
    password: str | bytes, hashed_password: str | bytes | None, rounds: int = DEFAULT_ROUNDS
) -> bool:
    """:func:`verify_password` in a worker thread, so the event loop keeps serving."""
    return await anyio.to_thread.run_sync(
        functools.partial(verify_password, password, hashed_password, rounds)
    )
