"""The `/kpi` grammar as a person types it: forgiving, order-free, and helpful when wrong."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from kpis.catalogue import HEADLINE
from notifiers.slash.grammar import (
    HELP,
    BreachesQuery,
    HelpQuery,
    KpiQuery,
    Period,
    Scope,
    Target,
    TeamsQuery,
    Usage,
    parse,
)

TEAMS = ["Billing", "Technical Support", "Returns"]


def kpi(text: str) -> KpiQuery:
    query = parse(text, TEAMS)
    assert isinstance(query, KpiQuery), query
    return query


def usage(text: str) -> Usage:
    query = parse(text, TEAMS)
    assert isinstance(query, Usage), query
    return query


def test_kpi_alone_is_the_callers_team_headline_over_7_days_privately():
    assert kpi("") == KpiQuery(Target(Scope.OWN_TEAM), HEADLINE, Period("7d"), public=False)


@pytest.mark.parametrize(
    "text",
    [
        "team billing csat frt 30d",
        "team BILLING 30d frt csat",
        "30d csat team Billing frt",
        "billing csat frt last 30 days",
    ],
)
def test_words_come_in_any_order_and_any_case(text):
    query = kpi(text)
    assert query.target == Target(Scope.TEAM, team="Billing")
    assert set(query.keys) == {"csat", "first_reply_time_median"}
    assert query.period == Period("30d")


def test_team_names_of_several_words_and_the_canonical_spelling_is_kept():
    assert kpi("team technical support fcr").target == Target(Scope.TEAM, team="Technical Support")


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("csat", ("csat",)),
        ("frt", ("first_reply_time_median",)),
        ("fcr", ("fcr_rate",)),
        ("backlog", ("backlog",)),
        ("sla reopens", ("first_reply_sla_rate", "reopen_rate")),
        ("first_reply_time_p90", ("first_reply_time_p90",)),
    ],
)
def test_kpi_keys_and_aliases(text, keys):
    assert kpi(text).keys == keys


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("today", Period("today")),
        ("yesterday", Period("yesterday")),
        ("7d", Period("7d")),
        ("30d", Period("30d")),
        ("this week", Period("this-week")),
        ("last month", Period("last-month")),
        ("last week", Period("last-week")),
        ("this month", Period("this-month")),
        ("last-week", Period("last-week")),
        ("14 days", Period("14d")),
        ("2026-11-01..2026-11-15", Period(None, date(2026, 11, 1), date(2026, 11, 15))),
        ("2026-11-03", Period(None, date(2026, 11, 3), date(2026, 11, 3))),
    ],
)
def test_periods(text, period):
    assert kpi(text).period == period


def test_a_date_range_includes_both_days_in_the_reporting_time_zone():
    window = kpi("2026-11-01..2026-11-15").period.window(
        now=datetime(2026, 11, 20, tzinfo=timezone.utc), zone=ZoneInfo("Europe/Berlin")
    )
    assert window.start == datetime(2026, 10, 31, 23, 0, tzinfo=timezone.utc)
    assert window.end == datetime(2026, 11, 15, 23, 0, tzinfo=timezone.utc)


def test_agents_by_mention_name_or_email_and_me_and_all():
    assert kpi("agent <@U0ANN|ann> 30d").target == Target(Scope.AGENT, user_id="U0ANN")
    assert kpi("<@U0ANN>").target == Target(Scope.AGENT, user_id="U0ANN")
    assert kpi("agent ann lee csat").target == Target(Scope.AGENT, agent="ann lee")
    assert kpi("agent <mailto:ann@acme.test|ann@acme.test>").target == Target(Scope.AGENT, agent="ann@acme.test")
    assert kpi("me").target == Target(Scope.ME)
    assert kpi("all fcr").target == Target(Scope.ALL)


def test_lists_and_public():
    assert parse("teams", TEAMS) == TeamsQuery()
    assert parse("breaches", TEAMS) == BreachesQuery()
    assert parse("breaches returns public", TEAMS) == BreachesQuery(team="Returns", public=True)
    low = kpi("low-csat billing")
    assert low.keys == ("low_rated",) and low.target == Target(Scope.TEAM, team="Billing") and low.low_rated
    assert kpi("low-csat").target == Target(Scope.OWN_TEAM)
    assert kpi("team billing public").public


@pytest.mark.parametrize("text", ["help", "HELP", "team billing help", "?"])
def test_help(text):
    assert parse(text, TEAMS) == HelpQuery()


def test_help_text_documents_every_form():
    for form in (
        "/kpi team",
        "/kpi agent",
        "/kpi me",
        "/kpi all",
        "csat",
        "frt",
        "fcr",
        "backlog",
        "today",
        "yesterday",
        "7d",
        "30d",
        "this week",
        "last month",
        "2026-11-01..2026-11-15",
        "low-csat",
        "breaches",
        "/kpi teams",
        "public",
    ):
        assert form in HELP, form


def test_a_misspelt_team_gets_the_corrected_command():
    assert usage("team biling csat 30d") == Usage(
        "There's no team called “biling”.", "Did you mean `/kpi team Billing csat 30d`?"
    )
    assert usage("tech support").suggestion == "Did you mean `/kpi team Technical Support`?"
    assert usage("billign 30d").suggestion == "Did you mean `/kpi team Billing 30d`?"


def test_an_unknown_team_with_nothing_close_lists_the_teams():
    assert "Teams: Billing, Technical Support, Returns" in usage("team zzzqqq").suggestion


def test_a_misspelt_kpi_gets_the_corrected_command():
    assert usage("team billing csta") == Usage("I didn't understand “csta”.", "Did you mean `/kpi team Billing csat`?")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("xyzzy", "/kpi help"),
        ("7d 30d", "two periods"),
        ("team billing agent <@U1>", "two things at once"),
        ("400d", "1 to 366 days"),
        ("2026-11-15..2026-11-01", "Did you mean `2026-11-01..2026-11-15`?"),
        ("2026-02-30", "not a date range"),
        ("team", "needs a team name"),
        ("agent", "needs someone"),
        ("teams billing", "takes no other words"),
        ("all low-csat", "one team's ratings"),
    ],
)
def test_anything_else_is_one_usage_line(text, fragment):
    found = usage(text)
    assert fragment in found.problem + " " + found.suggestion
