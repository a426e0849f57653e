"""``@tool``: methods a model may call, described by a JSON schema built from the signature.

The schema comes from pydantic: every parameter's type hint becomes a field of an
arguments model (``int`` is ``integer``, enums list their values, ``X | None`` may be
null, lists, dicts and nested models are described in full, ``Annotated[...,
Field(description=...)]`` is kept), and the docstring (Google, reST, numpydoc; parsed
with docstring-parser) gives the tool's description and each parameter's. The same model
validates the arguments the model sends before the method runs.

A parameter annotated ``Request`` is not shown to the model: the request of the chat
is passed there, so ``@auth.login_required`` and ``@auth.role_required`` applied below
``@tool`` check the caller of the chat before the tool runs.
"""

from __future__ import annotations

import inspect
import json
import logging
import typing
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ..controller.endpoint import as_async
from ..controller.guards import guards_of
from ..exceptions.http_exceptions import BaseHttpException
from ..importing import import_optional
from ..serialization import dump_json
from .errors import ToolDefinitionError, ToolError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..request import Request

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

TOOL_ATTR = "__pyjolt_tool__"
MAX_TOOL_NAME = 64


@dataclass(frozen=True)
class ToolOptions:
    """What ``@tool(...)`` was given; the rest is read from the function when compiled."""

    name: str | None = None
    description: str | None = None
    strict: bool = False


@overload
def tool(func: F, /) -> F: ...
@overload
def tool(
    func: None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    strict: bool = False,
) -> Callable[[F], F]: ...
def tool(
    func: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    strict: bool = False,
) -> Any:
    """Mark a method as a tool the model may call (``@tool`` or ``@tool(name=...)``).

    ``name`` defaults to the method's name, ``description`` to its docstring's text;
    ``strict=True`` asks the server for strict schema adherence (OpenAI's structured
    function calling). Apply it above authentication decorators.
    """
    if name is not None:
        _check_name(name, name)

    def mark(target: Callable[..., Any]) -> Callable[..., Any]:
        if not callable(target):
            raise ToolDefinitionError(f"@tool applies to functions, not {target!r}")
        setattr(target, TOOL_ATTR, ToolOptions(name, description, strict))
        return target

    return mark(func) if func is not None else mark


def is_tool(func: Any) -> bool:
    return isinstance(getattr(func, TOOL_ATTR, None), ToolOptions)


def _check_name(name: str, where: str) -> None:
    if not name or len(name) > MAX_TOOL_NAME or not all(c.isalnum() or c in "_-" for c in name):
        raise ToolDefinitionError(
            f"tool name {name!r} ({where}): use 1-{MAX_TOOL_NAME} letters, digits, '_' or '-'"
        )


def _is_request(annotation: Any) -> bool:
    from ..request import Request

    return isinstance(annotation, type) and issubclass(annotation, Request)


