"""The OpenAPI 3.1 document: its content, its validity, and the app keeping its promises."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from pydantic import BaseModel, GetCoreSchemaHandler, computed_field
from pydantic_core import core_schema
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.routing import BaseConverter, Map

from pyjolt import Descriptor, HttpStatus, MediaType, PyJolt, Request, Response, app_path
from pyjolt.controller import Controller, consumes, get, open_api_docs, path, post, produces
from pyjolt.openapi.paths import openapi_path
from pyjolt.testing import PyJoltTestClient

from .bookshop import ErrorBody, bookshop_app

HERE = str(Path(__file__).parent)


@pytest.fixture
def bookshop(tmp_path: Path) -> PyJolt:
    return bookshop_app(str(tmp_path))


@pytest.fixture
def spec(bookshop: PyJolt) -> dict[str, Any]:
    return bookshop.openapi_spec()


def operation(spec: dict[str, Any], method: str, template: str) -> dict[str, Any]:
    return spec["paths"][template][method]


def all_operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for template, item in spec["paths"].items():
        for method, op in item.items():
            yield method, template, op


def refs_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs_in(value)


def response_schema(spec: dict[str, Any], media_schema: dict[str, Any]) -> dict[str, Any]:
    """A standalone JSON schema whose ``#/components/...`` refs resolve within itself."""
    return {**media_schema, "components": spec["components"]}


# --- the document as a whole ------------------------------------------------------------
def test_spec_is_a_valid_openapi_3_1_document(spec):
    validate(spec)
    assert spec["openapi"] == "3.1.0"


def test_info_comes_from_the_config(spec):
    assert spec["info"] == {
        "title": "Bookshop",
        "version": "2.1.0",
        "description": "Authors, books and files",
    }


def test_every_ref_points_into_components(spec):
    refs = set(refs_in(spec))
    assert refs, "the bookshop uses models, so there must be refs"
    schemas = spec["components"]["schemas"]
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.removeprefix("#/components/schemas/") in schemas, f"dangling {ref}"


def test_nested_models_are_hoisted_into_components(spec):
    schemas = spec["components"]["schemas"]
    assert {"Address", "AuthorIn", "AuthorOut", "Money", "BookOut"} <= set(schemas)
    assert schemas["AuthorIn"]["properties"]["address"] == {"$ref": "#/components/schemas/Address"}
    assert "$defs" not in str(spec)


def test_documented_paths_are_exactly_the_public_routes(spec):
    documented = {(method, template) for method, template, _ in all_operations(spec)}
    assert documented == {
        ("get", "/api/v1/authors/"),
        ("post", "/api/v1/authors/"),
        ("get", "/api/v1/authors/{author_id}"),
        ("put", "/api/v1/authors/{author_id}"),
        ("delete", "/api/v1/authors/{author_id}"),
        ("get", "/api/v1/books/{book_id}"),
        ("get", "/api/v1/books/by-title/{title}"),
        ("get", "/api/v1/books/{book_id}/pages/{page}"),
        ("get", "/api/v1/books/convert/{amount}/{currency}"),
        ("post", "/api/v1/books/"),
        ("get", "/api/v1/files/{file_path}"),
        ("post", "/api/v1/files/upload"),
        ("post", "/api/v1/files/echo"),
        ("get", "/pages/hello"),
    }


@pytest.mark.parametrize(
    "hidden",
    ["/admin", "/export", "/all", "/pages/internal", "/static", "/openapi"],
)
def test_hidden_routes_static_files_and_the_docs_themselves_are_left_out(spec, hidden):
    assert not [template for template in spec["paths"] if hidden in template]


async def test_head_is_not_listed_although_the_app_answers_it(spec, bookshop):
    async with PyJoltTestClient(bookshop) as client:
        answer = await client.head("/pages/hello")
    assert answer.status_code == 200
    assert all(
        set(item) <= {"get", "post", "put", "patch", "delete"} for item in spec["paths"].values()
    )


