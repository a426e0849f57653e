"""HTTP exceptions, ``abort``/``html_abort``, and ExceptionHandler with ``@handles``."""

from .handler import ExceptionHandler, handles
from .http_exceptions import (
    AborterException,
    AuthenticationException,
    BadRequest,
    BaseHttpException,
    CustomException,
    HtmlAborterException,
    InvalidQueryParameters,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    TooManyRequests,
    UnauthorizedException,
    UnsupportedMediaType,
    abort,
    html_abort,
)

__all__ = [
    "AborterException",
    "AuthenticationException",
    "BadRequest",
    "BaseHttpException",
    "CustomException",
    "ExceptionHandler",
    "HtmlAborterException",
    "InvalidQueryParameters",
    "MethodNotAllowed",
    "NotFound",
    "PayloadTooLarge",
    "TooManyRequests",
    "UnauthorizedException",
    "UnsupportedMediaType",
    "abort",
    "handles",
    "html_abort",
]
