"""Quoting text that came with the request before it goes into an error message."""

from __future__ import annotations

import html

MAX_QUOTED_CHARACTERS = 80


def quote_request_text(text: str, limit: int = MAX_QUOTED_CHARACTERS) -> str:
    """``text`` in single quotes, safe to show: escaped for HTML, at most ``limit`` characters.

    Error messages travel in JSON bodies, but they end up in HTML pages, log viewers and
    terminals too: ``<``, ``>``, ``&`` and quotes are HTML-escaped, control characters
    are written as escapes (``\\n``, ``\\x1b``), and a long value is cut with ``...``.
    """
    shown = text[:limit]
    if not shown.isprintable():
        shown = "".join(char if char.isprintable() else _escape(char) for char in shown)
    ellipsis = "..." if len(text) > limit else ""
    return f"'{html.escape(shown)}{ellipsis}'"


def _escape(char: str) -> str:
    return char.encode("unicode_escape").decode("ascii")
