"""The request path of an app that answers cross-origin requests.

Installed by build() in place of ``app.dispatch`` only when some endpoint has a CORS
policy, so apps without CORS pay nothing. Preflights are answered here, by the router:
the path is matched with the method the browser asks about, so a route that has no
``OPTIONS`` handler still answers its preflight (never a 405 when CORS allows the call).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..exceptions.http_exceptions import MethodNotAllowed
from ..request import ClientDisconnected
from .decorators import declared_cors
from .policy import CorsPolicy, CorsSettings

if TYPE_CHECKING:
    from ..app import PyJolt
    from ..request import Request
    from ..response import Response


def compile_policies(app: PyJolt) -> tuple[dict[int, CorsPolicy | None], CorsPolicy | None]:
    """Each HTTP endpoint's policy (by ``id``) and the app-wide one (for unmatched paths)."""
    configs = app.configs
    base = CorsSettings.from_config(configs)
    default = CorsPolicy(base, "CORS_* config") if configs.CORS_ENABLED else None
    policies: dict[int, CorsPolicy | None] = {}
    for name, endpoint in app.router.endpoints.items():
        declared = declared_cors(type(endpoint.controller), endpoint.func)
        if declared is None:
            policies[id(endpoint)] = default
        elif declared is False:
            policies[id(endpoint)] = None
        else:
            assert isinstance(declared, CorsSettings)
            policies[id(endpoint)] = CorsPolicy(declared.over(base), f"{name}: @cors")
    return policies, default


def cors_dispatcher(app: PyJolt) -> CorsDispatcher | None:
    """The CORS-aware dispatch for ``app``, or None when no endpoint allows CORS."""
    policies, default = compile_policies(app)
    if default is None and not any(policies.values()):
        return None
    return CorsDispatcher(app, policies, default)


class CorsDispatcher:
    """``app.dispatch`` plus preflight answers and CORS headers on every response."""

    __slots__ = ("app", "default", "policies")

    def __init__(
        self, app: PyJolt, policies: dict[int, CorsPolicy | None], default: CorsPolicy | None
    ) -> None:
        self.app = app
        self.policies = policies
        self.default = default

    def policy_for(self, path: str, method: str) -> CorsPolicy | None:
        """The policy of the endpoint serving ``method path`` (or of any method there)."""
        router = self.app.router
        try:
            endpoint, _ = router.match(path, method)
        except MethodNotAllowed as exc:
            if not exc.allowed_methods:
                return self.default
            endpoint, _ = router.match(path, exc.allowed_methods[0])
        except Exception:  # 404, a trailing-slash redirect: the app-wide policy
            return self.default
        return self.policies.get(id(endpoint), self.default)

    async def __call__(self, req: Request) -> Response[Any]:
        scope = req.scope
        origin = req.headers.get("origin")
        if origin is None:
            return await self.app.dispatch(req)
        method = scope["method"]
        if method == "OPTIONS":
            requested = req.headers.get("access-control-request-method")
            if requested:
                policy = self.policy_for(scope["path"], requested.strip().upper())
                if policy is not None:
                    return policy.preflight(req, origin, requested.strip().upper())
        policy = self.default
        app = self.app
        try:
            endpoint, req.route_parameters = app.router.match(
                scope["path"], method, scope.get("query_string", b"")
            )
            policy = self.policies.get(id(endpoint), self.default)
            response = await endpoint.handle(req)
            response.render_body()
        except ClientDisconnected:
            raise
        except Exception as exc:
            if isinstance(exc, MethodNotAllowed):  # the path's endpoints decide, not the app
                policy = self.policy_for(scope["path"], method)
            response = await app.response_for_exception(req, exc)
        if policy is not None:
            policy.apply(response, origin)
        return response
