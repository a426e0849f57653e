"""RateLimiter: one limit, one strategy, one way of naming the caller; and ``@rate_limit``.

The middleware limits every request by client; ``@rate_limit`` limits one endpoint and
runs as a guard, after the authentication guards above it, so it can count per user.
"""

from __future__ import annotations

import functools
import logging
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from ..controller.endpoint import as_async
from ..controller.guards import attach_guard, guard_passed
from ..exceptions.http_exceptions import TooManyRequests
from ..extension import configured_workers
from .limits import RateLimit, Strategy
from .memory import MemoryRateLimitBackend

if TYPE_CHECKING:
    from ..app import PyJolt
    from ..request import Request

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
KeyFunc = Callable[["Request"], str]

_backends: weakref.WeakKeyDictionary[PyJolt, Any] = weakref.WeakKeyDictionary()


def backend_for(app: PyJolt) -> Any:
    """The app's counter store (Redis with RATE_LIMIT_REDIS_URL, else memory), made once."""
    backend = _backends.get(app)
    if backend is None:
        url = app.configs.RATE_LIMIT_REDIS_URL
        if url:
            from .redis import RedisRateLimitBackend

            backend = RedisRateLimitBackend(url, app.configs.RATE_LIMIT_KEY_PREFIX)
        else:
            backend = MemoryRateLimitBackend()
            if configured_workers() > 1:
                logger.warning(
                    "Rate limits are counted in memory but WEB_CONCURRENCY=%d workers run: "
                    "each worker counts apart. Set RATE_LIMIT_REDIS_URL to share the counts",
                    configured_workers(),
                )
        app.add_on_shutdown(backend.close)
        _backends[app] = backend
    return backend


def client_key(req: Request) -> str:
    """The client's address (behind a proxy, run the server with proxy headers trusted)."""
    client = req.client
    return f"ip:{client[0]}" if client else "ip:unknown"


def user_key(req: Request) -> str:
    """The logged-in user's id (``user.id``, else the user itself); the client if anonymous."""
    user = req.user
    if user is None:
        return client_key(req)
    return f"user:{getattr(user, 'id', user)}"


KEYS: dict[str, KeyFunc] = {"client": client_key, "user": user_key}


def key_function(key: str | KeyFunc) -> KeyFunc:
    if callable(key):
        return key
    try:
        return KEYS[key]
    except KeyError:
        raise ValueError(f"rate limit key {key!r}: use 'client', 'user' or a function") from None


class RateLimiter:
    """Counts a caller's hits under ``scope`` and refuses the ones over the limit (429)."""

    __slots__ = ("key", "limit", "scope", "strategy")

    def __init__(self, limit: RateLimit, strategy: Strategy, key: KeyFunc, scope: str) -> None:
        self.limit = limit
        self.strategy = strategy
        self.key = key
        self.scope = scope

    async def check(self, req: Request, backend: Any) -> None:
        """Count this hit; raise TooManyRequests (429, Retry-After) when over the limit."""
        decision = await backend.hit(f"{self.scope}:{self.key(req)}", self.limit, self.strategy)
        if not decision.allowed:
            raise TooManyRequests(decision.retry_after)


class RateLimitGuard:
    """The guard ``@rate_limit`` attaches: runs with the endpoint's other guards."""

    __slots__ = ("limiter",)

    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter

    async def __call__(self, req: Request) -> None:
        await self.limiter.check(req, backend_for(req.app))


def rate_limit(
    limit: str,
    *,
    key: Literal["client", "user"] | KeyFunc = "client",
    strategy: Strategy = "fixed-window",
    scope: str | None = None,
) -> Callable[[F], F]:
    """Limit calls to one endpoint: ``@rate_limit("5/minute", key="user")``.

    Put it below ``@auth.login_required`` to count per user (``key="user"``). Over the
    limit the endpoint answers 429 with ``Retry-After``; WebSocket handshakes are refused.
    Endpoints share a count when they share a ``scope`` (default: the handler's name).
    """
    parsed = RateLimit.parse(limit, "@rate_limit")
    key_func = key_function(key)

    def decorate(func: F) -> F:
        name = scope or f"{func.__module__}.{func.__qualname__}"
        guard = RateLimitGuard(RateLimiter(parsed, strategy, key_func, name))
        call = as_async(func)

        @functools.wraps(func)
        async def limited(controller: Any, req: Request, *args: Any, **kwargs: Any) -> Any:
            if not guard_passed(req, guard):
                await guard(req)
            return await call(controller, req, *args, **kwargs)

        attach_guard(limited, guard)
        return limited  # type: ignore[return-value]

    return decorate
