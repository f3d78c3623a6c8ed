"""When to try a failed send again: exponential backoff with full jitter, capped.

Full jitter (a uniformly random delay between 0 and the exponential ceiling) spreads the
retries of many desks that lost the office at the same moment, so they do not all come
back in the same second. ``Retry-After`` from the office is a floor, never shortened.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

BASE_S = 5.0  # ceiling of the first retry
CAP_S = 15 * 60.0  # no retry is ever scheduled further out by the backoff itself
MIN_S = 1.0  # never zero: keeps a misbehaving office from being hammered in a loop
# A Retry-After beyond this is treated as garbage rather than obeyed for days.
MAX_RETRY_AFTER_S = 24 * 3600.0


def backoff_delay(attempt: int, *, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait after the ``attempt``-th failed try (1 for the first failure)."""
    n = max(1, int(attempt))
    ceiling = CAP_S if n > 30 else min(CAP_S, BASE_S * 2 ** (n - 1))
    return max(MIN_S, rand() * ceiling)


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds from ``now`` that a ``Retry-After`` header asks for, or None.

    The header is either delta-seconds or an HTTP date; anything else is ignored.
    """
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        seconds = float(int(text[:12]))
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None or when.tzinfo is None:
            return None
        seconds = (when - now).total_seconds()
    if seconds < 0:
        return 0.0
    return min(seconds, MAX_RETRY_AFTER_S)


def next_try_at(
    attempt: int,
    *,
    now: datetime,
    retry_after: float | None = None,
    rand: Callable[[], float] = random.random,
) -> datetime:
    """The moment the next try is due after the ``attempt``-th failure."""
    delay = backoff_delay(attempt, rand=rand)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return now + timedelta(seconds=delay)
