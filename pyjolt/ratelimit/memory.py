"""Counting rate limits in this process (one worker, or limits per worker)."""

from __future__ import annotations

import time
from collections.abc import Callable

from .limits import Decision, RateLimit, Strategy, fixed_window, token_bucket

#: Past this many keys, entries whose window or bucket has run out are swept.
SWEEP_THRESHOLD = 10_000


class MemoryRateLimitBackend:
    """Counters in a dict; expired entries are swept as the dict grows, so memory stays
    proportional to the clients active within one period."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._windows: dict[str, tuple[int, int]] = {}
        self._buckets: dict[str, tuple[float, float]] = {}
        self._sweep_at = SWEEP_THRESHOLD

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._windows.clear()
        self._buckets.clear()

    async def hit(self, key: str, limit: RateLimit, strategy: Strategy) -> Decision:
        now = self.clock()
        if len(self._windows) + len(self._buckets) > self._sweep_at:
            self._sweep(now, limit)
        if strategy == "token-bucket":
            tokens, last = self._buckets.get(key, (float(limit.limit), now))
            decision, left = token_bucket(tokens, last, limit, now)
            self._buckets[key] = (left, now)
            return decision
        window = int(now // limit.period)
        start, count = self._windows.get(key, (window, 0))
        count = count + 1 if start == window else 1
        self._windows[key] = (window, count)
        return fixed_window(count, limit, (window + 1) * limit.period, now)

    def _sweep(self, now: float, limit: RateLimit) -> None:
        window = int(now // limit.period)
        self._windows = {k: v for k, v in self._windows.items() if v[0] == window}
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < limit.period}
        self._sweep_at = max(SWEEP_THRESHOLD, 2 * (len(self._windows) + len(self._buckets)))
