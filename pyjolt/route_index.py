"""A quick way to the one rule that matches a path with arguments; werkzeug decides the rest.

werkzeug's state-machine matcher is general, but each match costs several recursive calls
and leaves cyclic garbage behind. Most requests to a path with arguments can match only
one rule, so this index tries the rules that share the path's static prefix, using the
same werkzeug converters (their regex and ``to_python``). It answers only when exactly
one rule matches the whole path with the request's method and its converters accept the
values; anything else (no match, several, a wrong method, a trailing-slash redirect, a
value a converter refuses) returns None and werkzeug's matcher decides, so the answers are
always the ones werkzeug would give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.routing import Map, Rule, ValidationError
from werkzeug.routing.converters import BaseConverter
from werkzeug.routing.rules import parse_converter_args

if TYPE_CHECKING:
    from .controller.endpoint import Endpoint

ARGUMENT = re.compile(
    r"<(?:(?P<converter>[A-Za-z_]\w*)(?:\((?P<args>.*?)\))?:)?(?P<name>[A-Za-z_]\w*)>"
)


@dataclass(frozen=True, slots=True)
class IndexedRoute:
    pattern: re.Pattern[str]
    converters: tuple[tuple[str, BaseConverter], ...]
    methods: frozenset[str]
    endpoint: Endpoint


def compile_rule(rule: Rule, url_map: Map, endpoint: Endpoint) -> IndexedRoute | None:
    """The whole-path regex of ``rule`` built from its werkzeug converters (None: skip)."""
    pieces: list[str] = []
    converters: list[tuple[str, BaseConverter]] = []
    position = 0
    for argument in ARGUMENT.finditer(rule.rule):
        pieces.append(re.escape(rule.rule[position : argument.start()]))
        converter_class = url_map.converters.get(argument["converter"] or "default")
        if converter_class is None:
            return None
        args, kwargs = parse_converter_args(argument["args"]) if argument["args"] else ((), {})
        converter = converter_class(url_map, *args, **kwargs)
        pieces.append(f"(?P<{argument['name']}>{converter.regex})")
        converters.append((argument["name"], converter))
        position = argument.end()
    pieces.append(re.escape(rule.rule[position:]))
    return IndexedRoute(
        re.compile("".join(pieces)), tuple(converters), frozenset(rule.methods or ()), endpoint
    )


def static_prefix(url: str) -> str:
    """The part of ``url`` before its first argument, up to and including the last '/'."""
    head = url.split("<", 1)[0]
    return head[: head.rfind("/") + 1]


class DynamicRouteIndex:
    """Rules with arguments, grouped by their static prefix."""

    def __init__(self) -> None:
        self._by_prefix: dict[str, list[IndexedRoute]] = {}

    def add(self, rule: Rule, url_map: Map, endpoint: Endpoint) -> None:
        route = compile_rule(rule, url_map, endpoint)
        if route is not None:
            self._by_prefix.setdefault(static_prefix(rule.rule), []).append(route)

    def match(self, path: str, method: str) -> tuple[Endpoint, dict[str, Any]] | None:
        """The endpoint and values when exactly one rule matches; None to ask werkzeug."""
        found: tuple[IndexedRoute, re.Match[str]] | None = None
        slash = path.find("/")
        while slash != -1:
            for route in self._by_prefix.get(path[: slash + 1], ()):
                matched = route.pattern.fullmatch(path)
                if matched is not None:
                    if found is not None:
                        return None
                    found = (route, matched)
            slash = path.find("/", slash + 1)
        if found is None or method not in found[0].methods:
            return None
        route, matched = found
        try:
            values = {name: conv.to_python(matched[name]) for name, conv in route.converters}
        except ValidationError:
            return None
        return route.endpoint, values
