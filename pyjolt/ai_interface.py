"""The reference package's name for :mod:`pyjolt.ai`; everything is re-exported from there."""

from .ai import *  # noqa: F403
from .ai import __all__  # noqa: F401
