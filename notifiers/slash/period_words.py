"""The `/kpi` period words: the period a question's words spell from one position, and how many
words it takes (``30d``, ``30 days``, ``this week``, ``last month``, ``yesterday``,
``2026-11-01..2026-11-15``). Pure: no I/O, no clock (a period is resolved to dates later)."""

from __future__ import annotations

from collections.abc import Sequence

from kpis.errors import ConfigError
from kpis.windows import parse_date
from notifiers.slash.parsed import MAX_DAYS, Period, Usage
from notifiers.slash.vocabulary import DATE, DAYS, NAMED_PERIODS, RANGE


def period_at(lower: Sequence[str], i: int) -> tuple[Period | Usage | None, int]:
    """The period spelled by the lower-cased words ``lower`` from ``i``, and the words it takes.

    ``(None, 0)``: not a period word. ``(None, 1)``: a ``last`` before a number of days, which the
    number carries. A :class:`Usage` for a period spelled wrong (out of range, not a date)."""
    word, following = lower[i], lower[i + 1] if i + 1 < len(lower) else None
    if word in ("this", "last") and following in ("week", "month"):
        return Period(f"{word}-{following}"), 2
    if word == "last" and following is not None and (following.isdigit() or DAYS.match(following)):
        return None, 1  # "last 7d", "last 30 days": the number carries the meaning
    if word in NAMED_PERIODS:
        return Period(NAMED_PERIODS[word]), 1
    if word.isdigit() and following in ("d", "day", "days"):
        return _days(word, int(word))
    if DAYS.match(word):
        return _days(word, int(word[:-1]))
    if RANGE.match(word) or DATE.match(word):
        return _dates(word), 1
    return None, 0


def _days(word: str, days: int) -> tuple[Period | Usage, int]:
    used = 1 if word.endswith("d") else 2
    if not 1 <= days <= MAX_DAYS:
        return Usage(f"`{word}` is out of range: periods go from 1 to {MAX_DAYS} days.", "Try `/kpi 30d`."), used
    return Period(f"{days}d"), used


def _dates(word: str) -> Period | Usage:
    match = RANGE.match(word)
    first_text, last_text = (match.group(1), match.group(2)) if match else (word, word)
    try:
        first, last = parse_date(first_text, "from"), parse_date(last_text, "to")
    except ConfigError:
        return Usage(f"`{word}` is not a date range.", "Write it as `2026-11-01..2026-11-15` (both days included).")
    if last < first:
        return Usage(f"`{word}` ends before it starts.", f"Did you mean `{last}..{first}`?")
    if (last - first).days + 1 > MAX_DAYS:
        return Usage(f"`{word}` is longer than {MAX_DAYS} days.", "Ask for a shorter range.")
    return Period(None, first, last)
