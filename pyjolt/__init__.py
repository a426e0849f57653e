"""PyJolt: an async-first, batteries-included web framework with class-based controllers."""

from .app import AppBuildError, PyJolt, app, app_path
from .config import BaseConfig, ConfigError
from .controller import (
    Controller,
    Descriptor,
    after_request,
    before_request,
    consumes,
    delete,
    get,
    open_api_docs,
    patch,
    path,
    post,
    produces,
    put,
)
from .exceptions import (
    BaseHttpException,
    CustomException,
    ExceptionHandler,
    MethodNotAllowed,
    NotFound,
    abort,
    handles,
    html_abort,
)
from .forms import UploadedFile
from .importing import ImportStringError
from .lifecycle import on_shutdown, on_startup
from .media_type import HttpStatus, MediaType
from .request import Request
from .response import InvalidHeaderError, Response, UnsafeRedirectError
from .routing import UrlBuildError

__version__ = "0.1.0"

__all__ = [
    "AppBuildError",
    "BaseConfig",
    "BaseHttpException",
    "ConfigError",
    "Controller",
    "CustomException",
    "Descriptor",
    "ExceptionHandler",
    "HttpStatus",
    "ImportStringError",
    "InvalidHeaderError",
    "MediaType",
    "MethodNotAllowed",
    "NotFound",
    "PyJolt",
    "Request",
    "Response",
    "UnsafeRedirectError",
    "UploadedFile",
    "UrlBuildError",
    "__version__",
    "abort",
    "after_request",
    "app",
    "app_path",
    "before_request",
    "consumes",
    "delete",
    "get",
    "handles",
    "html_abort",
    "on_shutdown",
    "on_startup",
    "open_api_docs",
    "patch",
    "path",
    "post",
    "produces",
    "put",
]
