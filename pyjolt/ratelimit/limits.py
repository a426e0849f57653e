"""Rate limits: parsing ``"100/minute"`` and the two counting strategies' arithmetic.

Fixed window counts hits per calendar window (cheap, one counter; a client can send up
to twice the limit across a window boundary). Token bucket refills ``limit`` tokens per
period continuously (smooth, allows bursts up to ``limit``). Both answer how long to wait
when a hit is refused, which becomes ``Retry-After``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

Strategy = Literal["fixed-window", "token-bucket"]

PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}
LIMIT_TEXT = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+?)s?\s*$", re.IGNORECASE)


class RateLimitError(ValueError):
    """A rate limit setting cannot be read; raised when the app is built."""


@dataclass(frozen=True, slots=True)
class RateLimit:
    """``limit`` hits per ``period`` seconds."""

    limit: int
    period: float

    @classmethod
    def parse(cls, text: str, setting: str = "RATE_LIMIT") -> RateLimit:
        """``"100/minute"``, ``"10/second"``, ``"5/15m"``, ``"1000/day"``."""
        match = LIMIT_TEXT.match(text or "")
        unit = PERIODS.get(match.group(3).lower()) if match else None
        if match is None or unit is None or int(match.group(1)) < 1:
            raise RateLimitError(
                f"{setting}: {text!r} is not a rate limit; write hits/period such as "
                "'100/minute', '10/second', '5/15m' or '1000/day'"
            )
        multiple = int(match.group(2) or 1)
        return cls(int(match.group(1)), float(unit * max(multiple, 1)))


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether a hit is allowed; when not, the seconds until one would be."""

    allowed: bool
    retry_after: float = 0.0
    remaining: int = 0


def fixed_window(count: int, limit: RateLimit, window_end: float, now: float) -> Decision:
    """The decision after the ``count``-th hit of a window that ends at ``window_end``."""
    if count <= limit.limit:
        return Decision(True, 0.0, limit.limit - count)
    return Decision(False, max(window_end - now, 0.001), 0)


def token_bucket(
    tokens: float, last: float, limit: RateLimit, now: float
) -> tuple[Decision, float]:
    """The decision for one hit and the tokens left, refilled from ``last`` to ``now``."""
    rate = limit.limit / limit.period
    tokens = min(float(limit.limit), tokens + max(now - last, 0.0) * rate)
    if tokens >= 1.0:
        tokens -= 1.0
        return Decision(True, 0.0, math.floor(tokens)), tokens
    return Decision(False, (1.0 - tokens) / rate, 0), tokens
