"""The query layer fetches exactly what the KPIs need: a report read from the store equals the report
computed from every record in memory, for every scope, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from connectors.base import SyncOptions
from connectors.sample import SampleConnector, SampleSettings
from kpis.engine import compute_report
from kpis.imported_records import Account, Review, SurveyAnswer
from kpis.query import load_kpi_data
from kpis.records import Agent, AgentReply, Membership, Rating, Team, Ticket
from kpis.store import Store
from kpis.windows import window_for_period
from tests.kpis.builders import from_records

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=timezone.utc)


@pytest.fixture
def synced(store_url):
    store = Store.open(store_url)
    connector = SampleConnector("q", SampleSettings(tickets=2500, days=40, anchor=NOW))
    options = SyncOptions(since=NOW, now=NOW)
    for stream in connector.streams():
        for page in stream.pages(None, options):
            store.write_page("sample", "q", stream.name, page.records, page.cursor)
    return store


def _by_id(report):
    return {row.id: row.as_json() for row in report.rows}


@pytest.mark.parametrize("period", ["7d", "30d", "yesterday", "this-week"])
@pytest.mark.parametrize("by", ["overall", "team", "agent"])
def test_store_report_equals_in_memory_report(synced, by, period):
    zone = ZoneInfo("America/New_York")
    window = window_for_period(period, now=NOW, zone=zone)
    everything = from_records(*(list(synced.iter_records(kind)) for kind in
                                (Ticket, Rating, SurveyAnswer, Team, Agent, Membership, Account)),
                              reviews=list(synced.iter_records(Review)), replies=list(synced.iter_records(AgentReply)))
    fetched = load_kpi_data(synced, window.previous().start, window.end)
    expected = compute_report(everything, window, now=NOW, by=by)
    actual = compute_report(fetched, window, now=NOW, by=by)
    assert _by_id(actual) == _by_id(expected)
    assert len(fetched.tickets.created) < len(everything.tickets.created) or period == "30d"


@pytest.mark.parametrize("by", ["channel", "priority", "tag"])
def test_quality_kpis_from_the_store_equal_the_in_memory_ones_in_the_breakdown_scopes(synced, by):
    window = window_for_period("30d", now=NOW, zone=ZoneInfo("Europe/Berlin"))
    everything = from_records(*(list(synced.iter_records(kind)) for kind in
                                (Ticket, Rating, SurveyAnswer, Team, Agent, Membership)),
                              reviews=list(synced.iter_records(Review)), replies=list(synced.iter_records(AgentReply)))
    fetched = load_kpi_data(synced, window.previous().start, window.end)
    keys = ("qa_score", "qa_accuracy", "review_coverage", "replies_per_solved", "solved_per_agent_day")

    def quality(data):
        return {row.id: {key: row.metrics[key].as_json() for key in keys}
                for row in compute_report(data, window, now=NOW, by=by).rows}

    expected = quality(everything)
    assert quality(fetched) == expected
    assert any(row["qa_score"]["n"] for row in expected.values())  # the sample helpdesk has reviews
