"""OpenAPI 3.1: the document built from the registered controllers, and its serving.

The builder loads on first use (``pyjolt.openapi.builder``), so an app that never asks for
its document does not import it.
"""

from typing import Any

from .controller import OpenApiController, register_openapi_controller, serves_openapi

_LAZY = {
    "OPENAPI_VERSION": "builder",
    "build_openapi_spec": "builder",
    "HttpErrorBody": "schemas",
    "ValidationErrorBody": "schemas",
    "ValidationErrorItem": "schemas",
}

__all__ = [
    "OPENAPI_VERSION",
    "HttpErrorBody",
    "OpenApiController",
    "ValidationErrorBody",
    "ValidationErrorItem",
    "build_openapi_spec",
    "register_openapi_controller",
    "serves_openapi",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pyjolt.openapi' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)
