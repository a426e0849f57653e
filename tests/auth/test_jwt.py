"""JWT helpers and JWTAuthentication (Authorization: Bearer) edge cases."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest

from pyjolt import Request, Response
from pyjolt.auth import JWTAuthentication
from pyjolt.controller import Controller, get, path
from pyjolt.testing import PyJoltTestClient

SECRET = "jwt-test-secret-key-that-is-long-enough-for-hs512-too-0123456789abcdef"
HERE = __name__

auth = JWTAuthentication()


@path("/api")
class TokenApi(Controller):
    @get("/whoami")
    @auth.login_required
    async def whoami(self, req: Request) -> Response:
        return req.response.json({"sub": req.user["sub"]})

    @get("/admin")
    @auth.login_required
    @auth.role_required("admin")
    async def admin(self, req: Request) -> Response:
        return req.response.json({"ok": True})


@pytest.fixture
def application(make_app: Any) -> Any:
    return make_app(TokenApi, SECRET_KEY=SECRET, EXTENSIONS=[f"{HERE}:auth"])


def b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def whoami(application: Any, token: str, scheme: str = "Bearer") -> Any:
    async with PyJoltTestClient(application) as client:
        return await client.get("/api/whoami", headers={"Authorization": f"{scheme} {token}"})


def test_token_round_trip_sets_exp_and_iat(application):
    before = int(time.time())
    claims = auth.validate_jwt_token(auth.create_jwt_token({"sub": "42"}, expires_in=60))
    assert claims is not None
    assert claims["sub"] == "42"
    assert before + 60 <= claims["exp"] <= int(time.time()) + 60
    assert claims["iat"] >= before


def test_token_header_pins_hs256(application):
    token = auth.create_jwt_token({"sub": "1"})
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


@pytest.mark.parametrize("expires_in", [0, -5])
def test_non_positive_expiry_is_refused(application, expires_in):
    with pytest.raises(ValueError, match="expires_in"):
        auth.create_jwt_token({"sub": "1"}, expires_in=expires_in)


async def test_valid_bearer_token_authenticates(application):
    response = await whoami(application, auth.create_jwt_token({"sub": "7"}))
    assert response.status_code == 200
    assert response.json() == {"sub": "7"}


async def test_bearer_scheme_is_case_insensitive(application):
    response = await whoami(application, auth.create_jwt_token({"sub": "7"}), scheme="bearer")
    assert response.status_code == 200


async def test_missing_authorization_header_answers_401(application):
    async with PyJoltTestClient(application) as client:
        response = await client.get("/api/whoami")
    assert response.status_code == 401


async def test_other_authorization_scheme_answers_401(application):
    response = await whoami(application, auth.create_jwt_token({"sub": "7"}), scheme="Basic")
    assert response.status_code == 401


def forged_tokens() -> dict[str, str]:
    now = int(time.time())
    key = SECRET.encode()
    return {
        "expired": jwt.encode({"sub": "7", "exp": now - 10}, key, algorithm="HS256"),
        "no exp claim": jwt.encode({"sub": "7"}, key, algorithm="HS256"),
        "wrong key": jwt.encode(
            {"sub": "7", "exp": now + 60}, b"x" * 48 + b"other-key", algorithm="HS256"
        ),
        "HS512 with the right key": jwt.encode(
            {"sub": "7", "exp": now + 60}, key, algorithm="HS512"
        ),
        "alg none": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64({'sub': '7', 'exp': now + 60})}.",
        "garbage": "not-a-jwt",
    }


@pytest.mark.parametrize("kind", list(forged_tokens()))
async def test_invalid_tokens_do_not_validate(application, kind):
    token = forged_tokens()[kind]
    assert auth.validate_jwt_token(token) is None
    response = await whoami(application, token)
    assert response.status_code == 401


async def test_tampered_payload_does_not_validate(application):
    header, _, signature = auth.create_jwt_token({"sub": "7"}).split(".")
    forged = f"{header}.{b64({'sub': '1', 'exp': int(time.time()) + 60})}.{signature}"
    assert auth.validate_jwt_token(forged) is None
    assert (await whoami(application, forged)).status_code == 401


async def test_roles_claim_grants_access(application):
    token = auth.create_jwt_token({"sub": "1", "roles": ["admin"]})
    async with PyJoltTestClient(application) as client:
        response = await client.get("/api/admin", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


@pytest.mark.parametrize("claims", [{"sub": "2", "roles": ["user"]}, {"sub": "2"}])
async def test_missing_role_claim_answers_403(application, claims):
    token = auth.create_jwt_token(claims)
    async with PyJoltTestClient(application) as client:
        response = await client.get("/api/admin", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