# --- operations ------------------------------------------------------------------------
def test_operation_ids_are_controller_dot_method(spec):
    ids = [op["operationId"] for _, _, op in all_operations(spec)]
    assert len(ids) == len(set(ids))
    assert operation(spec, "get", "/api/v1/authors/{author_id}")["operationId"] == (
        "AuthorsApi.get_author"
    )
    assert operation(spec, "post", "/api/v1/books/")["operationId"] == "BooksApi.add_book"


def test_summary_and_description_come_from_the_docstring(spec):
    op = operation(spec, "get", "/api/v1/authors/{author_id}")
    assert op["summary"] == "Fetch one author."
    assert op["description"] == "Answers 404 when there is no author with that id."
    single_line = operation(spec, "get", "/api/v1/authors/")
    assert single_line["summary"] == "List every author."
    assert "description" not in single_line


@pytest.mark.parametrize(
    ("method", "template", "tags"),
    [
        ("get", "/api/v1/authors/", ["Authors"]),  # the controller's @path tags
        ("get", "/api/v1/books/by-title/{title}", ["Books", "Search"]),  # the route's tags
        ("get", "/api/v1/books/{book_id}", ["BooksApi"]),  # no tags: the controller's name
    ],
)
def test_tags_come_from_route_then_controller_then_class_name(spec, method, template, tags):
    assert operation(spec, method, template)["tags"] == tags


def test_top_level_tags_list_each_tag_once(spec):
    names = [tag["name"] for tag in spec["tags"]]
    assert len(names) == len(set(names))
    assert {"Authors", "Books", "Search", "BooksApi", "Files", "Pages"} == set(names)


# --- path parameters -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("template", "name", "schema"),
    [
        ("/api/v1/authors/{author_id}", "author_id", {"type": "integer", "minimum": 0}),
        ("/api/v1/books/{book_id}", "book_id", {"type": "string", "format": "uuid"}),
        (
            "/api/v1/books/by-title/{title}",
            "title",
            {"type": "string", "minLength": 1, "pattern": "^[^/]{1,}$"},
        ),
        (
            "/api/v1/books/{book_id}/pages/{page}",
            "page",
            {"type": "integer", "minimum": 1, "maximum": 500},
        ),
        (
            "/api/v1/books/convert/{amount}/{currency}",
            "amount",
            {"type": "number", "minimum": 0},
        ),
        (
            "/api/v1/books/convert/{amount}/{currency}",
            "currency",
            {"type": "string", "enum": ["EUR", "USD", "GBP"]},
        ),
        (
            "/api/v1/files/{file_path}",
            "file_path",
            {"type": "string", "minLength": 1, "pattern": "^[^/].*?$"},
        ),
    ],
)
def test_path_parameters_get_the_schema_of_their_converter(spec, template, name, schema):
    parameters = operation(spec, "get", template)["parameters"]
    [parameter] = [p for p in parameters if p["name"] == name]
    assert parameter == {"name": name, "in": "path", "required": True, "schema": schema}


@path("/convert")
class ConverterVariants(Controller):
    @get("/signed/<int(signed=True, max=10):offset>")
    async def signed(self, req: Request, offset: int) -> Response[Any]:
        return req.response.json(offset)

    @get("/code/<string(length=2):code>")
    async def code(self, req: Request, code: str) -> Response[Any]:
        return req.response.json(code)

    @get("/range/<string(minlength=3, maxlength=8):name>")
    async def range(self, req: Request, name: str) -> Response[Any]:
        return req.response.json(name)

    @get("/floor/<int(min=3):value>")
    async def floor(self, req: Request, value: int) -> Response[Any]:
        return req.response.json(value)


