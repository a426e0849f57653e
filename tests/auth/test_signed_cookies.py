"""create_signed_cookie_value / decode_signed_cookie."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pyjolt import Request
from pyjolt.auth import Authentication

SECRET = "cookie-test-secret-key-long-enough-0123456789"
HERE = __name__


class CookieAuth(Authentication):
    async def user_loader(self, req: Request) -> Any:
        return None


auth = CookieAuth()


@pytest.fixture(autouse=True)
def application(make_app: Any) -> Any:
    return make_app(SECRET_KEY=SECRET, EXTENSIONS=[f"{HERE}:auth"])


@pytest.mark.parametrize("value", [42, "user-7", "a.b.c", "ünïcode"])
def test_round_trip(value):
    signed = auth.create_signed_cookie_value(value)
    assert signed != str(value)
    assert auth.decode_signed_cookie(signed) == str(value)


def test_tampered_value_is_none():
    signed = auth.create_signed_cookie_value(1)
    assert auth.decode_signed_cookie("2" + signed[1:]) is None


def test_tampered_signature_is_none():
    signed = auth.create_signed_cookie_value(1)
    # The last base64 character carries padding bits; change one in the middle.
    replacement = "A" if signed[-5] != "A" else "B"
    assert auth.decode_signed_cookie(signed[:-5] + replacement + signed[-4:]) is None


@pytest.mark.parametrize("junk", ["", "no-signature", "1.2", "...."])
def test_junk_is_none(junk):
    assert auth.decode_signed_cookie(junk) is None


def test_value_signed_for_another_purpose_is_none():
    signed = auth.create_signed_cookie_value(1, salt="password-reset")
    assert auth.decode_signed_cookie(signed) is None
    assert auth.decode_signed_cookie(signed, salt="password-reset") == "1"


async def test_expired_value_is_none():
    signed = auth.create_signed_cookie_value(1)
    assert auth.decode_signed_cookie(signed, max_age=60) == "1"
    await asyncio.sleep(1.05)  # timestamps have one-second resolution
    assert auth.decode_signed_cookie(signed, max_age=0) is None
