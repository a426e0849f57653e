"""Middleware: the ``MIDDLEWARE`` config list and the middleware PyJolt ships."""

from .chain import CallNext, Middleware, MiddlewareError
from .compression import CompressionMiddleware, GZipMiddleware
from .rate_limit import RateLimitMiddleware
from .request_id import RequestIdLogFilter, RequestIdMiddleware
from .security_headers import SecurityHeadersMiddleware
from .trusted_hosts import TrustedHostMiddleware

__all__ = [
    "CallNext",
    "CompressionMiddleware",
    "GZipMiddleware",
    "Middleware",
    "MiddlewareError",
    "RateLimitMiddleware",
    "RequestIdLogFilter",
    "RequestIdMiddleware",
    "SecurityHeadersMiddleware",
    "TrustedHostMiddleware",
]
