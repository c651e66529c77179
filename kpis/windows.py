"""Reporting windows: whole days in the reporting time zone, as UTC instants.

``W = [start, end)``. Day boundaries are local midnights, so a window that crosses a
daylight-saving change is 23 or 25 hours longer or shorter than ``days * 24`` -- it still holds
whole local days. The previous window holds the same number of local days and ends where W starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from kpis.errors import ConfigError

PERIODS = ("today", "yesterday", "7d", "30d", "90d", "this-week", "last-week", "this-month", "last-month")
#: The words a date option takes besides YYYY-MM-DD (a period word names its first or last day).
DATE_WORDS = ("today", "yesterday", "last-week", "this-month", "last-month")
_DAYS = re.compile(r"^(\d{1,4})d$")


@dataclass(frozen=True, slots=True)
class Window:
    first_day: date
    #: Exclusive: the window ends at the local midnight that starts this day.
    end_day: date
    zone: ZoneInfo
    #: First day of the window compared with, when it is not the same number of days just before
    #: (a calendar month against the month before it: 30 days against 31).
    compare_from: date | None = None

    @property
    def start(self) -> datetime:
        return local_midnight(self.first_day, self.zone)

    @property
    def end(self) -> datetime:
        return local_midnight(self.end_day, self.zone)

    @property
    def days(self) -> int:
        return (self.end_day - self.first_day).days

    def previous(self) -> Window:
        if self.compare_from is not None:
            return Window(self.compare_from, self.first_day, self.zone)
        return Window(self.first_day - timedelta(days=self.days), self.first_day, self.zone)

    def as_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    def label(self) -> str:
        last = self.end_day - timedelta(days=1)
        return self.first_day.isoformat() if last == self.first_day else f"{self.first_day} to {last}"


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant of 00:00 local time on ``day`` (zoneinfo resolves DST gaps forward)."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)


def today_in(zone: ZoneInfo, now: datetime) -> date:
    return now.astimezone(zone).date()


def window_for_period(period: str, *, now: datetime, zone: ZoneInfo) -> Window:
    """``today``, ``yesterday``, ``Nd`` (N whole days ending at the start of today),
    ``this-week`` (Monday to today, inclusive), ``last-week`` (the previous Monday to Sunday),
    ``this-month`` (the 1st to today, inclusive) or ``last-month`` (the previous calendar month)."""
    today = today_in(zone, now)
    name = _word(period)
    if name == "today":
        return Window(today, today + timedelta(days=1), zone)
    if name == "yesterday":
        return Window(today - timedelta(days=1), today, zone)
    if name == "this-week":
        monday = today - timedelta(days=today.weekday())
        return Window(monday, today + timedelta(days=1), zone)
    if name == "last-week":
        monday = today - timedelta(days=today.weekday())
        return Window(monday - timedelta(days=7), monday, zone)
    if name == "this-month":
        return Window(today.replace(day=1), today + timedelta(days=1), zone)
    if name == "last-month":
        first_this = today.replace(day=1)
        first_last = (first_this - timedelta(days=1)).replace(day=1)
        return Window(first_last, first_this, zone)
    match = _DAYS.match(name)
    if match and int(match.group(1)) > 0:
        return Window(today - timedelta(days=int(match.group(1))), today, zone)
    raise ConfigError(f"unknown period {period!r}; use one of {', '.join(PERIODS)} or Nd such as 14d")


def window_between(first: date, last: date, zone: ZoneInfo) -> Window:
    """``--from first --to last``: both dates inclusive."""
    if last < first:
        raise ConfigError(f"--to {last} is before --from {first}")
    return Window(first, last + timedelta(days=1), zone)


def _word(text: str) -> str:
    return text.strip().lower().replace(" ", "-").replace("_", "-")


def parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"{option} {text!r} is not a date; use YYYY-MM-DD, e.g. 2026-11-01") from None


def parse_day(text: str, option: str, *, today: date, last: bool = False) -> date:
    """A date option: YYYY-MM-DD or one of :data:`DATE_WORDS`, the same words everywhere. A period
    word names its first day (``--since last-month``: the 1st of last month), or with ``last`` its
    last day (``digest --date last-week``: last Sunday)."""
    name = _word(text)
    if name in DATE_WORDS:
        window = window_for_period(name, now=local_midnight(today, timezone.utc), zone=ZoneInfo("UTC"))
        return window.end_day - timedelta(days=1) if last else window.first_day
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(
            f"{option} {text!r} is not a date; use YYYY-MM-DD (e.g. 2026-11-01) or one of {', '.join(DATE_WORDS)}"
        ) from None
