"""The Authentication extension: ``login_required``, ``login_optional``, ``role_required``.

Subclass :class:`Authentication`, implement ``user_loader`` (and ``role_check`` when
roles are used), list the instance in EXTENSIONS. The decorators wrap handlers with
``functools.wraps``, so the endpoint compiler still sees the handler's own signature.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ..controller.endpoint import EndpointDefinitionError, as_async
from ..controller.guards import attach_guard, guard_passed
from ..controller.metadata import add_wrapper_check
from ..exceptions.http_exceptions import AuthenticationException
from ..extension import BaseExtension
from .guards import AuthGuard, LoginGuard, OptionalLoginGuard, RoleGuard
from .passwords import (
    DEFAULT_ROUNDS,
    hash_password,
    hash_password_async,
    verify_password,
    verify_password_async,
)
from .schemes import (
    authorization_credentials,
    challenge,
    parse_schemes,
    security_scheme,
    security_scheme_name,
)
from .settings import AuthenticationSettings
from .signed_cookies import DEFAULT_COOKIE_SALT, sign_value, unsign_value
from .tokens import decode_jwt, encode_jwt, hmac_key

if TYPE_CHECKING:
    from ..app import PyJolt
    from ..controller.endpoint import Endpoint
    from ..request import Request

F = TypeVar("F", bound=Callable[..., Any])

#: Set on a wrapper to its own ``id``. ``functools.wraps`` copies the attribute onto
#: outer wrappers, so only the function whose id matches is the wrapper itself.
LOGIN_WRAPPER_ATTR = "__pyjolt_login_required__"
OPTIONAL_LOGIN_WRAPPER_ATTR = "__pyjolt_login_optional__"
ROLE_WRAPPER_ATTR = "__pyjolt_role_required__"
AUTH_WRAPPER_ATTRS = (LOGIN_WRAPPER_ATTR, OPTIONAL_LOGIN_WRAPPER_ATTR, ROLE_WRAPPER_ATTR)


def _mark(wrapper: Callable[..., Any], attr: str) -> None:
    setattr(wrapper, attr, id(wrapper))


def _is_marked(func: Callable[..., Any], attr: str) -> bool:
    return getattr(func, attr, None) == id(func)


def wrapper_chain(func: Callable[..., Any]) -> list[Callable[..., Any]]:
    """``func`` and every function it wraps, outermost first."""
    chain = []
    current: Any = func
    while current is not None and current not in chain:
        chain.append(current)
        current = getattr(current, "__wrapped__", None)
    return chain


def is_login_wrapper(func: Callable[..., Any]) -> bool:
    """True if ``func`` is a wrapper made by ``login_required`` or ``login_optional``."""
    return _is_marked(func, LOGIN_WRAPPER_ATTR) or _is_marked(func, OPTIONAL_LOGIN_WRAPPER_ATTR)


def is_auth_wrapper(func: Callable[..., Any]) -> bool:
    """True if ``func`` is a wrapper made by one of the Authentication decorators."""
    return any(_is_marked(func, attr) for attr in AUTH_WRAPPER_ATTRS)


class Authentication(BaseExtension):
    """Base class of an app's authentication: subclass it and implement ``user_loader``.

    Needs ``SECRET_KEY`` (at least 32 bytes; checked at startup). Optional config:
    ``AUTHENTICATION_ERROR_MESSAGE``, ``UNAUTHORIZED_ERROR_MESSAGE``,
    ``AUTHENTICATION_BCRYPT_ROUNDS`` (default 12) and ``AUTHENTICATION_SCHEMES`` (the
    ``Authorization`` header schemes accepted, e.g. ``["Bearer", "Token"]``).
    """

    name = "authentication"
    #: ``Authorization`` schemes accepted when ``AUTHENTICATION_SCHEMES`` is not set.
    default_schemes: tuple[str, ...] = ()
    #: ``bearerFormat`` of a Bearer scheme in the OpenAPI document (e.g. ``"JWT"``).
    bearer_format: str | None = None

    def __init__(self, variable_prefix: str = "") -> None:
        super().__init__(variable_prefix)
        self._apps: weakref.WeakSet[PyJolt] = weakref.WeakSet()

    # --- to implement ------------------------------------------------------------------
    async def user_loader(self, req: Request) -> Any:
        """Return the user making ``req``, or None when it is not authenticated."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement 'async def user_loader(self, req)'"
        )

    async def role_check(self, user: Any, roles: list[Any]) -> bool:
        """Return True when ``user`` may use an endpoint requiring any of ``roles``."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement 'async def role_check(self, user, roles)' "
            "to use @role_required"
        )

    def credentials_present(self, req: Request) -> bool:
        """Whether ``req`` carries credentials at all (used by ``login_optional``).

        A request that sends credentials which do not load a user is refused with 401
        even on ``login_optional`` endpoints. The default looks for an ``Authorization``
        header; override it when credentials travel in a cookie.
        """
        return bool(req.headers.get("authorization", "").strip())

    # --- extension ---------------------------------------------------------------------
    def init_app(self, app: PyJolt) -> None:
        app.configs.register_section(AuthenticationSettings, self.variable_prefix)
        super().init_app(app)
        self._apps.add(app)
        app.add_on_startup(self._check_configuration)

    async def _check_configuration(self) -> None:
        """Fail startup on a missing or short SECRET_KEY rather than on the first login."""
        self._key()
        _ = self.schemes

    def _conf(self, key: str, default: Any = None) -> Any:
        return self.get_conf(key, default) if self._app is not None else default

    def _key(self) -> bytes:
        """SECRET_KEY (``{prefix}SECRET_KEY`` first when a prefix is set) as bytes."""
        if self._app is None:
            raise RuntimeError(
                f"{type(self).__name__} is not initialised: add it to EXTENSIONS "
                "or call init_app(app) before signing cookies or tokens"
            )
        setting = f"{self.variable_prefix}SECRET_KEY"
        secret = self.get_conf("SECRET_KEY")
        if secret is None and self.variable_prefix:
            setting, secret = "SECRET_KEY", self.app.configs.get("SECRET_KEY")
        return hmac_key(secret, setting)

    def configured_message(self, req: Request, key: str, default: str) -> str:
        """The message configured under ``{prefix}{key}``, or ``default``."""
        value = req.app.configs.get(f"{self.variable_prefix}{key}", None)
        return str(value) if value is not None else default

    # --- Authorization header schemes -----------------------------------------------------
    @property
    def schemes(self) -> tuple[str, ...]:
        """The accepted ``Authorization`` schemes: ``AUTHENTICATION_SCHEMES`` or the default."""
        configured = self._conf("AUTHENTICATION_SCHEMES")
        if configured is None:
            return self.default_schemes
        return parse_schemes(configured, f"{self.variable_prefix}AUTHENTICATION_SCHEMES")

    def authorization_credentials(self, req: Request) -> str | None:
        """The credentials of ``Authorization: <scheme> <credentials>`` in an accepted scheme."""
        return authorization_credentials(req, self.schemes)

    def authentication_error(self, req: Request) -> AuthenticationException:
        """The 401 to raise for ``req``, with a ``WWW-Authenticate`` challenge per scheme."""
        message = self.configured_message(
            req, "AUTHENTICATION_ERROR_MESSAGE", AuthenticationException.default_message
        )
        schemes = self.schemes
        headers = (
            {"WWW-Authenticate": challenge(schemes, self.credentials_present(req))}
            if schemes
            else None
        )
        return AuthenticationException(message, headers=headers)

    def openapi_security_schemes(self) -> dict[str, dict[str, Any]]:
        """OpenAPI ``securitySchemes`` entries for the accepted schemes.

        Empty when no header scheme is configured (a cookie read by a custom
        ``user_loader``): override it to describe such credentials, e.g.
        ``{"SessionCookie": {"type": "apiKey", "in": "cookie", "name": "auth_cookie"}}``.
        """
        return {
            security_scheme_name(scheme): security_scheme(scheme, self.bearer_format)
            for scheme in self.schemes
        }

    # --- decorators --------------------------------------------------------------------
    def _guarded(self, func: F, guard: AuthGuard, mark: str) -> F:
        """Wrap ``func`` so that ``guard`` runs first, unless the endpoint already ran it."""
        call = as_async(func)

        @functools.wraps(func)
        async def guarded(controller: Any, req: Request, *args: Any, **kwargs: Any) -> Any:
            if not guard_passed(req, guard):
                await guard(req)
            return await call(controller, req, *args, **kwargs)

        _mark(guarded, mark)
        attach_guard(guarded, guard)
        return guarded  # type: ignore[return-value]

    def login_required(self, func: F) -> F:
        """Load the user with ``user_loader`` into ``req.user``, or answer 401.

        Runs before the body is read or validated and before ``before_request`` hooks.
        """
        wrapper = self._guarded(func, LoginGuard(self), LOGIN_WRAPPER_ATTR)
        add_wrapper_check(wrapper, self._check_initialised)
        return wrapper

    def login_optional(self, func: F) -> F:
        """Load ``req.user`` when the request is authenticated, else leave it ``None``.

        For endpoints that answer everyone but personalise for a logged-in user.
        Credentials that are present but invalid still answer 401.
        """
        wrapper = self._guarded(func, OptionalLoginGuard(self), OPTIONAL_LOGIN_WRAPPER_ATTR)
        add_wrapper_check(wrapper, self._check_initialised)
        return wrapper

    def role_required(self, *roles: Any) -> Callable[[F], F]:
        """Answer 403 unless ``role_check(req.user, roles)`` is true.

        ``@auth.login_required`` must be applied above it (it loads ``req.user``); an
        endpoint that breaks this rule fails when the app is built.
        """
        if not roles:
            raise ValueError("role_required() needs at least one role")
        required = list(roles)
        if len(required) == 1 and isinstance(required[0], (list, tuple, set, frozenset)):
            required = list(required[0])

        def decorate(func: F) -> F:
            wrapper = self._guarded(func, RoleGuard(self, required), ROLE_WRAPPER_ATTR)
            add_wrapper_check(wrapper, functools.partial(self._check_roles, wrapper))
            return wrapper

        return decorate

    # --- build-time checks ---------------------------------------------------------------
    def _check_initialised(self, endpoint: Endpoint) -> None:
        app = endpoint.controller.app
        if app not in self._apps:
            raise EndpointDefinitionError(
                f"{endpoint.name}: uses @{type(self).__name__}.login_required but the "
                f"{type(self).__name__} extension is not initialised on this app; add it "
                "to EXTENSIONS (e.g. 'app.authentication:auth') or call auth.init_app(app)"
            )

    def _check_roles(self, role_wrapper: Callable[..., Any], endpoint: Endpoint) -> None:
        self._check_initialised(endpoint)
        for func in wrapper_chain(endpoint.func):
            if func is role_wrapper:
                raise EndpointDefinitionError(
                    f"{endpoint.name}: @role_required needs @login_required applied above "
                    "it (login_required loads req.user first):\n"
                    "    @auth.login_required\n    @auth.role_required(...)\n"
                    "    async def handler(self, req): ..."
                )
            if _is_marked(func, LOGIN_WRAPPER_ATTR):
                break
        if type(self).role_check is Authentication.role_check:
            raise EndpointDefinitionError(
                f"{endpoint.name}: uses @role_required but {type(self).__name__} does not "
                "implement 'async def role_check(self, user, roles) -> bool'"
            )

    # --- signed cookies ------------------------------------------------------------------
    def create_signed_cookie_value(self, value: str | int, salt: str = DEFAULT_COOKIE_SALT) -> str:
        """``value`` signed with SECRET_KEY; use one ``salt`` per purpose of the cookie."""
        return sign_value(self._key(), value, salt)

    def decode_signed_cookie(
        self, cookie_value: str, salt: str = DEFAULT_COOKIE_SALT, max_age: int | None = None
    ) -> str | None:
        """The signed value, or None if tampered with, of another salt or older than max_age."""
        return unsign_value(self._key(), cookie_value, salt, max_age)

    # --- passwords -----------------------------------------------------------------------
    def _rounds(self) -> int:
        return int(self._conf("AUTHENTICATION_BCRYPT_ROUNDS", DEFAULT_ROUNDS))

    def create_password_hash(self, password: str) -> str:
        """A bcrypt hash. Blocks for ~0.2 s: in handlers prefer the ``_async`` variant.

        Every byte of a password counts: over bcrypt's 72 bytes it is hashed with
        SHA-256 first (see pyjolt.auth.passwords), never truncated.
        """
        return hash_password(password, self._rounds())

    def check_password_hash(self, password: str, hashed_password: str | None) -> bool:
        """True when ``password`` matches. Blocks: in handlers prefer the ``_async`` variant.

        Pass ``None`` when no account was found: it is refused after a check of the
        same cost, so the time of the answer does not reveal which accounts exist.
        """
        return verify_password(password, hashed_password, self._rounds())

    async def create_password_hash_async(self, password: str) -> str:
        """:meth:`create_password_hash` in a worker thread (keeps the event loop free)."""
        return await hash_password_async(password, self._rounds())

    async def check_password_hash_async(self, password: str, hashed_password: str | None) -> bool:
        """:meth:`check_password_hash` in a worker thread (keeps the event loop free)."""
        return await verify_password_async(password, hashed_password, self._rounds())

    # --- JWT -------------------------------------------------------------------------------
    def create_jwt_token(self, payload: dict[str, Any], expires_in: int = 3600) -> str:
        """An HS256 JWT of ``payload`` that expires in ``expires_in`` seconds."""
        return encode_jwt(payload, self._key(), expires_in)

    def validate_jwt_token(self, token: str) -> dict[str, Any] | None:
        """The claims of a valid, unexpired token signed with SECRET_KEY; otherwise None."""
        return decode_jwt(token, self._key())
