"""``@on_startup`` / ``@on_shutdown`` for application methods, run in definition order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

LIFECYCLE_ATTR = "__pyjolt_lifecycle__"


def on_startup(func: F) -> F:
    """Run this application method when the server starts (lifespan startup)."""
    setattr(func, LIFECYCLE_ATTR, "startup")
    return func


def on_shutdown(func: F) -> F:
    """Run this application method when the server stops (lifespan shutdown)."""
    setattr(func, LIFECYCLE_ATTR, "shutdown")
    return func


def lifecycle_methods(cls: type, kind: str) -> list[str]:
    """Names of ``cls``'s methods marked ``kind``, base classes first, in definition order."""
    names: dict[str, None] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if getattr(value, LIFECYCLE_ATTR, None) == kind:
                names[name] = None
    return list(names)
