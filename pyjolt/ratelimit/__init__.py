"""Rate limiting: ``RateLimitMiddleware`` for every request, ``@rate_limit`` per endpoint."""

from .limiter import RateLimiter, client_key, rate_limit, user_key
from .limits import Decision, RateLimit, RateLimitError
from .memory import MemoryRateLimitBackend

__all__ = [
    "Decision",
    "MemoryRateLimitBackend",
    "RateLimit",
    "RateLimitError",
    "RateLimiter",
    "client_key",
    "rate_limit",
    "user_key",
]
