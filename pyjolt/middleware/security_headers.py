"""SecurityHeadersMiddleware: the response headers browsers use to protect a site.

A header the endpoint set itself is never replaced, so one page can loosen (or tighten)
what the app sets for all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .chain import CallNext, Middleware

if TYPE_CHECKING:
    from ..app import PyJolt
    from ..request import Request
    from ..response import Response

_UNSET: Any = object()


class SecurityHeadersMiddleware(Middleware):
    """``X-Content-Type-Options``, ``X-Frame-Options``, ``Referrer-Policy``, an optional
    ``Content-Security-Policy``, and ``Strict-Transport-Security`` on https requests.

    Config: ``SECURITY_CONTENT_TYPE_NOSNIFF`` (True), ``SECURITY_FRAME_OPTIONS``
    ("DENY"), ``SECURITY_REFERRER_POLICY`` ("strict-origin-when-cross-origin"),
    ``SECURITY_CONTENT_SECURITY_POLICY`` (None) with ``SECURITY_CSP_REPORT_ONLY``,
    ``SECURITY_HSTS_SECONDS`` (one year; 0 turns HSTS off),
    ``SECURITY_HSTS_INCLUDE_SUBDOMAINS`` (True), ``SECURITY_HSTS_PRELOAD`` (False).
    HSTS is only sent over https (run behind a proxy with proxy headers trusted, so the
    scheme is the client's).
    """

    websocket = False

    def __init__(
        self,
        app: PyJolt,
        content_security_policy: str | None = _UNSET,
        frame_options: str | None = _UNSET,
        hsts_seconds: int | None = None,
    ) -> None:
        super().__init__(app)
        configs = app.configs
        csp = (
            configs.SECURITY_CONTENT_SECURITY_POLICY
            if content_security_policy is _UNSET
            else content_security_policy
        )
        frames = configs.SECURITY_FRAME_OPTIONS if frame_options is _UNSET else frame_options
        headers: dict[str, str] = {}
        if configs.SECURITY_CONTENT_TYPE_NOSNIFF:
            headers["x-content-type-options"] = "nosniff"
        if frames:
            headers["x-frame-options"] = frames
        if configs.SECURITY_REFERRER_POLICY:
            headers["referrer-policy"] = configs.SECURITY_REFERRER_POLICY
        if csp:
            name = "content-security-policy"
            if configs.SECURITY_CSP_REPORT_ONLY:
                name += "-report-only"
            headers[name] = csp
        self.headers = tuple(headers.items())
        seconds = configs.SECURITY_HSTS_SECONDS if hsts_seconds is None else hsts_seconds
        hsts = f"max-age={int(seconds)}" if seconds else None
        if hsts and configs.SECURITY_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if hsts and configs.SECURITY_HSTS_PRELOAD:
            hsts += "; preload"
        self.hsts = hsts

    async def __call__(self, req: Request, call_next: CallNext) -> Response[Any]:
        response = await call_next(req)
        headers = response.headers
        for name, value in self.headers:
            headers.setdefault(name, value)
        if self.hsts is not None and req.scheme == "https":
            headers.setdefault("strict-transport-security", self.hsts)
        return response
