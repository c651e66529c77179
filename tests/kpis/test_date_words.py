"""The same date words everywhere: periods and date options, worked out by hand on a known day."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from kpis.errors import ConfigError
from kpis.windows import parse_day, window_for_period

BERLIN = ZoneInfo("Europe/Berlin")
# Thursday 3 December 2026, 10:00 in Berlin.
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)
TODAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        ("last-week", date(2026, 11, 23), date(2026, 11, 29)),  # Monday to Sunday before this week
        ("this-month", date(2026, 12, 1), date(2026, 12, 3)),  # the 1st to today, inclusive
        ("last-month", date(2026, 11, 1), date(2026, 11, 30)),
        ("this-week", date(2026, 11, 30), date(2026, 12, 3)),
        ("yesterday", date(2026, 12, 2), date(2026, 12, 2)),
    ],
)
def test_period_words_name_these_days(period, first, last):
    window = window_for_period(period, now=NOW, zone=BERLIN)
    assert window.first_day == first
    assert window.label() == (first.isoformat() if first == last else f"{first} to {last}")


@pytest.mark.parametrize(
    ("text", "last", "expected"),
    [
        ("today", False, TODAY),
        ("yesterday", True, date(2026, 12, 2)),
        ("last-week", False, date(2026, 11, 23)),
        ("last-week", True, date(2026, 11, 29)),
        ("this-month", False, date(2026, 12, 1)),
        ("last-month", False, date(2026, 11, 1)),
        ("last-month", True, date(2026, 11, 30)),
        ("Last_Month", False, date(2026, 11, 1)),
        ("2026-10-05", True, date(2026, 10, 5)),
    ],
)
def test_date_options_take_the_same_words(text, last, expected):
    assert parse_day(text, "--date", today=TODAY, last=last) == expected


def test_a_word_that_is_no_date_names_the_words_it_takes():
    with pytest.raises(ConfigError) as raised:
        parse_day("fortnight", "--since", today=TODAY)
    assert str(raised.value) == (
        "--since 'fortnight' is not a date; use YYYY-MM-DD (e.g. 2026-11-01) or one of "
        "today, yesterday, last-week, this-month, last-month"
    )
