"""Body readers: one is chosen per endpoint at build time from ``@consumes`` and the type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from ..exceptions.http_exceptions import BadRequest, UnsupportedMediaType
from ..exceptions.request_text import quote_request_text
from ..media_type import MediaType
from ..request import Request, decode_json

BodyReader = Callable[[Request], Awaitable[Any]]

SEQUENCE_ORIGINS = (list, set, tuple, frozenset)


def media_type_of(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def content_type_check(expected: str) -> Callable[[Request], None]:
    """Build the 415 check for an endpoint that consumes ``expected``."""
    accepts_json_suffix = expected == MediaType.APPLICATION_JSON

    def check(req: Request) -> None:
        actual = media_type_of(req.content_type)
        if actual == expected or (accepts_json_suffix and actual.endswith("+json")):
            return
        sent = quote_request_text(actual) if actual else "(none)"
        raise UnsupportedMediaType(
            f"Unsupported Content-Type {sent}; this endpoint expects {expected!r}"
        )

    return check


def _raise_bad_json(exc: ValidationError) -> None:
    """Malformed JSON is a 400, not a validation (422) error."""
    for error in exc.errors(include_url=False):
        if error["type"] == "json_invalid":
            raise BadRequest(f"Malformed JSON body: {error['msg']}") from None


def _json_reader(annotation: Any) -> BodyReader:
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)

    async def read(req: Request) -> Any:
        body = await req.body()
        # pydantic's parser reads NaN, Infinity and overflowing literals (1e999) as
        # floats. The strict orjson parse of req.json() refuses them; on a typical body
        # it costs about what the old substring scan for NaN/Infinity did, and less
        # than any scan able to spot an overflowing literal.
        decode_json(body)
        try:
            return adapter.validate_json(body)
        except ValidationError as exc:
            _raise_bad_json(exc)
            raise

    return read


def _sequence_fields(annotation: Any) -> frozenset[str]:
    """Names (and aliases) of model fields that take several form values."""
    if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return frozenset()
    names: set[str] = set()
    for name, info in annotation.model_fields.items():
        field_type = info.annotation
        origin = get_origin(field_type)
        members = get_args(field_type) if origin not in SEQUENCE_ORIGINS else ()
        if origin in SEQUENCE_ORIGINS or any(get_origin(m) in SEQUENCE_ORIGINS for m in members):
            names.add(name)
            if info.alias:
                names.add(info.alias)
    return frozenset(names)


def _form_reader(annotation: Any) -> BodyReader:
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    many = _sequence_fields(annotation)

    async def read(req: Request) -> Any:
        fields = await req.form()
        files = await req.files()
        data: dict[str, Any] = {}
        for source in (fields, files):
            for key in source:
                data[key] = source.getlist(key) if key in many else source[key]
        return adapter.validate_python(data)

    return read


def _text_reader(annotation: Any) -> BodyReader:
    if annotation is bytes:

        async def read_bytes(req: Request) -> Any:
            return await req.body()

        return read_bytes

    if annotation in (str, Any) or annotation is None:

        async def read_text(req: Request) -> Any:
            return await req.text()

        return read_text

    adapter: TypeAdapter[Any] = TypeAdapter(annotation)

    async def read_validated(req: Request) -> Any:
        return adapter.validate_python(await req.text())

    return read_validated


def body_reader(media_type: str, annotation: Any) -> BodyReader:
    """Pick the reader that turns a body of ``media_type`` into ``annotation``."""
    if media_type == MediaType.APPLICATION_JSON or media_type.endswith("+json"):
        return _json_reader(annotation)
    if media_type in (MediaType.APPLICATION_X_WWW_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA):
        return _form_reader(annotation)
    return _text_reader(annotation)
