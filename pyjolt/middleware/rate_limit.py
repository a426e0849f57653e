"""RateLimitMiddleware: every request (and WebSocket handshake) counted per client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..exceptions.http_exceptions import TooManyRequests
from ..importing import load_import_string
from ..ratelimit.limiter import RateLimiter, backend_for, client_key, key_function
from ..ratelimit.limits import RateLimit, Strategy
from .chain import CallNext, Middleware, MiddlewareError

if TYPE_CHECKING:
    from ..app import PyJolt
    from ..request import Request
    from ..response import Response


class RateLimitMiddleware(Middleware):
    """429 with ``Retry-After`` once a client passes ``RATE_LIMIT`` (e.g. ``"100/minute"``).

    Config: ``RATE_LIMIT``, ``RATE_LIMIT_STRATEGY`` (``fixed-window`` or
    ``token-bucket``), ``RATE_LIMIT_KEY_FUNC`` (import string of ``key(req) -> str``;
    default: the client address), ``RATE_LIMIT_REDIS_URL`` (count in Redis, shared by
    every worker) and ``RATE_LIMIT_KEY_PREFIX``. Per-user limits go on endpoints, with
    ``@rate_limit(..., key="user")`` under ``@auth.login_required``.
    """

    def __init__(
        self,
        app: PyJolt,
        limit: str | None = None,
        strategy: Strategy | None = None,
        key: Any = None,
    ) -> None:
        super().__init__(app)
        configs = app.configs
        text = limit or configs.RATE_LIMIT
        if not text:
            raise MiddlewareError("RateLimitMiddleware needs RATE_LIMIT, e.g. '100/minute'")
        if key is None and configs.RATE_LIMIT_KEY_FUNC:
            key = load_import_string(configs.RATE_LIMIT_KEY_FUNC, "RATE_LIMIT_KEY_FUNC")
        self.limiter = RateLimiter(
            RateLimit.parse(text, "RATE_LIMIT"),
            strategy or configs.RATE_LIMIT_STRATEGY,
            key_function(key) if key is not None else client_key,
            "app",
        )
        self.backend = backend_for(app)

    async def __call__(self, req: Request, call_next: CallNext) -> Response[Any]:
        try:
            await self.limiter.check(req, self.backend)
        except TooManyRequests as exc:
            return await self.app.response_for_exception(req, exc)
        return await call_next(req)
