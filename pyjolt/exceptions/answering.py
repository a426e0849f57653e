"""Turning an exception raised while serving a request into its response.

The handler comes from the app's registry (most specific class first); a handler that
fails is logged and answered with 500; an exception nobody handles is a 500 too, or
propagates to the server in DEBUG so the developer sees the traceback.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..media_type import HttpStatus
from ..response import Response, ResponseDefaults
from .defaults import internal_error_body
from .http_exceptions import BaseHttpException

if TYPE_CHECKING:
    from ..app import PyJolt
    from ..request import Request
    from .registry import HandlerEntry

logger = logging.getLogger(__name__)


async def answer_exception(app: PyJolt, req: Request, exc: Exception) -> Response[Any]:
    """Answer ``exc`` with its handler, or 500 (re-raised in DEBUG when unhandled)."""
    from ..controller.endpoint import coerce_result

    entry = app.exception_registry.find(type(exc))
    if entry is None:
        return _unhandled(app, req, exc)
    req.reset_response(_handler_defaults(entry, exc))
    try:
        response = coerce_result(req, await entry.call(req, exc))
        response.render_body()
        return response
    except Exception as handler_exc:
        if handler_exc is exc:
            return _unhandled(app, req, exc)
        if app.debug:
            raise
        logger.error(
            "Exception handler %s failed while handling %r", entry.name, exc, exc_info=handler_exc
        )
        return internal_error(req)


def _unhandled(app: PyJolt, req: Request, exc: Exception) -> Response[Any]:
    if app.debug:
        raise exc
    logger.critical("Unhandled exception on %s %r", req.method, req.path, exc_info=exc)
    return internal_error(req)


def _handler_defaults(entry: HandlerEntry, exc: Exception) -> ResponseDefaults:
    """The status a handler's response starts with: the exception's own."""
    if isinstance(exc, BaseHttpException):
        status = exc.status_code
    elif isinstance(exc, ValidationError):
        status = HttpStatus.UNPROCESSABLE_ENTITY
    else:
        status = HttpStatus.INTERNAL_SERVER_ERROR
    if entry.defaults.status_code != 200 or status == 200:
        return entry.defaults
    return ResponseDefaults(status, entry.defaults.media_type, entry.defaults.serialize)


def internal_error(req: Request) -> Response[Any]:
    """The 500 answer: it never includes the error itself."""
    req.reset_response()
    return req.response.json(internal_error_body()).status(HttpStatus.INTERNAL_SERVER_ERROR)
