"""``@open_api_docs(Descriptor(...))``: extra documented responses of an endpoint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ..media_type import HttpStatus, MediaType
from .metadata import endpoint_meta

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Descriptor:
    """One documented response: status, description, media type and body model."""

    status: int = HttpStatus.BAD_REQUEST
    description: str | None = None
    media_type: str = MediaType.APPLICATION_JSON
    body: Any = None


def open_api_docs(*descriptors: Descriptor) -> Callable[[F], F]:
    """Document the non-success responses an endpoint can give."""
    for descriptor in descriptors:
        if not isinstance(descriptor, Descriptor):
            raise TypeError(f"@open_api_docs expects Descriptor objects, got {descriptor!r}")

    def decorate(func: F) -> F:
        endpoint_meta(func).descriptors.extend(descriptors)
        return func

    return decorate
