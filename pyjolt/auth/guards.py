"""The checks behind ``login_required``, ``login_optional`` and ``role_required``.

Each is a guard (see :mod:`pyjolt.controller.guards`): the endpoint runs it before its
``before_request`` hooks and before reading the body, so an anonymous caller gets 401
(and a caller without the role 403) whatever body it sent. The OpenAPI builder reads the
same objects to document security requirements and the 401/403 answers.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from ..exceptions.http_exceptions import UnauthorizedException

if TYPE_CHECKING:
    from ..request import Request
    from .authentication import Authentication


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class AuthGuard:
    """A guard of one Authentication extension; ``requirement`` names what it demands."""

    __slots__ = ("auth",)

    #: ``"login"``, ``"optional"`` or ``"roles"``: read by the OpenAPI builder.
    requirement = ""

    def __init__(self, auth: Authentication) -> None:
        self.auth = auth

    async def load_user(self, req: Request) -> Any:
        return await _maybe_await(self.auth.user_loader(req))

    async def __call__(self, req: Request) -> None:
        raise NotImplementedError


class LoginGuard(AuthGuard):
    """Loads ``req.user``; no user is a 401."""

    __slots__ = ()
    requirement = "login"

    async def __call__(self, req: Request) -> None:
        user = await self.load_user(req)
        if user is None:
            raise self.auth.authentication_error(req)
        req.user = user


class OptionalLoginGuard(AuthGuard):
    """Loads ``req.user`` when the caller is logged in; anonymous callers get ``None``.

    Credentials that were sent but do not load a user (an expired or forged token) are
    still a 401: silently treating them as anonymous would hide a client's bug and show
    a logged-in user a page without their data.
    """

    __slots__ = ()
    requirement = "optional"

    async def __call__(self, req: Request) -> None:
        user = await self.load_user(req)
        if user is None and self.auth.credentials_present(req):
            raise self.auth.authentication_error(req)
        req.user = user


class RoleGuard(AuthGuard):
    """Answers 403 unless ``role_check(req.user, roles)`` is true."""

    __slots__ = ("roles",)
    requirement = "roles"

    def __init__(self, auth: Authentication, roles: list[Any]) -> None:
        super().__init__(auth)
        self.roles = roles

    async def __call__(self, req: Request) -> None:
        if req.user is None:  # only when called outside an endpoint without login first
            raise self.auth.authentication_error(req)
        if not await _maybe_await(self.auth.role_check(req.user, list(self.roles))):
            raise UnauthorizedException(
                self.auth.configured_message(
                    req, "UNAUTHORIZED_ERROR_MESSAGE", UnauthorizedException.default_message
                )
            )
