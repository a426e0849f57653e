"""CompressionMiddleware: gzip (and Brotli when installed) for bodies worth compressing.

Only whole bodies above ``COMPRESSION_MINIMUM_SIZE`` of a text-like media type are
compressed. Files streamed from disk, range responses, bodies that already have a
``Content-Encoding`` and ``Cache-Control: no-transform`` are left alone: compressing
images or archives wastes CPU, and a compressed range would not be the bytes asked for.
"""

from __future__ import annotations

import gzip
import importlib.util
from typing import TYPE_CHECKING, Any

from .chain import CallNext, Middleware

if TYPE_CHECKING:
    from ..app import PyJolt
    from ..request import Request
    from ..response import Response

COMPRESSIBLE_PREFIXES = ("text/",)
COMPRESSIBLE_SUFFIXES = ("json", "xml", "javascript", "yaml", "csv", "graphql")
COMPRESSIBLE_TYPES = frozenset({"image/svg+xml", "application/wasm", "application/x-ndjson"})


def is_compressible(media_type: str) -> bool:
    kind = media_type.split(";", 1)[0].strip().lower()
    return (
        kind.startswith(COMPRESSIBLE_PREFIXES)
        or kind.endswith(COMPRESSIBLE_SUFFIXES)
        or kind in COMPRESSIBLE_TYPES
    )


def accepted_encodings(header: str) -> dict[str, float]:
    """``{"gzip": 1.0, "br": 0.5, "*": 0.0, ...}`` from an Accept-Encoding header."""
    found: dict[str, float] = {}
    for part in header.split(","):
        name, _, params = part.partition(";")
        name = name.strip().lower()
        if not name:
            continue
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        found[name] = quality
    return found


class CompressionMiddleware(Middleware):
    """Compresses responses for clients that accept it (``br`` preferred when installed).

    Config: ``COMPRESSION_MINIMUM_SIZE`` (500 bytes), ``COMPRESSION_GZIP_LEVEL`` (6),
    ``COMPRESSION_BROTLI_QUALITY`` (4). Brotli needs ``pip install "pyjolt[compression]"``.
    """

    websocket = False
    use_brotli = True

    def __init__(
        self,
        app: PyJolt,
        minimum_size: int | None = None,
        gzip_level: int | None = None,
        brotli_quality: int | None = None,
    ) -> None:
        super().__init__(app)
        configs = app.configs
        self.minimum_size = (
            configs.COMPRESSION_MINIMUM_SIZE if minimum_size is None else minimum_size
        )
        self.gzip_level = configs.COMPRESSION_GZIP_LEVEL if gzip_level is None else gzip_level
        self.brotli_quality = (
            configs.COMPRESSION_BROTLI_QUALITY if brotli_quality is None else brotli_quality
        )
        self.brotli: Any = None
        if self.use_brotli and importlib.util.find_spec("brotli") is not None:
            import brotli

            self.brotli = brotli

    def choose(self, accept_encoding: str) -> str | None:
        """``"br"``, ``"gzip"`` or None, honouring the client's q-values (``q=0``: never)."""
        accepted = accepted_encodings(accept_encoding)
        wildcard = accepted.get("*", 0.0)
        gzip_q = accepted.get("gzip", wildcard)
        brotli_q = accepted.get("br", wildcard) if self.brotli is not None else 0.0
        if brotli_q > 0 and brotli_q >= gzip_q:
            return "br"
        return "gzip" if gzip_q > 0 else None

    async def __call__(self, req: Request, call_next: CallNext) -> Response[Any]:
        response = await call_next(req)
        if (
            response.file_path is not None
            or response.stream_source is not None
            or not is_compressible(response.media_type)
        ):
            return response
        headers = response.headers
        if (
            "content-encoding" in headers
            or "content-range" in headers
            or response.status_code < 200
            or response.status_code in (204, 206, 304)
            or "no-transform" in headers.get("cache-control", "").lower()
        ):
            return response
        response.add_vary("Accept-Encoding")
        encoding = self.choose(req.headers.get("accept-encoding", ""))
        if encoding is None:
            return response
        body = response.render_body()
        if len(body) < self.minimum_size:
            return response
        if encoding == "br":
            response.body = self.brotli.compress(body, quality=self.brotli_quality)
        else:
            response.body = gzip.compress(body, compresslevel=self.gzip_level, mtime=0)
        headers["content-encoding"] = encoding
        etag = headers.get("etag")
        if etag and not etag.startswith("W/"):
            headers["etag"] = "W/" + etag  # another representation of the same resource
        return response


class GZipMiddleware(CompressionMiddleware):
    """CompressionMiddleware with gzip only."""

    use_brotli = False
