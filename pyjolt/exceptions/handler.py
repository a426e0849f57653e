"""ExceptionHandler classes and the ``@handles`` decorator that registers their methods."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from ..app import PyJolt

F = TypeVar("F", bound=Callable[..., Any])

HANDLES_ATTR = "__pyjolt_handles__"


def handles(*exceptions: type[BaseException]) -> Callable[[F], F]:
    """Mark an ExceptionHandler method as the handler of ``exceptions`` (and subclasses)."""
    if not exceptions:
        raise TypeError("@handles needs at least one exception class")
    for exc in exceptions:
        if not (isinstance(exc, type) and issubclass(exc, BaseException)):
            raise TypeError(f"@handles expects exception classes, got {exc!r}")

    def decorate(func: F) -> F:
        existing: tuple[type[BaseException], ...] = getattr(func, HANDLES_ATTR, ())
        setattr(func, HANDLES_ATTR, existing + exceptions)
        return func

    return decorate


class ExceptionHandler:
    """Base class for a group of ``@handles`` methods; ``self.app`` is the application."""

    def __init__(self, app: PyJolt) -> None:
        self.app = app

    @classmethod
    def handler_methods(cls) -> list[tuple[str, tuple[type[BaseException], ...]]]:
        """The ``(method name, exceptions)`` pairs in definition order."""
        found: dict[str, tuple[type[BaseException], ...]] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                excs = getattr(value, HANDLES_ATTR, None)
                if excs:
                    found[name] = excs
        return list(found.items())
