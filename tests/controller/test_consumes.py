"""@consumes: typed body injection, Content-Type checks, JSON safety and body limits."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from pyjolt import HttpStatus, MediaType, Request, Response
from pyjolt.controller import (
    Controller,
    EndpointDefinitionError,
    consumes,
    get,
    path,
    post,
    produces,
)
from pyjolt.exceptions import ExceptionHandler, handles
from pyjolt.testing import PyJoltTestClient

# Handler calls are recorded here so tests can prove a handler did (not) run.
CALLS: list[str] = []


@pytest.fixture(autouse=True)
def _reset_calls() -> None:
    CALLS.clear()


class UserData(BaseModel):
    email: str
    fullname: str
    age: int = 0


class Measurement(BaseModel):
    value: float


@path("/api/v1/users")
class UserApi(Controller):
    @post("/")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON)
    async def create_user(self, req: Request, user_data: UserData) -> Response[UserData]:
        """Creates new user (the SPEC's example)."""
        CALLS.append("create_user")
        return req.response.json(user_data).status(HttpStatus.CREATED)

    @post("/kind")
    @consumes(MediaType.APPLICATION_JSON)
    async def model_kind(self, req: Request, user_data: UserData) -> Response:
        return req.response.json(
            {"type": type(user_data).__name__, "is_model": isinstance(user_data, UserData)}
        )

    @post("/raw")
    @consumes(MediaType.APPLICATION_JSON)
    async def raw_dict(self, req: Request, data: dict) -> Response:
        CALLS.append("raw_dict")
        return req.response.json({"type": type(data).__name__, "data": data})

    @post("/batch")
    @consumes(MediaType.APPLICATION_JSON)
    async def batch(self, req: Request, users: list[UserData]) -> Response:
        return req.response.json(
            {
                "types": sorted({type(user).__name__ for user in users}),
                "emails": [user.email for user in users],
            }
        )

    @post("/numbers")
    @consumes(MediaType.APPLICATION_JSON)
    async def numbers(self, req: Request, numbers: list[int]) -> Response:
        return req.response.json({"sum": sum(numbers)})

    @post("/measure")
    @consumes(MediaType.APPLICATION_JSON)
    async def measure(self, req: Request, measurement: Measurement) -> Response:
        return req.response.json({"value": measurement.value})


@path("/raw")
class RawBodyApi(Controller):
    @post("/text")
    @consumes(MediaType.TEXT_PLAIN)
    async def text(self, req: Request, text: str) -> Response:
        return req.response.json({"type": type(text).__name__, "text": text})

    @post("/bytes")
    @consumes(MediaType.APPLICATION_OCTET_STREAM)
    async def octets(self, req: Request, data: bytes) -> Response:
        return req.response.json(
            {
                "type": type(data).__name__,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )


class SpecValidationHandler(ExceptionHandler):
    """The ExceptionHandler from the SPEC's 'Exception handling' section."""

    @handles(ValidationError)
    async def validation_error(self, req: Request, exc: ValidationError) -> Response:
        details = {}
        if hasattr(exc, "errors"):
            for error in exc.errors():
                details[error["loc"][0]] = error["msg"]
        return req.response.json({"message": "Validation failed.", "details": details}).status(
            HttpStatus.UNPROCESSABLE_ENTITY
        )


VALID_USER = {"email": "jane@example.com", "fullname": "Jane Doe"}
USERS = "/api/v1/users/"


@pytest.fixture
async def client(make_app: Any) -> AsyncIterator[PyJoltTestClient]:
    """A client that answers 500s instead of raising, so 'never 500' can be asserted."""
    async with PyJoltTestClient(
        make_app(UserApi, RawBodyApi), raise_server_exceptions=False
    ) as test_client:
        yield test_client


def post_json(client: PyJoltTestClient, url: str, body: bytes, content_type: str = "") -> Any:
    headers = {"content-type": content_type or "application/json"}
    return client.post(url, content=body, headers=headers)


# --- JSON bodies injected into typed parameters ---------------------------------------


async def test_json_body_is_injected_as_the_pydantic_model_param(client):
    response = await client.post(USERS, json=VALID_USER)
    assert response.status_code == 201
    assert response.json() == {**VALID_USER, "age": 0}


async def test_injected_json_body_is_an_instance_of_the_annotated_model(client):
    response = await client.post("/api/v1/users/kind", json=VALID_USER)
    assert response.json() == {"type": "UserData", "is_model": True}


async def test_json_body_fields_are_coerced_to_the_model_types(client):
    response = await client.post(USERS, json={**VALID_USER, "age": "42"})
    assert response.status_code == 201
    assert response.json()["age"] == 42


async def test_json_object_is_injected_into_a_dict_param(client):
    body = {"nested": {"list": [1, 2.5, "three", None, True]}}
    response = await client.post("/api/v1/users/raw", json=body)
    assert response.status_code == 200
    assert response.json() == {"type": "dict", "data": body}


async def test_json_array_is_injected_into_a_list_of_models_param(client):
    users = [VALID_USER, {"email": "bob@example.com", "fullname": "Bob"}]
    response = await client.post("/api/v1/users/batch", json=users)
    assert response.status_code == 200
    assert response.json() == {
        "types": ["UserData"],
        "emails": ["jane@example.com", "bob@example.com"],
    }


async def test_json_array_is_injected_into_a_list_of_ints_param(client):
    response = await client.post("/api/v1/users/numbers", json=[1, 2, 3, 4])
    assert response.json() == {"sum": 10}


async def test_json_integer_beyond_64_bits_round_trips_exactly(client):
    huge = 10**30 + 7
    body = json.dumps({"n": huge}).encode()
    response = await post_json(client, "/api/v1/users/raw", body)
    assert response.status_code == 200
    # The stdlib parser keeps big integers exact; a float would betray silent rounding.
    assert json.loads(response.text)["data"]["n"] == huge


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/vnd.api+json",
        "application/problem+json",
        "application/merge-patch+json",
    ],
)
async def test_json_endpoint_accepts_json_media_types(client, content_type):
    response = await post_json(client, USERS, json.dumps(VALID_USER).encode(), content_type)
    assert response.status_code == 201
    assert response.json()["email"] == VALID_USER["email"]


