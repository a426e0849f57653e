"""CORS against the fetch standard's rules: preflights, actual requests, build-time refusals."""

from __future__ import annotations

from typing import Any

import pytest

from pyjolt import BaseConfig, PyJolt, Request, Response
from pyjolt.auth import Authentication
from pyjolt.controller import Controller, delete, get, path, post
from pyjolt.cors import CorsConfigError, cors, no_cors
from pyjolt.testing import PyJoltTestClient

APP = "https://app.example.com"
TENANT = "https://acme.example.org"
EVIL = "https://evil.example"


class Auth(Authentication):
    async def user_loader(self, req: Request) -> Any:
        return None


auth = Auth()


@path("/api")
class Api(Controller):
    @get("/items")
    async def items(self, req: Request) -> Response:
        return req.response.json([1]).set_header("X-Total", "1")

    @post("/items")
    async def create(self, req: Request) -> Response:
        return req.response.json({"created": True}).status(201)

    @get("/private")
    @auth.login_required
    async def private(self, req: Request) -> Response:
        return req.response.json({})

    @get("/internal")
    @no_cors
    async def internal(self, req: Request) -> Response:
        return req.response.text("internal")


@path("/partner")
@cors(allow_origins=["https://partner.example"], allow_credentials=False, max_age=60)
class PartnerApi(Controller):
    @get("/feed")
    async def feed(self, req: Request) -> Response:
        return req.response.json([])

    @delete("/feed")
    @no_cors
    async def clear(self, req: Request) -> Response:
        return req.response.no_content()


CREDENTIALED = {
    "CORS_ENABLED": True,
    "CORS_ALLOW_ORIGINS": [APP, r"^https://[a-z]+\.example\.org$"],
    "CORS_ALLOW_HEADERS": ["X-Token"],
    "CORS_EXPOSE_HEADERS": ["X-Total"],
    "CORS_ALLOW_CREDENTIALS": True,
    "CORS_MAX_AGE": 600,
}
WILDCARD = {"CORS_ENABLED": True, "CORS_ALLOW_ORIGINS": ["*"], "CORS_EXPOSE_HEADERS": ["X-Total"]}


def make(**settings: Any) -> PyJolt:
    app = PyJolt(BaseConfig(DEBUG=False, OPEN_API=False, SECRET_KEY="k" * 40, **settings))
    auth.init_app(app)
    app.register_controller(Api)
    app.register_controller(PartnerApi)
    app.build()
    return app


def preflight(origin: str, method: str, headers: str | None = None) -> dict[str, str]:
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        sent["Access-Control-Request-Headers"] = headers
    return sent