def _strip_titles(schema: Any) -> Any:
    """Drop pydantic's generated ``title`` keywords (noise in a prompt), keep properties."""
    if isinstance(schema, list):
        return [_strip_titles(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    cleaned: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title" and isinstance(value, str):
            continue
        if key in ("properties", "$defs", "definitions") and isinstance(value, dict):
            cleaned[key] = {name: _strip_titles(sub) for name, sub in value.items()}
        else:
            cleaned[key] = _strip_titles(value)
    return cleaned


def _strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """OpenAI's strict mode: every object closed and every property listed as required."""

    def close(node: Any) -> Any:
        if isinstance(node, list):
            return [close(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {key: close(value) for key, value in node.items()}
        if node.get("type") == "object" and "properties" in node:
            node["additionalProperties"] = False
            node["required"] = list(node["properties"])
        return node

    return typing.cast(dict[str, Any], close(schema))


@dataclass(frozen=True)
class ToolSpec:
    """A compiled tool: its name, description, JSON schema and arguments validator."""

    name: str
    description: str
    parameters: dict[str, Any]
    arguments_model: type[BaseModel]
    argument_names: tuple[str, ...]
    takes_request: bool
    strict: bool
    qualname: str

    def definition(self) -> dict[str, Any]:
        """The ``tools`` entry of a chat completion request."""
        function: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "parameters": self.parameters,
        }
        if self.strict:
            function["strict"] = True
        return {"type": "function", "function": function}


def compile_tool(func: Callable[..., Any]) -> ToolSpec:
    """Build (once per function) the spec of a ``@tool`` function or method."""
    cached = getattr(func, "__pyjolt_tool_spec__", None)
    if isinstance(cached, ToolSpec):
        return cached
    options = getattr(func, TOOL_ATTR, None)
    if not isinstance(options, ToolOptions):
        raise ToolDefinitionError(f"{func!r} is not marked with @tool")
    spec = _build_spec(func, options)
    func.__pyjolt_tool_spec__ = spec  # type: ignore[attr-defined]
    return spec


def _build_spec(func: Callable[..., Any], options: ToolOptions) -> ToolSpec:
    from pydantic import Field, create_model

    target = inspect.unwrap(func)
    qualname = getattr(target, "__qualname__", repr(target))
    name = options.name or target.__name__
    _check_name(name, qualname)
    try:
        hints = typing.get_type_hints(target, include_extras=True)
    except Exception as exc:
        raise ToolDefinitionError(f"tool {qualname}: cannot resolve its type hints: {exc}") from exc
    docs = _parse_docstring(inspect.getdoc(target) or "")
    params = list(inspect.signature(target).parameters.values())
    if params and params[0].name in ("self", "cls"):
        params = params[1:]
    takes_request = bool(params) and _is_request(hints.get(params[0].name))
    if takes_request:
        params = params[1:]
    if guards_of(func) and not takes_request:
        raise ToolDefinitionError(
            f"tool {qualname} is guarded by an authentication decorator, which needs the "
            "request: make 'req: Request' its first parameter after self"
        )
    fields: dict[str, Any] = {}
    for param in params:
        if param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            raise ToolDefinitionError(
                f"tool {qualname}: *args/**kwargs cannot be described to a model; "
                "name each parameter"
            )
        annotation = hints.get(param.name)
        if annotation is None:
            raise ToolDefinitionError(
                f"tool {qualname}: parameter {param.name!r} needs a type hint (the model "
                "is told its type)"
            )
        if _is_request(annotation):
            raise ToolDefinitionError(
                f"tool {qualname}: the Request parameter must come first after self"
            )
        default = ... if param.default is inspect.Parameter.empty else param.default
        described = docs.params.get(param.name)
        if described and not _has_description(annotation):
            fields[param.name] = (annotation, Field(default, description=described))
        else:
            fields[param.name] = (annotation, default)
    model_name = "".join(part.capitalize() for part in name.replace("-", "_").split("_"))
    try:
        model = create_model(f"{model_name or 'Tool'}Arguments", **fields)
        schema = _strip_titles(model.model_json_schema())
    except Exception as exc:
        raise ToolDefinitionError(
            f"tool {qualname}: its parameters cannot be described as JSON schema: {exc}"
        ) from exc
    schema.setdefault("properties", {})
    schema["type"] = "object"
    if options.strict:
        schema = _strict_schema(schema)
    description = options.description or docs.description
    if not description:
        logger.warning("tool %s has no docstring: the model gets no description of it", qualname)
    return ToolSpec(
        name=name,
        description=description,
        parameters=schema,
        arguments_model=model,
        argument_names=tuple(fields),
        takes_request=takes_request,
        strict=options.strict,
        qualname=qualname,
    )


def _has_description(annotation: Any) -> bool:
    if typing.get_origin(annotation) is not typing.Annotated:
        return False
    return any(getattr(meta, "description", None) for meta in typing.get_args(annotation)[1:])


@dataclass
class _Docs:
    description: str = ""
    params: dict[str, str] = field(default_factory=dict)


def _parse_docstring(text: str) -> _Docs:
    if not text:
        return _Docs()
    parser = import_optional("docstring_parser", "@tool descriptions", "ai")
    parsed = parser.parse(text)
    parts = [parsed.short_description or "", parsed.long_description or ""]
    description = "\n\n".join(part.strip() for part in parts if part and part.strip())
    params = {p.arg_name: p.description.strip() for p in parsed.params if p.description}
    return _Docs(description, params)


# --- tool sets ------------------------------------------------------------------------


@dataclass(frozen=True)
class BoundTool:
    """A compiled tool and the callable that runs it (a bound method or a function)."""

    spec: ToolSpec
    call: Callable[..., Any]


#: Each class's compiled tools (per class, not per instance; classes may be collected).
_CLASS_TOOLS: weakref.WeakKeyDictionary[type, tuple[tuple[str, ToolSpec], ...]] = (
    weakref.WeakKeyDictionary()
)


def class_tools(cls: type) -> tuple[tuple[str, ToolSpec], ...]:
    """``(attribute, spec)`` of every ``@tool`` method of ``cls`` (compiled once per class)."""
    cached = _CLASS_TOOLS.get(cls)
    if cached is not None:
        return cached
    found: dict[str, ToolSpec] = {}
    for klass in reversed(cls.__mro__):
        for attr, value in vars(klass).items():
            func = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
            if is_tool(func):
                found[attr] = compile_tool(func)
            elif attr in found:
                del found[attr]  # overridden without @tool
    result = tuple(found.items())
    _CLASS_TOOLS[cls] = result
    return result


def bind_tools(sources: Iterable[Any]) -> dict[str, BoundTool]:
    """Tools by name from bound ``@tool`` methods, ``@tool`` functions and objects.

    An object (a controller, an extension) contributes every ``@tool`` method of its
    class. Two tools of the same name are refused: the model could not tell them apart.
    """
    tools: dict[str, BoundTool] = {}

    def add(bound: BoundTool) -> None:
        other = tools.get(bound.spec.name)
        if other is not None and other.call != bound.call:
            raise ToolDefinitionError(
                f"two tools are called {bound.spec.name!r} ({other.spec.qualname} and "
                f"{bound.spec.qualname}); give one of them @tool(name=...)"
            )
        tools[bound.spec.name] = bound

    for source in sources:
        function = getattr(source, "__func__", source)
        if callable(source) and is_tool(function):
            add(BoundTool(compile_tool(function), source))
            continue
        if isinstance(source, type) or (callable(source) and not class_tools(type(source))):
            raise ToolDefinitionError(
                f"{source!r} is not a @tool function or an object with @tool methods"
            )
        for attr, spec in class_tools(type(source)):
            add(BoundTool(spec, getattr(source, attr)))
    return tools


# --- running a tool call ----------------------------------------------------------------


def _result_text(value: Any) -> str:
    from pydantic import BaseModel

    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return dump_json(value).decode("utf-8")


def _error_text(message: str) -> str:
    return json.dumps({"error": message}, ensure_ascii=False)


async def run_tool(tool_: BoundTool, arguments: str, req: Request | None) -> tuple[str, bool]:
    """Validate the arguments, run the tool and return ``(content, ok)`` for the model.

    Nothing a tool does is raised into the request: invalid arguments, a refused
    authentication check or an exception become an error result the model can read
    (and often correct with a second call).
    """
    from pydantic import ValidationError

    spec = tool_.spec
    try:
        payload = json.loads(arguments or "{}")
    except json.JSONDecodeError as exc:
        return _error_text(f"arguments are not valid JSON: {exc}"), False
    if not isinstance(payload, dict):
        return _error_text("arguments must be a JSON object"), False
    try:
        validated = spec.arguments_model.model_validate(payload)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in error['loc']) or '(arguments)'}: {error['msg']}"
            for error in exc.errors(include_url=False)
        ]
        return _error_text("invalid arguments: " + "; ".join(problems)), False
    kwargs = {name: getattr(validated, name) for name in spec.argument_names}
    call = as_async(tool_.call)
    try:
        if spec.takes_request:
            if req is None:
                return _error_text("this tool needs the request; it was not given"), False
            result = await call(req, **kwargs)
        else:
            result = await call(**kwargs)
    except ToolError as exc:
        return _error_text(str(exc)), False
    except BaseHttpException as exc:
        logger.info("tool %s refused: %s", spec.name, exc.message)
        return _error_text(f"refused ({exc.status_code}): {exc.message}"), False
    except Exception as exc:
        logger.warning("tool %s failed", spec.name, exc_info=exc)
        return _error_text(f"the tool failed ({type(exc).__name__})"), False
    try:
        return _result_text(result), True
    except Exception as exc:
        logger.warning("tool %s returned a value that is not JSON", spec.name, exc_info=exc)
        return _error_text("the tool's result could not be serialised"), False
