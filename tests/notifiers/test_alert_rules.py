"""The alert state machine: once per breach, once per recovery, never on too small a sample."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.models.blocks import Block

from kpis.results import MetricValue, ScopeRow
from kpis.store.sent_log import AlertState
from kpis.windows import Window
from notifiers.alert_messages import alert_message
from notifiers.alert_rules import BREACH, RECOVERY, AlertRule, Reading, Transition, advance

T0 = datetime(2026, 11, 16, 9, 15, tzinfo=timezone.utc)
CSAT_FLOOR = AlertRule(id="csat-floor", kpi="csat", scope="team", team="Billing", operator="<", threshold=80)
BERLIN = ZoneInfo("Europe/Berlin")
WINDOW = Window(date(2026, 11, 9), date(2026, 11, 16), BERLIN)


def csat(value, n=40, *, insufficient=None, items=()) -> ScopeRow:
    metric = MetricValue("csat", value, previous=85.0, change=None if value is None else value - 85.0, n=n,
                         ci_low=None if value is None else value - 10, ci_high=None if value is None else value + 8,
                         insufficient_data=(n < 10) if insufficient is None else insufficient)
    low = MetricValue("low_rated", None, n=len(items), items=tuple(items))
    return ScopeRow("team", "zendesk:acme:g1", "Billing", None, {"csat": metric, "low_rated": low})


def step(rule, row, states, now):
    """One evaluation; returns the new state map and the transitions."""
    new, transitions = advance([Reading(rule, "team:zendesk:acme:g1", row, row.metrics[rule.kpi])], states, now)
    merged = dict(states)
    merged.update({(s.rule_id, s.scope): s for s in new})
    return merged, transitions


def test_a_breach_is_announced_once_and_its_recovery_once():
    states: dict = {}
    states, t = step(CSAT_FLOOR, csat(85.0), states, T0)
    assert t == [] and states[("csat-floor", "team:zendesk:acme:g1")].state == "ok"

    states, t = step(CSAT_FLOOR, csat(72.5), states, T0 + timedelta(hours=1))
    assert [x.kind for x in t] == [BREACH]
    assert states[("csat-floor", "team:zendesk:acme:g1")].since == T0 + timedelta(hours=1)

    # Still below the line an hour and a day later: nothing new to say.
    for later in (timedelta(hours=2), timedelta(days=1)):
        states, t = step(CSAT_FLOOR, csat(70.0), states, T0 + later)
        assert t == []
    state = states[("csat-floor", "team:zendesk:acme:g1")]
    assert (state.state, state.since, state.value) == ("breached", T0 + timedelta(hours=1), 70.0)

    states, t = step(CSAT_FLOOR, csat(81.0), states, T0 + timedelta(days=2))
    assert [x.kind for x in t] == [RECOVERY]
    assert t[0].breached_since == T0 + timedelta(hours=1)
    assert states[("csat-floor", "team:zendesk:acme:g1")].state == "ok"

    states, t = step(CSAT_FLOOR, csat(90.0), states, T0 + timedelta(days=3))
    assert t == []


def test_insufficient_data_never_fires_and_never_counts_as_recovery():
    # 5 ratings, all bad: 0% -- but too few to judge.
    states, t = step(CSAT_FLOOR, csat(0.0, n=5), {}, T0)
    assert t == [] and states == {}
    breached = {("csat-floor", "team:zendesk:acme:g1"): AlertState("csat-floor", "team:zendesk:acme:g1", "breached",
                                                                   since=T0, value=70.0)}
    for row in (csat(100.0, n=4), csat(None, n=0)):
        states, t = step(CSAT_FLOOR, row, breached, T0 + timedelta(hours=1))
        assert t == [] and states == breached  # untouched: still breached since T0


def test_a_rules_own_min_sample_decides_instead_of_the_global_flag():
    rule = AlertRule(id="r", kpi="csat", scope="team", team="Billing", operator="<", threshold=80, min_sample=3)
    _, t = step(rule, csat(20.0, n=5, insufficient=True), {}, T0)
    assert [x.kind for x in t] == [BREACH]
    strict = AlertRule(id="r", kpi="csat", scope="team", team="Billing", operator="<", threshold=80, min_sample=50)
    _, t = step(strict, csat(20.0, n=40, insufficient=False), {}, T0)
    assert t == []


@pytest.mark.parametrize(
    ("rule", "breach", "inside_margin", "recovered"),
    [
        # CSAT < 80 with 3 points of margin: recovers at 83 or above, not at 81.
        (AlertRule("f", "csat", "team", "<", 80, team="Billing", hysteresis=3), 75.0, 81.0, 83.0),
        # First reply median > 240 min with 30 min margin: recovers at 210 or below.
        (AlertRule("s", "first_reply_time_median", "team", ">", 240, team="Billing", hysteresis=30), 300.0, 220.0, 210.0),
    ],
)
def test_hysteresis_keeps_a_breach_until_the_value_clears_the_margin(rule, breach, inside_margin, recovered):
    def row(value):
        metric = MetricValue(rule.kpi, value, n=40, insufficient_data=False)
        return ScopeRow("team", "zendesk:acme:g1", "Billing", None, {rule.kpi: metric})

    states, t = step(rule, row(breach), {}, T0)
    assert [x.kind for x in t] == [BREACH]
    states, t = step(rule, row(inside_margin), states, T0 + timedelta(hours=1))
    assert t == []
    states, t = step(rule, row(recovered), states, T0 + timedelta(hours=2))
    assert [x.kind for x in t] == [RECOVERY]


def test_at_or_below_includes_the_threshold_itself():
    rule = AlertRule("eq", "csat", "team", "<=", 80, team="Billing")
    _, t = step(rule, csat(80.0), {}, T0)
    assert [x.kind for x in t] == [BREACH]


def test_breach_message_says_what_crossed_what_since_when_with_n_interval_and_tickets():
    items = [{"ticket_id": "1042", "subject": "Refund <late>", "ticket_url": "https://acme.zendesk.com/agent/tickets/1042",
              "agent": "Ann", "comment": "Still waiting & annoyed"}]
    row = csat(72.5, items=items)
    transition = Transition(BREACH, Reading(CSAT_FLOOR, "team:zendesk:acme:g1", row, row.metrics["csat"]), at=T0)
    payload = alert_message(transition, WINDOW, BERLIN, alert_id="csat-floor|x|breach|1", mention="<!here>")
    Block.parse_all(payload["blocks"])
    body = payload["blocks"][0]["text"]["text"]
    assert body.split("\n") == [
        "<!here> :rotating_light: *CSAT for Billing is below 80%*",
        "*72.5%* (n=40, 95% interval 62.5–80.5%) over 7 days, 9–15 Nov 2026 (Europe/Berlin) · -12.5 pp vs 85.0%, worse",
        "Breached since 16 Nov 2026 10:15 Europe/Berlin.",
    ]
    links = payload["blocks"][1]["text"]["text"]
    assert "<https://acme.zendesk.com/agent/tickets/1042|#1042 Refund &lt;late&gt;> · Ann: “Still waiting &amp; annoyed”" in links
    assert payload["text"] == "CSAT for Billing is below 80%: 72.5% (n=40) over 9–15 Nov 2026."
    assert payload["metadata"]["event_payload"]["alert_id"] == "csat-floor|x|breach|1"


def test_a_breach_behind_many_low_ratings_links_five_and_points_to_the_rest():
    items = [{"ticket_id": str(i), "ticket_url": f"https://acme.zendesk.com/agent/tickets/{i}", "agent": "Ann"}
             for i in range(8)]
    row = csat(60.0, items=items)
    transition = Transition(BREACH, Reading(CSAT_FLOOR, "team:zendesk:acme:g1", row, row.metrics["csat"]), at=T0)
    payload = alert_message(transition, WINDOW, BERLIN, alert_id="a")
    links, below = payload["blocks"][1], payload["blocks"][2]
    assert links["text"]["text"].endswith("#4> · Ann\n_and 3 more low ratings_")  # 8 ratings, 5 linked
    assert below["elements"][0]["text"] == (
        "The full answer: `helpdesk-kpis report --from 2026-11-09 --to 2026-11-15 --by team --team Billing --format json`"
    )


def test_recovery_message_says_how_long_the_breach_lasted_and_pings_nobody():
    row = csat(84.0)
    reading = Reading(CSAT_FLOOR, "team:zendesk:acme:g1", row, row.metrics["csat"])
    transition = Transition(RECOVERY, reading, at=T0 + timedelta(days=2), breached_since=T0)
    payload = alert_message(transition, WINDOW, BERLIN, alert_id="a", mention="<!here>")
    body = payload["blocks"][0]["text"]["text"]
    assert body.startswith(":white_check_mark: *Recovered: CSAT for Billing is no longer below 80%*")
    assert body.endswith("Breached from 16 Nov 2026 10:15 Europe/Berlin to 18 Nov 2026 10:15 Europe/Berlin (2 days).")
    assert "<!here>" not in json.dumps(payload)