# --- Content-Type checks (415) and the CSRF guard -------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=abc",
        "application/xml",
        "text/json",
        "application/jsonx",
        "application/json-seq",
    ],
)
async def test_json_endpoint_refuses_other_content_types_with_415(client, content_type):
    response = await post_json(client, USERS, json.dumps(VALID_USER).encode(), content_type)
    assert response.status_code == 415
    body = response.json()
    assert body["status"] == "error"
    media_type = content_type.split(";")[0]
    assert media_type in body["message"]
    assert "application/json" in body["message"]


async def test_415_message_escapes_markup_in_the_sent_content_type(client, assert_quiet_log):
    response = await post_json(client, USERS, b"{}", "text/<script>alert(1)</script>")
    assert response.status_code == 415
    message = response.json()["message"]
    assert "<script>" not in message
    assert "'text/&lt;script&gt;alert(1)&lt;/script&gt;'" in message
    assert_quiet_log()


async def test_415_message_cuts_a_long_content_type(client):
    response = await post_json(client, USERS, b"{}", "text/" + "x" * 5000)
    message = response.json()["message"]
    assert len(message) < 200
    assert "...'" in message


async def test_json_endpoint_without_content_type_is_415(client):
    response = await client.post(USERS, content=json.dumps(VALID_USER).encode())
    assert "content-type" not in response.request.headers
    assert response.status_code == 415
    assert "application/json" in response.json()["message"]


@pytest.mark.parametrize(
    "request_kwargs",
    [
        pytest.param(
            {"content": json.dumps(VALID_USER), "headers": {"content-type": "text/plain"}},
            id="json-as-text-plain",
        ),
        pytest.param({"data": VALID_USER}, id="url-encoded-form"),
        pytest.param({"data": {json.dumps(VALID_USER): ""}}, id="json-smuggled-in-form-key"),
        pytest.param(
            {"data": VALID_USER, "files": {"f": ("a.txt", b"x", "text/plain")}},
            id="multipart-form",
        ),
    ],
)
async def test_json_endpoint_never_runs_for_a_cross_site_form_body(client, request_kwargs):
    """Browsers send text/plain and forms cross-site without preflight: never parse them."""
    for url, handler in ((USERS, "create_user"), ("/api/v1/users/raw", "raw_dict")):
        response = await client.post(url, **request_kwargs)
        assert response.status_code == 415
        assert handler not in CALLS


async def test_content_type_is_checked_before_the_body_is_read(make_app):
    application = make_app(UserApi, MAX_BODY_SIZE=100)
    async with PyJoltTestClient(application, raise_server_exceptions=False) as client:
        response = await client.post(
            USERS, content=b"x" * 1000, headers={"content-type": "text/plain"}
        )
    assert response.status_code == 415


