"""``@websocket(url)`` (alias ``@socket``): a controller method that serves a WebSocket."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..controller.metadata import RouteSpec, endpoint_meta

F = TypeVar("F", bound=Callable[..., Any])

#: The pseudo-method WebSocket routes are recorded under (never an HTTP method).
WEBSOCKET_METHOD = "WEBSOCKET"


@dataclass(frozen=True)
class SocketOptions:
    """What ``@websocket`` said; None means "the app's config decides"."""

    receives: Any = None
    sends: Any = None
    max_message_size: int | None = None
    idle_timeout: float | None = None
    allowed_origins: Sequence[str | re.Pattern[str]] | None = None
    check_origin: bool | None = None


def websocket(
    url_path: str = "/",
    *,
    receives: Any = None,
    sends: Any = None,
    max_message_size: int | None = None,
    idle_timeout: float | None = None,
    allowed_origins: Sequence[str | re.Pattern[str]] | None = None,
    check_origin: bool | None = None,
    open_api_spec: bool = True,
    tags: list[str] | None = None,
) -> Callable[[F], F]:
    """Serve WebSocket connections to ``url_path`` (joined to the controller's ``@path``).

    ``receives``: a pydantic model (or any type) that ``receive_json()`` / ``receive()``
    validate messages with; ``sends``: the type ``send_json()`` serialises through.
    ``max_message_size`` (bytes, close 1009), ``idle_timeout`` (seconds without a message
    either way, then close 1001; ``0`` for none), ``allowed_origins`` and
    ``check_origin`` override the app's ``WEBSOCKET_*`` settings for this endpoint.
    """
    if url_path and not url_path.startswith("/"):
        raise ValueError(f"@websocket({url_path!r}): the path must start with '/'")
    if max_message_size is not None and max_message_size <= 0:
        raise ValueError(f"@websocket(max_message_size={max_message_size}): must be positive")
    if idle_timeout is not None and idle_timeout < 0:
        raise ValueError(f"@websocket(idle_timeout={idle_timeout}): must be >= 0 (0: none)")
    options = SocketOptions(
        receives, sends, max_message_size, idle_timeout, allowed_origins, check_origin
    )

    def decorate(func: F) -> F:
        meta = endpoint_meta(func)
        meta.routes.append(RouteSpec(WEBSOCKET_METHOD, url_path, open_api_spec, tags))
        meta.websocket = options
        return func

    return decorate


socket = websocket
