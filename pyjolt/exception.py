"""The SPEC's singular import path: ``from pyjolt.exception import NotFound``."""

from .exceptions import *  # noqa: F403
from .exceptions import __all__ as __all__
