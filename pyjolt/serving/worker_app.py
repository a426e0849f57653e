"""The factory each server worker process calls: the project's app behind proxy headers."""

from __future__ import annotations

import os
from typing import Any

from .settings import APP_ENV, FORWARDED_ALLOW_IPS_ENV


def create_app() -> Any:
    """Build the project's application (``PYJOLT_APP``) for this worker process.

    With trusted proxies listed in ``PYJOLT_FORWARDED_ALLOW_IPS`` the app is wrapped in
    uvicorn's ProxyHeadersMiddleware, which takes the client address and scheme from
    ``X-Forwarded-For`` / ``X-Forwarded-Proto`` only when the connection comes from one
    of them. granian reads no proxy headers itself.
    """
    from ..cli.project import Project, load_application

    spec = os.environ.get(APP_ENV)
    if not spec:
        raise RuntimeError(f"{APP_ENV} is not set: start the server with 'pyjolt run'")
    application: Any = load_application(Project(root=_root(), app_spec=spec))
    trusted = [ip for ip in os.environ.get(FORWARDED_ALLOW_IPS_ENV, "").split(",") if ip]
    if trusted:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        application = ProxyHeadersMiddleware(application, trusted_hosts=trusted)
    return application


def _root() -> Any:
    from pathlib import Path

    return Path.cwd()
