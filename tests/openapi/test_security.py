"""Security schemes, requirements and 401/403 answers in the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate
from pydantic import BaseModel

from pyjolt import MediaType, Request, Response
from pyjolt.auth import Authentication, JWTAuthentication
from pyjolt.controller import Controller, consumes, get, path, post
from pyjolt.exceptions import AuthenticationException, ExceptionHandler, handles
from pyjolt.testing import PyJoltTestClient

SECRET = "openapi-security-secret-key-long-enough-0123456789"
HERE = __name__

auth = JWTAuthentication()


class CookieAuth(Authentication):
    async def user_loader(self, req: Request) -> Any:
        return None

    def openapi_security_schemes(self) -> dict[str, dict[str, Any]]:
        return {"SessionCookie": {"type": "apiKey", "in": "cookie", "name": "auth_cookie"}}


cookie_auth = CookieAuth()


class Note(BaseModel):
    text: str


class ApiError(BaseModel):
    code: int
    detail: str


@path("/api")
class SecuredApi(Controller):
    @get("/public")
    async def public(self, req: Request) -> Response:
        return req.response.json({})

    @get("/me")
    @auth.login_required
    async def me(self, req: Request) -> Response:
        return req.response.json({})

    @post("/notes")
    @consumes(MediaType.APPLICATION_JSON)
    @auth.login_required
    @auth.role_required("admin")
    async def add_note(self, req: Request, note: Note) -> Response:
        return req.response.json({})

    @get("/feed")
    @auth.login_optional
    async def feed(self, req: Request) -> Response:
        return req.response.json({})

    @get("/session")
    @cookie_auth.login_required
    async def session(self, req: Request) -> Response:
        return req.response.json({})


class CustomErrors(ExceptionHandler):
    @handles(AuthenticationException)
    async def unauthenticated(
        self, req: Request, exc: AuthenticationException
    ) -> Response[ApiError]:
        return req.response.json({"code": 401, "detail": exc.message}).status(401)


def build(make_app: Any, **settings: Any) -> Any:
    return make_app(
        SecuredApi,
        SECRET_KEY=SECRET,
        EXTENSIONS=[f"{HERE}:auth", f"{HERE}:cookie_auth"],
        **settings,
    )


@pytest.fixture
def spec(make_app: Any) -> dict[str, Any]:
    return build(make_app).openapi_spec()


def test_the_document_is_valid_openapi(spec: dict[str, Any]) -> None:
    validate(spec)


def test_security_schemes_are_listed_in_components(spec: dict[str, Any]) -> None:
    assert spec["components"]["securitySchemes"] == {
        "BearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        "SessionCookie": {"type": "apiKey", "in": "cookie", "name": "auth_cookie"},
    }


def test_login_required_requires_the_scheme_and_documents_401(spec: dict[str, Any]) -> None:
    operation = spec["paths"]["/api/me"]["get"]
    assert operation["security"] == [{"BearerAuth": []}]
    assert "401" in operation["responses"]
    assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]
    assert "403" not in operation["responses"]


def test_role_required_also_documents_403(spec: dict[str, Any]) -> None:
    responses = spec["paths"]["/api/notes"]["post"]["responses"]
    assert {"401", "403", "415", "422"} <= set(responses)


def test_login_optional_allows_anonymous_calls(spec: dict[str, Any]) -> None:
    operation = spec["paths"]["/api/feed"]["get"]
    assert operation["security"] == [{}, {"BearerAuth": []}]
    assert "401" in operation["responses"]


def test_public_endpoints_have_no_security(spec: dict[str, Any]) -> None:
    operation = spec["paths"]["/api/public"]["get"]
    assert "security" not in operation
    assert "401" not in operation["responses"]


def test_a_custom_scheme_of_the_extension_is_used(spec: dict[str, Any]) -> None:
    operation = spec["paths"]["/api/session"]["get"]
    assert operation["security"] == [{"SessionCookie": []}]
    assert "headers" not in operation["responses"]["401"]


def test_configured_schemes_appear_as_documented(make_app: Any) -> None:
    spec = build(make_app, AUTHENTICATION_SCHEMES=["Bearer", "Token"]).openapi_spec()
    validate(spec)
    assert spec["paths"]["/api/me"]["get"]["security"] == [{"BearerAuth": []}, {"TokenAuth": []}]
    token = spec["components"]["securitySchemes"]["TokenAuth"]
    assert token["type"] == "apiKey"
    assert token["in"] == "header"
    assert token["name"] == "Authorization"


def test_an_exception_handler_declares_the_error_body_it_sends(make_app: Any) -> None:
    application = build(make_app)
    application.register_exception_handler(CustomErrors)
    spec = application.openapi_spec()
    validate(spec)
    unauthorized = spec["paths"]["/api/me"]["get"]["responses"]["401"]
    ref = unauthorized["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/ApiError"
    # Answers the custom handler does not take over keep the framework's body.
    forbidden = spec["paths"]["/api/notes"]["post"]["responses"]["403"]
    assert forbidden["content"]["application/json"]["schema"]["$ref"].endswith("HttpErrorBody")


async def test_the_documented_custom_401_is_what_the_app_sends(make_app: Any) -> None:
    application = build(make_app)
    application.register_exception_handler(CustomErrors)
    async with PyJoltTestClient(application) as client:
        response = await client.get("/api/me")
    assert response.status_code == 401
    assert ApiError.model_validate(response.json()).code == 401
