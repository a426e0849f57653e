"""The Cache extension: ``@cache.cache(duration=...)`` stores whole endpoint responses.

Apply ``@cache.cache`` as the bottom-most decorator (directly above the handler) so
``@auth.login_required`` / ``@auth.role_required`` run before a cached response is
returned; the opposite order is refused when the app is built.
"""

from __future__ import annotations

import functools
import logging
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ..auth.authentication import is_auth_wrapper, is_login_wrapper, wrapper_chain
from ..controller.endpoint import EndpointDefinitionError, as_async, coerce_result
from ..controller.metadata import add_wrapper_check
from ..extension import BaseExtension
from ..response import Response
from .backends.base import CacheBackend
from .backends.memory import MemoryCacheBackend
from .entries import CachedResponse
from .policy import (
    CACHEABLE_METHODS,
    endpoint_key_prefix,
    request_is_personal,
    response_cache_key,
    response_is_storable,
)
from .settings import DEFAULT_DURATION, DEFAULT_MAX_ENTRY_SIZE, CacheSettings

if TYPE_CHECKING:
    from ..app import PyJolt
    from ..controller.endpoint import Endpoint
    from ..request import Request

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

ITEM_NAMESPACE = "item:"


def _check_duration(duration: float | None) -> None:
    if duration is not None and not duration > 0:
        raise ValueError(f"cache duration must be a positive number of seconds, got {duration}")


def endpoint_name(handler: Callable[..., Any]) -> str:
    """``module.Class.method`` of a handler (the same for every wrapper around it)."""
    return f"{handler.__module__}.{handler.__qualname__}"


