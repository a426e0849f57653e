"""Response: a builder that endpoints fill in (``req.response.json(...).status(201)``)."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import AsyncIterable, Generator
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Generic, Literal, Self
from urllib.parse import quote, urlsplit

from typing_extensions import TypeVar
from werkzeug.http import dump_cookie

from .exceptions.http_exceptions import NotFound
from .media_type import MediaType, encoded_content_type
from .serialization import Serializer, dump_json
from .streaming import DEFAULT_PING_INTERVAL, EVENT_STREAM, StreamSource, send_streamed_body

if TYPE_CHECKING:
    from .app import PyJolt
    from .request import Request, Send

#: Defaults to Any, so a bare ``-> Response`` (as most handlers write it) type-checks.
T = TypeVar("T", default=Any)

FILE_CHUNK_SIZE = 64 * 1024
STATUSES_WITHOUT_BODY = frozenset({204, 304}) | frozenset(range(100, 200))


class InvalidHeaderError(ValueError):
    """A header or cookie value would split the response (CR/LF) or is not latin-1."""


class UnsafeRedirectError(ValueError):
    """A redirect would leave the site or use a non-http(s) scheme."""


@dataclass(frozen=True, slots=True)
class ResponseDefaults:
    """What an endpoint's responses start with: its status, media type and serializer."""

    status_code: int = 200
    media_type: str = MediaType.APPLICATION_JSON
    serialize: Serializer = dump_json


DEFAULT_RESPONSE = ResponseDefaults()


def check_header_text(name: str, value: str) -> None:
    """Refuse CR/LF (response splitting) and characters HTTP headers cannot carry."""
    for text in (name, value):
        if "\r" in text or "\n" in text or "\x00" in text:
            raise InvalidHeaderError(f"Header {name!r} contains a CR, LF or NUL character")
        try:
            text.encode("latin-1")
        except UnicodeEncodeError:
            raise InvalidHeaderError(f"Header {name!r} is not latin-1 encodable") from None


def check_cookie_text(cookie_name: str, *attributes: str | None) -> None:
    """Refuse CR/LF/NUL in a cookie's name, value, path or domain (response splitting).

    werkzeug's ``dump_cookie`` writes the domain (and the name) as given.
    """
    for text in attributes:
        check_header_text(cookie_name, text or "")


class _PendingTemplate:
    """What ``res.html(...)`` returns: awaitable, and still chainable before the await.

    The SPEC writes ``await (res.html("t.html", ctx)).status(200)``; chained calls are
    applied to the response at once and the template renders on ``await``.
    """

    __slots__ = ("_context", "_response", "_template")

    def __init__(self, response: Response[Any], template: str, context: dict[str, Any]) -> None:
        self._response = response
        self._template = template
        self._context = context

    def status(self, status_code: int) -> _PendingTemplate:
        self._response.status(status_code)
        return self

    def set_header(self, key: str, value: str) -> _PendingTemplate:
        self._response.set_header(key, value)
        return self

    async def _render(self) -> Response[Any]:
        response = self._response
        text = await response.app.templates.render(self._template, self._context, response.request)
        response.body = text.encode("utf-8")
        response.data = _NO_DATA
        response.media_type = MediaType.TEXT_HTML
        return response

    def __await__(self) -> Generator[Any, None, Response[Any]]:
        return self._render().__await__()


class _NoData:
    __slots__ = ()


_NO_DATA: Any = _NoData()


