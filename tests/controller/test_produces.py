"""@produces (content type, default status) and ``-> Response[Model]`` response filtering."""

import dataclasses
import logging
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, Field, ValidationError

from pyjolt import HttpStatus, MediaType, NotFound, Request, Response
from pyjolt.controller import Controller, get, path, produces
from pyjolt.exceptions import ExceptionHandler, handles
from pyjolt.testing import PyJoltTestClient


class PublicUser(BaseModel):
    id: int
    name: str


class FullUser(BaseModel):
    id: int
    name: str
    password_hash: str


class OrmUser:
    """Stands in for an ORM row: plain attributes, not a dict or a pydantic model."""

    def __init__(self, id: int, name: str, password_hash: str) -> None:
        self.id = id
        self.name = name
        self.password_hash = password_hash


@dataclasses.dataclass
class UserRecord:
    id: int
    name: str
    password_hash: str


@path("/p")
class ProducesApi(Controller):
    @get("/json")
    @produces(MediaType.APPLICATION_JSON)
    async def json(self, req: Request) -> Response:
        return req.response.json({"kind": "json"})

    @get("/problem")
    @produces(MediaType.APPLICATION_PROBLEM_JSON)
    async def problem(self, req: Request) -> Response:
        return req.response.json({"title": "Out of stock"})

    @get("/problem-plain-dict")
    @produces(MediaType.APPLICATION_PROBLEM_JSON)
    async def problem_plain_dict(self, req: Request) -> dict[str, str]:
        return {"title": "Out of stock"}

    @get("/html")
    @produces(MediaType.TEXT_HTML)
    async def html(self, req: Request) -> Response:
        return req.response.html_from_string("<p>{{ x }}</p>", {"x": 1})

    @get("/text")
    @produces(MediaType.TEXT_PLAIN)
    async def text(self, req: Request) -> Response:
        return req.response.text("plain")

    @get("/created")
    @produces(MediaType.APPLICATION_JSON, status_code=201)
    async def created(self, req: Request) -> Response:
        return req.response.json({"id": 1})

    @get("/created-enum")
    @produces(MediaType.APPLICATION_JSON, status_code=HttpStatus.CREATED)
    async def created_enum(self, req: Request) -> dict[str, int]:
        return {"id": 1}

    @get("/accepted-overridden")
    @produces(MediaType.APPLICATION_JSON, status_code=HttpStatus.ACCEPTED)
    async def accepted_overridden(self, req: Request) -> Response:
        return req.response.json({"id": 1}).status(HttpStatus.OK)

    @get("/empty")
    @produces(MediaType.NO_CONTENT, status_code=HttpStatus.NO_CONTENT)
    async def empty(self, req: Request) -> None:
        return None

    @get("/html-error")
    @produces(MediaType.TEXT_HTML, status_code=201)
    async def html_error(self, req: Request) -> Response:
        raise NotFound("No such page")


