"""The OpenAPI 3.1 document of an application, built from its registered controllers.

:func:`build_openapi_spec` reads only what the decorators recorded and what the endpoint
compiler derived (routes, ``@consumes``/``@produces``, the body parameter, the
``-> Response[Model]`` annotation, ``@open_api_docs``); it never calls a handler, so
the same controllers always give the same document.
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from ..controller.decorators import PATH_ATTR
from ..controller.metadata import RouteSpec
from ..controller.openapi_docs import Descriptor
from ..exceptions.http_exceptions import (
    AuthenticationException,
    BadRequest,
    InvalidQueryParameters,
    NotFound,
    UnauthorizedException,
    UnsupportedMediaType,
)
from ..media_type import MediaType
from .paths import openapi_path
from .schemas import HttpErrorBody, QueryErrorBody, SchemaRegistry, ValidationErrorBody
from .security import EndpointSecurity, endpoint_security
from .websockets import WEBSOCKETS_KEY, websocket_routes

if TYPE_CHECKING:
    from ..app import PyJolt
    from ..controller.endpoint import Endpoint

logger = logging.getLogger(__name__)

OPENAPI_VERSION = "3.1.0"
"""The OpenAPI version of the documents PyJolt builds."""

#: Methods answered implicitly (HEAD mirrors GET) and left out of the document.
UNDOCUMENTED_METHODS = frozenset({"HEAD", "OPTIONS"})

#: Framework endpoints that are never part of an application's API description.
UNDOCUMENTED_ENDPOINTS = frozenset({"Static.get"})

STATUSES_WITHOUT_BODY = frozenset({204, 205, 304}) | frozenset(range(100, 200))

JSON = str(MediaType.APPLICATION_JSON)
NO_CONTENT = str(MediaType.NO_CONTENT)
FORM_MEDIA_TYPES = frozenset(
    {str(MediaType.APPLICATION_X_WWW_FORM_URLENCODED), str(MediaType.MULTIPART_FORM_DATA)}
)
#: Annotations a text body is handed over as, without validation.
RAW_TEXT_TYPES: tuple[Any, ...] = (str, bytes, Any, None)


def build_openapi_spec(app: PyJolt) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``app``'s routes, as a JSON-ready dict.

    ``app`` must be built (``app.openapi_spec()`` takes care of that and caches the
    result). Controllers and routes marked ``open_api_spec=False`` are left out.
    """
    config = app.configs
    registry = SchemaRegistry()
    security_schemes: dict[str, dict[str, Any]] = {}
    paths: dict[str, dict[str, Any]] = {}
    tag_names: list[str] = []
    operation_ids: set[str] = set()
    for method, url, name in app.router.rules:
        endpoint = app.router.endpoints[name]
        route = _route_spec(endpoint, method, url)
        if not _is_documented(endpoint, method, route):
            continue
        template, parameters = openapi_path(url, app.router.map)
        path_item = paths.setdefault(template, {})
        if method.lower() in path_item:
            logger.warning(
                "OpenAPI: %s %s (%s) has the same path template as an earlier route; "
                "only the first is documented",
                method,
                url,
                name,
            )
            continue
        operation_id = _unique(name, operation_ids)
        security = endpoint_security(endpoint)
        security_schemes.update(security.schemes)
        operation = _operation(app, endpoint, operation_id, route, parameters, security, registry)
        for tag in operation["tags"]:
            if tag not in tag_names:
                tag_names.append(tag)
        path_item[method.lower()] = operation

    spec: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": config.APP_NAME,
            "version": config.VERSION,
            "description": config.OPEN_API_DESCRIPTION,
        },
        "paths": {template: item for template, item in paths.items() if item},
    }
    sockets, socket_schemes = websocket_routes(app, registry, _query_parameters)
    if sockets:
        spec[WEBSOCKETS_KEY] = sockets
        security_schemes.update(socket_schemes)
    if tag_names:
        spec["tags"] = [{"name": tag} for tag in tag_names]
    components: dict[str, Any] = {}
    schemas = registry.components()
    if schemas:
        components["schemas"] = schemas
    if security_schemes:
        components["securitySchemes"] = security_schemes
    if components:
        spec["components"] = components
    return spec


def _route_spec(endpoint: Endpoint, method: str, url: str) -> RouteSpec | None:
    """The ``@get``/``@post``/... registration that produced the rule ``method url``."""
    candidates = [route for route in endpoint.meta.routes if route.method == method]
    if len(candidates) > 1:
        # Same method on several URLs: the rule's URL ends with the route's own part.
        matching = [route for route in candidates if url.endswith(route.url.rstrip("/"))]
        matching.sort(key=lambda route: len(route.url), reverse=True)
        candidates = matching or candidates
    return candidates[0] if candidates else None


