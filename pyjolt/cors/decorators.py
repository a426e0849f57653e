"""``@cors(...)`` and ``@no_cors`` on a controller class or an endpoint method."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ..controller.metadata import endpoint_meta
from .policy import CorsSettings

T = TypeVar("T")

CORS_ATTR = "__pyjolt_cors__"


def _mark(target: T, value: CorsSettings | bool) -> T:
    if isinstance(target, type):
        setattr(target, CORS_ATTR, value)
    elif callable(target):
        endpoint_meta(target).cors = value
    else:
        raise TypeError(f"@cors/@no_cors go on a controller class or a method, not {target!r}")
    return target


def cors(
    allow_origins: Sequence[Any] | None = None,
    *,
    allow_methods: Sequence[str] | None = None,
    allow_headers: Sequence[str] | None = None,
    expose_headers: Sequence[str] | None = None,
    allow_credentials: bool | None = None,
    max_age: int | None = None,
) -> Callable[[T], T]:
    """Allow cross-origin calls to this controller or endpoint.

    Arguments left out come from the ``CORS_*`` config, so ``@cors()`` alone turns the
    configured policy on for one controller while ``CORS_ENABLED`` stays off.
    """
    settings = CorsSettings(
        allow_origins, allow_methods, allow_headers, expose_headers, allow_credentials, max_age
    )
    return lambda target: _mark(target, settings)


def no_cors(target: T) -> T:
    """Never answer cross-origin calls here, even when ``CORS_ENABLED`` is on."""
    return _mark(target, False)


def declared_cors(controller_class: type, func: Callable[..., Any]) -> CorsSettings | bool | None:
    """The endpoint's own declaration, else its controller's (None: the app's default)."""
    own = endpoint_meta(func).cors
    if own is not None:
        return own
    for klass in controller_class.__mro__:
        value = vars(klass).get(CORS_ATTR)
        if value is not None:
            return value
    return None
