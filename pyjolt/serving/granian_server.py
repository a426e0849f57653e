"""Start granian with PyJolt's server settings.

granian was chosen over uvicorn and hypercorn after measuring all three here (see
docs/deployment.md): it closes a connection that has not sent a whole request head
within the header-read timeout (slowloris, or nothing at all), refuses a request head
larger than its buffer, restarts workers gracefully on SIGHUP, and served the
benchmark app fastest. uvicorn keeps such connections open for ever.
"""

from __future__ import annotations

import logging
import os

from .settings import ServerSettings

logger = logging.getLogger(__name__)

WORKER_FACTORY = "pyjolt.serving.worker_app:create_app"


def granian_options(settings: ServerSettings) -> dict[str, object]:
    """Keyword arguments for granian's ``Server`` (kept apart so tests can read them)."""
    from granian.constants import HTTPModes, Interfaces, Loops
    from granian.http import HTTP1Settings

    options: dict[str, object] = {
        "address": settings.host,
        "port": settings.port,
        "interface": Interfaces.ASGI,
        "workers": settings.workers,
        "http": HTTPModes.http1,
        "http1_settings": HTTP1Settings(
            header_read_timeout=max(1, int(settings.header_timeout * 1000)),
            keep_alive=settings.keep_alive,
            max_buffer_size=settings.max_header_size,
        ),
        "loop": Loops.auto,
        "websockets": True,
        "log_access": settings.access_log,
        "log_level": settings.log_level,
        "respawn_failed_workers": True,
        "workers_kill_timeout": max(1, round(settings.graceful_timeout)),
        "factory": True,
    }
    if settings.backpressure is not None:
        options["backpressure"] = settings.backpressure
    return options


def serve(settings: ServerSettings) -> None:
    """Serve until SIGINT/SIGTERM (graceful stop) ; SIGHUP restarts the workers gracefully."""
    from granian.server import Server

    os.environ.update(settings.worker_environment())
    server = Server(WORKER_FACTORY, **granian_options(settings))  # type: ignore[arg-type]
    server.serve()
