"""Compiling a controller method into an Endpoint, once, at build time.

Everything that needs ``inspect`` or type hints happens in :func:`compile_endpoint`;
:meth:`Endpoint.handle` only calls what was prepared.
"""

from __future__ import annotations

import functools
import inspect
import logging
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, get_args, get_origin

import anyio.to_thread
from pydantic import BaseModel

from ..request import ClientDisconnected, Request
from ..response import STATUSES_WITHOUT_BODY, Response, ResponseDefaults
from ..serialization import dump_json, model_serializer
from .base import Controller
from .body import BodyReader, body_reader, content_type_check
from .guards import Guard, guards_of
from .metadata import (
    HOOK_ATTR,
    WRAPPER_CHECKS_ATTR,
    EndpointMeta,
    endpoint_meta,
    injected_parameters,
)
from .query import QueryPlan, is_query_model, query_plan

logger = logging.getLogger(__name__)

REQUEST_PARAM_NAMES = frozenset({"req", "request"})
EMPTY = inspect.Parameter.empty


class EndpointDefinitionError(TypeError):
    """A handler's signature or decorators cannot work; raised when the app is built."""


def as_async(func: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    """Return ``func`` if it is async, else a wrapper running it in a worker thread."""
    if inspect.iscoroutinefunction(func):
        return func

    async def run_in_thread(*args: Any, **kwargs: Any) -> Any:
        return await anyio.to_thread.run_sync(functools.partial(func, *args, **kwargs))

    return run_in_thread


def resolved_hints(func: Callable[..., Any]) -> dict[str, Any]:
    """Type hints of the innermost function, resolving string annotations when possible."""
    target = inspect.unwrap(func)
    try:
        return typing.get_type_hints(target, include_extras=True)
    except Exception as exc:  # unresolvable forward references: fall back to raw hints
        logger.debug("Could not resolve type hints of %s: %s", target.__qualname__, exc)
        return dict(getattr(target, "__annotations__", {}))


def response_model_of(hints: dict[str, Any]) -> Any:
    """The model of a ``-> Response[Model]`` (or ``-> Model``) return annotation, or None."""
    annotation = hints.get("return")
    if annotation is None or isinstance(annotation, str):
        return None
    if get_origin(annotation) is Response:
        args = get_args(annotation)
        model = args[0] if args else None
        return None if model is Any or isinstance(model, typing.TypeVar) else model
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def response_defaults(
    meta: EndpointMeta | None, model: Any, strict: bool = False
) -> ResponseDefaults:
    """The status, media type and serializer an endpoint's responses start with.

    ``strict`` makes the response model refuse data it would otherwise convert
    (``"0"`` for an ``int`` field), so a handler's type bug surfaces during development.
    """
    return ResponseDefaults(
        status_code=(meta.status_code if meta and meta.status_code else 200),
        media_type=(meta.produces if meta and meta.produces else "application/json"),
        serialize=model_serializer(model, strict) if model is not None else dump_json,
    )


def route_argument_names(url: str) -> set[str]:
    """Names of the ``<converter:name>`` parts of a werkzeug rule."""
    names = set()
    for part in url.split("<")[1:]:
        inner = part.split(">", 1)[0]
        names.add(inner.rsplit(":", 1)[-1].strip())
    return names


def wants_request(param: inspect.Parameter, hints: dict[str, Any]) -> bool:
    annotation = hints.get(param.name, param.annotation)
    if annotation is Request or annotation == "Request":
        return True
    return param.name in REQUEST_PARAM_NAMES or annotation is inspect.Parameter.empty


class Endpoint:
    """A handler ready to serve: bound, with its parameter plan, body reader and hooks."""

    __slots__ = (
        "after_hooks",
        "before_hooks",
        "body_annotation",
        "body_name",
        "call",
        "check_content_type",
        "controller",
        "defaults",
        "func",
        "guards",
        "meta",
        "name",
        "pass_all_route_params",
        "query",
        "read_body",
        "response_model",
        "route_param_names",
        "unchecked_media_type",
    )

    def __init__(self, name: str, controller: Controller, func: Callable[..., Any]) -> None:
        self.name = name
        self.controller = controller
        self.func = func
        self.meta = endpoint_meta(func)
        self.guards: tuple[Guard, ...] = ()
        self.before_hooks: tuple[Callable[[Any], Awaitable[Any]], ...] = ()
        self.after_hooks: tuple[Callable[[Any], Awaitable[Any]], ...] = ()
        self.body_name: str | None = None
        self.body_annotation: Any = None
        self.read_body: BodyReader | None = None
        self.query: QueryPlan | None = None
        self.check_content_type: Callable[[Request], None] | None = None
        self.route_param_names: tuple[str, ...] = ()
        self.pass_all_route_params = True
        self.response_model: Any = None
        self.defaults = ResponseDefaults()
        produces = self.meta.produces
        self.unchecked_media_type: str | None = (
            produces.lower() if produces and produces != "empty" else None
        )
        self.call: Callable[[Request, dict[str, Any]], Awaitable[Any]]

    async def handle(self, req: Request) -> Response[Any]:
        """Serve one request: guards, hooks, body, handler, hooks.

        Guards (authentication) come first, so a caller who may not use the endpoint
        learns nothing from body errors. After-request hooks also see the error
        responses of exceptions raised on the way, answered by the exception handlers.
        """
        req.response_defaults = self.defaults
        try:
            if self.guards:
                for guard in self.guards:
                    await guard(req)
                req.passed_guards = self.guards
            for hook in self.before_hooks:
                await hook(req)
            params = req.route_parameters
            if self.pass_all_route_params:
                kwargs = dict(params)
            else:
                kwargs = {name: params[name] for name in self.route_param_names}
            if self.query is not None:
                kwargs.update(self.query.read(req.query_params))
            if self.check_content_type is not None:
                self.check_content_type(req)
            if self.read_body is not None:
                kwargs[self.body_name] = await self.read_body(req)  # type: ignore[index]
            result = await self.call(req, kwargs)
            response = coerce_result(req, result)
        except ClientDisconnected:
            raise
        except Exception as exc:
            if not self.after_hooks:
                raise
            response = await req.app.response_for_exception(req, exc)
        if self.unchecked_media_type is not None:
            self.check_produced_media_type(response)
        for hook in self.after_hooks:
            await hook(response)
        return response

    def check_produced_media_type(self, response: Response[Any]) -> None:
        """Warn once if a body's media type differs from what ``@produces`` declares.

        Checked until the first response with a body, then never again: the warning
        points at a handler bug, and the check must not cost every request.
        """
        actual = response.media_type.split(";", 1)[0].strip().lower()
        if actual == "empty" or response.status_code in STATUSES_WITHOUT_BODY:
            return
        expected, self.unchecked_media_type = self.unchecked_media_type, None
        if actual != expected:
            logger.warning(
                "%s answered with media type %r but @produces declares %r",
                self.name,
                actual,
                expected,
            )


def coerce_result(req: Request, result: Any) -> Response[Any]:
    """Accept a Response, None (use ``req.response``) or plain data (sent as JSON)."""
    if isinstance(result, Response):
        return result
    if result is None:
        return req.response
    return req.response.json(result)


def controller_hooks(controller: Controller) -> tuple[list[Any], list[Any]]:
    """Bound before/after_request hooks of a controller, in definition order."""
    found: dict[str, str] = {}
    for klass in reversed(type(controller).__mro__):
        for name, value in vars(klass).items():
            kind = getattr(value, HOOK_ATTR, None)
            if kind is not None:
                found[name] = kind
    before = [as_async(getattr(controller, n)) for n, k in found.items() if k == "before"]
    after = [as_async(getattr(controller, n)) for n, k in found.items() if k == "after"]
    return before, after


def route_arguments(urls: list[str]) -> set[str]:
    """Names of the route arguments of all of a handler's URLs."""
    names: set[str] = set()
    for url in urls:
        names |= route_argument_names(url)
    return names


@dataclass
class ParameterPlan:
    """Where each handler parameter (after the request) gets its value from."""

    route_names: list[str]
    accepts_any_keyword: bool
    body_name: str | None = None
    body_annotation: Any = None
    query: QueryPlan | None = None


def plan_parameters(
    name: str,
    params: list[inspect.Parameter],
    hints: dict[str, Any],
    route_args: set[str],
    injected: frozenset[str],
    takes_body: bool,
) -> ParameterPlan:
    """Sort a handler's parameters into route arguments, the body and query parameters.

    Shared by HTTP and WebSocket endpoints, so both read a signature by the same rules;
    a parameter nothing can fill, or a route argument the handler does not take, is an
    EndpointDefinitionError naming it.
    """
    plan = ParameterPlan([], any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params))
    query_values: list[tuple[str, Any, Any]] = []
    query_models: dict[str, type] = {}
    for param in params:
        if param.kind in (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL):
            continue
        annotation = hints.get(param.name, param.annotation)
        if param.name in route_args:
            plan.route_names.append(param.name)
        elif param.name in injected:
            continue
        elif takes_body and plan.body_name is None and annotation is not EMPTY:
            plan.body_name, plan.body_annotation = param.name, annotation
        elif annotation is not EMPTY and is_query_model(annotation):
            query_models[param.name] = annotation
        elif annotation is not EMPTY:
            default = ... if param.default is EMPTY else param.default
            query_values.append((param.name, annotation, default))
        elif param.default is EMPTY:
            body = ", a @consumes body" if takes_body else ""
            raise EndpointDefinitionError(
                f"{name}: parameter {param.name!r} is not a route parameter "
                f"({sorted(route_args) or 'none'}){body}, a typed query parameter or "
                "injected by a decorator"
            )
    try:
        plan.query = query_plan(name, query_values, query_models)
    except Exception as exc:  # pydantic cannot validate one of the annotations
        raise EndpointDefinitionError(
            f"{name}: the query parameters {[n for n, _, _ in query_values]} cannot be "
            f"read from the query string: {exc}"
        ) from exc
    unused = route_args - set(plan.route_names)
    if unused and not plan.accepts_any_keyword:
        raise EndpointDefinitionError(
            f"{name}: route argument(s) {sorted(unused)} are not parameters of the handler; "
            "add them to its signature (or **kwargs to ignore them)"
        )
    return plan


