"""werkzeug rules as OpenAPI paths: ``/users/<int:user_id>`` -> ``/users/{user_id}``.

Each converter becomes the schema of its path parameter, with the converter's own
limits (``int`` is unsigned unless ``signed=True``, ``min``/``max``, string lengths,
``any(...)`` choices), so generated clients and fuzzers send values the router accepts.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from werkzeug.routing import Map
from werkzeug.routing.converters import (
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    PathConverter,
    UnicodeConverter,
    UUIDConverter,
)
from werkzeug.routing.rules import parse_converter_args

# The ``<converter(arguments):name>`` part of a rule, as werkzeug's own parser reads it.
RULE_VARIABLE = re.compile(
    r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\((?P<arguments>.*?)\))?:)?"
    r"(?P<variable>[a-zA-Z_][a-zA-Z0-9_]*)>"
)


def openapi_path(url: str, url_map: Map) -> tuple[str, list[dict[str, Any]]]:
    """The OpenAPI path template of a rule and its path parameter objects."""
    parameters: list[dict[str, Any]] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group("variable")
        schema = converter_schema(
            url_map, match.group("converter") or "default", match.group("arguments")
        )
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    return RULE_VARIABLE.sub(replace, url), parameters


def converter_schema(url_map: Map, converter: str, arguments: str | None) -> dict[str, Any]:
    """The JSON schema of the values a werkzeug converter accepts."""
    converter_class = url_map.converters[converter]
    args, kwargs = parse_converter_args(arguments) if arguments else ((), {})
    instance = converter_class(url_map, *args, **kwargs)
    options = _bound_options(converter_class, url_map, args, kwargs)
    if isinstance(instance, IntegerConverter):
        return _number_schema("integer", instance)
    if isinstance(instance, FloatConverter):
        return _number_schema("number", instance)
    if isinstance(instance, UUIDConverter):
        return {"type": "string", "format": "uuid"}
    if isinstance(instance, AnyConverter):
        return {"type": "string", "enum": list(options.get("items", ()))}
    if isinstance(instance, PathConverter):
        return {"type": "string", "minLength": 1, "pattern": f"^{instance.regex}$"}
    if isinstance(instance, UnicodeConverter):
        return _string_schema(instance, options)
    return _custom_schema(instance)


def _bound_options(
    converter_class: type[BaseConverter], url_map: Map, args: tuple[Any, ...], kwargs: Any
) -> dict[str, Any]:
    """The converter's arguments by name, positional or not, defaults filled in.

    The converter was just built from the same arguments, so they fit its signature.
    """
    bound = inspect.signature(converter_class).bind(url_map, *args, **kwargs)
    bound.apply_defaults()
    return dict(bound.arguments)


def _number_schema(kind: str, converter: IntegerConverter | FloatConverter) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": kind}
    minimum = converter.min
    if not converter.signed:
        minimum = 0 if minimum is None else max(minimum, 0)
    if minimum is not None:
        schema["minimum"] = minimum
    if converter.max is not None:
        schema["maximum"] = converter.max
    return schema


def _string_schema(converter: UnicodeConverter, options: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    length = options.get("length")
    if length is not None:
        schema["minLength"] = schema["maxLength"] = int(length)
    else:
        schema["minLength"] = int(options.get("minlength") or 1)
        if options.get("maxlength") is not None:
            schema["maxLength"] = int(options["maxlength"])
    schema["pattern"] = f"^{converter.regex}$"
    return schema


def _custom_schema(converter: BaseConverter) -> dict[str, Any]:
    """A user's converter: a string matching its regex is all that can be said."""
    return {"type": "string", "pattern": f"^(?:{converter.regex})$"}
