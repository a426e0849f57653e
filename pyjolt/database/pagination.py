"""Pagination arithmetic: which window of rows a page asks for, and the page it makes.

Kept apart from :mod:`pyjolt.database.query` because it is pure arithmetic and
validation: ``page``/``per_page`` and ``limit``/``offset`` are two spellings of one
window, checked the same way, answered with the same keys.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Generic, TypedDict, TypeVar

from .errors import InvalidPaginationError

T = TypeVar("T")

DEFAULT_MAX_PER_PAGE = 100
"""Largest ``per_page`` that ``paginate()`` accepts unless ``DATABASE_MAX_PER_PAGE`` says
otherwise: one request cannot ask for a whole table."""
DEFAULT_PER_PAGE = 10


class PageDict(TypedDict, Generic[T]):
    """What ``paginate()`` returns: a plain dict with these keys, in either style.

    ``page``/``per_page`` and ``limit``/``offset`` describe the same window, so a client
    can be answered in the style it asked for.
    """

    items: list[T]
    total: int
    page: int
    pages: int
    per_page: int
    limit: int
    offset: int
    has_next: bool
    has_prev: bool


def as_int(parameter: str, value: object) -> int:
    """Accept ints and integer strings (query parameters arrive as text)."""
    if isinstance(value, bool):
        raise InvalidPaginationError(parameter, value, f"{parameter} must be an integer, got bool")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise InvalidPaginationError(parameter, value, f"{parameter} must be an integer, got {value!r}")


@dataclass(frozen=True)
class PageWindow:
    """A checked window: ``size`` rows from ``start``; ``by_offset`` keeps the style."""

    size: int
    start: int
    page: int
    by_offset: bool

    def page_of(self, items: list[T], total: int) -> PageDict[T]:
        """The page dict of ``items`` (this window's rows) out of ``total`` rows."""
        pages = math.ceil(total / self.size)
        return PageDict(
            items=items,
            total=total,
            page=self.page,
            pages=pages,
            per_page=self.size,
            limit=self.size,
            offset=self.start,
            has_next=self.start + len(items) < total if self.by_offset else self.page < pages,
            has_prev=self.start > 0 if self.by_offset else self.page > 1,
        )


@dataclass(frozen=True)
class PageRequest:
    """The arguments of one ``paginate()`` call, in the style the caller chose."""

    size_name: str
    raw_size: object
    size: int
    page: int
    start: int
    raw_position: object
    by_offset: bool

    @classmethod
    def parse(
        cls,
        page: int | str | None,
        per_page: int | str | None,
        limit: int | str | None,
        offset: int | str | None,
    ) -> PageRequest:
        """Read the arguments; mixing the two styles is a TypeError (a programming error)."""
        by_offset = limit is not None or offset is not None
        if by_offset and (page is not None or per_page is not None):
            given = {"page": page, "per_page": per_page, "limit": limit, "offset": offset}
            mixed = ", ".join(f"{k}={v!r}" for k, v in given.items() if v is not None)
            raise TypeError(
                f"paginate() takes page and per_page, or limit and offset, not both (got {mixed})"
            )
        if by_offset:
            raw_size: object = DEFAULT_PER_PAGE if limit is None else limit
            start = as_int("offset", 0 if offset is None else offset)
            return cls("limit", raw_size, as_int("limit", raw_size), 1, start, offset, True)
        raw_size = DEFAULT_PER_PAGE if per_page is None else per_page
        number = as_int("page", 1 if page is None else page)
        return cls("per_page", raw_size, as_int("per_page", raw_size), number, 0, page, False)

    def window(self, largest: int) -> PageWindow:
        """The window, once the sizes are checked against ``largest`` rows per page."""
        if self.by_offset and self.start < 0:
            raise InvalidPaginationError(
                "offset", self.raw_position, f"offset must be 0 or more, got {self.start}"
            )
        if not self.by_offset and self.page < 1:
            raise InvalidPaginationError(
                "page", self.raw_position, f"page must be 1 or more, got {self.page}"
            )
        if not 1 <= self.size <= largest:
            raise InvalidPaginationError(
                self.size_name,
                self.raw_size,
                f"{self.size_name} must be between 1 and {largest}, got {self.size}",
            )
        if self.by_offset:
            return PageWindow(self.size, self.start, self.start // self.size + 1, True)
        return PageWindow(self.size, (self.page - 1) * self.size, self.page, False)
