"""The decorators users put on controllers and their methods."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..media_type import MediaType
from .metadata import HOOK_ATTR, RouteSpec, endpoint_meta

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)

PATH_ATTR = "__pyjolt_path__"


def path(url_path: str = "", open_api_spec: bool = True, tags: list[str] | None = None):  # type: ignore[no-untyped-def]
    """Give a controller class its URL prefix, OpenAPI visibility and tags."""
    if url_path and not url_path.startswith("/"):
        raise ValueError(f"@path({url_path!r}): the path must start with '/'")

    def decorate(cls: C) -> C:
        setattr(cls, PATH_ATTR, RouteSpec("", url_path.rstrip("/"), open_api_spec, tags))
        return cls

    return decorate


def _route(
    method: str, url_path: str, open_api_spec: bool, tags: list[str] | None
) -> Callable[[F], F]:
    if url_path and not url_path.startswith("/"):
        raise ValueError(
            f"@{method.lower()}({url_path!r}): the path must start with '/' "
            "(or be '' for the controller's own path)"
        )

    def decorate(func: F) -> F:
        endpoint_meta(func).routes.append(RouteSpec(method, url_path, open_api_spec, tags))
        return func

    return decorate


def get(
    url_path: str = "/", open_api_spec: bool = True, tags: list[str] | None = None
) -> Callable[[F], F]:
    """Route GET (and HEAD) requests for ``url_path`` to the decorated method.

    ``url_path`` is joined to the controller's ``@path``: ``"/"`` is the controller's
    path with a trailing slash, ``""`` the controller's path itself.
    """
    return _route("GET", url_path, open_api_spec, tags)


def post(
    url_path: str = "/", open_api_spec: bool = True, tags: list[str] | None = None
) -> Callable[[F], F]:
    """Route POST requests for ``url_path`` to the decorated method (see :func:`get`)."""
    return _route("POST", url_path, open_api_spec, tags)


def put(
    url_path: str = "/", open_api_spec: bool = True, tags: list[str] | None = None
) -> Callable[[F], F]:
    """Route PUT requests for ``url_path`` to the decorated method (see :func:`get`)."""
    return _route("PUT", url_path, open_api_spec, tags)


def patch(
    url_path: str = "/", open_api_spec: bool = True, tags: list[str] | None = None
) -> Callable[[F], F]:
    """Route PATCH requests for ``url_path`` to the decorated method (see :func:`get`)."""
    return _route("PATCH", url_path, open_api_spec, tags)


def delete(
    url_path: str = "/", open_api_spec: bool = True, tags: list[str] | None = None
) -> Callable[[F], F]:
    """Route DELETE requests for ``url_path`` to the decorated method (see :func:`get`)."""
    return _route("DELETE", url_path, open_api_spec, tags)


def consumes(media_type: MediaType | str) -> Callable[[F], F]:
    """Declare the request body's media type; the typed body parameter is filled from it."""

    def decorate(func: F) -> F:
        endpoint_meta(func).consumes = str(media_type)
        return func

    return decorate


def produces(media_type: MediaType | str, status_code: int | None = None) -> Callable[[F], F]:
    """Declare the response media type and, optionally, its default status code."""

    def decorate(func: F) -> F:
        meta = endpoint_meta(func)
        meta.produces = str(media_type)
        if status_code is not None:
            meta.status_code = int(status_code)
        return func

    return decorate


def before_request(func: F) -> F:
    """Run this controller method before every endpoint of the controller."""
    setattr(func, HOOK_ATTR, "before")
    return func


def after_request(func: F) -> F:
    """Run this controller method (it receives the response) after every endpoint."""
    setattr(func, HOOK_ATTR, "after")
    return func
