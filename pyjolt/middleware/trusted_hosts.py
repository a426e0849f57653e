"""TrustedHostMiddleware: requests for a Host the app does not serve get 400.

An app that builds links from ``req.url`` or caches pages must not trust whatever
``Host`` a client sends (cache poisoning, password-reset links to another site).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..exceptions.http_exceptions import BadRequest
from .chain import CallNext, Middleware, MiddlewareError

if TYPE_CHECKING:
    from ..app import PyJolt
    from ..request import Request
    from ..response import Response

logger = logging.getLogger(__name__)


def host_name(host: str) -> str:
    """The host part of a Host header, lower case, without the port (IPv6 kept in [])."""
    host = host.strip().lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class TrustedHostMiddleware(Middleware):
    """Serves only ``TRUSTED_HOSTS`` (falls back to ``ALLOWED_HOSTS`` when that is set).

    Entries: ``"example.com"`` (exactly), ``"*.example.com"`` (any subdomain, not the
    domain itself), ``"*"`` (anything: the check is off). Applies to WebSocket
    handshakes too.
    """

    def __init__(self, app: PyJolt, hosts: Sequence[str] | None = None) -> None:
        super().__init__(app)
        entries = list(hosts or app.configs.TRUSTED_HOSTS or app.configs.get("ALLOWED_HOSTS") or [])
        if not entries:
            raise MiddlewareError(
                "TrustedHostMiddleware needs TRUSTED_HOSTS, e.g. ['example.com', '*.example.com']"
            )
        self.any = "*" in entries
        self.exact = frozenset(e.lower() for e in entries if not e.startswith("*"))
        self.suffixes = tuple(e[1:].lower() for e in entries if e.startswith("*."))

    def allows(self, host: str) -> bool:
        name = host_name(host)
        return bool(name) and (name in self.exact or name.endswith(self.suffixes))

    async def __call__(self, req: Request, call_next: CallNext) -> Response[Any]:
        if self.any or self.allows(req.headers.get("host", "")):
            return await call_next(req)
        logger.warning("400: Host %r is not in TRUSTED_HOSTS", req.headers.get("host", "")[:100])
        return await self.app.response_for_exception(req, BadRequest("Invalid Host header"))
