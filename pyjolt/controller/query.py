"""Typed query parameters: handler parameters filled from the query string.

A handler parameter that is not a route argument, not the body and not injected, but has
a type annotation, is a query parameter: ``page: int = 1``, or with pydantic's
constraints ``per_page: Annotated[int, Field(ge=1, le=100)] = 20`` (an ``alias`` names
the query key). A parameter typed with a pydantic model takes its fields from the query
string, so a ``PageQuery`` can be shared between endpoints. Everything is compiled into
one pydantic model per endpoint when the app is built; a request only validates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, create_model
from pydantic.fields import FieldInfo
from werkzeug.datastructures import MultiDict

from ..exceptions.http_exceptions import InvalidQueryParameters

SEQUENCE_ORIGINS = (list, set, tuple, frozenset)


@dataclass(frozen=True)
class QueryField:
    """One documented query parameter: its key, whether it is required, and its type."""

    key: str
    required: bool
    #: ``Annotated[type, FieldInfo]``: the type with its constraints, for the JSON schema.
    annotation: Any
    description: str | None


def is_query_model(annotation: Any) -> bool:
    """Whether a parameter typed ``annotation`` takes a whole model from the query."""
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _takes_several(annotation: Any) -> bool:
    """``list[int]``, ``set[str] | None``...: the key may repeat (``?tag=a&tag=b``)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _takes_several(get_args(annotation)[0])
    if origin in SEQUENCE_ORIGINS:
        return True
    return any(get_origin(arg) in SEQUENCE_ORIGINS for arg in get_args(annotation))


def _fields_of(model: type[BaseModel]) -> list[tuple[str, FieldInfo]]:
    """``(query key, field)`` of every field of ``model``."""
    return [(info.alias or name, info) for name, info in model.model_fields.items()]


def _documented(key: str, info: FieldInfo) -> QueryField:
    annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return QueryField(key, info.is_required(), annotation, info.description)


class QueryPlan:
    """How one endpoint reads its query parameters (built once, used per request)."""

    __slots__ = ("_keys", "_many", "_models", "_scalars", "_values", "fields")

    def __init__(
        self, endpoint_name: str, scalars: list[tuple[str, Any, Any]], models: dict[str, type]
    ) -> None:
        # ``...`` as the default marks a required parameter, as in pydantic's create_model.
        definitions = {name: (annotation, default) for name, annotation, default in scalars}
        model_name = endpoint_name.replace(".", "_") + "_Query"
        scalar_model = create_model(  # type: ignore[call-overload]
            model_name, __config__=ConfigDict(extra="ignore"), **definitions
        )
        self._scalars: TypeAdapter[Any] | None = TypeAdapter(scalar_model) if scalars else None
        self._values = tuple(name for name, _, _ in scalars)
        self._models = tuple(models.items())
        fields = _fields_of(scalar_model) if scalars else []
        for model in models.values():
            fields += _fields_of(model)
        self.fields = tuple(_documented(key, info) for key, info in fields)
        self._keys = tuple(key for key, _ in fields)
        self._many = frozenset(key for key, info in fields if _takes_several(info.annotation))

    def read(self, query: MultiDict[str, str]) -> dict[str, Any]:
        """The handler's keyword arguments from ``query``; 400 with every problem."""
        data: dict[str, Any] = {}
        for key in self._keys:
            if key in query:
                data[key] = query.getlist(key) if key in self._many else query[key]
        values: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        if self._scalars is not None:
            try:
                validated = self._scalars.validate_python(data)
            except ValidationError as exc:
                errors += _query_errors(exc)
            else:
                values = {name: getattr(validated, name) for name in self._values}
        for name, model in self._models:
            try:
                values[name] = model.model_validate(data)  # type: ignore[attr-defined]
            except ValidationError as exc:
                errors += _query_errors(exc)
        if errors:
            raise InvalidQueryParameters(errors)
        return values


def _query_errors(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": ["query", *error["loc"]], "msg": error["msg"], "type": error["type"]}
        for error in exc.errors(include_url=False, include_context=False, include_input=False)
    ]


def query_plan(
    endpoint_name: str, scalars: list[tuple[str, Any, Any]], models: Mapping[str, type]
) -> QueryPlan | None:
    """The plan for these parameters, or None when the endpoint takes no query values."""
    if not scalars and not models:
        return None
    return QueryPlan(endpoint_name, scalars, dict(models))
