"""@auth.login_optional: everyone gets an answer, logged-in users a personal one."""

from __future__ import annotations

from typing import Any

import pytest

from pyjolt import MediaType, Request, Response
from pyjolt.auth import Authentication, JWTAuthentication
from pyjolt.controller import Controller, consumes, get, path, post
from pyjolt.controller.endpoint import EndpointDefinitionError
from pyjolt.testing import PyJoltTestClient

SECRET = "optional-login-secret-key-that-is-long-enough-0123456789"
HERE = __name__

auth = JWTAuthentication()


class CookieAuth(Authentication):
    """Credentials in a cookie: ``credentials_present`` says so."""

    async def user_loader(self, req: Request) -> Any:
        user_id = self.decode_signed_cookie(req.cookies.get("auth_cookie", ""))
        return {"id": user_id} if user_id else None

    def credentials_present(self, req: Request) -> bool:
        return "auth_cookie" in req.cookies


cookie_auth = CookieAuth()


@path("/articles")
class ArticlesApi(Controller):
    @get("/<slug>")
    @auth.login_optional
    async def article(self, req: Request, slug: str) -> Response:
        favourited = req.user is not None and slug in req.user.get("favourites", [])
        return req.response.json({"slug": slug, "favourited": favourited})

    @post("/<slug>/comments")
    @consumes(MediaType.APPLICATION_JSON)
    @auth.login_optional
    async def comment(self, req: Request, slug: str, body: dict[str, str]) -> Response:
        author = req.user["sub"] if req.user else "anonymous"
        return req.response.json({"author": author, "text": body["text"]})


@path("/cookie")
class CookieArticlesApi(Controller):
    @get("/feed")
    @cookie_auth.login_optional
    async def feed(self, req: Request) -> Response:
        return req.response.json({"user": req.user})


@pytest.fixture
def application(make_app: Any) -> Any:
    return make_app(
        ArticlesApi,
        CookieArticlesApi,
        SECRET_KEY=SECRET,
        EXTENSIONS=[f"{HERE}:auth", f"{HERE}:cookie_auth"],
    )


def bearer(claims: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {auth.create_jwt_token(claims)}"}


async def test_no_credentials_serves_the_anonymous_answer(application: Any) -> None:
    async with PyJoltTestClient(application) as client:
        response = await client.get("/articles/hello")
    assert response.status_code == 200
    assert response.json() == {"slug": "hello", "favourited": False}


async def test_valid_credentials_load_the_user(application: Any) -> None:
    async with PyJoltTestClient(application) as client:
        response = await client.get(
            "/articles/hello", headers=bearer({"sub": "1", "favourites": ["hello"]})
        )
    assert response.json() == {"slug": "hello", "favourited": True}


@pytest.mark.parametrize("authorization", ["Bearer forged", "Basic dXNlcjpwYXNz", "Bearer"])
async def test_invalid_credentials_are_401_not_anonymous(
    application: Any, authorization: str
) -> None:
    async with PyJoltTestClient(application) as client:
        response = await client.get("/articles/hello", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


async def test_invalid_credentials_are_401_before_the_body_is_checked(application: Any) -> None:
    async with PyJoltTestClient(application) as client:
        response = await client.post(
            "/articles/hello/comments",
            content=b"not json",
            headers={"Authorization": "Bearer forged", "Content-Type": "text/plain"},
        )
    assert response.status_code == 401


async def test_anonymous_callers_still_get_body_errors(application: Any) -> None:
    async with PyJoltTestClient(application) as client:
        response = await client.post(
            "/articles/hello/comments",
            content=b"{",
            headers={"Content-Type": "application/json"},
        )
        created = await client.post("/articles/hello/comments", json={"text": "hi"})
    assert response.status_code == 400
    assert created.json() == {"author": "anonymous", "text": "hi"}


async def test_cookie_credentials_are_optional_too(application: Any) -> None:
    async with PyJoltTestClient(application) as client:
        anonymous = await client.get("/cookie/feed")
        client.cookies.set("auth_cookie", cookie_auth.create_signed_cookie_value(9))
        logged_in = await client.get("/cookie/feed")
        client.cookies.set("auth_cookie", "tampered")
        tampered = await client.get("/cookie/feed")
    assert anonymous.json() == {"user": None}
    assert logged_in.json() == {"user": {"id": "9"}}
    assert tampered.status_code == 401


def test_role_required_below_login_optional_fails_at_build(make_app: Any) -> None:
    @path("/wrong")
    class WrongApi(Controller):
        @get("/")
        @auth.login_optional
        @auth.role_required("admin")
        async def handler(self, req: Request) -> Response:
            return req.response.json({})

    with pytest.raises(EndpointDefinitionError, match="login_required"):
        make_app(WrongApi, SECRET_KEY=SECRET, EXTENSIONS=[f"{HERE}:auth"])