@pytest.mark.parametrize(
    ("template", "schema"),
    [
        ("/convert/signed/{offset}", {"type": "integer", "maximum": 10}),
        (
            "/convert/code/{code}",
            {"type": "string", "minLength": 2, "maxLength": 2, "pattern": "^[^/]{2}$"},
        ),
        (
            "/convert/range/{name}",
            {"type": "string", "minLength": 3, "maxLength": 8, "pattern": "^[^/]{3,8}$"},
        ),
        ("/convert/floor/{value}", {"type": "integer", "minimum": 3}),
    ],
)
def test_converter_arguments_shape_the_schema(make_app, template, schema):
    spec = make_app(ConverterVariants).openapi_spec()
    [parameter] = operation(spec, "get", template)["parameters"]
    assert parameter["schema"] == schema


# --- request bodies ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("template", "media_type", "schema"),
    [
        ("/api/v1/authors/", "application/json", {"$ref": "#/components/schemas/AuthorIn"}),
        (
            "/api/v1/books/",
            "application/x-www-form-urlencoded",
            {"$ref": "#/components/schemas/BookForm"},
        ),
        (
            "/api/v1/files/upload",
            "multipart/form-data",
            {"$ref": "#/components/schemas/UploadForm"},
        ),
        ("/api/v1/files/echo", "text/plain", {"type": "string"}),
    ],
)
def test_request_body_comes_from_consumes_and_the_body_parameter(
    spec, template, media_type, schema
):
    body = operation(spec, "post", template)["requestBody"]
    assert body == {"required": True, "content": {media_type: {"schema": schema}}}


def test_uploaded_files_are_binary_strings(spec):
    upload = spec["components"]["schemas"]["UploadForm"]["properties"]["file"]
    assert upload == {"type": "string", "format": "binary", "title": "File"}


def test_operations_without_a_body_have_no_request_body(spec):
    assert "requestBody" not in operation(spec, "get", "/api/v1/authors/")
    assert "requestBody" not in operation(spec, "delete", "/api/v1/authors/{author_id}")


# --- responses ---------------------------------------------------------------------------
def test_success_response_uses_the_return_annotation_and_produces(spec):
    ok = operation(spec, "get", "/api/v1/authors/")["responses"]["200"]
    assert ok["content"] == {
        "application/json": {
            "schema": {"type": "array", "items": {"$ref": "#/components/schemas/AuthorOut"}}
        }
    }


def test_produces_status_code_is_the_success_status(spec):
    responses = operation(spec, "post", "/api/v1/authors/")["responses"]
    assert "200" not in responses
    assert responses["201"]["description"] == "Created"
    assert responses["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AuthorOut"
    }


def test_204_is_documented_without_content(spec):
    responses = operation(spec, "delete", "/api/v1/authors/{author_id}")["responses"]
    assert responses["204"] == {"description": "No Content"}


def test_text_responses_are_strings(spec):
    ok = operation(spec, "get", "/api/v1/files/{file_path}")["responses"]["200"]
    assert ok["content"] == {"text/plain": {"schema": {"type": "string"}}}
    html = operation(spec, "get", "/pages/hello")["responses"]["200"]
    assert html["content"] == {"text/html": {"schema": {"type": "string"}}}


def test_descriptors_add_documented_responses(spec):
    not_found = operation(spec, "get", "/api/v1/authors/{author_id}")["responses"]["404"]
    assert not_found == {
        "description": "No such author",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }


def test_validated_bodies_document_the_framework_422(spec):
    created = operation(spec, "post", "/api/v1/authors/")["responses"]
    assert created["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationErrorBody"
    }
    assert created["415"]["description"].endswith("application/json")
    assert "400" in created


def test_plain_text_bodies_are_not_validated_so_have_no_422(spec):
    echo = operation(spec, "post", "/api/v1/files/echo")["responses"]
    assert "422" not in echo
    assert "415" in echo


def test_operations_without_body_or_path_parameters_document_only_success(spec):
    assert set(operation(spec, "get", "/pages/hello")["responses"]) == {"200"}


