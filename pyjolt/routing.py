"""URL routing on werkzeug's Map, with quick paths for the common cases.

Paths without arguments are a dictionary lookup; paths with arguments go through
:class:`DynamicRouteIndex` when exactly one rule can match; werkzeug decides the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from werkzeug.exceptions import MethodNotAllowed as WerkzeugMethodNotAllowed
from werkzeug.exceptions import NotFound as WerkzeugNotFound
from werkzeug.routing import BuildError, IntegerConverter, Map, MapAdapter, RequestRedirect, Rule

from .exceptions.http_exceptions import MethodNotAllowed, NotFound
from .exceptions.redirects import RoutingRedirect
from .exceptions.request_text import quote_request_text
from .route_index import DynamicRouteIndex

if TYPE_CHECKING:
    from .controller.endpoint import Endpoint


#: The largest value of a 32-bit signed integer column (SQL ``INTEGER`` on PostgreSQL).
MAX_INTEGER_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """``<id:product_id>``: a row id, from 1 up to what the id column can hold.

    werkzeug's ``int`` accepts any number of digits, so ``/products/99999999999``
    reached the database and failed there (an overflow error, answered 500); ids out of
    range now match no route (404). ``<id(max=9223372036854775807):x>`` for BIGINT ids.
    Only ASCII digits match: ``\\d`` would also read Arabic-Indic or fullwidth digits as
    numbers, a second URL for the same row that the document's ``integer`` does not allow.
    """

    regex = "[0-9]+"

    def __init__(self, map: Map, max: int = MAX_INTEGER_ID) -> None:
        super().__init__(map, min=1, max=max)


#: Converters every PyJolt app knows besides werkzeug's own.
CONVERTERS = {"id": DatabaseIdConverter}


class UrlBuildError(LookupError):
    """``url_for`` could not build a URL; the message names the endpoint and the problem."""


class Router:
    """Holds the rules; matches paths to Endpoints and builds URLs back."""

    def __init__(self, strict_slashes: bool) -> None:
        self.map = Map(
            strict_slashes=strict_slashes, redirect_defaults=False, converters=CONVERTERS
        )
        self.endpoints: dict[str, Endpoint] = {}
        self.rules: list[tuple[str, str, str]] = []
        self._static: dict[str, dict[str, Endpoint]] = {}
        self._dynamic = DynamicRouteIndex()
        self._adapter: MapAdapter | None = None

    def add(self, url: str, methods: list[str], name: str, endpoint: Endpoint) -> None:
        """Register ``endpoint`` under ``name`` for ``url`` and ``methods``."""
        rule = Rule(url, methods=methods, endpoint=name)
        self.map.add(rule)
        self.endpoints[name] = endpoint
        for method in methods:
            self.rules.append((method, url, name))
        if not rule.arguments:
            table = self._static.setdefault(url, {})
            for method in rule.methods or ():
                table[method] = endpoint
        else:
            self._dynamic.add(rule, self.map, endpoint)
        self._adapter = None

    @property
    def adapter(self) -> MapAdapter:
        if self._adapter is None:
            self._adapter = self.map.bind("localhost", url_scheme="http")
        return self._adapter

    def match(
        self, path: str, method: str, query_string: bytes | str = ""
    ) -> tuple[Endpoint, dict[str, Any]]:
        """Return the endpoint and converted route arguments, or raise an HTTP exception.

        ``query_string`` is kept on the trailing-slash redirect, as werkzeug/Flask do.
        """
        static = self._static.get(path)
        if static is not None:
            endpoint = static.get(method)
            if endpoint is not None:
                return endpoint, {}
        else:
            quick = self._dynamic.match(path, method)
            if quick is not None:
                return quick
        try:
            if isinstance(query_string, bytes):
                query_string = query_string.decode("latin-1")
            name, arguments = self.adapter.match(path, method, query_args=query_string)
        except RequestRedirect as redirect:
            parts = urlsplit(redirect.new_url)
            location = parts.path + (f"?{parts.query}" if parts.query else "")
            raise RoutingRedirect(location) from None
        except WerkzeugMethodNotAllowed as exc:
            allowed = self._methods_matching(path, exc.valid_methods or ())
        except WerkzeugNotFound:
            allowed = self._methods_of_slashed(path, method)
        else:
            return self.endpoints[name], arguments  # type: ignore[return-value]
        if allowed:
            raise MethodNotAllowed(allowed)
        raise NotFound(f"No route for {quote_request_text(path)}")

    def _methods_matching(self, path: str, methods: Iterable[str]) -> list[str]:
        """Those of ``methods`` for which ``path`` really matches a rule.

        werkzeug decides "wrong method" on the shape of the path, before converters check
        the values, so ``PATCH /notes/99999999999`` (an ``<id>`` out of range) would be a
        405 listing GET although no method matches that id: that is a 404.
        """
        found = []
        for candidate in methods:
            try:
                self.adapter.match(path, candidate)
            except (WerkzeugNotFound, WerkzeugMethodNotAllowed):
                continue
            except RequestRedirect:
                pass
            found.append(candidate)
        return found

    def _methods_of_slashed(self, path: str, method: str) -> list[str]:
        """The methods allowed on ``path + "/"``, when only the method is wrong there.

        werkzeug answers a wrong method on ``/tags`` with 404 when the rule is ``/tags/``
        (it tries the slash only for methods the rule has), although ``GET /tags`` works;
        both spellings should answer 405 with ``Allow``.
        """
        if path.endswith("/"):
            return []
        try:
            self.adapter.match(path + "/", method)
        except WerkzeugMethodNotAllowed as exc:
            return self._methods_matching(path + "/", exc.valid_methods or ())
        except (WerkzeugNotFound, RequestRedirect):
            return []
        return []

    def url_for(self, name: str, **values: Any) -> str:
        """Build the path of endpoint ``name``; extra values become the query string."""
        if name not in self.endpoints:
            known = ", ".join(sorted(self.endpoints)) or "none"
            raise UrlBuildError(f"url_for({name!r}): no such endpoint. Known endpoints: {known}")
        try:
            return self.adapter.build(name, values)
        except BuildError as exc:
            missing = set(exc.suggested.arguments) - set(values) if exc.suggested else set()
            detail = f"missing value(s) for {sorted(missing)}" if missing else str(exc)
            raise UrlBuildError(f"url_for({name!r}): {detail}") from None
        except (ValueError, TypeError) as exc:  # a converter refused a value: int('abc')
            given = ", ".join(f"{key}={value!r}" for key, value in values.items())
            raise UrlBuildError(f"url_for({name!r}): invalid value in {given}: {exc}") from None
