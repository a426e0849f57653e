"""JWTAuthentication: a ready-made user loader for ``Authorization: Bearer <jwt>``.

The accepted schemes come from ``AUTHENTICATION_SCHEMES`` (default ``["Bearer"]``), so an
API that expects ``Authorization: Token <jwt>`` only changes its config.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .authentication import Authentication
from .schemes import authorization_credentials

if TYPE_CHECKING:
    from ..request import Request


def bearer_token(req: Request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    return authorization_credentials(req, ("Bearer",))


class JWTAuthentication(Authentication):
    """Authenticates requests carrying a JWT made by :meth:`create_jwt_token`.

    ``req.user`` is the token's claims unless :meth:`load_user` is overridden to turn
    them into a user object. :meth:`role_check` reads the ``roles`` claim (a list or a
    single string); set ``roles_claim`` to read another one.
    """

    name = "jwt_authentication"
    roles_claim = "roles"
    default_schemes = ("Bearer",)
    bearer_format = "JWT"

    async def user_loader(self, req: Request) -> Any:
        token = self.authorization_credentials(req)
        if token is None:
            return None
        claims = self.validate_jwt_token(token)
        if claims is None:
            return None
        return await self.load_user(claims)

    async def load_user(self, claims: dict[str, Any]) -> Any:
        """Turn valid claims into the user (default: the claims). None answers 401."""
        return claims

    async def role_check(self, user: Any, roles: list[Any]) -> bool:
        if not isinstance(user, Mapping):
            raise TypeError(
                f"{type(self).__name__}.role_check reads the {self.roles_claim!r} claim of "
                f"a claims dict, but load_user returned {type(user).__name__}; override "
                "role_check for your user objects"
            )
        granted = user.get(self.roles_claim) or []
        if isinstance(granted, str):
            granted = [granted]
        return bool({str(role) for role in granted} & {str(role) for role in roles})
