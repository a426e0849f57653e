"""The application's lifecycle: ``@on_startup`` / ``@on_shutdown`` methods (run in
definition order) and the ASGI lifespan protocol that runs them under a server."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .app import PyJolt
    from .request import Receive, Send

logger = logging.getLogger(__name__)

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


async def serve_lifespan(app: PyJolt, receive: Receive, send: Send) -> None:
    """Answer the server's lifespan messages by running the app's startup/shutdown hooks.

    A failing hook is logged and reported as ``lifespan.*.failed`` with its message, so
    uvicorn exits non-zero instead of serving a half-started app.
    """
    freeze = app.configs.GC_FREEZE_AFTER_STARTUP
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                await app.startup()
            except BaseException as exc:
                logger.exception("Application startup failed")
                text = f"Application startup failed: {type(exc).__name__}: {exc}"
                await send({"type": "lifespan.startup.failed", "message": text})
                return
            if freeze:
                # Everything imported and built so far lives as long as the server: moving
                # it out of the collector's generations keeps full collections (and so
                # tail latency) small. Undone at shutdown.
                gc.freeze()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if freeze:
                gc.unfreeze()
            try:
                await app.shutdown()
            except BaseException as exc:
                logger.exception("Application shutdown failed")
                text = f"{type(exc).__name__}: {exc}"
                await send({"type": "lifespan.shutdown.failed", "message": text})
                return
            await send({"type": "lifespan.shutdown.complete"})
            return
