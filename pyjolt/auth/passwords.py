"""Password hashing with bcrypt, refusing passwords bcrypt would silently truncate."""

from __future__ import annotations

import functools

import anyio.to_thread
import bcrypt

from ..exceptions.http_exceptions import BadRequest

#: bcrypt only looks at the first 72 bytes of a password. Older bcrypt releases
#: truncate silently, so two long passwords sharing a prefix would match each other.
MAX_PASSWORD_BYTES = 72
DEFAULT_ROUNDS = 12


class PasswordTooLongError(BadRequest):
    """The password is longer than bcrypt's 72-byte limit (answered with 400)."""

    default_message = f"Password must be at most {MAX_PASSWORD_BYTES} bytes long"


def _password_bytes(password: str | bytes) -> bytes:
    data = password.encode("utf-8") if isinstance(password, str) else bytes(password)
    if len(data) > MAX_PASSWORD_BYTES:
        raise PasswordTooLongError(
            f"Password must be at most {MAX_PASSWORD_BYTES} bytes long "
            f"(got {len(data)} bytes in UTF-8)"
        )
    return data


def hash_password(password: str | bytes, rounds: int = DEFAULT_ROUNDS) -> str:
    """A bcrypt hash of ``password`` (blocking: about 0.2 s at 12 rounds)."""
    return bcrypt.hashpw(_password_bytes(password), bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(password: str | bytes, hashed_password: str | bytes) -> bool:
    """True when ``password`` matches the bcrypt ``hashed_password`` (blocking)."""
    data = _password_bytes(password)
    hashed = hashed_password
    if isinstance(hashed, str):
        hashed = hashed.encode("utf-8")
    try:
        return bcrypt.checkpw(data, hashed)
    except ValueError as exc:  # "Invalid salt": the stored value is not a bcrypt hash
        raise ValueError(f"hashed_password is not a bcrypt hash ({exc})") from None


async def hash_password_async(password: str | bytes, rounds: int = DEFAULT_ROUNDS) -> str:
    """:func:`hash_password` in a worker thread, so the event loop keeps serving."""
    _password_bytes(password)  # fail fast, before taking a thread
    return await anyio.to_thread.run_sync(functools.partial(hash_password, password, rounds))


async def verify_password_async(password: str | bytes, hashed_password: str | bytes) -> bool:
    """:func:`verify_password` in a worker thread, so the event loop keeps serving."""
    _password_bytes(password)
    return await anyio.to_thread.run_sync(
        functools.partial(verify_password, password, hashed_password)
    )
