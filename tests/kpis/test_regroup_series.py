"""Merged reporting teams and daily series: both still computed by the engine, from raw populations."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from tests.kpis.builders import from_records
from kpis.engine import compute_report
from kpis.directory import TeamGroup, groups_by_name, merge_teams
from kpis.series import daily_reports
from kpis.windows import Window
from tests.notifiers import desk

UTC = ZoneInfo("UTC")
WINDOW = Window(date(2026, 11, 9), date(2026, 11, 16), UTC)


def test_merged_team_pools_the_ratings_instead_of_averaging_team_values():
    data = merge_teams(from_records(**desk.records()),
                       [TeamGroup("Support", ("zendesk:acme:g1", "zendesk:acme:g2"))])
    [row] = compute_report(data, WINDOW, now=desk.NOW, by="team").rows
    assert (row.id, row.name) == ("group:Support", "Support")
    # Billing 9 good of 12, Returns 3 of 3: 12 of 15 = 80.0% (the mean of 75 and 100 would be 87.5).
    assert (row.metrics["csat"].value, row.metrics["csat"].n) == (pytest.approx(80.0), 15)
    assert row.metrics["tickets_created"].value == 17  # 14 + 3


def test_a_helpdesk_team_in_no_group_counts_overall_only_and_agents_take_the_group_name():
    original = from_records(**desk.records())
    data = merge_teams(original, [TeamGroup("Money", ("zendesk:acme:g1",))])
    [row] = compute_report(data, WINDOW, now=desk.NOW, by="team").rows
    assert (row.id, row.name, row.metrics["tickets_created"].value) == ("zendesk:acme:g1", "Money", 14)
    overall = compute_report(data, WINDOW, now=desk.NOW, by="overall").rows[0]
    assert overall.metrics["tickets_created"].value == 17  # Returns' 3 tickets still count overall
    agents = {r.name: r.team for r in compute_report(data, WINDOW, now=desk.NOW, by="agent").rows}
    assert agents == {"Ann <Lee>": "Money", "Bob Stone": "Money", "Cy Park": None}


def test_groups_by_name_matches_helpdesk_teams_case_insensitively():
    data = from_records(**desk.records())
    assert groups_by_name(data.directory, ["billing", "Nope"]) == {"billing": ("zendesk:acme:g1",), "Nope": ()}


def test_daily_series_is_one_engine_report_per_local_day():
    data = from_records(**desk.records())
    daily = daily_reports(data, date(2026, 11, 9), date(2026, 11, 15), UTC, now=desk.NOW, by="team")
    assert daily.days[0] == date(2026, 11, 9) and len(daily.days) == 7
    created = [m.value for m in daily.series("zendesk:acme:g1", "tickets_created")]
    assert created == [0, 12, 0, 0, 0, 2, 0]  # 12 on 10 Nov, the two open ones on 14 Nov
    csat = daily.series("zendesk:acme:g1", "csat")
    assert [m.value for m in csat] == [None, None, None, pytest.approx(75.0), None, None, None]  # all rated 12 Nov
    assert daily.series("no-such-team", "csat") == [None] * 7
