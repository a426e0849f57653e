"""Default answers for the framework's own exceptions and pydantic validation errors."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError

from ..media_type import HttpStatus
from ..request import Request
from ..response import InvalidHeaderError, Response, UnsafeRedirectError
from .http_exceptions import BaseHttpException, HtmlAborterException
from .redirects import RoutingRedirect

logger = logging.getLogger(__name__)


async def http_exception_response(req: Request, exc: BaseException) -> Response[Any]:
    assert isinstance(exc, BaseHttpException)
    response = req.response.json(exc.to_body()).status(exc.status_code)
    for name, value in exc.headers.items():
        response.set_header(name, value)
    return response


async def validation_error_response(req: Request, exc: BaseException) -> Response[Any]:
    assert isinstance(exc, ValidationError)
    errors = [
        {"loc": list(error["loc"]), "msg": error["msg"], "type": error["type"]}
        for error in exc.errors(include_url=False, include_context=False, include_input=False)
    ]
    body = {"status": "error", "message": "Validation failed", "errors": errors}
    return req.response.json(body).status(HttpStatus.UNPROCESSABLE_ENTITY)


async def html_abort_response(req: Request, exc: BaseException) -> Response[Any]:
    assert isinstance(exc, HtmlAborterException)
    context: dict[str, Any] = dict(exc.data) if isinstance(exc.data, dict) else {}
    context.setdefault("data", exc.data)
    context.setdefault("status_code", exc.status_code)
    return await req.response.html(exc.template, context).status(exc.status_code)


async def routing_redirect_response(req: Request, exc: BaseException) -> Response[Any]:
    assert isinstance(exc, RoutingRedirect)
    req.response.headers["location"] = exc.location
    return req.response.status(exc.status_code)


REFUSED_REDIRECT_MESSAGE = (
    "Redirect target refused: it points to another site or uses a scheme other than http(s)"
)
REFUSED_HEADER_MESSAGE = (
    "A value from the request cannot be sent in a response header: it contains a line "
    "break, a NUL or a character outside latin-1"
)


async def unsafe_redirect_response(req: Request, exc: BaseException) -> Response[Any]:
    """400: the redirect target usually comes from the request (``?next=//evil.com``).

    Logged as a warning without a traceback; the answer does not repeat the target.
    """
    logger.warning("400 on %s %r: %s", req.method, req.path, exc)
    body = {"status": "error", "message": REFUSED_REDIRECT_MESSAGE}
    return req.response.json(body).status(HttpStatus.BAD_REQUEST)


async def invalid_header_response(req: Request, exc: BaseException) -> Response[Any]:
    """400: a header or cookie value with CR/LF usually comes from the request.

    Logged as a warning without a traceback; the answer does not repeat the value.
    """
    logger.warning("400 on %s %r: %s", req.method, req.path, exc)
    body = {"status": "error", "message": REFUSED_HEADER_MESSAGE}
    return req.response.json(body).status(HttpStatus.BAD_REQUEST)


DEFAULT_HANDLERS = (
    (BaseHttpException, http_exception_response),
    (HtmlAborterException, html_abort_response),
    (RoutingRedirect, routing_redirect_response),
    (ValidationError, validation_error_response),
    (UnsafeRedirectError, unsafe_redirect_response),
    (InvalidHeaderError, invalid_header_response),
)


def internal_error_body() -> dict[str, str]:
    """The body of a 500 answer: it never includes the error itself."""
    return {"status": "error", "message": "Internal server error"}
