"""@auth.login_required / @auth.role_required through real HTTP requests."""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import Any

import pytest

from pyjolt import Request, Response, abort
from pyjolt.auth import Authentication
from pyjolt.controller import Controller, get, path, post
from pyjolt.controller.endpoint import EndpointDefinitionError
from pyjolt.testing import LifespanError, PyJoltTestClient

SECRET = "test-secret-key-that-is-long-enough-0123456789"
HERE = __name__


# --- a stand-in for the SPEC's database so its user_loader runs verbatim ---------------
class Role:
    def __init__(self, role: str) -> None:
        self.role = role


class User:
    def __init__(self, id: int, fullname: str, roles: list[str]) -> None:
        self.id = id
        self.fullname = fullname
        self.roles = [Role(role) for role in roles]

    @classmethod
    def query(cls, session: Any) -> _Query:
        return _Query()


USERS = {1: User(1, "Ada Admin", ["admin"]), 2: User(2, "Uma User", ["user"])}


class _Query:
    def filter_by(self, id: Any) -> _Query:
        self.id = int(id)
        return self

    async def first(self) -> User | None:
        return USERS.get(self.id)


class _Session:
    async def close(self) -> None:
        return None


class _Db:
    def create_session(self) -> _Session:
        return _Session()


db = _Db()


class UserRoles(StrEnum):
    ADMIN = "admin"
    SUPERUSER = "superuser"
    USER = "user"


# --- the SPEC's Auth class, verbatim ------------------------------------------------------
class Auth(Authentication):
    async def user_loader(self, req: Request) -> User | None:
        """Loads user from the provided cookie"""
        cookie_header = req.headers.get("cookie", "")
        if cookie_header:
            # Split the cookie string on semicolons and equals signs to extract individual cookies
            cookies = dict(cookie.strip().split("=", 1) for cookie in cookie_header.split(";"))
            auth_cookie = cookies.get("auth_cookie")
            if auth_cookie:
                user_id = self.decode_signed_cookie(auth_cookie)
                if user_id:
                    session = db.create_session()
                    user = await User.query(session).filter_by(id=user_id).first()
                    await session.close()
                    return user
        return None

    async def role_check(self, user: User, roles: list[UserRoles]) -> bool:
        """Checks intersection of user roles and required roles"""
        user_roles = set([role.role for role in user.roles])
        return len(user_roles.intersection(set(roles))) > 0


auth: Auth = Auth()


class NoRolesAuth(Authentication):
    async def user_loader(self, req: Request) -> Any:
        return None


no_roles_auth = NoRolesAuth()

calls: list[str] = []


@path("/api")
class UsersApi(Controller):
    @post("/login/<int:user_id>")
    async def login(self, req: Request, user_id: int) -> Response:
        if user_id not in USERS:
            abort("unknown user", 404)
        cookie = auth.create_signed_cookie_value(user_id)
        return req.response.json({"ok": True}).set_cookie("auth_cookie", cookie)

    @get("/me")
    @auth.login_required
    async def me(self, req: Request) -> Response:
        calls.append("me")
        return req.response.json({"id": req.user.id, "fullname": req.user.fullname})

    @get("/users/<int:user_id>")
    @auth.login_required
    @auth.role_required(UserRoles.ADMIN, UserRoles.SUPERUSER)
    async def get_user(self, req: Request, user_id: int) -> Response:
        calls.append("get_user")
        return req.response.json({"id": user_id, "by": req.user.id})

    @get("/sync")
    @auth.login_required
    def sync_me(self, req: Request) -> dict[str, Any]:
        return {"id": req.user.id}


def make_auth_app(make_app: Any, *controllers: Any, **settings: Any) -> Any:
    settings.setdefault("SECRET_KEY", SECRET)
    settings.setdefault("EXTENSIONS", [f"{HERE}:auth"])
    return make_app(*(controllers or (UsersApi,)), **settings)