def _is_documented(endpoint: Endpoint, method: str, route: RouteSpec | None) -> bool:
    if method in UNDOCUMENTED_METHODS or endpoint.name in UNDOCUMENTED_ENDPOINTS:
        return False
    controller_spec = getattr(type(endpoint.controller), PATH_ATTR, None)
    if controller_spec is not None and not controller_spec.open_api_spec:
        return False
    return route is None or route.open_api_spec


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name_2``, ``name_3``... when one handler serves several routes."""
    candidate, counter = name, 1
    while candidate in taken:
        counter += 1
        candidate = f"{name}_{counter}"
    taken.add(candidate)
    return candidate


def _tags(endpoint: Endpoint, route: RouteSpec | None) -> list[str]:
    """Route tags, else the controller's ``@path`` tags, else the controller's name."""
    if route is not None and route.tags:
        return list(route.tags)
    controller_class = type(endpoint.controller)
    controller_spec = getattr(controller_class, PATH_ATTR, None)
    if controller_spec is not None and controller_spec.tags:
        return list(controller_spec.tags)
    return [controller_class.__name__]


def _operation(
    app: PyJolt,
    endpoint: Endpoint,
    operation_id: str,
    route: RouteSpec | None,
    parameters: list[dict[str, Any]],
    security: EndpointSecurity,
    registry: SchemaRegistry,
) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": operation_id, "tags": _tags(endpoint, route)}
    doc = inspect.getdoc(inspect.unwrap(endpoint.func))
    if doc:
        summary, _, rest = doc.partition("\n")
        operation["summary"] = summary.strip()
        if rest.strip():
            operation["description"] = rest.strip()
    query = _query_parameters(endpoint, registry)
    if parameters or query:
        operation["parameters"] = [*parameters, *query]
    request_body = _request_body(endpoint, registry)
    if request_body is not None:
        operation["requestBody"] = request_body
    operation["responses"] = _responses(app, endpoint, bool(parameters), security, registry)
    if security.requirements is not None:
        operation["security"] = security.requirements
    return operation


def _request_body(endpoint: Endpoint, registry: SchemaRegistry) -> dict[str, Any] | None:
    media_type = endpoint.meta.consumes
    if not media_type or media_type == NO_CONTENT:
        return None
    media: dict[str, Any] = {}
    if endpoint.body_name is not None:
        where = f"the request body of {endpoint.name}"
        media["schema"] = registry.schema(endpoint.body_annotation, "validation", where)
    return {"required": True, "content": {str(media_type): media}}


def _responses(
    app: PyJolt,
    endpoint: Endpoint,
    has_path_parameters: bool,
    security: EndpointSecurity,
    registry: SchemaRegistry,
) -> dict[str, Any]:
    meta = endpoint.meta
    status = meta.status_code or 200
    media_type = str(meta.produces or JSON)
    success: dict[str, Any] = {"description": _phrase(status)}
    if status not in STATUSES_WITHOUT_BODY and media_type != NO_CONTENT:
        success["content"] = {media_type: _success_media(endpoint, media_type, registry)}
    responses: dict[str, Any] = {str(status): success}
    for descriptor in meta.descriptors:
        responses[str(int(descriptor.status))] = _described_response(endpoint, descriptor, registry)
    by_status: dict[int, list[FrameworkAnswer]] = {}
    for answer in _framework_answers(endpoint, has_path_parameters, security):
        by_status.setdefault(answer.status, []).append(answer)
    for code, answers in by_status.items():
        if str(code) not in responses:
            responses[str(code)] = _error_response(app, answers, registry)
    return responses


@dataclass(frozen=True)
class FrameworkAnswer:
    """An error the framework itself answers, raised as ``exception``."""

    status: int
    description: str
    exception: type[BaseException]
    default_body: type[BaseModel]
    headers: tuple[str, ...] = ()


def _framework_answers(
    endpoint: Endpoint, has_path_parameters: bool, security: EndpointSecurity
) -> list[FrameworkAnswer]:
    """The error answers the framework itself gives before or around the handler.

    A Descriptor for the same status wins: the user knows their handlers better.
    """
    answers: list[FrameworkAnswer] = []
    if security.unauthorized:
        challenge = ("WWW-Authenticate",) if security.challenges else ()
        answers.append(
            FrameworkAnswer(
                401,
                "Unauthorized: the credentials are missing or invalid",
                AuthenticationException,
                HttpErrorBody,
                challenge,
            )
        )
    if security.forbidden:
        answers.append(
            FrameworkAnswer(
                403,
                "Forbidden: the user does not have a required role",
                UnauthorizedException,
                HttpErrorBody,
            )
        )
    if endpoint.query is not None:
        answers.append(
            FrameworkAnswer(
                400,
                "Bad request: a query parameter is missing or invalid",
                InvalidQueryParameters,
                QueryErrorBody,
            )
        )
    consumes = endpoint.meta.consumes
    if consumes and consumes != NO_CONTENT:
        if endpoint.body_name is not None and _body_is_decoded(endpoint):
            answers.append(
                FrameworkAnswer(
                    400, "Bad request: the body could not be parsed", BadRequest, HttpErrorBody
                )
            )
        answers.append(
            FrameworkAnswer(
                415,
                f"Unsupported media type: the body must be {consumes}",
                UnsupportedMediaType,
                HttpErrorBody,
            )
        )
        if endpoint.body_name is not None and _body_is_validated(endpoint):
            answers.append(
                FrameworkAnswer(
                    422,
                    "Validation error: the body does not match its schema",
                    ValidationError,
                    ValidationErrorBody,
                )
            )
    if has_path_parameters:
        answers.append(
            FrameworkAnswer(
                404, "Not found: no route matches these path parameters", NotFound, HttpErrorBody
            )
        )
    return answers


def _query_parameters(endpoint: Endpoint, registry: SchemaRegistry) -> list[dict[str, Any]]:
    """The ``in: query`` parameter objects of an endpoint's typed query parameters."""
    if endpoint.query is None:
        return []
    parameters = []
    for field in endpoint.query.fields:
        where = f"query parameter {field.key!r} of {endpoint.name}"
        parameter: dict[str, Any] = {
            "name": field.key,
            "in": "query",
            "required": field.required,
            "schema": registry.schema(field.annotation, "validation", where),
        }
        if field.description:
            parameter["description"] = field.description
        parameters.append(parameter)
    return parameters