class Response(Generic[T]):
    """The HTTP response of one request. Builder methods return the response itself."""

    __slots__ = (
        "app",
        "body",
        "cookies",
        "data",
        "file_path",
        "file_range",
        "headers",
        "media_type",
        "request",
        "serialize",
        "status_code",
        "stream_source",
    )

    def __init__(
        self, app: PyJolt, request: Request, defaults: ResponseDefaults | None = None
    ) -> None:
        defaults = defaults or DEFAULT_RESPONSE
        self.app = app
        self.request = request
        self.status_code: int = defaults.status_code
        self.media_type: str = defaults.media_type
        self.serialize: Serializer = defaults.serialize
        self.headers: dict[str, str] = {}
        self.cookies: list[str] = []
        self.body: bytes = b""
        self.data: Any = _NO_DATA
        self.file_path: str | None = None
        #: ``(start, stop)`` bytes of ``file_path`` to send (stop exclusive); None: all.
        self.file_range: tuple[int, int] | None = None
        #: The async iterable a streamed body comes from (``stream()``); None: not streamed.
        self.stream_source: StreamSource | None = None

    # --- status and headers -----------------------------------------------------------
    def status(self, status_code: int | HTTPStatus) -> Self:
        """Set the status code."""
        self.status_code = int(status_code)
        return self

    def set_header(self, key: str, value: str) -> Self:
        """Set (replace) a response header; CR/LF in name or value raise InvalidHeaderError."""
        value = str(value)
        check_header_text(key, value)
        if key.lower() == "content-type":
            self.media_type = value
        else:
            self.headers[key.lower()] = value
        return self

    def add_vary(self, *names: str) -> Self:
        """Add header names to ``Vary`` (kept once each, in order), for shared caches."""
        current = [part.strip() for part in self.headers.get("vary", "").split(",") if part.strip()]
        known = {part.lower() for part in current}
        for name in names:
            if name.lower() not in known:
                current.append(name)
                known.add(name.lower())
        if current:
            self.headers["vary"] = ", ".join(current)
        return self

    def set_cookie(
        self,
        cookie_name: str,
        value: str,
        max_age: int | None = None,
        path: str = "/",
        domain: str | None = None,
        secure: bool = False,
        http_only: bool = True,
        same_site: Literal["Lax", "Strict", "None"] | None = "Lax",
    ) -> Self:
        """Add a Set-Cookie header (HttpOnly and SameSite=Lax unless asked otherwise)."""
        check_cookie_text(cookie_name, str(value), path, domain)
        if same_site == "None" and not secure:
            # A mistake in the code, not in the request: not an InvalidHeaderError,
            # which answers 400.
            raise ValueError(
                f"set_cookie({cookie_name!r}): SameSite=None cookies must also be secure=True"
            )
        self.cookies.append(
            dump_cookie(
                cookie_name,
                str(value),
                max_age=max_age,
                path=path,
                domain=domain,
                secure=secure,
                httponly=http_only,
                samesite=same_site,
            )
        )
        return self

    def delete_cookie(self, cookie_name: str, path: str = "/", domain: str | None = None) -> Self:
        """Tell the client to drop a cookie."""
        check_cookie_text(cookie_name, path, domain)
        self.cookies.append(
            dump_cookie(cookie_name, "", max_age=0, expires=0, path=path, domain=domain)
        )
        return self

    # --- bodies -------------------------------------------------------------------------
    def json(self, data: Any) -> Self:
        """Send ``data`` as JSON (through the endpoint's response model, if it has one)."""
        self.data = data
        if not self.media_type.endswith("json"):
            self.media_type = MediaType.APPLICATION_JSON
        return self

    def text(self, text: str) -> Self:
        """Send plain text."""
        self.data = _NO_DATA
        self.body = text.encode("utf-8")
        self.media_type = MediaType.TEXT_PLAIN
        return self

    def no_content(self) -> Self:
        """Answer 204 with an empty body."""
        self.data = _NO_DATA
        self.body = b""
        self.status_code = HTTPStatus.NO_CONTENT
        return self

    def redirect(
        self,
        location: str,
        status_code: int | HTTPStatus = HTTPStatus.SEE_OTHER,
        allow_external: bool = False,
    ) -> Self:
        """Redirect the client (303 by default). Other hosts need ``allow_external=True``."""
        try:
            parts = urlsplit(location)
        except ValueError:  # "http://[": urlsplit refuses an unclosed IPv6 bracket
            raise UnsafeRedirectError(
                f"Refusing to redirect to a malformed URL ({location!r})"
            ) from None
        if parts.scheme not in ("", "http", "https"):
            raise UnsafeRedirectError(f"Refusing to redirect to scheme {parts.scheme!r}")
        scheme_relative = location.startswith(("//", "/\\", "\\"))
        # "https:evil.com" names no host, yet a browser on an http page reads it as
        # https://evil.com: a scheme without a host counts as leaving the site.
        hostless_absolute = bool(parts.scheme) and not parts.netloc
        other_host = bool(parts.netloc) and parts.netloc != self.request.host
        leaves_site = scheme_relative or hostless_absolute or other_host
        if leaves_site and not allow_external:
            raise UnsafeRedirectError(
                f"Refusing to redirect to another host ({location!r}); "
                "pass allow_external=True if that is intended"
            )
        self.set_header("Location", location)
        self.status_code = int(status_code)
        self.media_type = MediaType.NO_CONTENT
        self.data = _NO_DATA
        self.body = b""
        return self

    def html_from_string(self, text: str, context: dict[str, Any] | None = None) -> Self:
        """Render a Jinja2 template given as a string."""
        rendered = self.app.templates.render_string(text, context or {}, self.request)
        self.data = _NO_DATA
        self.body = rendered.encode("utf-8")
        self.media_type = MediaType.TEXT_HTML
        return self

    def html(self, template_path: str, context: dict[str, Any] | None = None) -> _PendingTemplate:
        """Render a template file from TEMPLATES_DIR; await the result."""
        return _PendingTemplate(self, template_path, context or {})

    def send_file(
        self,
        body: str | os.PathLike[str] | bytes,
        headers: dict[str, str] | None = None,
        filename: str | None = None,
        media_type: str | None = None,
        as_attachment: bool = False,
    ) -> Self:
        """Send a file from disk (streamed) or bytes; headers are added as given."""
        self.data = _NO_DATA
        if isinstance(body, bytes):
            self.body = body
            self.media_type = media_type or MediaType.APPLICATION_OCTET_STREAM
        else:
            path = os.fspath(body)
            if not os.path.isfile(path):
                raise NotFound("File not found")
            self.file_path = path
            guessed = mimetypes.guess_type(filename or path)[0]
            self.media_type = media_type or guessed or MediaType.APPLICATION_OCTET_STREAM
        if filename or as_attachment:
            name = filename or os.path.basename(self.file_path or "download")
            kind = "attachment" if as_attachment else "inline"
            self.set_header("Content-Disposition", f"{kind}; filename*=UTF-8''{quote(name)}")
        for key, value in (headers or {}).items():
            self.set_header(key, value)
        return self

    def stream(
        self,
        items: AsyncIterable[Any],
        media_type: str = EVENT_STREAM,
        ping_interval: float | None = DEFAULT_PING_INTERVAL,
    ) -> Self:
        """Stream ``items`` as they are produced; Server-Sent Events by default.

        As ``text/event-stream`` each item is one event: a :class:`ServerSentEvent` as
        given, a str as its data, anything else as JSON data; a ``: ping`` comment goes
        out after ``ping_interval`` idle seconds. With another media type items are sent
        raw (str as UTF-8, bytes as they are, anything else as a JSON line). The client
        disconnecting cancels and closes ``items``.
        """
        self.data = _NO_DATA
        self.body = b""
        self.media_type = media_type
        server_sent_events = media_type.split(";")[0].strip().lower() == EVENT_STREAM
        self.stream_source = StreamSource(
            items, server_sent_events, ping_interval if server_sent_events else None
        )
        # Proxies (nginx) buffer and compress unless told: both would hold events back.
        self.headers.setdefault("cache-control", "no-cache, no-transform")
        self.headers.setdefault("x-accel-buffering", "no")
        return self

    # --- sending ------------------------------------------------------------------------
    def render_body(self) -> bytes:
        """The final body bytes (serializing JSON data now)."""
        if self.data is not _NO_DATA:
            self.body = self.serialize(self.data)
            self.data = _NO_DATA
        return self.body

    def header_list(self, content_length: int | None) -> list[tuple[bytes, bytes]]:
        headers: list[tuple[bytes, bytes]] = []
        if self.status_code not in STATUSES_WITHOUT_BODY:
            if self.media_type != MediaType.NO_CONTENT:
                headers.append((b"content-type", encoded_content_type(self.media_type)))
            if content_length is not None:
                headers.append((b"content-length", str(content_length).encode()))
        for key, value in self.headers.items():
            headers.append((key.encode("latin-1"), value.encode("latin-1")))
        for cookie in self.cookies:
            headers.append((b"set-cookie", cookie.encode("latin-1")))
        return headers

    async def send_to(self, send: Send, head_only: bool = False) -> None:
        """Write the response to the ASGI ``send`` channel."""
        if self.file_path is not None:
            from .file_sender import send_file_body

            await send_file_body(self, send, head_only)
            return
        if self.stream_source is not None:
            await send_streamed_body(
                self, self.stream_source, send, self.request.receive_channel, head_only
            )
            return
        body = self.render_body()
        if self.status_code in STATUSES_WITHOUT_BODY:
            body = b""
        await send(
            {
                "type": "http.response.start",
                "status": self.status_code,
                "headers": self.header_list(len(body)),
            }
        )
        await send({"type": "http.response.body", "body": b"" if head_only else body})