async def login(client: PyJoltTestClient, user_id: int) -> None:
    response = await client.post(f"/api/login/{user_id}")
    assert response.status_code == 200
    assert "auth_cookie" in client.cookies


@pytest.fixture(autouse=True)
def reset_calls() -> None:
    calls.clear()


async def test_login_required_without_credentials_answers_401_and_skips_handler(make_app):
    async with PyJoltTestClient(make_auth_app(make_app)) as client:
        response = await client.get("/api/me")
    assert response.status_code == 401
    assert response.json() == {"status": "error", "message": "Login required"}
    assert calls == []


async def test_spec_user_loader_loads_user_from_signed_cookie(make_app):
    async with PyJoltTestClient(make_auth_app(make_app)) as client:
        await login(client, 1)
        response = await client.get("/api/me")
    assert response.status_code == 200
    assert response.json() == {"id": 1, "fullname": "Ada Admin"}


async def test_login_cookie_is_http_only_and_same_site_lax(make_app):
    async with PyJoltTestClient(make_auth_app(make_app)) as client:
        response = await client.post("/api/login/1")
    set_cookie = response.headers["set-cookie"].lower()
    assert "httponly" in set_cookie
    assert "samesite=lax" in set_cookie


async def test_tampered_auth_cookie_answers_401(make_app):
    async with PyJoltTestClient(make_auth_app(make_app)) as client:
        await login(client, 2)
        value = client.cookies["auth_cookie"]
        forged = "1" + value[1:]  # claim to be user 1 with user 2's signature
        assert forged != value
        client.cookies.clear()
        response = await client.get("/api/me", headers={"cookie": f"auth_cookie={forged}"})
    assert response.status_code == 401


async def test_cookie_signed_with_another_secret_answers_401(make_app):
    other_app = make_auth_app(make_app, SECRET_KEY="another-secret-key-also-long-enough-9876543210")
    async with PyJoltTestClient(other_app) as client:
        await login(client, 1)
        foreign = client.cookies["auth_cookie"]
    async with PyJoltTestClient(make_auth_app(make_app)) as client:
        response = await client.get("/api/me", headers={"cookie": f"auth_cookie={foreign}"})
    assert response.status_code == 401


async def test_role_required_lets_matching_role_through(make_app):
    async with PyJoltTestClient(make_auth_app(make_app)) as client:
        await login(client, 1)
        response = await client.get("/api/users/2")
    assert response.status_code == 200
    assert response.json() == {"id": 2, "by": 1}


async def test_role_required_without_role_answers_403_and_skips_handler(make_app):
    async with PyJoltTestClient(make_auth_app(make_app)) as client:
        await login(client, 2)
        response = await client.get("/api/users/1")
    assert response.status_code == 403
    assert response.json() == {"status": "error", "message": "Missing user role(s)"}
    assert calls == []


async def test_role_required_without_login_answers_401_not_403(make_app):
    async with PyJoltTestClient(make_auth_app(make_app)) as client:
        response = await client.get("/api/users/1")
    assert response.status_code == 401


async def test_error_messages_come_from_config(make_app):
    application = make_auth_app(
        make_app,
        AUTHENTICATION_ERROR_MESSAGE="Please sign in",
        UNAUTHORIZED_ERROR_MESSAGE="Admins only",
    )
    async with PyJoltTestClient(application) as client:
        anonymous = await client.get("/api/me")
        await login(client, 2)
        forbidden = await client.get("/api/users/1")
    assert anonymous.json()["message"] == "Please sign in"
    assert forbidden.json()["message"] == "Admins only"


async def test_sync_handler_behind_login_required(make_app):
    async with PyJoltTestClient(make_auth_app(make_app)) as client:
        await login(client, 2)
        response = await client.get("/api/sync")
    assert response.json() == {"id": 2}


