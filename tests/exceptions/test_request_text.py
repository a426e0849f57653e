"""quote_request_text: request text made safe to show inside an error message."""

import pytest

from pyjolt.exceptions.request_text import quote_request_text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("/users/7", "'/users/7'"),
        ("/<script>alert(1)</script>", "'/&lt;script&gt;alert(1)&lt;/script&gt;'"),
        ("a&b", "'a&amp;b'"),
        ('it\'s "quoted"', "'it&#x27;s &quot;quoted&quot;'"),
        ("line\r\nbreak", "'line\\r\\nbreak'"),
        ("nul\x00 escape\x1b[31m", "'nul\\x00 escape\\x1b[31m'"),
        ("\u202eevil", "'\\u202eevil'"),
        ("café", "'café'"),
        ("", "''"),
    ],
    ids=[
        "plain",
        "markup",
        "ampersand",
        "quotes",
        "cr-lf",
        "control-characters",
        "bidi-override",
        "non-ascii-letters",
        "empty",
    ],
)
def test_request_text_is_quoted_and_escaped(text, shown):
    assert quote_request_text(text) == shown


def test_long_request_text_is_cut_with_an_ellipsis():
    assert quote_request_text("x" * 100, limit=10) == "'xxxxxxxxxx...'"


def test_request_text_at_the_limit_is_not_cut():
    assert quote_request_text("x" * 10, limit=10) == "'xxxxxxxxxx'"


def test_markup_is_cut_before_it_is_escaped():
    shown = quote_request_text("<" * 100, limit=5)
    assert shown == "'" + "&lt;" * 5 + "...'"
