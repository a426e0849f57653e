"""Configurable Authorization schemes and the WWW-Authenticate challenge of a 401."""

from __future__ import annotations

from typing import Any

import pytest

from pyjolt import Request, Response
from pyjolt.auth import Authentication, JWTAuthentication
from pyjolt.controller import Controller, get, path
from pyjolt.testing import LifespanError, PyJoltTestClient

SECRET = "scheme-test-secret-key-that-is-long-enough-0123456789"
HERE = __name__

auth = JWTAuthentication()


class CookieAuth(Authentication):
    """A cookie-reading loader: no Authorization scheme configured."""

    async def user_loader(self, req: Request) -> Any:
        user_id = self.decode_signed_cookie(req.cookies.get("auth_cookie", ""))
        return {"id": user_id} if user_id else None


cookie_auth = CookieAuth()


@path("/api")
class TokenApi(Controller):
    @get("/whoami")
    @auth.login_required
    async def whoami(self, req: Request) -> Response:
        return req.response.json({"sub": req.user["sub"]})


@path("/cookie")
class CookieApi(Controller):
    @get("/me")
    @cookie_auth.login_required
    async def me(self, req: Request) -> Response:
        return req.response.json(req.user)


def token_app(make_app: Any, **settings: Any) -> Any:
    return make_app(TokenApi, SECRET_KEY=SECRET, EXTENSIONS=[f"{HERE}:auth"], **settings)


async def whoami(application: Any, authorization: str | None) -> Any:
    headers = {"Authorization": authorization} if authorization is not None else {}
    async with PyJoltTestClient(application) as client:
        return await client.get("/api/whoami", headers=headers)


@pytest.mark.parametrize("scheme", ["Token", "token", "TOKEN"])
async def test_token_scheme_is_accepted_when_configured(make_app: Any, scheme: str) -> None:
    application = token_app(make_app, AUTHENTICATION_SCHEMES=["Token"])
    response = await whoami(application, f"{scheme} {auth.create_jwt_token({'sub': '5'})}")
    assert response.status_code == 200
    assert response.json() == {"sub": "5"}


async def test_bearer_is_refused_when_only_token_is_configured(make_app: Any) -> None:
    application = token_app(make_app, AUTHENTICATION_SCHEMES=["Token"])
    response = await whoami(application, f"Bearer {auth.create_jwt_token({'sub': '5'})}")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Token error="invalid_token"'


@pytest.mark.parametrize("setting", [["Bearer", "Token"], "Bearer, Token"])
async def test_several_schemes_are_accepted(make_app: Any, setting: Any) -> None:
    application = token_app(make_app, AUTHENTICATION_SCHEMES=setting)
    for scheme in ("Bearer", "Token"):
        response = await whoami(application, f"{scheme} {auth.create_jwt_token({'sub': '5'})}")
        assert response.status_code == 200, scheme


async def test_401_without_credentials_challenges_every_scheme(make_app: Any) -> None:
    application = token_app(make_app, AUTHENTICATION_SCHEMES=["Bearer", "Token"])
    response = await whoami(application, None)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer, Token"


async def test_401_with_a_bad_token_says_invalid_token(make_app: Any) -> None:
    response = await whoami(token_app(make_app), "Bearer forged")
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


@pytest.mark.parametrize(
    "authorization", ["Bearer", "Bearer ", "Bearer a b", "Bearertoken", "", "Token x"]
)
async def test_malformed_authorization_headers_are_401(make_app: Any, authorization: str) -> None:
    response = await whoami(token_app(make_app), authorization)
    assert response.status_code == 401


async def test_cookie_authentication_sends_no_challenge(make_app: Any) -> None:
    application = make_app(CookieApi, SECRET_KEY=SECRET, EXTENSIONS=[f"{HERE}:cookie_auth"])
    async with PyJoltTestClient(application) as client:
        anonymous = await client.get("/cookie/me")
        client.cookies.set("auth_cookie", cookie_auth.create_signed_cookie_value(3))
        logged_in = await client.get("/cookie/me")
    assert anonymous.status_code == 401
    assert "www-authenticate" not in anonymous.headers
    assert logged_in.json() == {"id": "3"}


@pytest.mark.parametrize("setting", [["Bearer token"], ["Bé"], "Bearer,,To:ken"])
async def test_an_invalid_scheme_setting_fails_startup_naming_the_key(
    make_app: Any, setting: Any
) -> None:
    application = token_app(make_app, AUTHENTICATION_SCHEMES=setting)
    with pytest.raises(LifespanError, match="AUTHENTICATION_SCHEMES"):
        async with PyJoltTestClient(application):
            pass