ABSENT = None
# (name, settings, method, url, request headers, status, expected response headers)
CASES: list[tuple[str, dict[str, Any], str, str, dict[str, str], int, dict[str, Any]]] = [
    (
        "simple GET from an allowed origin",
        CREDENTIALED,
        "GET",
        "/api/items",
        {"Origin": APP},
        200,
        {
            "access-control-allow-origin": APP,
            "access-control-allow-credentials": "true",
            "access-control-expose-headers": "X-Total",
            "vary": "Origin",
        },
    ),
    (
        "simple GET from a regex-allowed origin",
        CREDENTIALED,
        "GET",
        "/api/items",
        {"Origin": TENANT},
        200,
        {"access-control-allow-origin": TENANT},
    ),
    (
        "simple GET from another origin: answered, but not readable by the page",
        CREDENTIALED,
        "GET",
        "/api/items",
        {"Origin": EVIL},
        200,
        {"access-control-allow-origin": ABSENT, "vary": "Origin"},
    ),
    (
        "a regex never matches a longer host",
        CREDENTIALED,
        "GET",
        "/api/items",
        {"Origin": "https://acme.example.org.evil.net"},
        200,
        {"access-control-allow-origin": ABSENT},
    ),
    (
        "same-origin request without Origin: no CORS headers",
        CREDENTIALED,
        "GET",
        "/api/items",
        {},
        200,
        {"access-control-allow-origin": ABSENT},
    ),
    (
        "preflight with a custom header and JSON content type",
        CREDENTIALED,
        "OPTIONS",
        "/api/items",
        preflight(APP, "POST", "X-Token, Content-Type"),
        204,
        {
            "access-control-allow-origin": APP,
            "access-control-allow-credentials": "true",
            "access-control-allow-methods": "GET, HEAD, POST, PUT, PATCH, DELETE",
            "access-control-allow-headers": "x-token, content-type",
            "access-control-max-age": "600",
            "vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        },
    ),
    (
        "preflight from another origin is refused",
        CREDENTIALED,
        "OPTIONS",
        "/api/items",
        preflight(EVIL, "POST"),
        403,
        {"access-control-allow-origin": ABSENT, "access-control-allow-methods": ABSENT},
    ),
    (
        "preflight asking for a header not allowed is refused",
        CREDENTIALED,
        "OPTIONS",
        "/api/items",
        preflight(APP, "POST", "X-Evil"),
        403,
        {"access-control-allow-headers": ABSENT},
    ),
    (
        "preflight asking for a method not allowed is refused",
        CREDENTIALED,
        "OPTIONS",
        "/api/items",
        preflight(APP, "CONNECT"),
        403,
        {"access-control-allow-origin": ABSENT},
    ),
    (
        "preflight for a method the path lacks is answered, never 405",
        CREDENTIALED,
        "OPTIONS",
        "/api/items",
        preflight(APP, "DELETE"),
        204,
        {"access-control-allow-origin": APP},
    ),
    (
        "the actual request then reads its 405",
        CREDENTIALED,
        "DELETE",
        "/api/items",
        {"Origin": APP},
        405,
        {"access-control-allow-origin": APP, "allow": "GET, HEAD, POST"},
    ),
    (
        "a 404 is readable by an allowed origin",
        CREDENTIALED,
        "GET",
        "/api/nothing",
        {"Origin": APP},
        404,
        {"access-control-allow-origin": APP},
    ),
    (
        "a 401 from a guard is readable by an allowed origin",
        CREDENTIALED,
        "GET",
        "/api/private",
        {"Origin": APP},
        401,
        {"access-control-allow-origin": APP},
    ),
    (
        "OPTIONS that is not a preflight is routed as usual",
        CREDENTIALED,
        "OPTIONS",
        "/api/items",
        {"Origin": APP},
        405,
        {"access-control-allow-origin": APP},
    ),
    (
        "@no_cors endpoint sends no CORS headers",
        CREDENTIALED,
        "GET",
        "/api/internal",
        {"Origin": APP},
        200,
        {"access-control-allow-origin": ABSENT},
    ),
    (
        "@no_cors endpoint answers no preflight",
        CREDENTIALED,
        "OPTIONS",
        "/api/internal",
        preflight(APP, "GET"),
        405,
        {"access-control-allow-origin": ABSENT},
    ),
    (
        "controller @cors replaces the app's origins",
        CREDENTIALED,
        "GET",
        "/partner/feed",
        {"Origin": "https://partner.example"},
        200,
        {"access-control-allow-origin": "https://partner.example", "vary": "Origin"},
    ),
    (
        "controller @cors: credentials off there",
        CREDENTIALED,
        "OPTIONS",
        "/partner/feed",
        preflight("https://partner.example", "GET"),
        204,
        {"access-control-allow-credentials": ABSENT, "access-control-max-age": "60"},
    ),
    (
        "controller @cors: the app's own origin is not on its list",
        CREDENTIALED,
        "GET",
        "/partner/feed",
        {"Origin": APP},
        200,
        {"access-control-allow-origin": ABSENT},
    ),
    (
        "CORS off (the default): no headers",
        {},
        "GET",
        "/api/items",
        {"Origin": APP},
        200,
        {"access-control-allow-origin": ABSENT, "vary": ABSENT},
    ),
    (
        "CORS off: a preflight is an ordinary OPTIONS request",
        {},
        "OPTIONS",
        "/api/items",
        preflight(APP, "POST"),
        405,
        {"access-control-allow-origin": ABSENT},
    ),
    (
        "CORS off but @cors on a controller: that controller answers",
        {"CORS_ALLOW_ORIGINS": []},
        "GET",
        "/partner/feed",
        {"Origin": "https://partner.example"},
        200,
        {"access-control-allow-origin": "https://partner.example"},
    ),
    (
        "wildcard without credentials: '*' and no Vary",
        WILDCARD,
        "GET",
        "/api/items",
        {"Origin": EVIL},
        200,
        {
            "access-control-allow-origin": "*",
            "access-control-expose-headers": "X-Total",
            "access-control-allow-credentials": ABSENT,
            "vary": ABSENT,
        },
    ),
    (
        "wildcard preflight",
        WILDCARD,
        "OPTIONS",
        "/api/items",
        preflight(EVIL, "PUT"),
        204,
        {"access-control-allow-origin": "*"},
    ),
    (
        "wildcard never answers the 'null' origin",
        WILDCARD,
        "GET",
        "/api/items",
        {"Origin": "null"},
        200,
        {"access-control-allow-origin": ABSENT},
    ),
]


@pytest.mark.parametrize(
    ("settings", "method", "url", "headers", "status", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
async def test_cors(
    settings: dict[str, Any],
    method: str,
    url: str,
    headers: dict[str, str],
    status: int,
    expected: dict[str, Any],
) -> None:
    app = make(**settings)
    async with PyJoltTestClient(app) as client:
        response = await client.request(method, url, headers=headers)
    assert response.status_code == status, response.text
    for name, value in expected.items():
        assert response.headers.get(name) == value, name


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({**CREDENTIALED, "CORS_ALLOW_ORIGINS": ["*"]}, "allow_origins '\\*' together with"),
        ({**CREDENTIALED, "CORS_ALLOW_HEADERS": ["*"]}, "allow_headers '\\*' together with"),
        ({**CREDENTIALED, "CORS_EXPOSE_HEADERS": ["*"]}, "expose_headers '\\*' together with"),
        ({**CREDENTIALED, "CORS_ALLOW_METHODS": ["*"]}, "allow_methods '\\*' together with"),
        ({"CORS_ENABLED": True}, "allow_origins is empty"),
        ({"CORS_ENABLED": True, "CORS_ALLOW_ORIGINS": ["^https://x"]}, "anchored"),
        ({"CORS_ENABLED": True, "CORS_ALLOW_ORIGINS": ["app.example.com"]}, "not an origin"),
    ],
)
def test_unsafe_or_unusable_settings_fail_the_build(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(CorsConfigError, match=message):
        make(**settings)


def test_wildcard_with_credentials_on_one_endpoint_fails_the_build_naming_it() -> None:
    @path("/x")
    class Loose(Controller):
        @get("/")
        @cors(["*"], allow_credentials=True)
        async def loose(self, req: Request) -> Response:
            return req.response.text("x")

    app = PyJolt(BaseConfig(DEBUG=False, OPEN_API=False))
    app.register_controller(Loose)
    with pytest.raises(CorsConfigError, match=r"Loose\.loose: @cors"):
        app.build()


async def test_cors_and_compression_both_add_to_vary() -> None:
    app = PyJolt(
        BaseConfig(
            DEBUG=False,
            OPEN_API=False,
            MIDDLEWARE=["pyjolt.middleware:GZipMiddleware"],
            COMPRESSION_MINIMUM_SIZE=1,
            SECRET_KEY="k" * 40,
            **CREDENTIALED,
        )
    )
    auth.init_app(app)
    app.register_controller(Api)
    async with PyJoltTestClient(app) as client:
        response = await client.get("/api/items", headers={"Origin": APP})
    assert response.headers["vary"] == "Origin, Accept-Encoding"
