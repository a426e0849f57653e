"""OpenAPI 3.1: the document built from the registered controllers, and its serving."""

from .builder import OPENAPI_VERSION, build_openapi_spec
from .controller import OpenApiController, register_openapi_controller, serves_openapi
from .schemas import HttpErrorBody, ValidationErrorBody, ValidationErrorItem

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
