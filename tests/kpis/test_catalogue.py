"""The catalogue and the computations agree, and the catalogue alone decides how a KPI is written.

Every key the catalogue lists is computed in every scope, and every computed key is listed: a
catalogue entry without a computation (``report --kpi`` would fail on it) or a computation nobody
can ask for fails here. The ticket measurements are declared once; the in-memory columns, the
stored blocks and the query all carry each of them.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from helpdesk_kpis.jobs.report import kpi_keys
from kpis.catalogue import KPIS, Population, resolve
from kpis.columnar.layout import FORMAT, TICKET
from kpis.dataset import TicketColumns
from kpis.engine import SCOPES, compute_report
from kpis.format import change_text, value_text
from kpis.query import load_kpi_data
from kpis.records import Agent, Priority, Team, Ticket, TicketStatus
from kpis.results import MetricValue
from kpis.store import Store
from kpis.ticket_measures import TICKET_MEASURES
from kpis.windows import window_between
from tests.kpis.builders import from_records

UTC = ZoneInfo("UTC")
W = window_between(date(2026, 11, 8), date(2026, 11, 14), UTC)
NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
IN_W = datetime(2026, 11, 10, 9, tzinfo=timezone.utc)
TEAMS = [Team("zendesk", "acme", "g1", "Billing")]
AGENTS = [Agent("zendesk", "acme", "a1", "Ann")]


def ticket(vendor_id: str, **measured) -> Ticket:  # noqa: ANN003
    return Ticket("zendesk", "acme", vendor_id, IN_W, IN_W, TicketStatus.SOLVED, "solved", solved_at=IN_W,
                  assignee_id="a1", group_id="g1", channel="email", priority=Priority.HIGH, tags=("vip",), **measured)


@pytest.mark.parametrize("by", SCOPES)
def test_every_catalogue_key_is_computed_in_every_scope_and_nothing_else(by):
    data = from_records([ticket("1", replies=1, reopens=0)], teams=TEAMS, agents=AGENTS)
    rows = compute_report(data, W, now=NOW, by=by).rows
    assert rows
    for row in rows:
        assert sorted(row.metrics) == sorted(KPIS)


@pytest.mark.parametrize("by", SCOPES)
def test_report_can_be_asked_for_every_kpi_by_every_name(by):
    data = from_records([ticket("1")], teams=TEAMS, agents=AGENTS)
    row = compute_report(data, W, now=NOW, by=by).rows[0]
    for spec in KPIS.values():
        for name in (spec.key, spec.key.replace("_", "-"), *spec.aliases):
            [key] = kpi_keys([name])
            assert key == spec.key
            assert row.metrics[key].key == spec.key


def test_no_alias_is_shared_or_shadows_a_key():
    names = [name for spec in KPIS.values() for name in (spec.key.replace("_", "-"), *spec.aliases)]
    assert len(names) == len(set(names))
    assert all(resolve(name) is not None for name in names)


def test_account_kpis_are_overall_only():
    data = from_records([ticket("1")], teams=TEAMS, agents=AGENTS)
    accounts = [key for key, spec in KPIS.items() if spec.population is Population.ACCOUNTS]
    assert sorted(accounts) == ["churn_rate", "clv", "customer_retention_cost"]
    for by in ("team", "agent"):
        row = compute_report(data, W, now=NOW, by=by).rows[0]
        assert all(row.metrics[key].value is None for key in accounts)


@pytest.mark.parametrize(
    ("key", "value", "change", "value_shown", "change_shown"),
    [
        ("csat", 92.04, 2.5, "92.0%", "+2.5 pp"),
        ("csss", 83.4, -1.25, "83.4%", "-1.2 pp"),  # a 0..1 mean shown as a percentage, changed in points
        ("nps", 40.0, 3.0, "+40", "+3.0 pts"),
        ("ces", 3.42, 0.5, "3.4", "+0.5 pts"),
        ("clv", 1234.5, 5.0, "1,234.50", "+5.0%"),
        ("tickets_created", 1234.0, -17.6, "1,234", "-17.6%"),
        ("first_reply_time_median", 90.0, 12.0, "1.5h", "+12.0%"),
    ],
)
def test_values_and_changes_are_written_as_the_catalogue_says(key, value, change, value_shown, change_shown):
    metric = MetricValue(key, value, previous=1.0, change=change)
    assert value_text(metric) == value_shown
    assert change_text(metric) == change_shown


def test_bands_come_from_the_catalogue():
    assert [KPIS["csat"].band(v) for v in (85, 84.9, 70, 69.9)] == ["excellent", "acceptable", "acceptable", "action"]
    assert [KPIS["customer_success_score"].band(v) for v in (80, 75, 60)] == ["healthy", "caution", "action"]
    assert KPIS["nps"].band(50) is None


def test_ticket_columns_are_the_basics_then_each_declared_measurement():
    basics = ["created", "solved", "team", "agent", "priority", "excluded"]
    assert [f.name for f in fields(TicketColumns)] == basics + [m.name for m in TICKET_MEASURES]
    assert list(TICKET.names) == basics + [m.name for m in TICKET_MEASURES] + ["channel", "tagset"]


def test_the_stored_block_layout_is_the_one_format_4_was_written_with():
    # Stored blocks of another layout would be misread: a changed layout must come with a new FORMAT.
    assert FORMAT == 4
    sla = [(f"sla_{metric}_{outcome}", dtype)
           for metric in ("first_reply", "next_reply", "periodic_update", "pausable_update", "requester_wait",
                          "agent_work", "resolution")
           for outcome, dtype in (("achieved", "<f4"), ("breached", "<f4"), ("settled", "<f8"))]
    assert TICKET.descr == [
        ("created", "<i8"), ("solved", "<i8"), ("team", "<i4"), ("agent", "<i4"), ("priority", "|i1"),
        ("excluded", "|b1"), ("replies", "<f8"), ("reopens", "<f8"), ("first_reply", "<f8"),
        ("first_reply_business", "<f8"), ("first_resolution", "<f8"), ("first_resolution_business", "<f8"),
        ("full_resolution", "<f8"), ("full_resolution_business", "<f8"), *sla, ("channel", "|i1"), ("tagset", "<i4"),
    ]


def test_every_measurement_reaches_the_columns_from_records_and_from_the_store(store_url):
    # Each measurement gets its own value (10, 11, ...) so that a swapped pair would show. (The SLA
    # columns are derived from SLA events, not ticket fields: tests/kpis/test_sla_policies.py.)
    on_record = [m for m in TICKET_MEASURES if m.record in Ticket.__dataclass_fields__]
    measured = {m.record: 10.0 + i for i, m in enumerate(on_record)}
    measured.update(replies=10, reopens=11)
    record = ticket("1", **measured)
    store = Store.open(store_url)
    store.write_page("zendesk", "acme", "test", [record, *TEAMS, *AGENTS], None)
    from_store = load_kpi_data(store, W.start, W.end).tickets
    in_memory = from_records([record], teams=TEAMS, agents=AGENTS).tickets
    for i, m in enumerate(on_record):
        assert getattr(in_memory, m.name).tolist() == [10.0 + i], m.name
        assert np.asarray(getattr(from_store, m.name)).tolist() == [10.0 + i], m.name