# --- build-time checks -----------------------------------------------------------------------
def test_role_required_above_login_required_fails_at_build(make_app):
    @path("/wrong")
    class WrongOrderApi(Controller):
        @get("/")
        @auth.role_required(UserRoles.ADMIN)
        @auth.login_required
        async def handler(self, req: Request) -> Response:
            return req.response.json({})

    with pytest.raises(EndpointDefinitionError, match="login_required applied above"):
        make_auth_app(make_app, WrongOrderApi)


def test_role_required_without_login_required_fails_at_build(make_app):
    @path("/wrong")
    class MissingLoginApi(Controller):
        @get("/")
        @auth.role_required(UserRoles.ADMIN)
        async def handler(self, req: Request) -> Response:
            return req.response.json({})

    with pytest.raises(
        EndpointDefinitionError,
        match=r"MissingLoginApi\.handler: @role_required needs @login_required",
    ):
        make_auth_app(make_app, MissingLoginApi)


def test_role_required_under_another_wrapper_without_login_fails_at_build(make_app):
    def logged(func: Any) -> Any:
        @functools.wraps(func)
        async def wrapper(self: Any, req: Request, *args: Any, **kwargs: Any) -> Any:
            return await func(self, req, *args, **kwargs)

        return wrapper

    @path("/wrong")
    class WrappedApi(Controller):
        @get("/")
        @logged
        @auth.role_required(UserRoles.ADMIN)
        async def handler(self, req: Request) -> Response:
            return req.response.json({})

    with pytest.raises(EndpointDefinitionError, match="needs @login_required"):
        make_auth_app(make_app, WrappedApi)


async def test_other_wrappers_between_login_and_role_are_fine(make_app):
    def logged(func: Any) -> Any:
        @functools.wraps(func)
        async def wrapper(self: Any, req: Request, *args: Any, **kwargs: Any) -> Any:
            return await func(self, req, *args, **kwargs)

        return wrapper

    @path("/ok")
    class WrappedApi(Controller):
        @get("/<int:user_id>")
        @auth.login_required
        @logged
        @auth.role_required(UserRoles.ADMIN)
        async def handler(self, req: Request, user_id: int) -> Response:
            return req.response.json({"id": user_id})

    async with PyJoltTestClient(make_auth_app(make_app, UsersApi, WrappedApi)) as client:
        await login(client, 1)
        response = await client.get("/ok/3")
    assert response.json() == {"id": 3}


def test_role_required_without_role_check_fails_at_build(make_app):
    @path("/roles")
    class RolesApi(Controller):
        @get("/")
        @no_roles_auth.login_required
        @no_roles_auth.role_required("admin")
        async def handler(self, req: Request) -> Response:
            return req.response.json({})

    with pytest.raises(EndpointDefinitionError, match="role_check"):
        make_auth_app(make_app, RolesApi, EXTENSIONS=[f"{HERE}:no_roles_auth"])


def test_login_required_of_extension_missing_from_extensions_fails_at_build(make_app):
    with pytest.raises(EndpointDefinitionError, match="EXTENSIONS"):
        make_auth_app(make_app, UsersApi, EXTENSIONS=[])


def test_role_required_needs_a_role():
    with pytest.raises(ValueError, match="at least one role"):
        auth.role_required()


# --- startup checks ---------------------------------------------------------------------------
async def test_missing_secret_key_fails_startup(make_app):
    application = make_auth_app(make_app, SECRET_KEY=None)
    with pytest.raises(LifespanError, match="SECRET_KEY is not set"):
        async with PyJoltTestClient(application):
            pass


async def test_short_secret_key_fails_startup(make_app):
    application = make_auth_app(make_app, SECRET_KEY="too-short")
    with pytest.raises(LifespanError, match="at least 32 bytes"):
        async with PyJoltTestClient(application):
            pass


def test_helpers_before_init_app_raise_a_clear_error():
    with pytest.raises(RuntimeError, match="not initialised"):
        Auth().create_jwt_token({"sub": "1"})
