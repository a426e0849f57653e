"""The extension protocol: an object with ``init_app(app)``."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from .app import PyJolt


def configured_workers() -> int:
    """How many worker processes the server was told to run (``WEB_CONCURRENCY``; 1 if unset).

    For extensions whose in-process mode is only right in one process: they warn when
    the deployment says there are more.
    """
    try:
        return max(int(os.environ.get("WEB_CONCURRENCY", "1")), 1)
    except ValueError:
        return 1


@runtime_checkable
class Extension(Protocol):
    """Anything listed in EXTENSIONS: it configures itself from ``app.configs``."""

    def init_app(self, app: PyJolt) -> None: ...


class BaseExtension:
    """Convenience base: a name, a config prefix and typed config lookups.

    Register lifecycle hooks with ``app.add_on_startup`` / ``app.add_on_shutdown`` and
    controllers with ``app.register_controller`` inside :meth:`init_app`.
    """

    name: str = "extension"

    def __init__(self, variable_prefix: str = "") -> None:
        self.variable_prefix = variable_prefix
        self._app: PyJolt | None = None

    @property
    def app(self) -> PyJolt:
        if self._app is None:
            raise RuntimeError(
                f"{type(self).__name__} is not initialised: add it to EXTENSIONS "
                "or call init_app(app)"
            )
        return self._app

    def init_app(self, app: PyJolt) -> None:
        self._app = app
        app.add_extension(self)

    def get_conf(self, key: str, default: Any = None) -> Any:
        """Read ``{variable_prefix}{key}`` from the app config."""
        return self.app.configs.get(f"{self.variable_prefix}{key}", default)
