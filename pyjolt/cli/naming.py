"""Turning what the user typed (``users``, ``Users``, ``user-accounts``) into names.

One normalisation serves every generator, so the file (``user_accounts.py``), the class
(``UserAccountsApi``), the URL (``/api/v1/user-accounts``) and the import string written
into ``configs.py`` always agree.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from .errors import UsageError

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_ALLOWED = re.compile(r"^[A-Za-z][A-Za-z0-9_\- ]*$")


@dataclass(frozen=True)
class Name:
    """A validated name in every spelling the templates need."""

    raw: str
    snake: str  # user_accounts: module and file names
    pascal: str  # UserAccounts: class names
    kebab: str  # user-accounts: URL segments
    title: str  # User accounts: docstrings and tags

    @property
    def singular(self) -> Name:
        return make_name(self.raw, singularize(self.snake))

    @property
    def plural(self) -> Name:
        return make_name(self.raw, pluralize(self.snake))


def split_words(raw: str) -> list[str]:
    """``'userAccounts'``, ``'user-accounts'``, ``'User_Accounts'`` -> ``['user', 'accounts']``."""
    spaced = _WORD_BOUNDARY.sub(" ", raw.strip())
    return [word.lower() for word in re.split(r"[\s_\-]+", spaced) if word]


def make_name(raw: str, snake: str) -> Name:
    words = snake.split("_")
    return Name(
        raw=raw,
        snake=snake,
        pascal="".join(word.capitalize() for word in words),
        kebab="-".join(words),
        title=" ".join(words).capitalize(),
    )


def normalise_name(raw: str, what: str = "name") -> Name:
    """Validate ``raw`` and return its spellings; raise UsageError (exit 2) when unusable.

    Refused: empty names, path separators, anything but ASCII letters, digits, ``-`` and
    ``_`` (starting with a letter), and names whose module or class spelling is a Python
    keyword (``class``, ``None``...).
    """
    if not raw or not raw.strip():
        raise UsageError(f"the {what} is empty", hint="pass a name such as 'users'")
    if "/" in raw or "\\" in raw or raw in {".", ".."}:
        raise UsageError(
            f"{what} {raw!r} contains a path separator",
            hint="pass a bare name such as 'users'; generated files go to fixed folders",
        )
    if not _ALLOWED.match(raw):
        raise UsageError(
            f"{what} {raw!r} is not a valid identifier",
            hint="use letters, digits, '-' or '_', starting with a letter (e.g. 'user-accounts')",
        )
    words = split_words(raw)
    snake = "_".join(words)
    name = make_name(raw, snake)
    for spelling in (name.snake, name.pascal):
        if keyword.iskeyword(spelling):
            raise UsageError(
                f"{what} {raw!r} is a Python keyword ({spelling!r})",
                hint="choose another name, e.g. add a suffix: 'class_items'",
            )
    if not snake.isidentifier():
        raise UsageError(f"{what} {raw!r} is not a valid identifier")
    return name


_IRREGULAR_PLURALS = {"person": "people", "child": "children", "man": "men", "woman": "women"}
_IRREGULAR_SINGULARS = {plural: singular for singular, plural in _IRREGULAR_PLURALS.items()}
_UNCOUNTABLE = {"data", "news", "info", "information", "series", "species", "media", "status"}


def _split_last(snake: str) -> tuple[str, str]:
    head, _, last = snake.rpartition("_")
    return (f"{head}_" if head else ""), last


def singularize(snake: str) -> str:
    """``user_accounts`` -> ``user_account`` (English rules good enough for table names)."""
    head, word = _split_last(snake)
    if word in _UNCOUNTABLE:
        return snake
    if word in _IRREGULAR_SINGULARS:
        return head + _IRREGULAR_SINGULARS[word]
    if word.endswith("ies") and len(word) > 3:
        return head + word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return head + word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return head + word[:-1]
    return snake


def pluralize(snake: str) -> str:
    """``user_account`` -> ``user_accounts``; an already plural word stays as it is."""
    head, word = _split_last(snake)
    if word in _UNCOUNTABLE or word in _IRREGULAR_SINGULARS:
        return snake
    if word in _IRREGULAR_PLURALS:
        return head + _IRREGULAR_PLURALS[word]
    if singularize(word) != word:
        return snake
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return head + word[:-1] + "ies"
    if word.endswith(("s", "sh", "ch", "x", "z")):
        return head + word + "es"
    return head + word + "s"
