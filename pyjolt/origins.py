"""Matching a request's ``Origin`` against a list of allowed origins.

CORS and the WebSocket handshake check share this list format: each entry is an exact
origin (``"https://app.example.com"``), an anchored regular expression
(``r"^https://[a-z0-9-]+\\.example\\.com$"`` or a compiled pattern), or ``"*"``. Regexes
must be anchored at both ends: an unanchored ``"example.com"`` pattern would also allow
``https://example.com.evil.net``, which is the classic way such lists are bypassed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443"}


class OriginListError(ValueError):
    """An allowed-origins entry cannot be used; raised when the app is built."""


def normalise_origin(origin: str) -> str:
    """``scheme://host[:port]`` in lower case, without a default port or a trailing slash."""
    return origin.strip().rstrip("/").lower()


class OriginList:
    """A compiled allowed-origins list: exact strings in a set, regexes matched in full."""

    __slots__ = ("any", "exact", "patterns", "setting")

    def __init__(self, entries: Iterable[str | re.Pattern[str]], setting: str) -> None:
        self.setting = setting
        self.any = False
        self.exact: set[str] = set()
        self.patterns: list[re.Pattern[str]] = []
        for entry in entries:
            self._add(entry)

    def _add(self, entry: str | re.Pattern[str]) -> None:
        if isinstance(entry, re.Pattern):
            source = entry.pattern
            if not (source.startswith("^") and source.endswith("$")):
                raise OriginListError(self._unanchored(source))
            self.patterns.append(entry)
            return
        if not isinstance(entry, str) or not entry.strip():
            raise OriginListError(f"{self.setting}: {entry!r} is not an origin")
        text = entry.strip()
        if text == "*":
            self.any = True
        elif text.startswith("^") or text.endswith("$"):
            if not (text.startswith("^") and text.endswith("$")):
                raise OriginListError(self._unanchored(text))
            try:
                self.patterns.append(re.compile(text, re.IGNORECASE))
            except re.error as exc:
                raise OriginListError(f"{self.setting}: invalid regex {text!r}: {exc}") from None
        else:
            parts = urlsplit(text)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/"):
                raise OriginListError(
                    f"{self.setting}: {text!r} is not an origin; write scheme://host[:port] "
                    "(e.g. 'https://app.example.com'), a regex anchored with ^...$, or '*'"
                )
            self.exact.add(normalise_origin(text))

    def _unanchored(self, source: str) -> str:
        return (
            f"{self.setting}: the regex {source!r} must be anchored with ^ and $ "
            "(unanchored, 'example.com' also matches 'https://example.com.evil.net')"
        )

    @property
    def explicit(self) -> bool:
        """Whether the list names origins (exactly or by regex), apart from ``"*"``."""
        return bool(self.exact or self.patterns)

    def __bool__(self) -> bool:
        return self.any or self.explicit

    def allows(self, origin: str) -> bool:
        """Whether ``origin`` is on the list (``"*"`` allows any origin but ``null``)."""
        if self.any:
            return origin != "null"
        return self.names(origin)

    def names(self, origin: str) -> bool:
        """Whether ``origin`` is named by an exact entry or a regex (``"*"`` not counted)."""
        normal = normalise_origin(origin)
        if normal in self.exact:
            return True
        return any(pattern.fullmatch(origin) for pattern in self.patterns)


def host_port(netloc: str, scheme: str) -> str:
    """``host:port`` of a netloc, lower case, with the scheme's default port removed."""
    netloc = netloc.strip().lower()
    default = DEFAULT_PORTS.get(scheme)
    if default and netloc.endswith(f":{default}"):
        netloc = netloc[: -len(default) - 1]
    return netloc


def same_origin(origin: str, host_header: str, scheme: str) -> bool:
    """Whether ``origin`` names the host the request was sent to.

    Host and port are compared; the scheme is not, so a page on https behind a
    TLS-terminating proxy still reaches its own ``ws://`` socket.
    """
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    if not parts.netloc or not host_header:
        return False
    target = host_port(host_header, scheme)
    for port in (":80", ":443"):  # a proxy may pass on the public port in Host
        target = target.removesuffix(port)
    return host_port(parts.netloc, parts.scheme) == target
