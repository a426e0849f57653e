"""The Controller base class."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..app import PyJolt


class Controller:
    """Base class of class-based controllers; one instance serves all requests.

    ``self.app`` is the application, so handlers reach its config, ``url_for`` and
    extensions.
    """

    def __init__(self, app: PyJolt) -> None:
        self.app = app
