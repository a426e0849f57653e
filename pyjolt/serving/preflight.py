"""Warnings about parts of an app that are only correct inside one process.

Extensions answer through an optional ``worker_warnings(workers)`` method, so each one
says what it keeps per process (a memory cache, an in-process task runner); the app
itself reports an unset ALLOWED_HOSTS outside DEBUG.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..app import PyJolt

logger = logging.getLogger(__name__)


def worker_warnings(app: PyJolt, workers: int) -> list[str]:
    """Every warning for ``app`` served by ``workers`` processes (maybe on several hosts)."""
    found: list[str] = []
    if app.configs.get("ALLOWED_HOSTS") is None and not app.debug:
        found.append(
            "ALLOWED_HOSTS is not set: every Host header reaches the app and req.url; "
            "list the host names this site answers to"
        )
    for extension in dict.fromkeys(app.extensions.values()):
        check = getattr(extension, "worker_warnings", None)
        if callable(check):
            found.extend(check(workers))
    return found


def log_worker_warnings(app: PyJolt, workers: int) -> list[str]:
    """Log :func:`worker_warnings` at WARNING level and return them."""
    found = worker_warnings(app, workers)
    for message in found:
        logger.warning(message)
    return found