# --- Malformed JSON: 400, never 500 -----------------------------------------------------

MALFORMED_JSON = {
    "truncated": b'{"email": "a@b.c",',
    "not-json": b"not json at all",
    "single-quotes": b"{'email': 'a@b.c', 'fullname': 'x'}",
    "trailing-garbage": b'{"email": "a@b.c", "fullname": "x"} trailing',
    "two-documents": b'{"email": "a@b.c", "fullname": "x"}{"a": 1}',
    "empty": b"",
    "whitespace-only": b"   \n\t ",
    "invalid-utf8-bytes": b"\xff\xfe\xfa",
    "invalid-utf8-in-string": b'{"email": "\xff\xfe", "fullname": "x"}',
    "nan-for-a-str-field": b'{"email": "a", "fullname": NaN}',
    "nan": b'{"value": NaN}',
    "infinity": b'{"value": Infinity}',
    "negative-infinity": b'{"value": -Infinity}',
    "nan-in-array": b"[1, NaN]",
    "overflowing-exponent": b'{"value": 1e999}',
    "overflowing-negative-exponent": b'{"value": -1e999}',
    "overflowing-capital-exponent": b'{"value": 1E400}',
    "overflowing-plus-exponent": b'{"value": 1e+0309}',
    "overflowing-long-mantissa": b'{"value": ' + b"9" * 400 + b".5}",
    "overflowing-mantissa-and-exponent": b'{"value": ' + b"9" * 250 + b"e60}",
    "deep-arrays": b"[" * 100_000 + b"]" * 100_000,
    "deep-objects": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "integer-over-4300-digits": b'{"value": ' + b"9" * 5000 + b"}",
    "integer-of-100k-digits": b"[" + b"1" * 100_000 + b"]",
}
JSON_ENDPOINTS = [
    USERS,
    "/api/v1/users/raw",
    "/api/v1/users/batch",
    "/api/v1/users/numbers",
    "/api/v1/users/measure",
]


@pytest.mark.parametrize("body", MALFORMED_JSON.values(), ids=MALFORMED_JSON.keys())
@pytest.mark.parametrize("url", JSON_ENDPOINTS)
async def test_malformed_json_body_is_400_not_500(client, url, body):
    response = await post_json(client, url, body)
    assert response.status_code != 500
    assert response.status_code == 400
    assert response.json()["status"] == "error"


async def test_malformed_json_answer_names_the_problem(client):
    response = await post_json(client, USERS, b'{"email": ')
    assert response.status_code == 400
    assert "json" in response.json()["message"].lower()


@pytest.mark.parametrize(
    "literal", [b"1e999", b"-1e999", b"1E400", b"1.8e308", b"[1e999]"], ids=bytes.decode
)
async def test_number_overflowing_to_infinity_is_refused_quietly(client, assert_quiet_log, literal):
    response = await post_json(client, "/api/v1/users/raw", b'{"price": ' + literal + b"}")
    assert response.status_code == 400
    assert response.json()["message"].startswith("Malformed JSON body: ")
    assert "raw_dict" not in CALLS
    assert_quiet_log()


@pytest.mark.parametrize(
    "literal", [b"1e308", b"-1.7976931348623157e308", b"1e-999", b"123e-400", b"0.5E+2"]
)
async def test_large_and_tiny_finite_numbers_are_accepted(client, literal):
    response = await post_json(client, "/api/v1/users/measure", b'{"value": ' + literal + b"}")
    assert response.status_code == 200
    assert response.json() == {"value": float(literal)}


@pytest.mark.parametrize("value", [1e308, -1e308, 0.0, 1.5])
async def test_finite_floats_are_accepted(client, value):
    response = await post_json(
        client, "/api/v1/users/measure", json.dumps({"value": value}).encode()
    )
    assert response.status_code == 200
    assert response.json() == {"value": value}


async def test_nan_as_a_string_inside_json_is_plain_data(client):
    response = await client.post("/api/v1/users/raw", json={"word": "NaN", "other": "Infinity"})
    assert response.status_code == 200
    assert response.json()["data"] == {"word": "NaN", "other": "Infinity"}


async def test_moderately_nested_json_is_accepted(client):
    depth = 50
    body = b"[" * depth + b"]" * depth
    response = await post_json(client, "/api/v1/users/raw", b'{"deep": ' + body + b"}")
    assert response.status_code == 200


