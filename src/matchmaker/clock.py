"""The one clock of the system.

Everything that needs the current time calls :func:`now`; nothing else reads the system time.
Tests replace it with :func:`freeze` / :func:`advance`; end-to-end runs move it through the
test-only HTTP endpoint that exists only when ``MATCHMAKER_ENV=test``.
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

UTC = dt.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")

_frozen: dt.datetime | None = None
_offset = dt.timedelta(0)


def now() -> dt.datetime:
    """Current time, timezone-aware UTC."""
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(UTC) + _offset


def today_shanghai() -> dt.date:
    """The calendar date in China, where every deadline and period is meant."""
    return now().astimezone(SHANGHAI).date()


def monotonic() -> float:
    """For measuring durations (metrics, rate windows) — not affected by test clock moves."""
    return time.monotonic()


def freeze(at: dt.datetime) -> None:
    if at.tzinfo is None:
        raise ValueError("freeze() needs a timezone-aware datetime")
    global _frozen
    _frozen = at.astimezone(UTC)


def advance(delta: dt.timedelta) -> None:
    """Move the clock forward (frozen or not)."""
    global _frozen, _offset
    if _frozen is not None:
        _frozen = _frozen + delta
    else:
        _offset += delta


def reset() -> None:
    global _frozen, _offset
    _frozen = None
    _offset = dt.timedelta(0)


def offset() -> dt.timedelta:
    return _offset