async def test_the_422_schema_matches_what_the_framework_sends(bookshop, spec):
    async with PyJoltTestClient(bookshop) as client:
        answer = await client.post("/api/v1/authors/", json={"name": "", "address": {}})
    assert answer.status_code == 422
    media = operation(spec, "post", "/api/v1/authors/")["responses"]["422"]["content"]
    schema = response_schema(spec, media["application/json"]["schema"])
    jsonschema.validate(answer.json(), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"status": "error", "message": "x"}, schema)  # no "errors"


async def test_the_404_schema_matches_what_the_router_sends(bookshop, spec):
    async with PyJoltTestClient(bookshop) as client:
        answer = await client.get("/api/v1/books/convert/1/EUR")  # float needs a dot
    assert answer.status_code == 404
    media = operation(spec, "get", "/api/v1/books/convert/{amount}/{currency}")["responses"]
    schema = response_schema(spec, media["404"]["content"]["application/json"]["schema"])
    jsonschema.validate(answer.json(), schema)


# --- models whose input and output differ, and types without a schema -----------------
class Rectangle(BaseModel):
    width: int
    height: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def area(self) -> int:
        return self.width * self.height


class Opaque:
    """Validated as an instance check, which has no JSON schema."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.is_instance_schema(cls)


@path("/shapes", tags=["Shapes"])
class ShapesApi(Controller):
    @post("/")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON)
    async def echo(self, req: Request, shape: Rectangle) -> Response[Rectangle]:
        return req.response.json(shape)

    @get("/opaque")
    @produces(MediaType.APPLICATION_JSON)
    async def opaque(self, req: Request) -> Response[Opaque]:
        return req.response.json({})

    @get("/one")
    @get("/first")
    async def first(self, req: Request) -> Response[Any]:
        """Two URLs, one handler."""
        return req.response.json({})


def test_models_that_differ_in_and_out_get_input_and_output_schemas(make_app):
    spec = make_app(ShapesApi).openapi_spec()
    validate(spec)
    op = operation(spec, "post", "/shapes/")
    body_ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    answer_ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert body_ref == "#/components/schemas/Rectangle-Input"
    assert answer_ref == "#/components/schemas/Rectangle-Output"
    assert "area" in spec["components"]["schemas"]["Rectangle-Output"]["properties"]
    assert "area" not in spec["components"]["schemas"]["Rectangle-Input"]["properties"]


def test_a_type_without_a_json_schema_is_documented_as_any_value(make_app, caplog):
    with caplog.at_level(logging.WARNING, logger="pyjolt.openapi.schemas"):
        spec = make_app(ShapesApi).openapi_spec()
    validate(spec)
    ok = operation(spec, "get", "/shapes/opaque")["responses"]["200"]
    assert ok["content"] == {"application/json": {"schema": {}}}
    assert "ShapesApi.opaque" in caplog.text


def test_one_handler_on_two_urls_gets_two_operation_ids(make_app):
    spec = make_app(ShapesApi).openapi_spec()
    ids = {
        operation(spec, "get", "/shapes/one")["operationId"],
        operation(spec, "get", "/shapes/first")["operationId"],
    }
    assert ids == {"ShapesApi.first", "ShapesApi.first_2"}


def test_app_path_prefix_is_part_of_the_paths(make_app):
    @app_path("/v2")
    class PrefixedApp(PyJolt):
        pass

    spec = make_app(ShapesApi, app_class=PrefixedApp).openapi_spec()
    assert "/v2/shapes/" in spec["paths"]


# --- caching and availability ----------------------------------------------------------
def test_spec_is_cached_and_rebuilt_after_a_new_build(make_app):
    app = make_app(ShapesApi)
    first = app.openapi_spec()
    assert app.openapi_spec() is first
    app.register_controller(ConverterVariants)
    app.build()
    second = app.openapi_spec()
    assert second is not first
    assert "/convert/signed/{offset}" in second["paths"]


def test_spec_is_built_even_when_it_is_not_served(make_app):
    app = make_app(ShapesApi, OPEN_API=False)
    assert "/shapes/" in app.openapi_spec()["paths"]


def test_an_app_without_controllers_has_an_empty_valid_document(make_app):
    spec = make_app().openapi_spec()
    validate(spec)
    assert spec["paths"] == {}
    assert "components" not in spec


# --- the app keeps the document's promises (schemathesis, in-process) -----------------
API = bookshop_app(HERE)
SCHEMA = schemathesis.openapi.from_asgi("/openapi/specs.json", API)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@SCHEMA.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case):
    """Positive and negative examples: documented statuses, matching bodies, never 500."""
    case.call_and_validate(checks=CHECKS)


@path("/dup")
class DuplicateTemplates(Controller):
    @get("/<int:item>")
    async def by_number(self, req: Request, item: int) -> Response[Any]:
        return req.response.json(item)

    @get("/<item>")
    async def by_name(self, req: Request, item: str) -> Response[Any]:
        return req.response.json(item)


def test_two_rules_with_one_template_keep_the_first_and_warn(make_app, caplog):
    with caplog.at_level(logging.WARNING, logger="pyjolt.openapi.builder"):
        spec = make_app(DuplicateTemplates).openapi_spec()
    assert operation(spec, "get", "/dup/{item}")["operationId"] == "DuplicateTemplates.by_number"
    assert "DuplicateTemplates.by_name" in caplog.text


class TwoLetters(BaseConverter):
    regex = "[a-z]{2}"


def test_a_custom_converter_is_a_string_matching_its_regex():
    url_map = Map(converters={"letters": TwoLetters})
    template, [parameter] = openapi_path("/lang/<letters:code>/", url_map)
    assert template == "/lang/{code}/"
    assert parameter["schema"] == {"type": "string", "pattern": "^(?:[a-z]{2})$"}


@path("/misc")
class MiscApi(Controller):
    @post("/raw")
    @consumes(MediaType.APPLICATION_JSON)
    @open_api_docs(Descriptor(HttpStatus.CONFLICT), Descriptor(299, body=ErrorBody))
    async def raw(self, req: Request) -> Response[Any]:
        """Reads the JSON body itself."""
        return req.response.json(await req.json())

    @post("/bytes")
    @consumes(MediaType.APPLICATION_OCTET_STREAM)
    @produces(MediaType.APPLICATION_OCTET_STREAM)
    async def store(self, req: Request, data: bytes) -> Response[Any]:
        return req.response.send_file(data)

    @post("/nothing")
    @consumes(MediaType.NO_CONTENT)
    async def nothing(self, req: Request) -> Response[Any]:
        return req.response.json({})


def test_a_body_read_by_the_handler_itself_has_no_schema_and_no_400_or_422(make_app):
    op = operation(make_app(MiscApi).openapi_spec(), "post", "/misc/raw")
    assert op["requestBody"] == {"required": True, "content": {"application/json": {}}}
    assert set(op["responses"]) == {"200", "409", "299", "415"}
    assert op["responses"]["200"] == {"description": "OK", "content": {"application/json": {}}}


def test_descriptors_without_body_or_description_use_the_status_phrase(make_app):
    responses = operation(make_app(MiscApi).openapi_spec(), "post", "/misc/raw")["responses"]
    assert responses["409"] == {"description": "Conflict"}
    assert responses["299"]["description"] == "Status 299"
    assert responses["299"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
    }


def test_raw_bytes_bodies_are_neither_decoded_nor_validated(make_app):
    op = operation(make_app(MiscApi).openapi_spec(), "post", "/misc/bytes")
    media = op["requestBody"]["content"]["application/octet-stream"]
    assert media["schema"]["type"] == "string"
    assert set(op["responses"]) == {"200", "415"}
    assert op["responses"]["200"]["content"] == {"application/octet-stream": {}}


def test_consumes_no_content_means_no_request_body(make_app):
    op = operation(make_app(MiscApi).openapi_spec(), "post", "/misc/nothing")
    assert "requestBody" not in op
    assert set(op["responses"]) == {"200"}
