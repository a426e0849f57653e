"""Form bodies: url-encoded and multipart parsing with limits, and UploadedFile."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import anyio
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header
from werkzeug.datastructures import MultiDict

from .exceptions.http_exceptions import BadRequest
from .exceptions.request_text import quote_request_text

SPOOL_IN_MEMORY_BYTES = 1024 * 1024
UPLOAD_FALLBACK_NAME = "upload"
MAX_FILENAME_BYTES = 255
MAX_EXTENSION_BYTES = 16


@dataclass(frozen=True)
class FormLimits:
    """Bounds that keep a hostile form from exhausting memory or CPU."""

    max_fields: int = 1000
    max_files: int = 1000
    max_part_size: int = 1024 * 1024


class UploadedFile:
    """A file from a multipart body, spooled to disk past 1 MiB."""

    def __init__(self, filename: str, content_type: str, headers: dict[str, str]) -> None:
        self.filename = filename
        self.content_type = content_type
        self.headers = headers
        self.size = 0
        self.file = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)  # noqa: SIM115

    def _write(self, data: bytes) -> None:
        self.size += len(data)
        self.file.write(data)

    async def read(self, size: int = -1) -> bytes:
        """Read the content (all of it by default), off the event loop."""
        if self.size <= SPOOL_IN_MEMORY_BYTES:
            return self.file.read(size)
        return await anyio.to_thread.run_sync(self.file.read, size)

    async def seek(self, offset: int) -> None:
        """Move the read position, e.g. back to 0 to read again."""
        self.file.seek(offset)

    async def save(self, destination: str | os.PathLike[str]) -> int:
        """Copy the whole upload to ``destination`` and return the number of bytes written."""

        def copy() -> int:
            self.file.seek(0)
            written = 0
            with open(destination, "wb") as out:
                while chunk := self.file.read(64 * 1024):
                    out.write(chunk)
                    written += len(chunk)
            self.file.seek(0)
            return written

        return await anyio.to_thread.run_sync(copy)

    def close(self) -> None:
        self.file.close()

    def __repr__(self) -> str:
        return f"UploadedFile(filename={self.filename!r}, size={self.size})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.is_instance_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": "binary"}


def safe_filename(raw: str) -> str:
    """Reduce a client-sent filename to a basename that names a plain file in any folder.

    ``os.path.join(folder, upload.filename)`` must stay in ``folder`` and name a file:
    only the last path segment is kept (``/`` and ``\\`` both separate), control
    characters and NUL are dropped, and surrounding spaces and dots go (a trailing dot
    is silently removed by Windows, a leading one makes a hidden file). A name that
    was only an extension keeps it behind the fallback (``.htaccess`` becomes
    ``upload.htaccess``); a name with nothing left (``..``, ``""``) becomes ``upload``.
    Names longer than 255 UTF-8 bytes, which file systems refuse, are shortened
    before the extension.
    """
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable())
    stripped = name.strip(" .")
    if not stripped:
        return UPLOAD_FALLBACK_NAME
    if name.lstrip(" ").startswith("."):
        stripped = f"{UPLOAD_FALLBACK_NAME}.{stripped}"
    return _shorten_filename(stripped)


def _shorten_filename(name: str) -> str:
    if len(name.encode("utf-8")) <= MAX_FILENAME_BYTES:
        return name
    stem, extension = os.path.splitext(name)
    if len(extension.encode("utf-8")) > MAX_EXTENSION_BYTES:
        stem, extension = name, ""
    room = MAX_FILENAME_BYTES - len(extension.encode("utf-8"))
    stem = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip(" .")
    return f"{stem or UPLOAD_FALLBACK_NAME}{extension}"


def parse_urlencoded(body: bytes, limits: FormLimits) -> MultiDict[str, str]:
    """Parse an ``application/x-www-form-urlencoded`` body."""
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(
            text, keep_blank_values=True, max_num_fields=limits.max_fields, errors="strict"
        )
    except UnicodeDecodeError:
        raise BadRequest("Form body is not valid UTF-8") from None
    except ValueError:
        raise BadRequest(f"Form has more than {limits.max_fields} fields") from None
    return MultiDict(pairs)


class _MultipartCollector:
    """Callbacks for python-multipart that build fields and files with limits."""

    def __init__(self, limits: FormLimits) -> None:
        self.limits = limits
        self.fields: MultiDict[str, str] = MultiDict()
        self.files: MultiDict[str, UploadedFile] = MultiDict()
        self.field_count = 0
        self.file_count = 0
        self._header_field = b""
        self._header_value = b""
        self._headers: dict[str, str] = {}
        self._name = ""
        self._data = bytearray()
        self._upload: UploadedFile | None = None

    def on_part_begin(self) -> None:
        self._headers = {}
        self._data = bytearray()
        self._upload = None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header_field.decode("latin-1").lower()] = self._header_value.decode(
            "latin-1"
        )
        self._header_field = b""
        self._header_value = b""

    def on_headers_finished(self) -> None:
        disposition, options = parse_options_header(self._headers.get("content-disposition"))
        if disposition != b"form-data" or b"name" not in options:
            raise BadRequest("Multipart part without a form-data name")
        self._name = options[b"name"].decode("utf-8", errors="replace")
        if b"filename" in options:
            self.file_count += 1
            if self.file_count > self.limits.max_files:
                raise BadRequest(f"Form has more than {self.limits.max_files} files")
            filename = safe_filename(options[b"filename"].decode("utf-8", errors="replace"))
            content_type = self._headers.get("content-type", "application/octet-stream")
            self._upload = UploadedFile(filename, content_type, dict(self._headers))
        else:
            self.field_count += 1
            if self.field_count > self.limits.max_fields:
                raise BadRequest(f"Form has more than {self.limits.max_fields} fields")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._upload is not None:
            self._upload._write(data[start:end])
            return
        self._data += data[start:end]
        if len(self._data) > self.limits.max_part_size:
            raise BadRequest(
                f"Form field {quote_request_text(self._name)} is larger than "
                f"{self.limits.max_part_size} bytes"
            )

    def on_part_end(self) -> None:
        if self._upload is not None:
            self._upload.file.seek(0)
            self.files.add(self._name, self._upload)
        else:
            try:
                self.fields.add(self._name, self._data.decode("utf-8"))
            except UnicodeDecodeError:
                name = quote_request_text(self._name)
                raise BadRequest(f"Form field {name} is not valid UTF-8") from None


def parse_multipart(
    body: bytes, content_type: str, limits: FormLimits
) -> tuple[MultiDict[str, str], MultiDict[str, UploadedFile]]:
    """Parse a ``multipart/form-data`` body into (fields, files)."""
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise BadRequest("multipart/form-data body without a boundary")
    collector = _MultipartCollector(limits)
    callbacks: Any = {
        name: getattr(collector, name)
        for name in (
            "on_part_begin",
            "on_part_data",
            "on_part_end",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
        )
    }
    # FormParserError is the base of every error python-multipart raises, including the
    # constructor's refusal of a boundary longer than 256 characters.
    try:
        parser = MultipartParser(boundary, callbacks)
        parser.write(body)
        parser.finalize()
    except FormParserError as exc:
        raise BadRequest(f"Malformed multipart body: {exc}") from None
    if parser.state != MultipartState.END:  # finalize() accepts a truncated body silently
        raise BadRequest("Malformed multipart body: it ends before the closing boundary")
    return collector.fields, collector.files
