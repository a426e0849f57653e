"""Class-based controllers: ``@path`` on the class, ``@get``/``@post``/... on methods."""

from .base import Controller
from .decorators import (
    after_request,
    before_request,
    consumes,
    delete,
    get,
    patch,
    path,
    post,
    produces,
    put,
)
from .endpoint import Endpoint, EndpointDefinitionError
from .metadata import declare_injected
from .openapi_docs import Descriptor, open_api_docs

__all__ = [
    "Controller",
    "Descriptor",
    "Endpoint",
    "EndpointDefinitionError",
    "after_request",
    "before_request",
    "consumes",
    "declare_injected",
    "delete",
    "get",
    "open_api_docs",
    "patch",
    "path",
    "post",
    "produces",
    "put",
]
