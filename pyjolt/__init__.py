"""PyJolt: an async-first, batteries-included web framework with class-based controllers."""

import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from .streaming import ServerSentEvent
    from .websocket import WebSocket, WebSocketDisconnect

# The public names load on first use (PEP 562), so that ``import pyjolt.cli`` and
# ``pyjolt --help`` do not pay for pydantic, werkzeug and jinja2.
_EXPORTS: dict[str, str] = {
    "AppBuildError": "app",
    "PyJolt": "app",
    "app": "app",
    "app_path": "app",
    "BaseConfig": "config",
    "ConfigError": "config",
    "Controller": "controller",
    "Descriptor": "controller",
    "after_request": "controller",
    "before_request": "controller",
    "consumes": "controller",
    "delete": "controller",
    "get": "controller",
    "open_api_docs": "controller",
    "patch": "controller",
    "path": "controller",
    "post": "controller",
    "produces": "controller",
    "put": "controller",
    "BaseHttpException": "exceptions",
    "CustomException": "exceptions",
    "ExceptionHandler": "exceptions",
    "MethodNotAllowed": "exceptions",
    "NotFound": "exceptions",
    "abort": "exceptions",
    "handles": "exceptions",
    "html_abort": "exceptions",
    "UploadedFile": "forms",
    "ImportStringError": "importing",
    "on_shutdown": "lifecycle",
    "on_startup": "lifecycle",
    "HttpStatus": "media_type",
    "MediaType": "media_type",
    "Request": "request",
    "InvalidHeaderError": "response",
    "Response": "response",
    "UnsafeRedirectError": "response",
    "UrlBuildError": "routing",
    "ServerSentEvent": "streaming",
    "WebSocket": "websocket",
    "WebSocketDisconnect": "websocket",
}

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
    "ServerSentEvent",
    "UnsafeRedirectError",
    "UploadedFile",
    "UrlBuildError",
    "WebSocket",
    "WebSocketDisconnect",
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


def __getattr__(name: str) -> Any:
    """Import a public name from its submodule the first time it is asked for."""
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'pyjolt' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module_name}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


class _PackageModule(ModuleType):
    """Keep ``pyjolt.app`` the ``@app`` decorator when the submodule ``pyjolt.app`` loads.

    Importing a submodule sets it as an attribute of the package; the eager
    ``from .app import app`` used to overwrite that, and this keeps the same result now
    that the public names load lazily.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "app" and isinstance(value, ModuleType):
            value = value.app
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _PackageModule
