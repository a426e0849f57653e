"""Password hashing: bcrypt, off the event loop, never truncating long passwords."""

from __future__ import annotations

import asyncio
from typing import Any

import bcrypt
import pytest

from pyjolt import Request, Response
from pyjolt.auth import MAX_PASSWORD_BYTES, Authentication
from pyjolt.controller import Controller, consumes, path, post
from pyjolt.media_type import MediaType
from pyjolt.testing import PyJoltTestClient

SECRET = "password-test-secret-key-long-enough-0123456789"
HERE = __name__


class PasswordAuth(Authentication):
    async def user_loader(self, req: Request) -> Any:
        return None


auth = PasswordAuth()


@path("/api")
class RegisterApi(Controller):
    @post("/register")
    @consumes(MediaType.APPLICATION_JSON)
    async def register(self, req: Request, data: dict[str, str]) -> Response:
        hashed = await auth.create_password_hash_async(data["password"])
        return req.response.json({"hash": hashed}).status(201)


@pytest.fixture
def application(make_app: Any) -> Any:
    return make_app(
        RegisterApi,
        SECRET_KEY=SECRET,
        EXTENSIONS=[f"{HERE}:auth"],
        AUTHENTICATION_BCRYPT_ROUNDS=4,
    )


def test_hash_and_check(application):
    hashed = auth.create_password_hash("correct horse")
    assert hashed.startswith("$2b$04$")  # AUTHENTICATION_BCRYPT_ROUNDS is used
    assert auth.check_password_hash("correct horse", hashed) is True
    assert auth.check_password_hash("wrong horse", hashed) is False


async def test_no_account_is_refused_after_a_check_of_the_same_cost(
    application: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[bytes] = []
    real_checkpw = bcrypt.checkpw

    def recording_checkpw(password: bytes, hashed: bytes) -> bool:
        checked.append(hashed)
        return real_checkpw(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", recording_checkpw)
    assert auth.check_password_hash("anything", None) is False
    assert await auth.check_password_hash_async("no account has this password", None) is False
    # Both ran bcrypt, against a hash of the configured cost (4 rounds here).
    assert len(checked) == 2 and all(h.startswith(b"$2b$04$") for h in checked)


async def test_async_hash_and_check(application):
    hashed = await auth.create_password_hash_async("correct horse")
    assert await auth.check_password_hash_async("correct horse", hashed) is True
    assert await auth.check_password_hash_async("Correct horse", hashed) is False


def test_password_of_exactly_72_bytes_is_accepted(application):
    password = "p" * MAX_PASSWORD_BYTES
    assert auth.check_password_hash(password, auth.create_password_hash(password))


@pytest.mark.parametrize("password", ["p" * 73, "€" * 25, "ü" * 500])  # 73, 75, 1000 bytes
def test_passwords_over_72_bytes_hash_and_check(application, password):
    stored = auth.create_password_hash(password)
    assert auth.check_password_hash(password, stored) is True


def test_long_passwords_sharing_72_bytes_never_match(application):
    stored = auth.create_password_hash("p" * 72 + "one")
    assert auth.check_password_hash("p" * 72 + "two", stored) is False
    assert auth.check_password_hash("p" * 72, stored) is False


def test_passwords_up_to_72_bytes_hash_as_plain_bcrypt(application):
    stored = auth.create_password_hash("p" * 72)
    assert bcrypt.checkpw(b"p" * 72, stored.encode())


async def test_async_hash_and_check_of_a_long_password(application):
    stored = await auth.create_password_hash_async("x" * 100)
    assert await auth.check_password_hash_async("x" * 100, stored) is True
    assert await auth.check_password_hash_async("x" * 99, stored) is False


def test_malformed_stored_hash_is_a_clear_error(application):
    with pytest.raises(ValueError, match="not a bcrypt hash"):
        auth.check_password_hash("pw", "plain-text-password")


async def test_long_password_through_an_endpoint_is_accepted(application):
    async with PyJoltTestClient(application) as client:
        ok = await client.post("/api/register", json={"password": "fine"})
        long = await client.post("/api/register", json={"password": "x" * 100})
    assert ok.status_code == 201
    assert long.status_code == 201


async def test_async_hashing_does_not_block_the_event_loop(make_app):
    make_app(SECRET_KEY=SECRET, EXTENSIONS=[f"{HERE}:auth"], AUTHENTICATION_BCRYPT_ROUNDS=12)
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0.005)

    ticking = asyncio.create_task(ticker())
    await auth.create_password_hash_async("slow hash")
    done.set()
    await ticking
    assert ticks > 5
