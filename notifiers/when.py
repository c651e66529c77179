"""Dates and times as a person reads them in a message: "Sun 15 Nov 2026", "9–15 Nov 2026"."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kpis.windows import Window


def day_text(day: date, *, weekday: bool = True) -> str:
    text = f"{day.day} {day:%b %Y}"
    return f"{day:%a} {text}" if weekday else text


def span_text(window: Window) -> str:
    """"15 Nov 2026" for one day, "9–15 Nov 2026", "28 Oct – 3 Nov 2026", "30 Dec 2025 – 5 Jan 2026"."""
    first, last = window.first_day, window.end_day - timedelta(days=1)
    if first == last:
        return day_text(first, weekday=False)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%b %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
    return f"{day_text(first, weekday=False)} – {day_text(last, weekday=False)}"


def days_text(window: Window) -> str:
    return "1 day" if window.days == 1 else f"{window.days} days"


def moment_text(moment: datetime, zone: ZoneInfo) -> str:
    """"15 Nov 2026 09:15 Europe/Berlin"."""
    local = moment.astimezone(zone)
    return f"{day_text(local.date(), weekday=False)} {local:%H:%M} {zone.key}"


def duration_text(delta: timedelta) -> str:
    """"45 minutes", "5 hours", "2 days"."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hours"
    return f"{hours // 24} days"