def _is_text_body(endpoint: Endpoint) -> bool:
    consumes = str(endpoint.meta.consumes)
    return consumes not in FORM_MEDIA_TYPES and not (consumes == JSON or consumes.endswith("+json"))


def _body_is_decoded(endpoint: Endpoint) -> bool:
    """JSON, forms and text are decoded (400 when malformed); raw bytes are not."""
    return not (_is_text_body(endpoint) and endpoint.body_annotation is bytes)


def _body_is_validated(endpoint: Endpoint) -> bool:
    """Text read as str/bytes is passed on as is; everything else goes through pydantic."""
    return not (_is_text_body(endpoint) and endpoint.body_annotation in RAW_TEXT_TYPES)


def _success_media(endpoint: Endpoint, media_type: str, registry: SchemaRegistry) -> dict[str, Any]:
    if endpoint.response_model is not None:
        where = f"the response of {endpoint.name}"
        return {"schema": registry.schema(endpoint.response_model, "serialization", where)}
    if media_type.startswith("text/"):
        return {"schema": {"type": "string"}}
    return {}


def _described_response(
    endpoint: Endpoint, descriptor: Descriptor, registry: SchemaRegistry
) -> dict[str, Any]:
    status = int(descriptor.status)
    response: dict[str, Any] = {"description": descriptor.description or _phrase(status)}
    if descriptor.body is not None and status not in STATUSES_WITHOUT_BODY:
        where = f"the {status} response of {endpoint.name}"
        schema = registry.schema(descriptor.body, "serialization", where)
        response["content"] = {str(descriptor.media_type): {"schema": schema}}
    return response


def _error_response(
    app: PyJolt, answers: list[FrameworkAnswer], registry: SchemaRegistry
) -> dict[str, Any]:
    """The documented error answer, in the body shape of whichever handler answers it.

    An app's ExceptionHandler that answers the exception replaces the framework's body;
    its ``-> Response[Model]`` annotation documents the new shape (without one the shape
    is unknown and left open). Several causes of one status (a bad query parameter and a
    malformed body are both 400) are described together, their bodies as ``anyOf``.
    """
    description = "; or ".join(answer.description for answer in answers)
    response: dict[str, Any] = {"description": description}
    media_type = JSON
    bodies: list[tuple[Any, str]] = []  # (model, where) of each distinct body shape
    open_shape = False
    for answer in answers:
        handler = app.exception_registry.app_handler_for(answer.exception)
        if handler is None:
            body, where = answer.default_body, answer.description
        elif handler.response_model is not None:
            body, where = handler.response_model, f"the response of {handler.name}"
            media_type = handler.defaults.media_type
        else:
            open_shape = True
            media_type = handler.defaults.media_type
            continue
        if all(body is not known for known, _ in bodies):
            bodies.append((body, where))
    schemas = [registry.schema(body, "serialization", where) for body, where in bodies]
    if open_shape or not schemas:
        response["content"] = {media_type: {}}
    elif len(schemas) == 1:
        response["content"] = {media_type: {"schema": schemas[0]}}
    else:
        response["content"] = {media_type: {"schema": {"anyOf": schemas}}}
    headers = [name for answer in answers for name in answer.headers]
    if headers:
        response["headers"] = {
            name: {"schema": {"type": "string"}, "description": f"The {name} challenge"}
            for name in headers
        }
    return response


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Status {status}"
