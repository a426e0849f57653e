"""JSON serialization of response data, plain or through a response model."""

from __future__ import annotations

import dataclasses
import decimal
from collections.abc import Callable
from typing import Any

import orjson
from pydantic import BaseModel, TypeAdapter

Serializer = Callable[[Any], bytes]


def _json_fallback(value: Any) -> Any:
    """Types orjson does not know natively."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
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
        return data.__pydantic_serializer__.to_json(data)
    return orjson.dumps(data, default=_json_fallback, option=orjson.OPT_NON_STR_KEYS)


def model_serializer(model: Any) -> Serializer:
    """Build (once) a serializer that validates and filters data through ``model``.

    Anything with matching attributes is accepted (``from_attributes``), so ORM objects
    and other pydantic models serialize to exactly the fields of the response model.
    """
    adapter: TypeAdapter[Any] = TypeAdapter(model)
    model_class = model if isinstance(model, type) and issubclass(model, BaseModel) else None

    def serialize(data: Any) -> bytes:
        if model_class is not None and type(data) is model_class:
            return adapter.dump_json(data)
        if dataclasses.is_dataclass(data) and not isinstance(data, type):
            data = dataclasses.asdict(data)
        return adapter.dump_json(adapter.validate_python(data, from_attributes=True))

    return serialize
