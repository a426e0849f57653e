"""The router's own redirect (a missing trailing slash when STRICT_SLASHES is on)."""

from __future__ import annotations

from .http_exceptions import BaseHttpException


class RoutingRedirect(BaseHttpException):
    """Raised by the router; answered with 308 and a Location header."""

    status_code = 308
    default_message = "Permanent redirect"

    def __init__(self, location: str) -> None:
        self.location = location
        super().__init__(f"Moved to {location}")
