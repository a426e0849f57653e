"""The generator kinds: one module per kind, listed once here.

``pyjolt generate KIND`` and ``pyjolt destroy KIND`` (and their ``--help``) are built
from :data:`KINDS`; adding a kind means adding its module (a :class:`~.base.Kind`
subclass) and its copier template folder, then listing it below. Importing this
package is cheap: the kind modules declare data and import heavy things inside
functions.
"""

from __future__ import annotations

from ..errors import UsageError
from .ai import AI
from .auth import AUTH
from .base import Kind
from .cache import CACHE
from .controller import CONTROLLER
from .deploy import DEPLOY
from .exception_handler import EXCEPTION_HANDLER
from .middleware import MIDDLEWARE
from .model import MODEL
from .resource import RESOURCE
from .scheduler import SCHEDULER
from .websocket import WEBSOCKET

KINDS: tuple[Kind, ...] = (
    CONTROLLER,
    MODEL,
    RESOURCE,
    EXCEPTION_HANDLER,
    WEBSOCKET,
    MIDDLEWARE,
    AUTH,
    SCHEDULER,
    CACHE,
    AI,
    DEPLOY,
)


def kind_named(name: str) -> Kind:
    """The kind called ``name`` (``exception-handler``...); UsageError when unknown."""
    for kind in KINDS:
        if kind.name == name:
            return kind
    raise UsageError(
        f"unknown kind {name!r}", hint=f"choose from {', '.join(k.name for k in KINDS)}"
    )


__all__ = ["KINDS", "Kind", "kind_named"]
