"""Exceptions that carry an HTTP status and are turned into error responses."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from ..media_type import HttpStatus


class BaseHttpException(Exception):
    """An exception that maps to an HTTP response with ``status_code``."""

    status_code: int = HttpStatus.INTERNAL_SERVER_ERROR
    default_message: str = "Internal server error"

    def __init__(
        self,
        message: str | None = None,
        status_code: int | None = None,
        status: str = "error",
        data: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if status_code is not None:
            self.status_code = int(status_code)
        self.status = status
        self.data = data
        #: Headers the default answer adds (``WWW-Authenticate`` on a 401, ``Allow``...).
        self.headers: dict[str, str] = dict(headers or {})
        super().__init__(self.message)

    def to_body(self) -> dict[str, Any]:
        """The JSON body the default handler sends for this exception."""
        body: dict[str, Any] = {"status": self.status, "message": self.message}
        if self.data is not None:
            body["data"] = self.data
        return body


class CustomException(Exception):
    """Base for application exceptions that an ExceptionHandler is expected to handle."""


class BadRequest(BaseHttpException):
    """400: the request cannot be used as sent (a malformed body, a refused value)."""

    status_code = HttpStatus.BAD_REQUEST
    default_message = "Bad request"


class InvalidQueryParameters(BadRequest):
    """Typed query parameters are missing or do not fit their types: 400, with the errors."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        names = ", ".join(sorted({str(error["loc"][-1]) for error in errors}))
        super().__init__(f"Invalid query parameter(s): {names}")

    def to_body(self) -> dict[str, Any]:
        return {"status": self.status, "message": self.message, "errors": self.errors}


class NotFound(BaseHttpException):
    """404: no route for the path, or the handler found no such thing (``abort`` it)."""

    status_code = HttpStatus.NOT_FOUND
    default_message = "Not found"


class MethodNotAllowed(BaseHttpException):
    """The path exists but not for this method; the response lists the allowed ones."""

    status_code = HttpStatus.METHOD_NOT_ALLOWED
    default_message = "Method not allowed"

    def __init__(self, allowed_methods: Iterable[str] = (), message: str | None = None) -> None:
        self.allowed_methods = sorted(set(allowed_methods))
        allow = {"Allow": ", ".join(self.allowed_methods)} if self.allowed_methods else None
        super().__init__(message, headers=allow)


class PayloadTooLarge(BaseHttpException):
    """413: the body is larger than ``MAX_BODY_SIZE`` (counted on the bytes received)."""

    status_code = HttpStatus.REQUEST_ENTITY_TOO_LARGE
    default_message = "Request body too large"


class UnsupportedMediaType(BaseHttpException):
    """415: the ``Content-Type`` is not the one the endpoint ``@consumes``."""

    status_code = HttpStatus.UNSUPPORTED_MEDIA_TYPE
    default_message = "Unsupported media type"


class AuthenticationException(BaseHttpException):
    """401: no valid credentials; raised by ``login_required`` (the name is the SPEC's)."""

    status_code = HttpStatus.UNAUTHORIZED
    default_message = "Login required"


class UnauthorizedException(BaseHttpException):
    """403: logged in, but without a role ``role_required`` asks for (the SPEC's name)."""

    status_code = HttpStatus.FORBIDDEN
    default_message = "Missing user role(s)"


class TooManyRequests(BaseHttpException):
    """A rate limit was reached: 429 with ``Retry-After`` (whole seconds, at least 1)."""

    status_code = HttpStatus.TOO_MANY_REQUESTS
    default_message = "Too many requests"

    def __init__(self, retry_after: float, message: str | None = None) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(message, headers={"Retry-After": str(self.retry_after)})


class AborterException(BaseHttpException):
    """Raised by :func:`abort`; answered with a JSON body by default."""

    status_code = HttpStatus.BAD_REQUEST


class HtmlAborterException(BaseHttpException):
    """Raised by :func:`html_abort`; answered by rendering ``template`` with ``data``."""

    status_code = HttpStatus.BAD_REQUEST

    def __init__(self, template: str, status_code: int = HttpStatus.BAD_REQUEST, data: Any = None):
        self.template = template
        super().__init__(message=template, status_code=status_code, data=data)


def abort(
    msg: str,
    status_code: int = HttpStatus.BAD_REQUEST,
    status: str = "error",
    data: Any = None,
) -> NoReturn:
    """Stop the request now with a JSON error response (fail fast)."""
    raise AborterException(message=msg, status_code=status_code, status=status, data=data)


def html_abort(
    template: str, status_code: int = HttpStatus.BAD_REQUEST, data: Any = None
) -> NoReturn:
    """Stop the request now with a rendered HTML template as the response."""
    raise HtmlAborterException(template, status_code=status_code, data=data)
