"""JSON serialization of response data, plain or through a response model."""

from __future__ import annotations

import dataclasses
import decimal
from collections.abc import Callable
from typing import Any

import orjson
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import to_json

Serializer = Callable[[Any], bytes]


class ResponseModelError(TypeError):
    """An endpoint's data does not fit its ``-> Response[Model]``: a server bug, so 500.

    Deliberately not a pydantic ValidationError, which the default handlers (and users'
    handlers) answer with 422 as if the client had sent bad input.
    """


def _json_fallback(value: Any) -> Any:
    """Types orjson does not know natively."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if hasattr(value, "__html__"):
        return str(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dump_json(data: Any) -> bytes:
    """Serialize dicts, lists, pydantic models and dataclasses to JSON bytes."""
    if isinstance(data, BaseModel):
        return data.__pydantic_serializer__.to_json(data, by_alias=True)
    try:
        return orjson.dumps(data, default=_json_fallback, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError as exc:
        if str(exc) != "Integer exceeds 64-bit range":
            raise
    # orjson stops at 64-bit integers; Python's (e.g. from a JSON body) can be larger.
    return to_json(data, fallback=_json_fallback, inf_nan_mode="null")


def model_serializer(model: Any, strict: bool = False) -> Serializer:
    """Build (once) a serializer that validates and filters data through ``model``.

    Anything with matching attributes is accepted (``from_attributes``), so ORM objects
    and other pydantic models serialize to exactly the fields of the response model.
    Fields are written by alias, matching the model's JSON schema in the OpenAPI document.
    With ``strict``, values of the wrong type are refused instead of converted.
    """
    adapter: TypeAdapter[Any] = TypeAdapter(model)
    model_class = model if isinstance(model, type) and issubclass(model, BaseModel) else None

    def serialize(data: Any) -> bytes:
        if model_class is not None and type(data) is model_class:
            return adapter.dump_json(data, by_alias=True)
        if dataclasses.is_dataclass(data) and not isinstance(data, type):
            data = dataclasses.asdict(data)
        try:
            validated = adapter.validate_python(data, strict=strict, from_attributes=True)
        except ValidationError as exc:
            raise ResponseModelError(
                f"Response data does not fit the response model {model!r}; "
                f"fix the data or the return annotation: {exc}"
            ) from exc
        return adapter.dump_json(validated, by_alias=True)

    return serialize
