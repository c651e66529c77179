"""Digest periods: which days a daily, weekly or monthly digest reports on, and when it is due.

A weekly digest reports on the last full ISO week (Monday to Sunday) and compares it with the
week before; a monthly one on the last full calendar month, against the month before (which may
be a day or three longer or shorter). Their trend is the last :data:`TREND_PERIODS` periods, one
point each. Pure date arithmetic: no clock, no I/O.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from kpis.windows import Window

Cadence = Literal["daily", "weekly", "monthly"]
CADENCES: tuple[Cadence, ...] = ("daily", "weekly", "monthly")
#: Day names of ``digest_day`` for weekly digests, Monday first (as ``date.weekday()`` counts).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Largest ``digest_day`` of a monthly digest: every month has it.
LAST_MONTH_DAY = 28
#: Points on a weekly or monthly digest's trend chart.
TREND_PERIODS = 8
#: Defaults of ``digest_day``: weekly digests on Monday, monthly ones on the 1st.
DEFAULT_DAY = {"daily": "", "weekly": "mon", "monthly": "1"}


def period_window(cadence: Cadence, day: date, zone: ZoneInfo, *, days: int = 7) -> Window:
    """The window a digest dated ``day`` (the last day it may report on) covers.

    daily: the ``days`` whole days ending with ``day``; weekly: the last Monday-to-Sunday week
    ending on or before ``day``; monthly: the last calendar month ending on or before ``day``.
    """
    if cadence == "weekly":
        sunday = day - timedelta(days=(day.weekday() + 1) % 7)
        return Window(sunday - timedelta(days=6), sunday + timedelta(days=1), zone)
    if cadence == "monthly":
        end = day + timedelta(days=1) if (day + timedelta(days=1)).day == 1 else day.replace(day=1)
        return month_window(end, zone)
    return Window(day - timedelta(days=days - 1), day + timedelta(days=1), zone)


def month_window(end_day: date, zone: ZoneInfo) -> Window:
    """The calendar month ending before ``end_day`` (a 1st), compared with the month before it."""
    first = (end_day - timedelta(days=1)).replace(day=1)
    return Window(first, end_day, zone, compare_from=(first - timedelta(days=1)).replace(day=1))


def trend_windows(cadence: Cadence, window: Window, count: int = TREND_PERIODS) -> list[Window]:
    """The ``count`` periods ending with ``window``, oldest first (weeks, or calendar months)."""
    windows = [window]
    while len(windows) < count:
        windows.insert(0, month_window(windows[0].first_day, window.zone) if cadence == "monthly"
                       else windows[0].previous())
    return windows


def period_key(cadence: Cadence, window: Window) -> str:
    """The period's name in the delivery log: ``2026-11-15``, ``2026-W46`` or ``2026-11``, so a
    weekly digest is one message per week and never takes the place of a daily one."""
    if cadence == "weekly":
        year, week, _ = window.first_day.isocalendar()
        return f"{year}-W{week:02d}"
    if cadence == "monthly":
        return f"{window.first_day:%Y-%m}"
    return (window.end_day - timedelta(days=1)).isoformat()


def is_due(cadence: Cadence, on: str, posting_day: date) -> bool:
    """Whether a digest of ``cadence`` posted on ``on`` (weekday name or day of month) is posted on
    ``posting_day``; a daily one always is (``[digest] days`` is the scheduler's business)."""
    if cadence == "weekly":
        return WEEKDAYS[posting_day.weekday()] == on
    if cadence == "monthly":
        return posting_day.day == int(on)
    return True
