"""Static files: the ``Static`` controller serving STATIC_DIR at STATIC_URL.

Every application registers one (``app.url_for("Static.get", filename="img/a.png")``).
Safety rules: a filename with a ``..`` segment, a backslash, a NUL byte, a leading ``/``
or a Windows drive (``C:``) is refused before touching the disk; the rest is joined with
werkzeug's ``safe_join``, resolved with ``realpath`` (following every symlink) and must
still lie inside the real static root. Anything refused or missing is a plain 404,
raised as :class:`~pyjolt.exceptions.NotFound` so users' handlers apply.

Ranges: one satisfiable range is answered 206 with Content-Range. Several ranges are
answered with the whole file (200), which RFC 9110 allows: multipart/byteranges buys
little for static assets and multiplies the work a single request can ask for. More than
:data:`MAX_RANGES` ranges, malformed ``bytes=`` ranges and ranges outside the file are
answered 416 with ``Content-Range: bytes */<size>``; other range units are ignored.
"""

from __future__ import annotations

import mimetypes
import os
import re
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from werkzeug.datastructures import ContentRange
from werkzeug.http import (
    http_date,
    parse_if_range_header,
    parse_range_header,
    quote_etag,
)
from werkzeug.sansio.http import is_resource_modified
from werkzeug.security import safe_join

from .config import ConfigError
from .controller.base import Controller
from .controller.decorators import get as route_get
from .controller.decorators import path
from .exceptions.http_exceptions import NotFound
from .media_type import HttpStatus, MediaType
from .request import Request
from .response import Response

if TYPE_CHECKING:
    from .app import PyJolt

#: Most byte ranges one request may ask for; more are answered 416.
MAX_RANGES = 100

#: Static files are revalidated on every use: with ETag/Last-Modified that costs a 304.
CACHE_CONTROL = "no-cache"

_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")

# A compressed file is sent as itself, never with Content-Encoding: a browser would
# otherwise unpack "backup.tar.gz" while downloading it.
_COMPRESSED_MEDIA_TYPES = {
    "gzip": "application/gzip",
    "bzip2": "application/x-bzip2",
    "xz": "application/x-xz",
    "br": "application/x-brotli",
    "compress": "application/x-compress",
}


@dataclass(frozen=True, slots=True)
class StaticFile:
    """A regular file found inside the static root, with its validators."""

    path: str
    size: int
    media_type: str
    etag: str
    last_modified: datetime


def is_safe_filename(filename: str) -> bool:
    """Whether a URL filename is a plain relative path (no traversal, no Windows tricks).

    Backslashes and drives are refused on every OS, so an app that is safe on Linux
    stays safe when someone runs it on Windows.
    """
    if not filename or "\x00" in filename or "\\" in filename:
        return False
    if filename.startswith("/") or _WINDOWS_DRIVE.match(filename):
        return False
    return ".." not in filename.split("/")


def media_type_of(filename: str) -> str:
    """The Content-Type of a file, from its extension."""
    media_type, encoding = mimetypes.guess_type(filename, strict=False)
    if encoding is not None:
        return _COMPRESSED_MEDIA_TYPES.get(encoding, MediaType.APPLICATION_OCTET_STREAM)
    return media_type or MediaType.APPLICATION_OCTET_STREAM


def is_inside(root: str, real_path: str) -> bool:
    """Whether the resolved ``real_path`` lies strictly inside the resolved ``root``."""
    try:
        return real_path != root and os.path.commonpath((root, real_path)) == root
    except ValueError:  # different drives on Windows
        return False


def find_static_file(root: str, filename: str) -> StaticFile | None:
    """The readable regular file ``filename`` names under the real path ``root``, or None.

    Blocking (realpath and stat): the controller runs it in a worker thread.
    """
    if not is_safe_filename(filename):
        return None
    joined = safe_join(root, filename)
    if joined is None:
        return None
    real_path = os.path.realpath(joined)
    if not is_inside(root, real_path):
        return None
    try:
        info = os.stat(real_path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode) or not os.access(real_path, os.R_OK):
        return None
    return StaticFile(
        path=real_path,
        size=info.st_size,
        media_type=media_type_of(real_path),
        etag=quote_etag(f"{info.st_mtime_ns:x}-{info.st_size:x}"),
        last_modified=datetime.fromtimestamp(int(info.st_mtime), tz=UTC),
    )


