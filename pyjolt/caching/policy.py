"""Which requests may use the shared cache, which responses may be stored, and their keys.

The rules keep one user's response from ever reaching another:

* only GET and HEAD requests are cached;
* a request carrying ``Authorization`` or ``Cookie`` bypasses a shared entry (it may be
  answered differently per user) unless the endpoint is cached ``per_user``;
* entries are keyed by scheme and host too, so a forged ``Host`` header cannot put
  its own links in the entry other visitors get;
* only 2xx responses are stored, never one that sets a cookie, carries
  ``Cache-Control: private``, ``no-store`` or ``no-cache``, streams a file, or exceeds
  the entry size limit.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import orjson

if TYPE_CHECKING:
    from ..request import Request
    from ..response import Response

CACHEABLE_METHODS = frozenset({"GET", "HEAD"})
PRIVATE_REQUEST_HEADERS = ("authorization", "cookie")
UNCACHEABLE_DIRECTIVES = frozenset({"private", "no-store", "no-cache"})


def request_is_personal(req: Request) -> bool:
    """True when the request identifies its user (Authorization or Cookie header)."""
    headers = req.headers
    return any(name in headers for name in PRIVATE_REQUEST_HEADERS)


def cache_control_directives(value: str) -> set[str]:
    """Lower-case directive names of a Cache-Control header value."""
    return {part.split("=", 1)[0].strip().lower() for part in value.split(",") if part.strip()}


def response_is_storable(response: Response[Any], max_entry_size: int) -> bool:
    """True when ``response`` may be shared: 2xx, no cookie, not private, not too large."""
    if not 200 <= response.status_code < 300:
        return False
    if response.cookies or "set-cookie" in response.headers:
        return False
    if response.file_path is not None or response.stream_source is not None:
        return False
    directives = cache_control_directives(response.headers.get("cache-control", ""))
    if directives & UNCACHEABLE_DIRECTIVES:
        return False
    return len(response.render_body()) <= max_entry_size


def response_cache_key(endpoint_name: str, req: Request, user_key: str | None = None) -> str:
    """``response:<endpoint>:<digest>`` of the URL, route parameters, sorted query, user.

    The scheme, host and root path are part of the key, as they are of ``req.url``: a
    body built from them (an absolute link) sent with a forged ``Host`` header must
    not be served to the site's other visitors. Query parameters are sorted by name
    (values of a repeated name keep their order), so ``?a=1&b=2`` and ``?b=2&a=1``
    share an entry.
    """
    params = sorted((name, str(value)) for name, value in req.route_parameters.items())
    query = sorted(parse_qsl(req.query_string, keep_blank_values=True), key=lambda kv: kv[0])
    origin = [req.scheme, req.host, req.scope.get("root_path", "")]
    material = orjson.dumps([origin, req.path, params, query, user_key])
    return f"{endpoint_key_prefix(endpoint_name)}{hashlib.sha256(material).hexdigest()}"


def endpoint_key_prefix(endpoint_name: str) -> str:
    """The key prefix shared by every cached response of one endpoint."""
    return f"response:{endpoint_name}:"