@path("/m")
class ModelApi(Controller):
    @get("/dict-with-extra")
    async def dict_with_extra(self, req: Request) -> Response[PublicUser]:
        return req.response.json({"id": 1, "name": "Ann", "password_hash": "secret"})

    @get("/plain-dict-with-extra")
    async def plain_dict_with_extra(self, req: Request) -> Response[PublicUser]:
        return {"id": 1, "name": "Ann", "password_hash": "secret"}  # type: ignore[return-value]

    @get("/other-model")
    async def other_model(self, req: Request) -> Response[PublicUser]:
        return req.response.json(FullUser(id=1, name="Ann", password_hash="secret"))

    @get("/orm")
    async def orm(self, req: Request) -> Response[PublicUser]:
        return req.response.json(OrmUser(1, "Ann", "secret"))

    @get("/dataclass")
    async def dataclass(self, req: Request) -> Response[PublicUser]:
        return req.response.json(UserRecord(1, "Ann", "secret"))

    @get("/same-model")
    async def same_model(self, req: Request) -> Response[PublicUser]:
        return req.response.json(PublicUser(id=1, name="Ann"))

    @get("/list")
    async def list_of_models(self, req: Request) -> Response[list[PublicUser]]:
        return req.response.json(
            [
                {"id": 1, "name": "Ann", "password_hash": "a"},
                OrmUser(2, "Bo", "b"),
                FullUser(id=3, name="Cy", password_hash="c"),
            ]
        )

    @get("/empty-list")
    async def empty_list(self, req: Request) -> Response[list[PublicUser]]:
        return req.response.json([])

    @get("/bare-model-annotation")
    async def bare_model_annotation(self, req: Request) -> PublicUser:
        return {"id": 1, "name": "Ann", "password_hash": "secret"}  # type: ignore[return-value]

    @get("/created")
    @produces(MediaType.APPLICATION_JSON, status_code=HttpStatus.CREATED)
    async def created(self, req: Request) -> Response[PublicUser]:
        return req.response.json({"id": 9, "name": "New", "password_hash": "x"})

    @get("/coerced")
    async def coerced(self, req: Request) -> Response[PublicUser]:
        return req.response.json({"id": "7", "name": "Seven"})

    @get("/missing-field")
    async def missing_field(self, req: Request) -> Response[PublicUser]:
        return req.response.json({"id": 1})

    @get("/wrong-type")
    async def wrong_type(self, req: Request) -> Response[PublicUser]:
        return req.response.json({"id": "not-a-number", "name": "Ann"})

    @get("/not-a-list")
    async def not_a_list(self, req: Request) -> Response[list[PublicUser]]:
        return req.response.json({"id": 1, "name": "Ann"})

    @get("/no-content")
    async def no_content(self, req: Request) -> Response[PublicUser]:
        return req.response.no_content()

    @get("/text-body")
    async def text_body(self, req: Request) -> Response[PublicUser]:
        return req.response.text("not filtered")


class SpecValidationHandler(ExceptionHandler):
    """The SPEC's handler for pydantic ValidationError (client input errors -> 422)."""

    @handles(ValidationError)
    async def validation_error(self, req: Request, exc: ValidationError) -> Response:
        return req.response.json({"message": "Validation failed."}).status(
            HttpStatus.UNPROCESSABLE_ENTITY
        )


async def call(make_app: Any, controller: type[Controller], url: str, **kw: Any) -> httpx.Response:
    async with PyJoltTestClient(make_app(controller, **kw)) as client:
        return await client.get(url)


# --- @produces: content type ----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/p/json", "application/json"),
        ("/p/problem", "application/problem+json"),
        ("/p/problem-plain-dict", "application/problem+json"),
        ("/p/html", "text/html; charset=utf-8"),
        ("/p/text", "text/plain; charset=utf-8"),
    ],
)
async def test_produces_sets_the_content_type(make_app, url, content_type):
    response = await call(make_app, ProducesApi, url)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type


async def test_produces_json_variant_still_serializes_json(make_app):
    response = await call(make_app, ProducesApi, "/p/problem")
    assert response.json() == {"title": "Out of stock"}


# --- @produces: default status --------------------------------------------------------


@pytest.mark.parametrize("url", ["/p/created", "/p/created-enum"])
async def test_produces_status_code_is_the_default_status(make_app, url):
    response = await call(make_app, ProducesApi, url)
    assert response.status_code == 201
    assert response.json() == {"id": 1}


async def test_explicit_status_overrides_the_produces_default(make_app):
    response = await call(make_app, ProducesApi, "/p/accepted-overridden")
    assert response.status_code == 200


async def test_produces_no_content_answers_204_without_body_or_content_type(make_app):
    response = await call(make_app, ProducesApi, "/p/empty")
    assert response.status_code == 204
    assert response.content == b""
    assert "content-type" not in response.headers


async def test_error_response_does_not_take_the_endpoint_produces_defaults(make_app):
    response = await call(make_app, ProducesApi, "/p/html-error")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "error", "message": "No such page"}


# --- -> Response[Model] -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/m/dict-with-extra",
        "/m/plain-dict-with-extra",
        "/m/other-model",
        "/m/orm",
        "/m/dataclass",
        "/m/same-model",
        "/m/bare-model-annotation",
    ],
)
async def test_response_model_sends_exactly_the_model_fields(make_app, url):
    response = await call(make_app, ModelApi, url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"id": 1, "name": "Ann"}


async def test_response_model_never_leaks_extra_fields(make_app):
    response = await call(make_app, ModelApi, "/m/orm")
    assert "secret" not in response.text
    assert "password_hash" not in response.text


