"""A CORS policy: which origins may call, with which methods and headers, and what they see.

Policies are compiled when the app is built, from the ``CORS_*`` config merged with a
controller's or endpoint's ``@cors(...)``. The unsafe combination browsers refuse anyway,
a wildcard with credentials, is refused there too, with the setting to change: the
reference package shipped exactly that default and echoed any Origin with credentials.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from ..origins import OriginList, OriginListError

if TYPE_CHECKING:
    from ..config import BaseConfig
    from ..request import Request
    from ..response import Response

#: Request headers a preflight never has to list (the fetch spec's CORS-safelisted names;
#: Content-Type too, as a JSON API needs it and Starlette and others allow it likewise).
SAFELISTED_HEADERS = frozenset({"accept", "accept-language", "content-language", "content-type"})


class CorsConfigError(OriginListError):
    """A CORS setting cannot work or is unsafe; raised when the app is built."""


@dataclass(frozen=True)
class CorsSettings:
    """What ``@cors(...)`` says; ``None`` fields are taken from the ``CORS_*`` config."""

    allow_origins: Sequence[Any] | None = None
    allow_methods: Sequence[str] | None = None
    allow_headers: Sequence[str] | None = None
    expose_headers: Sequence[str] | None = None
    allow_credentials: bool | None = None
    max_age: int | None = None

    @classmethod
    def from_config(cls, configs: BaseConfig) -> CorsSettings:
        return cls(
            configs.CORS_ALLOW_ORIGINS,
            configs.CORS_ALLOW_METHODS,
            configs.CORS_ALLOW_HEADERS,
            configs.CORS_EXPOSE_HEADERS,
            configs.CORS_ALLOW_CREDENTIALS,
            configs.CORS_MAX_AGE,
        )

    def over(self, base: CorsSettings) -> CorsSettings:
        """These settings, with the unset ones taken from ``base``."""
        values = {
            f.name: getattr(base, f.name)
            if getattr(self, f.name) is None
            else getattr(self, f.name)
            for f in fields(self)
        }
        return CorsSettings(**values)


def _names(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value.strip() for value in values if value.strip()))


class CorsPolicy:
    """A compiled policy: answers preflights and adds headers to actual responses."""

    __slots__ = (
        "allow_any_header",
        "allow_headers",
        "allow_methods",
        "credentials",
        "expose_headers",
        "max_age",
        "methods_header",
        "origins",
        "wildcard_origin",
    )

    def __init__(self, settings: CorsSettings, where: str) -> None:
        try:
            self.origins = OriginList(settings.allow_origins or (), f"{where} allow_origins")
        except OriginListError as exc:
            raise CorsConfigError(str(exc)) from None
        self.credentials = bool(settings.allow_credentials)
        methods = _names(method.upper() for method in settings.allow_methods or ())
        headers = _names(settings.allow_headers or ())
        exposed = _names(settings.expose_headers or ())
        if self.credentials:
            for label, values in (
                ("allow_origins", ["*"] if self.origins.any else []),
                ("allow_methods", methods),
                ("allow_headers", headers),
                ("expose_headers", exposed),
            ):
                if "*" in values:
                    raise CorsConfigError(
                        f"{where}: {label} '*' together with allow_credentials is refused: "
                        "browsers reject the pair, and echoing any origin instead would let "
                        "every site read your users' data. List the origins (or an anchored "
                        "regex) or turn credentials off"
                    )
        if not self.origins:
            raise CorsConfigError(
                f"{where}: CORS is enabled but allow_origins is empty; list the origins "
                "(CORS_ALLOW_ORIGINS) that may call this API"
            )
        self.wildcard_origin = self.origins.any and not self.credentials
        self.allow_methods = frozenset(methods)
        self.methods_header = ", ".join(methods)
        self.allow_any_header = "*" in headers
        self.allow_headers = frozenset(header.lower() for header in headers) | SAFELISTED_HEADERS
        self.expose_headers = ", ".join(exposed)
        self.max_age = str(int(settings.max_age or 0))

    def allows_origin(self, origin: str) -> bool:
        return self.origins.allows(origin)

    def apply(self, response: Response[Any], origin: str) -> None:
        """Headers of an actual (non-preflight) response to a request from ``origin``."""
        if self.wildcard_origin:
            if origin != "null":
                response.headers["access-control-allow-origin"] = "*"
                if self.expose_headers:
                    response.headers["access-control-expose-headers"] = self.expose_headers
            return
        response.add_vary("Origin")
        if not self.origins.allows(origin):
            return
        response.headers["access-control-allow-origin"] = origin
        if self.credentials:
            response.headers["access-control-allow-credentials"] = "true"
        if self.expose_headers:
            response.headers["access-control-expose-headers"] = self.expose_headers

    def preflight(self, req: Request, origin: str, method: str) -> Response[Any]:
        """The answer to a preflight: 204 with the allow headers, or 403 saying what failed."""
        response = req.response
        response.media_type = "empty"
        response.add_vary(
            "Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"
        )
        requested = [
            name.strip().lower()
            for name in req.headers.get("access-control-request-headers", "").split(",")
            if name.strip()
        ]
        problem = None
        if not self.origins.allows(origin):
            problem = "origin not allowed"
        elif method not in self.allow_methods and "*" not in self.allow_methods:
            problem = "method not allowed"
        elif not self.allow_any_header and any(h not in self.allow_headers for h in requested):
            problem = "request header not allowed"
        if problem is not None:
            body = {"status": "error", "message": f"CORS preflight refused: {problem}"}
            return response.json(body).status(403)
        headers = response.headers
        headers["access-control-allow-origin"] = "*" if self.wildcard_origin else origin
        if self.credentials:
            headers["access-control-allow-credentials"] = "true"
        headers["access-control-allow-methods"] = self.methods_header
        if requested:
            headers["access-control-allow-headers"] = ", ".join(requested)
        headers["access-control-max-age"] = self.max_age
        return response.status(204)
