"""Authentication runs before body checks, before_request hooks and the handler."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from pydantic import BaseModel

from pyjolt import MediaType, Request, Response
from pyjolt.auth import JWTAuthentication
from pyjolt.controller import (
    Controller,
    before_request,
    consumes,
    get,
    path,
    post,
    put,
)
from pyjolt.testing import PyJoltTestClient

SECRET = "guard-order-secret-key-that-is-long-enough-0123456789"
HERE = __name__


class CountingAuth(JWTAuthentication):
    """JWTAuthentication that counts how often it loads a user."""

    loads = 0

    async def load_user(self, claims: dict[str, Any]) -> Any:
        type(self).loads += 1
        return claims


auth = CountingAuth()
hook_calls: list[str] = []


class Profile(BaseModel):
    name: str
    age: int


@path("/api/user")
class ProfileApi(Controller):
    @before_request
    async def read_body_in_hook(self, req: Request) -> None:
        hook_calls.append("before")

    @put("/")
    @consumes(MediaType.APPLICATION_JSON)
    @auth.login_required
    async def update(self, req: Request, profile: Profile) -> Response:
        return req.response.json({"name": profile.name, "by": req.user["sub"]})

    @post("/admin")
    @consumes(MediaType.APPLICATION_JSON)
    @auth.login_required
    @auth.role_required("admin")
    async def admin_update(self, req: Request, profile: Profile) -> Response:
        return req.response.json({"name": profile.name})

    @get("/direct")
    async def direct(self, req: Request) -> Response:
        # Calling a protected handler directly, not through its endpoint, still checks.
        return await self.me(req)

    @get("/me")
    @auth.login_required
    async def me(self, req: Request) -> Response:
        return req.response.json({"sub": req.user["sub"]})


@pytest.fixture(autouse=True)
def reset() -> None:
    hook_calls.clear()
    CountingAuth.loads = 0


@pytest.fixture
def application(make_app: Any) -> Any:
    return make_app(ProfileApi, SECRET_KEY=SECRET, EXTENSIONS=[f"{HERE}:auth"])


def token(roles: list[str] | None = None) -> str:
    return auth.create_jwt_token({"sub": "7", "roles": roles or []})


CREDENTIALS = {
    "missing": {},
    "invalid token": {"Authorization": "Bearer not-a-jwt"},
    "wrong scheme": {"Authorization": "Basic dXNlcjpwYXNz"},
    "expired token": "expired",
}
BODIES = {
    "no body": {},
    "wrong content type": {"content": b"name=a", "headers": {"Content-Type": "text/plain"}},
    "malformed json": {"content": b"{", "headers": {"Content-Type": "application/json"}},
    "wrong schema": {"json": {"name": 1}},
    "valid body": {"json": {"name": "Ada", "age": 36}},
}


def credential_headers(kind: str) -> dict[str, str]:
    value = CREDENTIALS[kind]
    if value == "expired":
        past = int(time.time()) - 60
        expired = jwt.encode({"sub": "7", "iat": past - 60, "exp": past}, SECRET, "HS256")
        return {"Authorization": f"Bearer {expired}"}
    assert isinstance(value, dict)
    return value


def request_args(body_kind: str, headers: dict[str, str]) -> dict[str, Any]:
    args = dict(BODIES[body_kind])
    args["headers"] = {**args.get("headers", {}), **headers}
    return args


@pytest.mark.parametrize("body_kind", list(BODIES))
@pytest.mark.parametrize("credential_kind", list(CREDENTIALS))
async def test_anonymous_or_bad_credentials_get_401_whatever_the_body(
    application: Any, credential_kind: str, body_kind: str
) -> None:
    async with PyJoltTestClient(application) as client:
        response = await client.put(
            "/api/user/", **request_args(body_kind, credential_headers(credential_kind))
        )
    assert response.status_code == 401
    assert response.json() == {"status": "error", "message": "Login required"}
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("body_kind", list(BODIES))
async def test_missing_role_gets_403_whatever_the_body(application: Any, body_kind: str) -> None:
    headers = {"Authorization": f"Bearer {token(['user'])}"}
    async with PyJoltTestClient(application) as client:
        response = await client.post("/api/user/admin", **request_args(body_kind, headers))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body_kind", "status"),
    [("no body", 415), ("wrong content type", 415), ("malformed json", 400), ("wrong schema", 422)],
)
async def test_authenticated_callers_get_the_body_errors(
    application: Any, body_kind: str, status: int
) -> None:
    headers = {"Authorization": f"Bearer {token(['admin'])}"}
    async with PyJoltTestClient(application) as client:
        response = await client.put("/api/user/", **request_args(body_kind, headers))
        admin = await client.post("/api/user/admin", **request_args(body_kind, headers))
    assert response.status_code == status
    assert admin.status_code == status


async def test_before_request_hooks_do_not_run_for_anonymous_callers(application: Any) -> None:
    async with PyJoltTestClient(application) as client:
        await client.put("/api/user/", json={"name": "Ada", "age": 36})
    assert hook_calls == []


async def test_before_request_hooks_run_after_authentication(application: Any) -> None:
    headers = {"Authorization": f"Bearer {token()}"}
    async with PyJoltTestClient(application) as client:
        response = await client.put("/api/user/", json={"name": "Ada", "age": 36}, headers=headers)
    assert response.json() == {"name": "Ada", "by": "7"}
    assert hook_calls == ["before"]


async def test_the_user_is_loaded_once_per_request(application: Any) -> None:
    headers = {"Authorization": f"Bearer {token(['admin'])}"}
    async with PyJoltTestClient(application) as client:
        response = await client.post(
            "/api/user/admin", json={"name": "Ada", "age": 36}, headers=headers
        )
    assert response.status_code == 200
    assert CountingAuth.loads == 1


async def test_a_protected_handler_called_directly_still_checks_credentials(
    application: Any,
) -> None:
    async with PyJoltTestClient(application) as client:
        anonymous = await client.get("/api/user/direct")
        logged_in = await client.get(
            "/api/user/direct", headers={"Authorization": f"Bearer {token()}"}
        )
    assert anonymous.status_code == 401
    assert logged_in.json() == {"sub": "7"}
