"""SLA achievement from the helpdesk's own SLA policies: how targets are counted, the KPIs in every
scope, and the store keeping each ticket's outcome columns in step with its events."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from kpis.engine import SCOPES, compute_report
from kpis.query import load_kpi_data
from kpis.records import Agent, Priority, SlaEvent, Team, Ticket, TicketStatus
from kpis.results import with_policy_sla
from kpis.sla_outcomes import target_outcome, target_settlement, ticket_outcomes
from kpis.store import Store
from kpis.windows import window_between
from tests.kpis.builders import from_records

UTC = ZoneInfo("UTC")
W = window_between(date(2026, 11, 8), date(2026, 11, 14), UTC)
NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
T0 = datetime(2026, 11, 10, 9, tzinfo=timezone.utc)
TEAMS = [Team("zendesk", "acme", "g1", "Billing"), Team("zendesk", "acme", "g2", "Tech")]
AGENTS = [Agent("zendesk", "acme", "a1", "Ann"), Agent("zendesk", "acme", "a2", "Bob")]
_ids = count(1000)


def ev(ticket: str, kind: str, minute: float, metric: str = "first_reply", target: int = 1, **extra) -> SlaEvent:  # noqa: ANN003
    if kind == "apply_sla":
        extra.setdefault("target_minutes", 60.0)
    return SlaEvent("zendesk", "acme", str(next(_ids)), ticket, metric, target, kind, T0 + timedelta(minutes=minute),
                    **extra)


def ticket(vendor_id: str, group: str = "g1", agent: str = "a1", created: datetime = T0) -> Ticket:
    return Ticket("zendesk", "acme", vendor_id, created, created, TicketStatus.OPEN, "open", assignee_id=agent,
                  group_id=group, channel="email", priority=Priority.HIGH)


def achieved(t: str, metric: str = "first_reply", target: int = 1) -> list[SlaEvent]:
    return [ev(t, "apply_sla", 0, metric, target), ev(t, "activate", 0, metric, target),
            ev(t, "fulfill", 30, metric, target)]


def breached(t: str, metric: str = "first_reply", target: int = 1) -> list[SlaEvent]:
    return [ev(t, "apply_sla", 0, metric, target), ev(t, "activate", 0, metric, target),
            ev(t, "breach", 60, metric, target), ev(t, "fulfill", 90, metric, target)]


# -- one target --------------------------------------------------------------------------------

def test_a_target_fulfilled_before_its_breach_time_is_achieved_and_one_fulfilled_after_is_breached():
    assert target_outcome(achieved("1")) is True
    assert target_outcome(breached("1")) is False


def test_open_targets_count_neither_way_until_they_close_or_breach():
    active = [ev("1", "apply_sla", 0), ev("1", "activate", 0)]
    paused = [*active, ev("1", "pause", 10)]
    assert target_outcome(active) is None
    assert target_outcome(paused) is None
    # Zendesk's "Active (breached)" and "Paused (breached)": breached for good.
    assert target_outcome([*active, ev("1", "breach", 60)]) is False
    assert target_outcome([*paused, ev("1", "breach", 60)]) is False
    # Fulfilled, then reopened (activate again): open again.
    assert target_outcome([*active, ev("1", "fulfill", 20), ev("1", "activate", 40)]) is None


def test_withdrawn_breaches_removed_policies_and_unmeasured_metrics_do_not_count():
    # A breach the helpdesk withdrew (deleted: true) is ignored.
    assert target_outcome([*achieved("1"), ev("1", "breach", 60, deleted=True)]) is True
    # A breach stamped after the clock stopped did not happen before the target closed.
    assert target_outcome([*achieved("1"), ev("1", "breach", 60)]) is True
    # The policy was changed to one without this target: not measured.
    assert target_outcome([*achieved("1"), ev("1", "apply_sla", 40, target_minutes=None)]) is None
    # Clock events without any policy (every metric has them): not measured.
    assert target_outcome([ev("1", "activate", 0), ev("1", "fulfill", 5)]) is None
    assert ticket_outcomes([ev("1", "activate", 0), ev("1", "fulfill", 5)]) == {}


def test_every_next_reply_is_its_own_target():
    events = [*achieved("1", "next_reply", 2), *breached("1", "next_reply", 3), *achieved("1", "next_reply", 4),
              ev("1", "apply_sla", 200, "next_reply", 5), ev("1", "activate", 200, "next_reply", 5)]
    # Two achieved, one breached, one still open; the last settled at the breach, 60 minutes in.
    assert ticket_outcomes(events) == {"next_reply": (2, 1, T0 + timedelta(minutes=60))}


def test_a_target_is_settled_when_its_clock_stops_or_at_its_first_standing_breach():
    assert target_settlement(achieved("1")) == (True, T0 + timedelta(minutes=30))
    assert target_settlement(breached("1")) == (False, T0 + timedelta(minutes=60))
    assert target_settlement([ev("1", "apply_sla", 0), ev("1", "activate", 0)]) == (None, None)


# -- the KPIs ------------------------------------------------------------------------------------

def _data():
    tickets = [ticket("1"), ticket("2"), ticket("3"), ticket("4", group="g2", agent="a2"), ticket("5", group="g2", agent="a2"),
               # created before the window: its targets belong to the previous one
               ticket("6", created=T0 - timedelta(days=7))]
    events = [*achieved("1"), *achieved("1", "requester_wait"),
              *achieved("2"), *breached("2", "requester_wait"),
              *breached("3"),
              *achieved("4"), *achieved("4", "next_reply", 2), *breached("4", "next_reply", 3),
              # ticket 5: first reply still open: no outcome yet
              ev("5", "apply_sla", 0), ev("5", "activate", 0)]
    events += [ev("6", "apply_sla", -7 * 1440), ev("6", "activate", -7 * 1440), ev("6", "breach", -7 * 1440 + 60)]
    return from_records(tickets, teams=TEAMS, agents=AGENTS, sla_events=events)


def test_achievement_per_metric_and_overall_counts_settled_targets_of_tickets_created_in_the_window():
    row = compute_report(_data(), W, now=NOW, by="overall").rows[0]
    first = row.metrics["sla_first_reply_achievement"]
    # first reply: 1, 2, 4 achieved; 3 breached; 5 open (left out); 6 outside the window.
    assert (first.value, first.n) == (75.0, 4)
    assert first.ci_low < 75.0 < first.ci_high
    wait = row.metrics["sla_requester_wait_achievement"]
    assert (wait.value, wait.n) == (50.0, 2)
    nxt = row.metrics["sla_next_reply_achievement"]
    assert (nxt.value, nxt.n) == (50.0, 2)
    overall = row.metrics["sla_achievement_rate"]
    # 3 + 1 + 1 achieved of 4 + 2 + 2 settled.
    assert (overall.value, overall.n) == (62.5, 8)
    assert row.metrics["sla_agent_work_achievement"].value is None
    assert row.metrics["sla_agent_work_achievement"].n == 0
    # The previous window holds ticket 6's breach.
    assert overall.previous == 0.0


def test_targets_count_in_the_window_they_were_settled_in_whatever_the_tickets_creation():
    created = T0 - timedelta(days=5)  # 5 November: the previous window
    old = ticket("9", created=created)
    five_days = 5 * 1440
    settled_in_w = [ev("9", "apply_sla", -five_days, target_minutes=10 * 1440.0), ev("9", "activate", -five_days),
                    ev("9", "fulfill", 0)]  # met on 10 November, within its 10-day target
    data = from_records([old], teams=TEAMS, agents=AGENTS, sla_events=settled_in_w)
    row = compute_report(data, W, now=NOW, by="overall").rows[0]
    first = row.metrics["sla_first_reply_achievement"]
    assert (first.value, first.n, first.previous) == (100.0, 1, None)
    assert row.metrics["tickets_created"].value == 0


def test_achievement_by_team_and_agent():
    teams = {r.name: r.metrics["sla_achievement_rate"] for r in compute_report(_data(), W, now=NOW, by="team").rows}
    # Billing: tickets 1-3: first reply 2/3, requester wait 1/2 -> 3 of 5.
    assert (teams["Billing"].value, teams["Billing"].n) == (60.0, 5)
    # Tech: ticket 4: first reply 1/1, next reply 1/2 -> 2 of 3.
    assert (round(teams["Tech"].value, 2), teams["Tech"].n) == (66.67, 3)
    agents = {r.name: r.metrics["sla_achievement_rate"].n for r in compute_report(_data(), W, now=NOW, by="agent").rows}
    assert agents == {"Ann": 5, "Bob": 3}


@pytest.mark.parametrize("by", SCOPES)
def test_helpdesks_without_policies_get_no_sla_achievement_and_keep_their_keys(by):
    data = from_records([ticket("1")], teams=TEAMS, agents=AGENTS)
    for row in compute_report(data, W, now=NOW, by=by).rows:
        assert row.metrics["sla_achievement_rate"].value is None
        assert with_policy_sla(("csat", "first_reply_sla_rate"), row) == ("csat", "first_reply_sla_rate")


def test_sla_achievement_joins_the_shown_keys_beside_the_configured_target_when_policies_settled_targets():
    row = compute_report(_data(), W, now=NOW, by="overall").rows[0]
    assert with_policy_sla(("csat", "first_reply_sla_rate", "backlog"), row) == (
        "csat", "first_reply_sla_rate", "sla_achievement_rate", "backlog")
    assert with_policy_sla(("csat",), row) == ("csat", "sla_achievement_rate")


# -- the store -----------------------------------------------------------------------------------

def _first_reply(store: Store) -> tuple[float, int]:
    metric = compute_report(load_kpi_data(store, W.previous().start, W.end), W, now=NOW,
                            by="overall").rows[0].metrics["sla_first_reply_achievement"]
    return metric.value, metric.n


def test_events_stored_after_their_tickets_reach_the_report_and_a_replay_changes_nothing(store_url):
    store = Store.open(store_url)
    store.write_page("zendesk", "acme", "tickets", [ticket("1"), ticket("2"), *TEAMS, *AGENTS], '{"after": "a"}')
    assert _first_reply(store) == (None, 0)  # read once: the blocks are built and cached
    events = [*achieved("1"), *breached("2")]
    store.write_page("zendesk", "acme", "sla_events", events, '{"start_time": 1}')
    assert _first_reply(store) == (50.0, 2)
    store.write_page("zendesk", "acme", "sla_events", events, '{"start_time": 1}')
    assert _first_reply(store) == (50.0, 2)
    # The ticket export reads the tickets again: their outcomes stay.
    store.write_page("zendesk", "acme", "tickets", [ticket("1"), ticket("2")], '{"after": "b"}')
    assert _first_reply(store) == (50.0, 2)


def test_events_stored_before_their_ticket_count_once_the_ticket_arrives(store_url):
    store = Store.open(store_url)
    store.write_page("zendesk", "acme", "sla_events", achieved("7"), '{"start_time": 1}')
    store.write_page("zendesk", "acme", "tickets", [ticket("7"), *TEAMS, *AGENTS], '{"after": "a"}')
    assert _first_reply(store) == (100.0, 1)


def test_a_breach_read_later_turns_an_open_target_breached(store_url):
    store = Store.open(store_url)
    store.write_page("zendesk", "acme", "tickets", [ticket("1"), *TEAMS, *AGENTS], '{"after": "a"}')
    store.write_page("zendesk", "acme", "sla_events", [ev("1", "apply_sla", 0), ev("1", "activate", 0)], None)
    assert _first_reply(store) == (None, 0)
    store.write_page("zendesk", "acme", "sla_events", [ev("1", "breach", 60)], None)
    assert _first_reply(store) == (0.0, 1)
