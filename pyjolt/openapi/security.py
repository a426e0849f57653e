"""Security requirements of operations, read from the endpoints' authentication guards.

An endpoint behind ``@auth.login_required`` requires one of the extension's schemes;
``@auth.login_optional`` also allows anonymous calls (the empty requirement ``{}``).
The schemes themselves come from :meth:`Authentication.openapi_security_schemes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..auth.guards import AuthGuard

if TYPE_CHECKING:
    from ..controller.endpoint import Endpoint


@dataclass
class EndpointSecurity:
    """What an endpoint's guards demand, as the OpenAPI document states it."""

    #: The operation's ``security`` list; None when the endpoint has no auth guard.
    requirements: list[dict[str, list[str]]] | None = None
    #: 401 is possible (credentials missing or invalid).
    unauthorized: bool = False
    #: 403 is possible (a role check).
    forbidden: bool = False
    #: A ``WWW-Authenticate`` header accompanies the 401.
    challenges: bool = False
    #: The ``securitySchemes`` the requirements name.
    schemes: dict[str, dict[str, Any]] = field(default_factory=dict)


def endpoint_security(endpoint: Endpoint) -> EndpointSecurity:
    """The security of ``endpoint`` from the authentication guards it runs."""
    security = EndpointSecurity()
    auth_guards = [guard for guard in endpoint.guards if isinstance(guard, AuthGuard)]
    if not auth_guards:
        return security
    requirements: list[dict[str, list[str]]] = []
    optional = True
    for guard in auth_guards:
        schemes = guard.auth.openapi_security_schemes()
        security.schemes.update(schemes)
        security.challenges = security.challenges or bool(guard.auth.schemes)
        for name in schemes:
            if {name: []} not in requirements:
                requirements.append({name: []})
        if guard.requirement != "optional":
            optional = False
        if guard.requirement == "roles":
            security.forbidden = True
    security.unauthorized = True
    if requirements:
        security.requirements = ([{}] if optional else []) + requirements
    return security
