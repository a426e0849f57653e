"""ALLOWED_HOSTS: which ``Host`` header values reach the application.

Compiled once when the app is created into a set of exact names and a tuple of domain
suffixes, so a request costs one header scan and a set or ``endswith`` lookup. Entries:

* ``"example.com"``: that name exactly;
* ``".example.com"``: the domain and every subdomain;
* ``"*.example.com"``: subdomains only;
* ``"*"``: any host (the same as leaving ALLOWED_HOSTS unset).

Ports are ignored (``example.com:8443`` matches ``example.com``), as are letter case
and one trailing dot. A request for any other host is answered 400 before routing, so
neither ``req.url`` nor a cache key ever holds a host the site does not serve.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .request import Scope

#: A DNS name or an IPv4 address, or a bracketed IPv6 address; then an optional port.
_HOST = re.compile(r"^(?P<name>[a-z0-9_.-]+|\[[0-9a-f:.]+\])(?::(?P<port>[0-9]{1,5}))?$")


class AllowedHostsError(ValueError):
    """An ALLOWED_HOSTS entry is not a host name pattern; the message names it."""


def host_name(value: str) -> str | None:
    """The lower-case name part of a Host header value, or None when it is malformed."""
    match = _HOST.match(value.strip().lower())
    if match is None:
        return None
    name = match.group("name")
    return name[:-1] if name.endswith(".") and len(name) > 1 else name


class AllowedHosts:
    """A compiled ALLOWED_HOSTS list."""

    __slots__ = ("any_host", "canonical", "exact", "subdomain_suffixes")

    def __init__(self, patterns: Iterable[str]) -> None:
        exact: set[str] = set()
        suffixes: list[str] = []
        self.any_host = False
        #: The first plain name: the host of external URLs built outside a request.
        self.canonical: str | None = None
        for raw in patterns:
            pattern = str(raw).strip().lower()
            if pattern == "*":
                self.any_host = True
                continue
            if pattern.startswith("*."):
                domain, include_domain = pattern[2:], False
            elif pattern.startswith("."):
                domain, include_domain = pattern[1:], True
            else:
                domain, include_domain = pattern, True
            name = host_name(domain)
            if not domain or name is None or name != domain.rstrip("."):
                raise AllowedHostsError(
                    f"ALLOWED_HOSTS entry {raw!r} is not a host name pattern; use "
                    "'example.com', '.example.com' (with subdomains), '*.example.com' or '*'"
                )
            if include_domain:
                exact.add(name)
            if pattern.startswith((".", "*.")):
                suffixes.append("." + name)
            elif self.canonical is None:
                self.canonical = name
        self.exact = frozenset(exact)
        self.subdomain_suffixes = tuple(suffixes)

    def allows(self, host: str) -> bool:
        """Whether a Host header value names an allowed host."""
        if self.any_host:
            return host_name(host) is not None
        name = host_name(host)
        if name is None:
            return False
        return name in self.exact or name.endswith(self.subdomain_suffixes)

    def allows_scope(self, scope: Scope) -> bool:
        """Whether the request's Host header is allowed (no header: when a name is known)."""
        for key, value in scope["headers"]:
            if key == b"host":
                return self.allows(value.decode("latin-1"))
        return self.canonical is not None or self.any_host