# --- Validation failures: 422 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "payload", "loc", "error_type"),
    [
        pytest.param(USERS, {"email": "a@b.c"}, ["fullname"], "missing", id="missing-field"),
        pytest.param(
            USERS, {**VALID_USER, "age": "old"}, ["age"], "int_parsing", id="wrong-field-type"
        ),
        pytest.param(USERS, [VALID_USER], [], "model_type", id="array-for-model"),
        pytest.param(USERS, None, [], "model_type", id="null-for-model"),
        pytest.param("/api/v1/users/raw", [1, 2], [], "dict_type", id="array-for-dict"),
        pytest.param(
            "/api/v1/users/batch",
            [VALID_USER, {"fullname": "No Email"}],
            [1, "email"],
            "missing",
            id="missing-field-in-list-item",
        ),
        pytest.param("/api/v1/users/numbers", [1, "two"], [1], "int_parsing", id="bad-list-item"),
    ],
)
async def test_validation_failure_is_422_with_error_list(client, url, payload, loc, error_type):
    response = await post_json(client, url, json.dumps(payload).encode())
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "error"
    assert body["message"] == "Validation failed"
    assert [error["loc"] for error in body["errors"]] == [loc]
    assert body["errors"][0]["type"] == error_type
    assert isinstance(body["errors"][0]["msg"], str) and body["errors"][0]["msg"]


async def test_validation_errors_list_every_failing_field(client):
    response = await client.post(USERS, json={"age": "x"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert sorted(tuple(error["loc"]) for error in errors) == [("age",), ("email",), ("fullname",)]
    assert set(errors[0]) == {"loc", "msg", "type"}


async def test_validation_failure_does_not_run_the_handler(client):
    await client.post(USERS, json={"email": "a@b.c"})
    assert CALLS == []


async def test_app_validation_error_handler_replaces_the_default_422(make_app):
    application = make_app(UserApi, handlers=[SpecValidationHandler])
    async with PyJoltTestClient(application) as client:
        response = await client.post(USERS, json={"email": "a@b.c"})
    assert response.status_code == 422
    assert response.json() == {
        "message": "Validation failed.",
        "details": {"fullname": "Field required"},
    }


async def test_app_validation_error_handler_does_not_catch_malformed_json(make_app):
    application = make_app(UserApi, handlers=[SpecValidationHandler])
    async with PyJoltTestClient(application, raise_server_exceptions=False) as client:
        response = await post_json(client, USERS, b'{"email": ')
    assert response.status_code == 400
    assert response.json()["status"] == "error"


# --- Body size limits: 413, and bad Content-Length: 400 ----------------------------------


def json_of_size(size: int) -> bytes:
    """A valid JSON object for UserData padded to exactly ``size`` bytes."""
    base = json.dumps({**VALID_USER, "fullname": ""}).encode()
    padded = json.dumps({**VALID_USER, "fullname": "x" * (size - len(base))}).encode()
    assert len(padded) == size
    return padded


def limited_client(make_app: Any, limit: int = 100) -> PyJoltTestClient:
    return PyJoltTestClient(
        make_app(UserApi, RawBodyApi, MAX_BODY_SIZE=limit), raise_server_exceptions=False
    )


async def test_body_at_max_body_size_is_accepted(make_app):
    async with limited_client(make_app) as client:
        response = await post_json(client, USERS, json_of_size(100))
    assert response.status_code == 201


async def test_declared_content_length_over_max_body_size_is_413(make_app):
    async with limited_client(make_app) as client:
        response = await post_json(client, USERS, json_of_size(101))
    assert response.request.headers["content-length"] == "101"
    assert response.status_code == 413
    assert response.json()["status"] == "error"


async def test_declared_content_length_over_max_body_size_is_413_without_reading(make_app):
    """The declared size alone decides: the (small) body is never read."""
    async with limited_client(make_app) as client:
        response = await client.post(
            USERS,
            content=json_of_size(60),
            headers={"content-type": "application/json", "content-length": "1000"},
        )
    assert response.status_code == 413


async def chunks_of(body: bytes, chunk_size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), chunk_size):
        yield body[start : start + chunk_size]


async def test_chunked_body_over_max_body_size_is_413(make_app):
    async with limited_client(make_app) as client:
        response = await client.post(
            USERS,
            content=chunks_of(json_of_size(300), 40),
            headers={"content-type": "application/json"},
        )
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert response.status_code == 413


async def test_chunked_body_under_max_body_size_is_read_whole(make_app):
    async with limited_client(make_app) as client:
        response = await client.post(
            USERS,
            content=chunks_of(json_of_size(100), 7),
            headers={"content-type": "application/json"},
        )
    assert response.status_code == 201
    assert response.json()["email"] == VALID_USER["email"]


async def test_body_larger_than_its_declared_content_length_is_413(make_app):
    """The limit counts bytes received, not what the client claims."""
    async with limited_client(make_app) as client:
        response = await client.post(
            USERS,
            content=json_of_size(500),
            headers={"content-type": "application/json", "content-length": "50"},
        )
    assert response.status_code == 413


async def test_text_body_over_max_body_size_is_413(make_app):
    async with limited_client(make_app) as client:
        response = await client.post(
            "/raw/text", content=b"a" * 101, headers={"content-type": "text/plain"}
        )
    assert response.status_code == 413


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "+5", "1_0", "0x10", "5, 5", ""])
async def test_invalid_content_length_header_is_400(client, value):
    response = await client.post(
        USERS,
        content=json.dumps(VALID_USER).encode(),
        headers={"content-type": "application/json", "content-length": value},
    )
    assert response.status_code == 400
    assert "content-length" in response.json()["message"].lower()