class Cache(BaseExtension):
    """Response and value cache in memory (default) or Redis (``CACHE_REDIS_URL``).

    Config: ``CACHE_DURATION`` (300 s), ``CACHE_REDIS_URL``, ``CACHE_REDIS_PASSWORD``,
    ``CACHE_KEY_PREFIX`` ("pyjolt:cache:"), ``CACHE_MAX_ENTRIES`` (1000, memory),
    ``CACHE_MAX_MEMORY`` (64 MiB, memory), ``CACHE_MAX_ENTRY_SIZE`` (1 MiB),
    ``CACHE_REDIS_TIMEOUT`` (1 s), ``CACHE_REDIS_RETRY_INTERVAL`` (5 s).
    """

    name = "cache"

    def __init__(self, variable_prefix: str = "") -> None:
        super().__init__(variable_prefix)
        self._apps: weakref.WeakSet[PyJolt] = weakref.WeakSet()
        self._backend: CacheBackend = MemoryCacheBackend()
        self.duration: float = DEFAULT_DURATION
        self.max_entry_size: int = DEFAULT_MAX_ENTRY_SIZE

    # --- extension ---------------------------------------------------------------------
    def init_app(self, app: PyJolt) -> None:
        super().init_app(app)
        self._apps.add(app)
        settings = app.configs.register_section(CacheSettings, self.variable_prefix)
        self.duration = settings.CACHE_DURATION
        self.max_entry_size = settings.CACHE_MAX_ENTRY_SIZE
        self._backend = self._make_backend(settings)
        app.add_on_startup(self._backend.start)
        app.add_on_shutdown(self._backend.close)

    def _make_backend(self, settings: CacheSettings) -> CacheBackend:
        if settings.CACHE_REDIS_URL:
            from .backends.redis import RedisCacheBackend

            return RedisCacheBackend(
                settings.CACHE_REDIS_URL,
                password=settings.CACHE_REDIS_PASSWORD,
                key_prefix=settings.CACHE_KEY_PREFIX,
                timeout=settings.CACHE_REDIS_TIMEOUT,
                retry_interval=settings.CACHE_REDIS_RETRY_INTERVAL,
            )
        return MemoryCacheBackend(
            max_entries=settings.CACHE_MAX_ENTRIES, max_memory=settings.CACHE_MAX_MEMORY
        )

    def worker_warnings(self, workers: int) -> list[str]:
        """What is wrong with this cache when the app runs in ``workers`` processes."""
        if workers > 1 and isinstance(self._backend, MemoryCacheBackend):
            return [
                f"{self.variable_prefix}CACHE_REDIS_URL is not set: each worker process has "
                f"its own cache ({workers} workers), so entries and invalidations are not "
                "shared; use Redis when running more than one worker"
            ]
        return []

    @property
    def backend(self) -> CacheBackend:
        """The storage in use (MemoryCacheBackend or RedisCacheBackend)."""
        return self._backend

    # --- values ------------------------------------------------------------------------
    async def set(
        self,
        key: str,
        value: Response[Any] | Mapping[str, Any],
        duration: float | None = None,
    ) -> None:
        """Store a response (or a dict shaped like :meth:`get`'s result) under ``key``."""
        _check_duration(duration)
        if isinstance(value, Response):
            entry = CachedResponse.from_response(value)
        else:
            entry = CachedResponse.from_dict(dict(value))
        ttl = duration if duration is not None else self.duration
        await self._backend.set(ITEM_NAMESPACE + key, entry.to_bytes(), ttl)

    async def get(self, key: str) -> dict[str, Any] | None:
        """``{"status_code", "headers", "media_type", "body"}`` stored under ``key``, or None."""
        data = await self._backend.get(ITEM_NAMESPACE + key)
        entry = CachedResponse.from_bytes(data) if data is not None else None
        return entry.as_dict() if entry is not None else None

    async def delete(self, key: str) -> None:
        """Remove the value stored under ``key``."""
        await self._backend.delete(ITEM_NAMESPACE + key)

    async def clear(self) -> None:
        """Remove every entry of this cache (only keys under CACHE_KEY_PREFIX in Redis)."""
        await self._backend.delete_prefix("")

    async def invalidate(self, handler: Callable[..., Any]) -> None:
        """Remove every cached response of one endpoint (``UsersApi.get_user``)."""
        await self._backend.delete_prefix(endpoint_key_prefix(endpoint_name(handler)))

    # --- per-user keys -------------------------------------------------------------------
    def user_key(self, user: Any) -> str | None:
        """A stable identifier of ``req.user`` for ``per_user`` entries; None: do not cache.

        Reads ``sub`` or ``id`` of a dict (JWT claims) or the ``id`` attribute of an
        object. Override it for other user types.
        """
        if isinstance(user, Mapping):
            ident = user.get("sub", user.get("id"))
        else:
            ident = getattr(user, "id", None)
        return None if ident is None else f"{type(ident).__name__}:{ident}"

    # --- decorator ---------------------------------------------------------------------
    @overload
    def cache(self, func: F) -> F: ...

    @overload
    def cache(
        self, func: None = None, *, duration: float | None = None, per_user: bool = False
    ) -> Callable[[F], F]: ...

    def cache(
        self,
        func: Callable[..., Any] | None = None,
        *,
        duration: float | None = None,
        per_user: bool = False,
    ) -> Any:
        """Cache the endpoint's whole response for ``duration`` seconds (CACHE_DURATION).

        Apply it bottom-most, below ``@auth.login_required``. Requests with an
        Authorization or Cookie header are not served from (or stored in) the shared
        cache; with ``per_user=True`` entries are keyed by :meth:`user_key` of
        ``req.user`` instead, which needs ``@auth.login_required`` above.
        """
        _check_duration(duration)

        def decorate(handler: F) -> F:
            return self._wrap(handler, duration, per_user)  # type: ignore[return-value]

        return decorate(func) if func is not None else decorate

    def _wrap(
        self, handler: Callable[..., Any], duration: float | None, per_user: bool
    ) -> Callable[..., Any]:
        call = as_async(handler)
        name = endpoint_name(handler)

        @functools.wraps(handler)
        async def cache_wrapper(controller: Any, req: Request, *args: Any, **kwargs: Any) -> Any:
            if req.method not in CACHEABLE_METHODS:
                return await call(controller, req, *args, **kwargs)
            user_part = None
            if per_user:
                user_part = self.user_key(req.user) if req.user is not None else None
                if user_part is None:
                    logger.warning("%s: per_user cache needs req.user with an id; not cached", name)
                    return await call(controller, req, *args, **kwargs)
            elif request_is_personal(req):
                return await call(controller, req, *args, **kwargs)
            key = response_cache_key(name, req, user_part)
            stored = await self._backend.get(key)
            entry = CachedResponse.from_bytes(stored) if stored is not None else None
            if entry is not None:
                return entry.apply_to(req.response)
            response = coerce_result(req, await call(controller, req, *args, **kwargs))
            if response_is_storable(response, self.max_entry_size):
                ttl = duration if duration is not None else self.duration
                await self._backend.set(key, CachedResponse.from_response(response).to_bytes(), ttl)
            return response

        add_wrapper_check(
            cache_wrapper, functools.partial(self._check_endpoint, cache_wrapper, per_user)
        )
        return cache_wrapper

    def _check_endpoint(
        self, cache_wrapper: Callable[..., Any], per_user: bool, endpoint: Endpoint
    ) -> None:
        if endpoint.controller.app not in self._apps:
            raise EndpointDefinitionError(
                f"{endpoint.name}: uses @cache.cache but the Cache extension is not "
                "initialised on this app; add it to EXTENSIONS (e.g. 'app.extensions:cache')"
            )
        chain = wrapper_chain(endpoint.func)
        position = chain.index(cache_wrapper) if cache_wrapper in chain else 0
        if any(is_auth_wrapper(func) for func in chain[position + 1 :]):
            raise EndpointDefinitionError(
                f"{endpoint.name}: @cache.cache must be the bottom-most decorator, below "
                "@auth.login_required / @auth.role_required; otherwise cached responses "
                "would be served without authentication"
            )
        if per_user and not any(is_login_wrapper(func) for func in chain[:position]):
            raise EndpointDefinitionError(
                f"{endpoint.name}: @cache.cache(per_user=True) needs @auth.login_required "
                "above it to set req.user"
            )
