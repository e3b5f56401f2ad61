"""Per-host rate limit: at least ``interval`` seconds between two requests to one host."""

from __future__ import annotations

import time
from collections.abc import Callable


class HostRateLimiter:
    """Spaces requests to each host; hosts do not wait for one another."""

    def __init__(
        self,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._next: dict[str, float] = {}

    def wait(self, host: str, interval: float | None = None) -> float:
        """Sleep until ``host`` may be asked again (``interval``: a longer crawl delay of the
        site's); returns the seconds slept."""
        gap = max(self.interval, interval or 0.0)
        now = self.clock()
        ready = self._next.get(host, now)
        slept = max(0.0, ready - now)
        if slept:
            self.sleep(slept)
        self._next[host] = max(now, ready) + gap
        return slept