async def test_absurdly_long_content_length_is_refused_not_500(client):
    response = await client.post(
        USERS,
        content=json.dumps(VALID_USER).encode(),
        headers={"content-type": "application/json", "content-length": "9" * 5000},
    )
    assert response.status_code in (400, 413)


# --- text/plain into str, application/octet-stream into bytes ----------------------------


@pytest.mark.parametrize("text", ["hello", "héllo wörld ✓", "", "line 1\nline 2\r\n"])
async def test_text_plain_body_is_injected_as_str(client, text):
    response = await client.post(
        "/raw/text", content=text.encode(), headers={"content-type": "text/plain; charset=utf-8"}
    )
    assert response.status_code == 200
    assert response.json() == {"type": "str", "text": text}


async def test_text_plain_body_with_invalid_utf8_is_400(client):
    response = await client.post(
        "/raw/text", content=b"caf\xe9", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "data", [bytes(range(256)), b"", b"\x00" * 10, "utf-8 ✓".encode()], ids=repr
)
async def test_octet_stream_body_is_injected_as_bytes(client, data):
    response = await client.post(
        "/raw/bytes", content=data, headers={"content-type": "application/octet-stream"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "type": "bytes",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/raw/text", "application/json"),
        ("/raw/text", "application/octet-stream"),
        ("/raw/bytes", "text/plain"),
        ("/raw/bytes", "application/json"),
        ("/raw/bytes", ""),
    ],
)
async def test_raw_body_endpoints_refuse_other_content_types(client, url, content_type):
    headers = {"content-type": content_type} if content_type else {}
    response = await client.post(url, content=b"data", headers=headers)
    assert response.status_code == 415


# --- parameters the endpoint cannot fill: a build-time error -----------------------------


@path("/bad")
class UnknownParamApi(Controller):
    @get("/")
    async def handler(self, req: Request, mystery) -> Response:
        return req.response.json({})


@path("/bad")
class UnknownParamWithRouteApi(Controller):
    @get("/<int:item_id>")
    async def handler(self, req: Request, item_id: int, mystery) -> Response:
        return req.response.json({})


class NotPydantic:
    """A class pydantic cannot read from a query string."""


@path("/bad")
class SecondBodyParamApi(Controller):
    @post("/")
    @consumes(MediaType.APPLICATION_JSON)
    async def handler(self, req: Request, data: UserData, mystery: NotPydantic) -> Response:
        return req.response.json({})


@path("/bad")
class MisspelledRouteArgumentApi(Controller):
    @get("/<int:mystery_id>")
    async def handler(self, req: Request, mysteryid: int) -> Response:
        return req.response.json({})


@pytest.mark.parametrize(
    "controller",
    [UnknownParamApi, UnknownParamWithRouteApi, SecondBodyParamApi, MisspelledRouteArgumentApi],
)
def test_unfillable_handler_parameter_fails_at_build_time(make_app, controller):
    with pytest.raises(EndpointDefinitionError, match="mystery"):
        make_app(controller)


@path("/ok")
class OptionalExtraParamApi(Controller):
    @get("/")
    async def handler(self, req: Request, page: int = 1) -> Response:
        return req.response.json({"page": page})


async def test_extra_parameter_with_a_default_is_allowed_and_keeps_it(make_app):
    async with PyJoltTestClient(make_app(OptionalExtraParamApi)) as client:
        response = await client.get("/ok/")
    assert response.json() == {"page": 1}
