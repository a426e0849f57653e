"""Finding the handler for an exception along its MRO; the app's handlers win ties."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ..request import Request
from ..response import ResponseDefaults

HandlerCall = Callable[[Request, BaseException], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class HandlerEntry:
    """A compiled exception handler and the serializer of its ``-> Response[Model]``."""

    call: HandlerCall
    defaults: ResponseDefaults
    name: str
    #: The handler's declared ``-> Response[Model]`` (documents its answers in OpenAPI).
    response_model: Any = None


class ExceptionRegistry:
    """Maps exception classes to handlers; lookups are cached per exception class."""

    def __init__(self) -> None:
        self._app_handlers: dict[type[BaseException], HandlerEntry] = {}
        self._default_handlers: dict[type[BaseException], HandlerEntry] = {}
        self._cache: dict[type[BaseException], HandlerEntry | None] = {}

    def register(self, exc_type: type[BaseException], entry: HandlerEntry) -> None:
        self._app_handlers[exc_type] = entry
        self._cache.clear()

    def register_default(self, exc_type: type[BaseException], entry: HandlerEntry) -> None:
        self._default_handlers[exc_type] = entry
        self._cache.clear()

    def find(self, exc_type: type[BaseException]) -> HandlerEntry | None:
        """The handler registered for the most specific class in the exception's MRO.

        At each class the app's handler wins over the default, so ``@handles(NotFound)``
        replaces the 404 answer, while a catch-all ``@handles(Exception)`` replaces only
        what no more specific handler (the app's or a default) answers: the generic 500.
        """
        try:
            return self._cache[exc_type]
        except KeyError:
            pass
        entry = None
        for klass in exc_type.__mro__:
            entry = self._app_handlers.get(klass) or self._default_handlers.get(klass)
            if entry is not None:
                break
        self._cache[exc_type] = entry
        return entry

    def app_handler_for(self, exc_type: type[BaseException]) -> HandlerEntry | None:
        """The app's own handler that answers ``exc_type``, or None if a default does."""
        entry = self.find(exc_type)
        if entry is None or any(entry is default for default in self._default_handlers.values()):
            return None
        return entry
