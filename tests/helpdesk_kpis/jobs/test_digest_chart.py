"""The digest's chart reads first reply in business hours where the helpdesk measures them, and
falls back to calendar hours where it does not (the chart's own properties: tests/notifiers/test_chart.py)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timezone

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.jobs.rules import rules_from
from helpdesk_kpis.jobs.team_digests import build_digests


def _chart_text(folder) -> str:
    ctx = AppContext(config_path=folder / "helpdesk-kpis.toml", warn=print)
    config = ctx.settings().config
    [billing] = build_digests(ctx.store(), config, ctx.kpi_config(), rules_from(config), day=date(2026, 11, 16),
                              now=datetime(2026, 11, 17, 6, tzinfo=timezone.utc), only="Billing", with_chart=True)
    return billing.post.chart.alt_text


def test_first_reply_is_charted_in_business_hours_where_the_helpdesk_measures_them(sample_project):
    text = _chart_text(sample_project)
    assert "First reply (median, business) per day" in text
    assert "; target 24.0h." in text  # no first-reply rule: the default SLA, 24 business hours


def test_without_business_hour_times_first_reply_is_charted_in_calendar_hours(sample_project):
    with sqlite3.connect(sample_project / "kpis.db") as db:
        db.execute("UPDATE tickets SET first_reply_minutes_business = NULL")  # as Freshdesk or Intercom give them
        db.execute("DELETE FROM kpi_block_days")  # the blocks computed from the tickets as they were
        db.execute("DELETE FROM kpi_blocks")
    text = _chart_text(sample_project)
    assert "First reply (median) per day" in text
    assert "business" not in text
