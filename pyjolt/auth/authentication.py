"""The Authentication extension: ``@auth.login_required`` and ``@auth.role_required``.

Subclass :class:`Authentication`, implement ``user_loader`` (and ``role_check`` when
roles are used), list the instance in EXTENSIONS. The decorators wrap handlers with
``functools.wraps``, so the endpoint compiler still sees the handler's own signature.
"""

from __future__ import annotations

import functools
import inspect
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ..controller.endpoint import EndpointDefinitionError, as_async
from ..controller.metadata import add_wrapper_check
from ..exceptions.http_exceptions import AuthenticationException, UnauthorizedException
from ..extension import BaseExtension
from .passwords import (
    DEFAULT_ROUNDS,
    hash_password,
    hash_password_async,
    verify_password,
    verify_password_async,
)
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
ROLE_WRAPPER_ATTR = "__pyjolt_role_required__"


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
    """True if ``func`` is a wrapper made by ``@auth.login_required``."""
    return _is_marked(func, LOGIN_WRAPPER_ATTR)


def is_auth_wrapper(func: Callable[..., Any]) -> bool:
    """True if ``func`` is a wrapper made by ``login_required`` or ``role_required``."""
    return _is_marked(func, LOGIN_WRAPPER_ATTR) or _is_marked(func, ROLE_WRAPPER_ATTR)


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class Authentication(BaseExtension):
    """Base class of an app's authentication: subclass it and implement ``user_loader``.

    Needs ``SECRET_KEY`` (at least 32 bytes; checked at startup). Optional config:
    ``AUTHENTICATION_ERROR_MESSAGE``, ``UNAUTHORIZED_ERROR_MESSAGE``,
    ``AUTHENTICATION_BCRYPT_ROUNDS`` (default 12).
    """

    name = "authentication"

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

    # --- extension ---------------------------------------------------------------------
    def init_app(self, app: PyJolt) -> None:
        super().init_app(app)
        self._apps.add(app)
        app.add_on_startup(self._check_configuration)

    async def _check_configuration(self) -> None:
        """Fail startup on a missing or short SECRET_KEY rather than on the first login."""
        self._key()

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

    def _message(self, req: Request, key: str, default: str) -> str:
        value = req.app.configs.get(f"{self.variable_prefix}{key}", None)
        return str(value) if value is not None else default

    # --- decorators --------------------------------------------------------------------
    def login_required(self, func: F) -> F:
        """Load the user with ``user_loader`` into ``req.user``, or answer 401."""
        call = as_async(func)

        @functools.wraps(func)
        async def login_wrapper(controller: Any, req: Request, *args: Any, **kwargs: Any) -> Any:
            user = await _maybe_await(self.user_loader(req))
            if user is None:
                raise AuthenticationException(
                    self._message(
                        req, "AUTHENTICATION_ERROR_MESSAGE", AuthenticationException.default_message
                    )
                )
            req.user = user
            return await call(controller, req, *args, **kwargs)

        _mark(login_wrapper, LOGIN_WRAPPER_ATTR)
        add_wrapper_check(login_wrapper, self._check_initialised)
        return login_wrapper  # type: ignore[return-value]

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
            call = as_async(func)

            @functools.wraps(func)
            async def role_wrapper(controller: Any, req: Request, *args: Any, **kwargs: Any) -> Any:
                user = req.user
                if user is None:  # unreachable when the build-time check passed
                    raise AuthenticationException(
                        self._message(
                            req,
                            "AUTHENTICATION_ERROR_MESSAGE",
                            AuthenticationException.default_message,
                        )
                    )
                if not await _maybe_await(self.role_check(user, list(required))):
                    raise UnauthorizedException(
                        self._message(
                            req,
                            "UNAUTHORIZED_ERROR_MESSAGE",
                            UnauthorizedException.default_message,
                        )
                    )
                return await call(controller, req, *args, **kwargs)

            _mark(role_wrapper, ROLE_WRAPPER_ATTR)
            add_wrapper_check(role_wrapper, functools.partial(self._check_roles, role_wrapper))
            return role_wrapper  # type: ignore[return-value]

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
            if is_login_wrapper(func):
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

        Passwords over 72 bytes raise PasswordTooLongError (a 400) instead of being
        truncated.
        """
        return hash_password(password, self._rounds())

    def check_password_hash(self, password: str, hashed_password: str) -> bool:
        """True when ``password`` matches. Blocks: in handlers prefer the ``_async`` variant."""
        return verify_password(password, hashed_password)

    async def create_password_hash_async(self, password: str) -> str:
        """:meth:`create_password_hash` in a worker thread (keeps the event loop free)."""
        return await hash_password_async(password, self._rounds())

    async def check_password_hash_async(self, password: str, hashed_password: str) -> bool:
        """:meth:`check_password_hash` in a worker thread (keeps the event loop free)."""
        return await verify_password_async(password, hashed_password)

    # --- JWT -------------------------------------------------------------------------------
    def create_jwt_token(self, payload: dict[str, Any], expires_in: int = 3600) -> str:
        """An HS256 JWT of ``payload`` that expires in ``expires_in`` seconds."""
        return encode_jwt(payload, self._key(), expires_in)

    def validate_jwt_token(self, token: str) -> dict[str, Any] | None:
        """The claims of a valid, unexpired token signed with SECRET_KEY; otherwise None."""
        return decode_jwt(token, self._key())
