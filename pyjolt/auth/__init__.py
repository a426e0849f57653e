"""User authentication: the Authentication extension and its helpers.

``from pyjolt.auth import Authentication`` and subclass it (see docs/authentication.md).
"""

from .authentication import Authentication, is_auth_wrapper, is_login_wrapper
from .bearer import JWTAuthentication, bearer_token
from .passwords import MAX_PASSWORD_BYTES
from .tokens import MIN_HMAC_KEY_BYTES

__all__ = [
    "MAX_PASSWORD_BYTES",
    "MIN_HMAC_KEY_BYTES",
    "Authentication",
    "JWTAuthentication",
    "bearer_token",
    "is_auth_wrapper",
    "is_login_wrapper",
]
