"""Cross-origin resource sharing: the ``CORS_*`` config, ``@cors(...)`` and ``@no_cors``."""

from .decorators import cors, no_cors
from .policy import CorsConfigError, CorsPolicy, CorsSettings

__all__ = ["CorsConfigError", "CorsPolicy", "CorsSettings", "cors", "no_cors"]