def if_range_allows(if_range: str | None, file: StaticFile) -> bool:
    """Whether a Range may be honoured under ``If-Range`` (absent, or an exact match).

    RFC 9110 asks for a strong comparison: a weak ETag or a date other than the exact
    Last-Modified means "send the whole file".
    """
    if if_range is None:
        return True
    parsed = parse_if_range_header(if_range)
    if parsed.etag is not None:
        return not if_range.strip().startswith("W/") and quote_etag(parsed.etag) == file.etag
    return parsed.date is not None and parsed.date == file.last_modified


def requested_ranges(header: str, size: int) -> list[tuple[int, int]] | None:
    """The satisfiable ``(start, stop)`` byte ranges of a Range header, clipped to ``size``.

    None means "ignore the header" (another unit); an empty list means 416 (malformed,
    too many ranges or none inside the file).
    """
    if header.partition("=")[0].strip(" \t").lower() != "bytes":
        return None
    parsed = parse_range_header(header)
    if parsed is None or len(parsed.ranges) > MAX_RANGES:
        return []
    ranges = []
    for start, stop in parsed.ranges:
        if start < 0:  # suffix range: the last -start bytes
            start, stop = max(size + start, 0), size
        else:
            stop = size if stop is None else min(stop, size)
        if start < stop:
            ranges.append((start, stop))
    return ranges


def file_response(req: Request, file: StaticFile) -> Response[Any]:
    """The response for a found static file: 304, 416, 206 or the whole file."""
    response = req.response
    response.set_header("ETag", file.etag)
    response.set_header("Last-Modified", http_date(file.last_modified))
    response.set_header("Cache-Control", CACHE_CONTROL)
    response.set_header("Accept-Ranges", "bytes")
    headers = req.headers
    modified = is_resource_modified(
        http_if_modified_since=headers.get("If-Modified-Since"),
        http_if_none_match=headers.get("If-None-Match"),
        etag=file.etag,
        last_modified=file.last_modified,
    )
    if not modified:
        return response.status(HttpStatus.NOT_MODIFIED)
    range_header = headers.get("Range")
    ranges = None
    if range_header is not None and if_range_allows(headers.get("If-Range"), file):
        ranges = requested_ranges(range_header, file.size)
    if ranges == []:
        response.set_header("Content-Range", f"bytes */{file.size}")
        body = {"status": "error", "message": "Range not satisfiable"}
        return response.json(body).status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
    response.send_file(file.path, media_type=file.media_type)
    response.set_header("X-Content-Type-Options", "nosniff")
    if ranges is not None and len(ranges) == 1:
        start, stop = ranges[0]
        response.file_range = (start, stop)
        content_range = ContentRange("bytes", start, stop, file.size)
        response.set_header("Content-Range", content_range.to_header())
        return response.status(HttpStatus.PARTIAL_CONTENT)
    response.file_range = (0, file.size)
    return response.status(HttpStatus.OK)


def static_controller(url: str) -> type[Controller]:
    """A fresh ``Static`` controller class serving STATIC_DIR under ``url`` (STATIC_URL).

    Built per application because the URL comes from its config; the class name gives
    the endpoint name ``Static.get``.
    """
    if not url.startswith("/"):
        raise ConfigError(f"STATIC_URL {url!r} must start with '/' (for example '/static')")

    class Static(Controller):
        """Serves the files of STATIC_DIR (resolved once, when the app is built)."""

        def __init__(self, app: PyJolt) -> None:
            super().__init__(app)
            self.root = os.path.realpath(app.configs.resolve_path(app.configs.STATIC_DIR))

        @route_get("/<path:filename>", open_api_spec=False)
        async def get(self, req: Request, filename: str) -> Response[Any]:
            file = await anyio.to_thread.run_sync(find_static_file, self.root, filename)
            if file is None:
                raise NotFound("File not found")
            return file_response(req, file)

    return path(url, open_api_spec=False)(Static)