async def test_response_list_of_models_filters_every_item(make_app):
    response = await call(make_app, ModelApi, "/m/list")
    assert response.status_code == 200
    assert response.json() == [
        {"id": 1, "name": "Ann"},
        {"id": 2, "name": "Bo"},
        {"id": 3, "name": "Cy"},
    ]


async def test_response_list_of_models_accepts_an_empty_list(make_app):
    response = await call(make_app, ModelApi, "/m/empty-list")
    assert response.json() == []


async def test_response_model_works_with_produces_status(make_app):
    response = await call(make_app, ModelApi, "/m/created")
    assert response.status_code == 201
    assert response.json() == {"id": 9, "name": "New"}


async def test_response_model_coerces_compatible_values(make_app):
    response = await call(make_app, ModelApi, "/m/coerced")
    assert response.json() == {"id": 7, "name": "Seven"}


async def test_response_model_leaves_non_json_bodies_alone(make_app):
    response = await call(make_app, ModelApi, "/m/text-body")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == "not filtered"


async def test_response_model_allows_no_content(make_app):
    response = await call(make_app, ModelApi, "/m/no-content")
    assert response.status_code == 204
    assert response.content == b""


BODIES_NOT_FITTING = ["/m/missing-field", "/m/wrong-type", "/m/not-a-list"]


@pytest.mark.parametrize("url", BODIES_NOT_FITTING)
async def test_body_not_fitting_the_response_model_answers_500(make_app, url):
    response = await call(make_app, ModelApi, url)
    assert response.status_code == 500
    assert response.json() == {"status": "error", "message": "Internal server error"}


@pytest.mark.parametrize("url", BODIES_NOT_FITTING)
async def test_body_not_fitting_the_response_model_is_logged(make_app, url, caplog):
    with caplog.at_level(logging.ERROR):
        await call(make_app, ModelApi, url)
    assert any(record.exc_info for record in caplog.records if record.levelno >= logging.ERROR)


async def test_body_not_fitting_the_response_model_is_not_a_client_validation_error(make_app):
    # A user's handler for request validation errors must not blame the client (422)
    # for data the server itself produced.
    response = await call(make_app, ModelApi, "/m/missing-field", handlers=[SpecValidationHandler])
    assert response.status_code == 500


async def test_body_not_fitting_the_response_model_raises_in_debug(make_app):
    async with PyJoltTestClient(make_app(ModelApi, DEBUG=True)) as client:
        with pytest.raises(Exception) as raised:
            await client.get("/m/missing-field")
    assert "PublicUser" in str(raised.value)


class AliasedOut(BaseModel):
    model_config = {"populate_by_name": True}
    user_name: str = Field(alias="userName")


@path("/alias")
class AliasApi(Controller):
    @get("/")
    async def aliased(self, req: Request) -> Response[AliasedOut]:
        return req.response.json({"userName": "ada"})


async def test_response_model_fields_are_written_by_alias(make_app):
    async with PyJoltTestClient(make_app(AliasApi)) as client:
        response = await client.get("/alias/")
    assert response.json() == {"userName": "ada"}


@path("/declared")
class DeclaredApi(Controller):
    @get("/mismatch")
    @produces(MediaType.APPLICATION_JSON)
    async def mismatch(self, req: Request) -> Response:
        return req.response.text("not json")

    @get("/match")
    @produces(MediaType.TEXT_PLAIN)
    async def match(self, req: Request) -> Response:
        return req.response.text("plain")


async def test_produces_mismatch_is_warned_once_per_endpoint(make_app, caplog):
    with caplog.at_level(logging.WARNING, logger="pyjolt.controller.endpoint"):
        async with PyJoltTestClient(make_app(DeclaredApi)) as client:
            for _ in range(3):
                assert (await client.get("/declared/mismatch")).text == "not json"
    warnings = [r for r in caplog.records if "@produces declares" in r.getMessage()]
    assert len(warnings) == 1
    assert "DeclaredApi.mismatch" in warnings[0].getMessage()
    assert "'text/plain'" in warnings[0].getMessage()


async def test_matching_produces_is_not_warned(make_app, caplog):
    with caplog.at_level(logging.WARNING, logger="pyjolt.controller.endpoint"):
        async with PyJoltTestClient(make_app(DeclaredApi)) as client:
            await client.get("/declared/match")
    assert not [r for r in caplog.records if "@produces declares" in r.getMessage()]