def compile_endpoint(
    name: str, controller: Controller, func: Callable[..., Any], urls: list[str]
) -> Endpoint:
    """Inspect ``func`` once and return the Endpoint that serves it."""
    endpoint = Endpoint(name, controller, func)
    meta = endpoint.meta
    for check in getattr(func, WRAPPER_CHECKS_ATTR, ()):
        check(endpoint)
    hints = resolved_hints(func)
    params = list(inspect.signature(func).parameters.values())[1:]  # drop self
    route_args = route_arguments(urls)
    pass_request = hasattr(func, "__wrapped__") or bool(params and wants_request(params[0], hints))
    if pass_request and params:
        params = params[1:]
    plan = plan_parameters(
        name, params, hints, route_args, injected_parameters(func), takes_body=bool(meta.consumes)
    )
    endpoint.body_name, endpoint.body_annotation = plan.body_name, plan.body_annotation
    endpoint.query = plan.query
    endpoint.route_param_names = tuple(plan.route_names)
    endpoint.pass_all_route_params = plan.accepts_any_keyword or set(plan.route_names) == route_args

    if meta.consumes and meta.consumes != "empty":
        endpoint.check_content_type = content_type_check(meta.consumes)
        if endpoint.body_name is not None:
            endpoint.read_body = body_reader(meta.consumes, endpoint.body_annotation)

    endpoint.response_model = response_model_of(hints)
    endpoint.defaults = response_defaults(
        meta, endpoint.response_model, controller.app.strict_responses
    )
    endpoint.guards = guards_of(func)
    endpoint.before_hooks, endpoint.after_hooks = map(tuple, controller_hooks(controller))

    bound = as_async(func.__get__(controller, type(controller)))
    if pass_request:

        async def call_with_request(req: Request, kwargs: dict[str, Any]) -> Any:
            return await bound(req, **kwargs)

        endpoint.call = call_with_request
    else:

        async def call_without_request(req: Request, kwargs: dict[str, Any]) -> Any:
            return await bound(**kwargs)

        endpoint.call = call_without_request
    return endpoint
