"""Request: a thin, lazy view over the ASGI scope; the body is read only when asked for."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import orjson
from werkzeug.datastructures import Headers, MultiDict
from werkzeug.sansio.http import parse_cookie

from .exceptions.http_exceptions import BadRequest, PayloadTooLarge
from .forms import FormLimits, UploadedFile, parse_multipart, parse_urlencoded
from .response import Response

if TYPE_CHECKING:
    from .app import PyJolt

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

FORM_LIMITS = FormLimits()

#: Deepest JSON nesting req.json() accepts; pydantic's parser stops typed bodies at
#: about the same depth, and orjson cannot write back data nested past 254 levels.
MAX_JSON_DEPTH = 200


class ClientDisconnected(Exception):
    """The client went away before its body was read."""


def decode_json(body: bytes) -> Any:
    """Parse JSON strictly, or raise a 400.

    orjson refuses invalid UTF-8 and, unlike pydantic's parser, NaN, Infinity and
    numbers that overflow to infinity (``1e999``), none of which RFC 8259 allows.
    """
    if not body:
        raise BadRequest("Request body is empty; expected JSON")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"Malformed JSON body: {exc}") from None


def parse_cookie_header(header: str) -> MultiDict[str, str]:
    """The cookies of a Cookie header; a cookie whose bytes are not UTF-8 is left out.

    Header values arrive as latin-1 text. werkzeug's WSGI ``parse_cookie`` re-decodes
    the whole header as UTF-8 and raises on the first invalid byte, so one bad cookie
    (set by another site on a shared domain, or sent on purpose) would answer 500 on
    every endpoint that reads cookies.
    """
    raw = header.encode("latin-1", errors="replace")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = ";".join(_utf8_parts(raw.split(b";")))
    return parse_cookie(text)


def _utf8_parts(parts: list[bytes]) -> list[str]:
    decoded = []
    for part in parts:
        try:
            decoded.append(part.decode("utf-8"))
        except UnicodeDecodeError:
            continue
    return decoded


def nested_deeper_than(data: Any, limit: int) -> bool:
    """Whether lists and dicts in ``data`` nest more than ``limit`` levels deep."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class Request:
    """One HTTP request. Headers, cookies, query and body are parsed on first access."""

    __slots__ = (
        "_body",
        "_cookies",
        "_files",
        "_form",
        "_headers",
        "_json",
        "_query",
        "_receive",
        "_response",
        "app",
        "passed_guards",
        "response_defaults",
        "route_parameters",
        "scope",
        "state",
        "user",
    )

    def __init__(self, scope: Scope, receive: Receive, app: PyJolt) -> None:
        self.scope = scope
        self._receive = receive
        self.app = app
        self.route_parameters: dict[str, Any] = {}
        self.user: Any = None
        #: The guards (authentication checks) the endpoint already ran for this request.
        self.passed_guards: tuple[Any, ...] = ()
        self.state: dict[str, Any] = {}
        self.response_defaults: Any = None
        self._response: Response | None = None
        self._body: bytes | None = None
        self._json: Any = _UNSET
        self._form: MultiDict[str, str] | None = None
        self._files: MultiDict[str, UploadedFile] | None = None
        self._headers: Headers | None = None
        self._query: MultiDict[str, str] | None = None
        self._cookies: MultiDict[str, str] | None = None

    # --- request line -------------------------------------------------------------
    @property
    def method(self) -> str:
        return str(self.scope["method"])

    @property
    def path(self) -> str:
        return str(self.scope["path"])

    @property
    def query_string(self) -> str:
        return bytes(self.scope.get("query_string", b"")).decode("latin-1")

    @property
    def scheme(self) -> str:
        return str(self.scope.get("scheme", "http"))

    @property
    def client(self) -> tuple[str, int] | None:
        client = self.scope.get("client")
        return (client[0], client[1]) if client else None

    @property
    def host(self) -> str:
        """The Host header (checked against ALLOWED_HOSTS before the request got here).

        Without the header: the first name of ALLOWED_HOSTS when set, else the server's
        address.
        """
        host = self.headers.get("host")
        if host:
            return host
        allowed = self.app.allowed_hosts
        if allowed is not None and allowed.canonical is not None:
            return allowed.canonical
        server = self.scope.get("server")
        return f"{server[0]}:{server[1]}" if server else "localhost"

    @property
    def url(self) -> str:
        """The full URL the client asked for (its host is always an allowed one)."""
        root = self.scope.get("root_path", "")
        query = f"?{self.query_string}" if self.query_string else ""
        return f"{self.scheme}://{self.host}{root}{self.path}{query}"

    def url_for(self, endpoint: str, *, _external: bool = False, **values: Any) -> str:
        """``app.url_for`` for this request; ``_external=True`` uses its scheme and host."""
        path = self.app.url_for(endpoint, **values)
        if not _external:
            return path
        root = self.scope.get("root_path", "")
        return f"{self.scheme}://{self.host}{root}{path}"

    # --- headers, query, cookies ---------------------------------------------------
    @property
    def headers(self) -> Headers:
        """Case-insensitive request headers (``req.headers.get("content-type")``)."""
        if self._headers is None:
            pairs = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in self.scope["headers"]]
            try:
                self._headers = Headers(pairs)
            except ValueError:
                # werkzeug refuses CR/LF in values. uvicorn's parsers reject them,
                # but not every ASGI server or test client does: read them as spaces,
                # as RFC 9112 allows for obsolete line folding.
                self._headers = Headers([(k, _unfold(v)) for k, v in pairs])
        return self._headers

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def query_params(self) -> MultiDict[str, str]:
        """Query parameters; ``[key]`` gives the first value, ``getlist(key)`` all of them."""
        if self._query is None:
            self._query = MultiDict(parse_qsl(self.query_string, keep_blank_values=True))
        return self._query

    @property
    def cookies(self) -> MultiDict[str, str]:
        if self._cookies is None:
            self._cookies = parse_cookie_header(self.headers.get("cookie", ""))
        return self._cookies

    # --- response -------------------------------------------------------------------
    @property
    def response(self) -> Response:
        """The response being built for this request (created on first use)."""
        if self._response is None:
            self._response = Response(self.app, self, self.response_defaults)
        return self._response

    @property
    def res(self) -> Response:
        return self.response

    def reset_response(self, defaults: Any = None) -> None:
        """Drop the half-built response so an exception handler starts from a clean one."""
        self.response_defaults = defaults
        self._response = None

    # --- body -------------------------------------------------------------------------
    async def body(self) -> bytes:
        """The raw body, read once, refused with 413 past ``MAX_BODY_SIZE``."""
        if self._body is not None:
            return self._body
        limit = self.app.max_body_size
        declared = self.headers.get("content-length")
        if declared is not None:
            # RFC 9110: 1*DIGIT. int() would also take "-1", "+5" and "1_0".
            declared = declared.strip()
            if not (declared.isascii() and declared.isdigit()):
                raise BadRequest("Invalid Content-Length header")
            try:
                declared_size = int(declared)
            except ValueError:  # more digits than int() converts
                raise BadRequest("Invalid Content-Length header") from None
            if declared_size > limit:
                raise PayloadTooLarge(f"Request body larger than {limit} bytes")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnected()
            chunk = message.get("body", b"")
            if chunk:
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(f"Request body larger than {limit} bytes")
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        self._body = b"".join(chunks)
        return self._body

    async def json(self) -> Any:
        """The body parsed as JSON (400 when malformed)."""
        if self._json is _UNSET:
            body = await self.body()
            data = decode_json(body)
            # Only a body with enough brackets can be that deep: count before walking.
            if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH and nested_deeper_than(
                data, MAX_JSON_DEPTH
            ):
                raise BadRequest(f"JSON body is nested deeper than {MAX_JSON_DEPTH} levels")
            self._json = data
        return self._json

    async def text(self) -> str:
        try:
            return (await self.body()).decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("Request body is not valid UTF-8") from None

    async def _parse_form(self) -> None:
        content_type = self.content_type
        body = await self.body()
        if content_type.startswith("multipart/form-data"):
            self._form, self._files = parse_multipart(body, content_type, FORM_LIMITS)
        elif content_type.startswith("application/x-www-form-urlencoded"):
            self._form, self._files = parse_urlencoded(body, FORM_LIMITS), MultiDict()
        else:
            self._form, self._files = MultiDict(), MultiDict()

    async def form(self) -> MultiDict[str, str]:
        """Form fields of a url-encoded or multipart body."""
        if self._form is None:
            await self._parse_form()
        assert self._form is not None
        return self._form

    async def files(self) -> MultiDict[str, UploadedFile]:
        """Uploaded files of a multipart body."""
        if self._files is None:
            await self._parse_form()
        assert self._files is not None
        return self._files

    @property
    def receive_channel(self) -> Receive:
        """The ASGI ``receive`` callable (a streamed response watches it for disconnects)."""
        return self._receive

    def close(self) -> None:
        """Release spooled upload files and the response once the answer is sent.

        Dropping the response breaks the request <-> response reference cycle, so both
        are freed by reference counting at once instead of piling up for the cyclic
        garbage collector (whose pauses showed as p99 latency under load).
        """
        self._response = None
        if self._files:
            for upload in self._files.values():
                upload.close()


def _unfold(value: str) -> str:
    return value.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")


class _Unset:
    __slots__ = ()


_UNSET: Any = _Unset()
