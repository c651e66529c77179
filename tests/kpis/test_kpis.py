"""Each KPI on small hand-built cases; every expected value is worked out by hand in the test."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kpis.engine import KpiConfig, compute_report
from kpis.imported_records import SurveyAnswer
from kpis.records import Agent, Priority, Rating, RatingScale, RatingState, SurveyKind, Team, Ticket, TicketStatus
from kpis.scales import normalize
from kpis.windows import Window, window_between
from tests.kpis.builders import from_records

UTC = ZoneInfo("UTC")
# W = [Nov 8, Nov 15); previous = [Nov 1, Nov 8); "now" is later, on Nov 20.
W = window_between(date(2026, 11, 8), date(2026, 11, 14), UTC)
NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
IN_W = datetime(2026, 11, 10, 9, tzinfo=timezone.utc)
IN_PREV = datetime(2026, 11, 3, 9, tzinfo=timezone.utc)
TEAMS = [Team("zendesk", "acme", "g1", "Billing"), Team("zendesk", "acme", "g2", "Returns")]
AGENTS = [Agent("zendesk", "acme", "a1", "Ann"), Agent("zendesk", "acme", "a2", "Bob")]


def t(vendor_id, created=IN_W, solved=None, **kw) -> Ticket:
    status = TicketStatus.SOLVED if solved else TicketStatus.OPEN
    fields = dict(status=status, status_raw=status.value, assignee_id="a1", group_id="g1", replies=1, reopens=0)
    fields.update(kw)
    return Ticket("zendesk", "acme", str(vendor_id), created, created, solved_at=solved, **fields)


def rating(vendor_id, ticket_id, raw, at=IN_W, scale=RatingScale.GOOD_BAD, **kw) -> Rating:
    positive, score = normalize(scale, raw)
    return Rating("zendesk", "acme", str(vendor_id), str(ticket_id), RatingState.RECEIVED, scale, at - timedelta(hours=1),
                  rated_at=at, score_raw=str(raw), positive=positive, score=score, **kw)


def report(tickets=(), ratings=(), surveys=(), by="overall", window=W, now=NOW, config=None, team=None):
    data = from_records(tickets, ratings, surveys, TEAMS, AGENTS)
    return compute_report(data, window, now=now, by=by, config=config, team=team)


def metric(rep, key, row=0):
    return rep.rows[row].metrics[key]


def test_empty_window_gives_null_values_with_n_zero_never_zero_percent():
    rep = report()
    assert metric(rep, "tickets_created").value == 0
    for key in ("csat", "fcr_rate", "resolution_rate", "first_reply_sla_rate"):
        m = metric(rep, key)
        assert m.value is None and m.n == 0 and m.ci_low is None and m.insufficient_data is True
    assert metric(rep, "first_reply_time_median").value is None
    assert metric(rep, "customer_success_score").value is None
    assert metric(rep, "nps").value is None


def test_all_tickets_deleted_merged_or_spam_count_for_nothing():
    tickets = [
        t(1, solved=IN_W + timedelta(hours=1), is_deleted=True, status_raw="deleted"),
        t(2, solved=IN_W + timedelta(hours=1), is_merged=True, tags=("closed_by_merge",)),
        t(3, is_spam=True),
    ]
    ratings = [rating(1, 1, "bad"), rating(2, 2, "good")]
    rep = report(tickets, ratings)
    assert metric(rep, "tickets_created").value == 0
    assert metric(rep, "tickets_solved").value == 0
    assert metric(rep, "backlog").value == 0
    assert metric(rep, "csat").n == 0
    assert metric(rep, "low_rated").items == ()


def test_volume_resolution_and_backlog_with_age_and_priority_splits():
    end = W.end
    tickets = [
        t(1, solved=end - timedelta(hours=1)),  # created and solved in W
        t(2, solved=end + timedelta(hours=1)),  # created in W, solved after it: backlog at W.end
        t(3, created=end - timedelta(hours=5), priority=Priority.URGENT),  # open, <1d old at W.end
        t(4, created=end - timedelta(days=2), priority=Priority.HIGH),  # open, 1-3d
        t(5, created=IN_PREV, priority=Priority.LOW),  # created in previous W, still open: >7d at W.end
        t(6, created=IN_PREV, solved=IN_W),  # solved in W, created before
    ]
    rep = report(tickets)
    assert metric(rep, "tickets_created").value == 4  # 1, 2, 3, 4
    assert metric(rep, "tickets_solved").value == 2  # 1, 6
    # Of the 4 created in W, only ticket 1 was solved before W.end: 1/4.
    assert metric(rep, "resolution_rate").value == pytest.approx(25.0)
    assert metric(rep, "resolution_rate").n == 4
    backlog = metric(rep, "backlog")
    assert backlog.value == 4  # 2, 3, 4, 5
    # ticket 2 was created Nov 10 09:00, 4 days 15 hours before W.end: 3-7d
    assert backlog.splits["by_age"] == {"<1d": 1, "1-3d": 1, "3-7d": 1, ">7d": 1}
    assert backlog.splits["by_priority"] == {"low": 1, "normal": 0, "high": 1, "urgent": 1, "none": 1}
    # Previous window: ticket 5 and 6 created; backlog at Nov 8 = 5 and 6 (6 solved later).
    assert backlog.previous == 2
    assert metric(rep, "tickets_created").previous == 2
    assert metric(rep, "tickets_created").change == pytest.approx(100.0)  # 2 -> 4: +100 %


def test_reopened_ticket_counts_against_reopen_rate_and_fcr_but_not_one_touch():
    solved = IN_W + timedelta(hours=3)
    tickets = [
        t(1, solved=solved, replies=1, reopens=1),  # one touch, but reopened
        t(2, solved=solved, replies=1, reopens=0),  # first contact resolution
        t(3, solved=solved, replies=3, reopens=0),
        t(4, solved=solved, replies=0, reopens=0),  # solved without reply: <= 1 reply
    ]
    rep = report(tickets)
    assert metric(rep, "reopen_rate").value == pytest.approx(25.0)  # 1 of 4
    assert metric(rep, "fcr_rate").value == pytest.approx(50.0)  # tickets 2 and 4
    assert metric(rep, "one_touch_rate").value == pytest.approx(75.0)  # tickets 1, 2, 4


def test_speed_medians_means_and_p90_use_linear_interpolation():
    # First reply minutes 10, 20, 30, 40 on tickets created in W, one ticket without a reply yet.
    tickets = [t(i, first_reply_minutes=m, first_reply_minutes_business=m / 2) for i, m in enumerate((40, 10, 30, 20))]
    tickets.append(t(9))
    solved = IN_W + timedelta(days=1)
    tickets += [t(20 + i, solved=solved, first_resolution_minutes=m, full_resolution_minutes=m * 2)
                for i, m in enumerate((100, 200, 400))]
    rep = report(tickets)
    frt = metric(rep, "first_reply_time_median")
    # Sorted 10 20 30 40: median at rank 1.5 -> 25; p90 at rank 2.7 -> 30 + 0.7 * 10 = 37; mean 25.
    assert (frt.value, frt.n) == (pytest.approx(25.0), 4)
    assert metric(rep, "first_reply_time_p90").value == pytest.approx(37.0)
    assert metric(rep, "first_reply_time_mean").value == pytest.approx(25.0)
    assert metric(rep, "first_reply_time_median_business").value == pytest.approx(12.5)
    # 100 200 400: median 200, p90 at rank 1.8 -> 200 + 0.8 * 200 = 360; full = doubled.
    assert metric(rep, "first_resolution_time_median").value == pytest.approx(200.0)
    assert metric(rep, "first_resolution_time_p90").value == pytest.approx(360.0)
    assert metric(rep, "full_resolution_time_median").value == pytest.approx(400.0)
    assert metric(rep, "full_resolution_time_mean").value == pytest.approx(466.6667, rel=1e-4)


def test_first_reply_sla_counts_late_and_overdue_tickets_per_priority_target():
    config = KpiConfig(sla_minutes={"urgent": 60.0})  # others: default 24 h
    tickets = [
        t(1, priority=Priority.URGENT, first_reply_minutes=30),  # hit
        t(2, priority=Priority.URGENT, first_reply_minutes=90),  # missed (target 60)
        t(3, priority=Priority.NORMAL, first_reply_minutes=600),  # hit (target 24 h)
        t(4, priority=Priority.NORMAL),  # no reply, 24 h passed before W.end: missed
        t(5, created=W.end - timedelta(hours=2)),  # no reply, target not passed at W.end: left out
        t(6, solved=IN_W + timedelta(hours=1)),  # solved without any reply: left out
    ]
    sla = metric(report(tickets, config=config), "first_reply_sla_rate")
    assert sla.n == 4
    assert sla.value == pytest.approx(50.0)


def test_unanswered_ticket_is_missed_only_once_its_target_passed_before_now():
    # W is today (ends tomorrow): a ticket 2 h old with no reply is not missed yet.
    now = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
    today = Window(date(2026, 11, 20), date(2026, 11, 21), UTC)
    fresh = t(1, created=now - timedelta(hours=2))
    rep = report([fresh], window=today, now=now, config=KpiConfig(default_sla_minutes=60.0 * 3))
    assert metric(rep, "first_reply_sla_rate").n == 0
    rep = report([fresh], window=today, now=now, config=KpiConfig(default_sla_minutes=60.0))
    assert (metric(rep, "first_reply_sla_rate").n, metric(rep, "first_reply_sla_rate").value) == (1, 0.0)


def test_csat_with_wilson_interval_band_and_change_in_points():
    tickets = [t(i, solved=IN_W) for i in range(40)]
    ratings = [rating(i, i, "good" if i < 35 else "bad") for i in range(40)]  # 35/40 = 87.5 %
    ratings += [rating(100 + i, i, "good" if i < 9 else "bad", at=IN_PREV) for i in range(10)]  # previous 90 %
    csat = metric(report(tickets, ratings), "csat")
    assert (csat.value, csat.n) == (pytest.approx(87.5), 40)
    # Wilson 95 %: p = .875, n = 40, z = 1.96 -> [73.9, 94.5] (the design card's example).
    assert round(csat.ci_low, 1) == 73.9 and round(csat.ci_high, 1) == 94.5
    assert csat.previous == pytest.approx(90.0)
    assert csat.change == pytest.approx(-2.5)  # percentage points
    assert csat.band == "excellent"
    assert csat.insufficient_data is False


def test_rating_is_dated_by_its_last_change_and_counted_once():
    # Given good in the previous window, changed to bad inside W: one bad rating in W, none before.
    changed = rating(1, 1, "bad", at=IN_W, comment="Still broken")
    rep = report([t(1, created=IN_PREV, solved=IN_PREV)], [changed])
    assert (metric(rep, "csat").value, metric(rep, "csat").n) == (0.0, 1)
    assert metric(rep, "csat").previous is None
    assert [item["comment"] for item in metric(rep, "low_rated").items] == ["Still broken"]


def test_rating_stays_with_the_agent_and_team_at_rating_time_after_reassignment():
    # Rated while Ann (team Billing) had it; then reassigned to Bob in Returns.
    tickets = [t(1, solved=IN_W, assignee_id="a2", group_id="g2")]
    ratings = [rating(1, 1, "bad", agent_id="a1", team_id="g1")]
    by_agent = {row.name: row for row in report(tickets, ratings, by="agent").rows}
    assert by_agent["Ann"].metrics["csat"].n == 1
    assert by_agent["Bob"].metrics["csat"].n == 0
    assert by_agent["Bob"].metrics["tickets_solved"].value == 1  # the ticket counts for its current assignee
    by_team = {row.name: row for row in report(tickets, ratings, by="team").rows}
    assert by_team["Billing"].metrics["csat"].n == 1 and by_team["Returns"].metrics["csat"].n == 0
    # Without agent/team on the rating, the ticket's current assignee is used.
    unattributed = [rating(1, 1, "bad")]
    by_agent = {row.name: row for row in report(tickets, unattributed, by="agent").rows}
    assert by_agent["Bob"].metrics["csat"].n == 1


def test_n_below_min_sample_is_flagged_insufficient():
    ratings = [rating(i, i, "good") for i in range(4)]
    tickets = [t(i, solved=IN_W) for i in range(4)]
    csat = metric(report(tickets, ratings, config=KpiConfig(min_sample=5)), "csat")
    assert (csat.value, csat.n, csat.insufficient_data) == (100.0, 4, True)
    csat = metric(report(tickets, ratings, config=KpiConfig(min_sample=4)), "csat")
    assert csat.insufficient_data is False


def test_one_to_five_ratings_with_neutral_threes():
    scores = [5, 4, 3, 3, 1]
    ratings = [rating(i, i, s, scale=RatingScale.ONE_TO_FIVE) for i, s in enumerate(scores)]
    tickets = [t(i, solved=IN_W) for i in range(5)]
    rep = report(tickets, ratings)
    # Positive: 4 and 5 only -> 2 of 5 = 40 %. Neutral 3s are not positive.
    assert metric(rep, "csat").value == pytest.approx(40.0)
    # CSSS: (s - 1) / 4 -> 1, .75, .5, .5, 0 -> mean .55 -> 55 %.
    assert metric(rep, "csss").value == pytest.approx(55.0)
    # Low rated: below the middle of the scale (the 1) only; neutral 3s are not low.
    assert [item["score_raw"] for item in metric(rep, "low_rated").items] == ["1"]


def test_freshdesk_codes_and_help_scout_words():
    assert normalize(RatingScale.FRESHDESK_7, 103) == (True, 1.0)
    assert normalize(RatingScale.FRESHDESK_7, "101") == (True, pytest.approx(4 / 6))
    assert normalize(RatingScale.FRESHDESK_7, 100) == (False, 0.5)  # neutral is not positive
    assert normalize(RatingScale.FRESHDESK_7, -103) == (False, 0.0)
    assert normalize(RatingScale.FRESHDESK_3, 100) == (False, 0.5)
    # Five points -103, -102, 100, 102, 103: 102 is the fourth of five (3/4), and positive.
    assert normalize(RatingScale.FRESHDESK_5, 102) == (True, 0.75)
    assert normalize(RatingScale.FRESHDESK_5, -102) == (False, 0.25)
    assert normalize(RatingScale.FRESHDESK_2, 103) == (True, 1.0)
    # The classic survey: 1 Happy, 2 Neutral, 3 Unhappy.
    assert normalize(RatingScale.FRESHDESK_CLASSIC, 1) == (True, 1.0)
    assert normalize(RatingScale.FRESHDESK_CLASSIC, "2") == (False, 0.5)
    assert normalize(RatingScale.FRESHDESK_CLASSIC, 3) == (False, 0.0)
    with pytest.raises(ValueError):
        normalize(RatingScale.FRESHDESK_5, 101)  # not on five points
    assert normalize(RatingScale.HELPSCOUT_3, "great") == (True, 1.0)
    assert normalize(RatingScale.HELPSCOUT_3, "not good") == (False, 0.0)
    with pytest.raises(ValueError):
        normalize(RatingScale.FRESHDESK_7, 104)
    codes = [103, 102, 101, 100, -101, -103]
    ratings = [rating(i, i, c, scale=RatingScale.FRESHDESK_7) for i, c in enumerate(codes)]
    rep = report([t(i, solved=IN_W) for i in range(6)], ratings)
    assert metric(rep, "csat").value == pytest.approx(50.0)  # codes above 100: 3 of 6


def test_csat_response_rate_counts_surveys_offered_in_the_window():
    offered_only = Rating("zendesk", "acme", "o1", "3", RatingState.OFFERED, RatingScale.GOOD_BAD, IN_W, score_raw="offered")
    unoffered = Rating("zendesk", "acme", "u1", "4", RatingState.UNOFFERED, RatingScale.GOOD_BAD, IN_W)
    ratings = [rating(1, 1, "good"), rating(2, 2, "bad"), offered_only, unoffered]
    rep = report([t(i, solved=IN_W) for i in range(1, 5)], ratings)
    # Offered in W: r1, r2 (offered 1 h before rating) and o1 = 3; received 2 -> 66.7 %.
    assert metric(rep, "csat_response_rate").value == pytest.approx(200 / 3)
    assert metric(rep, "csat_responses").value == 2


def test_nps_and_ces_from_survey_answers():
    def answer(i, kind, value, lo, hi, better=True):
        return SurveyAnswer("file", "s", str(i), kind, value, IN_W, lo, hi, higher_is_better=better)

    nps_values = [10, 9, 8, 7, 6, 0]  # 2 promoters, 2 detractors of 6 -> 0
    ces_values = [7, 6, 5, 1]  # on 1..7, higher = easier: mean 4.75, easy (6-7) 2 of 4
    surveys = [answer(i, SurveyKind.NPS, v, 0, 10) for i, v in enumerate(nps_values)]
    surveys += [answer(10 + i, SurveyKind.CES, v, 1, 7) for i, v in enumerate(ces_values)]
    surveys += [answer(20, SurveyKind.NPS, 10, 0, 10)]  # 3 of 7 promoters, 2 detractors -> 14.3
    rep = report(surveys=surveys)
    assert metric(rep, "nps").value == pytest.approx(100 / 7)
    assert metric(rep, "nps").n == 7
    assert metric(rep, "ces").value == pytest.approx(4.75)
    assert metric(rep, "ces_easy_rate").value == pytest.approx(50.0)
    reversed_scale = [answer(30 + i, SurveyKind.CES, v, 1, 5, better=False) for i, v in enumerate([1, 2, 3, 5])]
    assert metric(report(surveys=reversed_scale), "ces_easy_rate").value == pytest.approx(50.0)


def test_customer_success_score_weights_components_and_bands():
    tickets = [t(i, solved=IN_W, first_reply_minutes=5) for i in range(10)]
    ratings = [rating(i, i, "good" if i < 8 else "bad") for i in range(10)]  # csat 80
    # fcr 100 (1 reply, no reopen), sla 100 -> 0.5 * 80 + 0.25 * 100 + 0.25 * 100 = 90
    css = metric(report(tickets, ratings), "customer_success_score")
    assert css.value == pytest.approx(90.0) and css.band == "healthy"
    custom = KpiConfig(success_weights={"csat": 1.0})
    assert metric(report(tickets, ratings, config=custom), "customer_success_score").value == pytest.approx(80.0)
    # A missing component (no ratings) makes the composite null.
    assert metric(report(tickets), "customer_success_score").value is None


def test_window_crossing_a_daylight_saving_change_in_a_non_utc_zone():
    berlin = ZoneInfo("Europe/Berlin")
    # Clocks go back on Sunday 2026-10-25: the window Oct 24-26 is 73 hours long.
    w = window_between(date(2026, 10, 24), date(2026, 10, 26), berlin)
    assert w.start == datetime(2026, 10, 23, 22, tzinfo=timezone.utc)  # 00:00 CEST
    assert w.end == datetime(2026, 10, 26, 23, tzinfo=timezone.utc)  # 00:00 CET
    assert (w.end - w.start) == timedelta(hours=73)
    inside_first = t(1, created=datetime(2026, 10, 23, 22, 30, tzinfo=timezone.utc))  # 00:30 local on the 24th
    inside_last = t(2, created=datetime(2026, 10, 26, 22, 30, tzinfo=timezone.utc))  # 23:30 local on the 26th
    outside = t(3, created=datetime(2026, 10, 26, 23, 30, tzinfo=timezone.utc))  # 00:30 local on the 27th
    before = t(4, created=datetime(2026, 10, 23, 21, 30, tzinfo=timezone.utc))  # 23:30 local on the 23rd
    rep = report([inside_first, inside_last, outside, before], window=w, now=datetime(2026, 11, 1, tzinfo=timezone.utc))
    assert metric(rep, "tickets_created").value == 2
    assert metric(rep, "tickets_created").previous == 1  # previous: Oct 21-23 local
    assert w.previous().start == datetime(2026, 10, 20, 22, tzinfo=timezone.utc)


def test_scopes_name_agent_teams_and_team_filter_narrows():
    tickets = [t(1), t(2, assignee_id="a2", group_id="g2"), t(3, assignee_id=None, group_id=None)]
    overall = report(tickets)
    assert [(r.scope, r.id) for r in overall.rows] == [("overall", "overall")]
    assert metric(overall, "tickets_created").value == 3  # unassigned tickets count overall
    agents = report(tickets, by="agent")
    assert {(r.name, r.team) for r in agents.rows} == {("Ann", "Billing"), ("Bob", "Returns")}
    assert {r.id for r in agents.rows} == {"zendesk:acme:a1", "zendesk:acme:a2"}
    only = report(tickets, by="agent", team="returns")
    assert [r.name for r in only.rows] == ["Bob"]
    teams = report(tickets, by="team", team="Billing")
    assert [(r.name, r.metrics["tickets_created"].value) for r in teams.rows] == [("Billing", 1)]


def test_unknown_team_suggests_the_closest_name():
    from kpis.errors import ConfigError

    with pytest.raises(ConfigError, match="did you mean 'Billing'"):
        report([t(1)], by="team", team="Biling")


def test_json_follows_the_contract_shape():
    tickets = [t(i, solved=IN_W) for i in range(3)]
    out = report(tickets, [rating(1, 1, "good")], by="team").as_json()
    assert out["window"] == {"start": "2026-11-08T00:00:00+00:00", "end": "2026-11-15T00:00:00+00:00", "timezone": "UTC"}
    assert out["previous_window"] == {"start": "2026-11-01T00:00:00+00:00", "end": "2026-11-08T00:00:00+00:00"}
    billing = next(r for r in out["rows"] if r["name"] == "Billing")
    assert billing["scope"] == "team" and billing["id"] == "zendesk:acme:g1" and billing["team"] is None
    assert set(billing["metrics"]["csat"]) >= {"value", "n", "ci_low", "ci_high", "previous", "change", "band",
                                               "insufficient_data"}
    assert billing["metrics"]["tickets_created"] == {"value": 3, "previous": 0, "change": None}
    assert set(billing["metrics"]["first_reply_time_median"]) >= {"value", "n", "previous", "change"}


def test_same_team_name_in_two_helpdesks_stays_apart():
    teams = TEAMS + [Team("freshdesk", "eu", "g1", "Billing")]
    tickets = [t(1), t(2), Ticket("freshdesk", "eu", "9", IN_W, IN_W, TicketStatus.OPEN, "2", group_id="g1")]
    data = from_records(tickets, teams=teams, agents=AGENTS)
    rows = {row.id: row for row in compute_report(data, W, now=NOW, by="team").rows}
    assert rows["zendesk:acme:g1"].name == "Billing (zendesk:acme)"
    assert rows["freshdesk:eu:g1"].name == "Billing (freshdesk:eu)"
    assert rows["zendesk:acme:g1"].metrics["tickets_created"].value == 2
    assert rows["freshdesk:eu:g1"].metrics["tickets_created"].value == 1
    assert rows["zendesk:acme:g2"].name == "Returns"  # unique names stay as they are
    both = compute_report(data, W, now=NOW, by="team", team="billing").rows
    assert {row.id for row in both} == {"zendesk:acme:g1", "freshdesk:eu:g1"}
    one = compute_report(data, W, now=NOW, by="team", team="Billing (freshdesk:eu)").rows
    assert [row.id for row in one] == ["freshdesk:eu:g1"]


def _accounts(total, lost, revenue=50.0):
    """``total`` customers since before the previous window; ``lost`` of them leave inside W."""
    from kpis.imported_records import Account

    joined = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return [
        Account("file", "crm", f"c{i}", joined, ended_at=IN_W if i < lost else None, monthly_revenue=revenue)
        for i in range(total)
    ]


def test_churn_rate_is_customers_lost_in_w_over_customers_at_its_start():
    # Seed 004: 25 of 500 customers lost -> 5 %.
    data = from_records(teams=TEAMS, agents=AGENTS, accounts=_accounts(500, 25))
    rep = compute_report(data, W, now=NOW, by="overall")
    churn = metric(rep, "churn_rate")
    assert (churn.value, churn.n) == (pytest.approx(5.0), 500)
    assert churn.previous == pytest.approx(0.0)  # nobody left in the previous window
    # Accounts belong to no team: team rows carry null.
    team_rows = compute_report(data, W, now=NOW, by="team").rows
    assert all(row.metrics["churn_rate"].value is None for row in team_rows)


def test_retention_cost_is_spend_in_w_over_customers_retained():
    from kpis.imported_records import RetentionSpend

    # Seed 004: $10,000 over 1,000 retained customers -> $10. 1,010 at start, 10 lost, 1,000 kept.
    spend = [RetentionSpend("file", "crm", "s1", IN_W, 6000.0), RetentionSpend("file", "crm", "s2", IN_W, 4000.0),
             RetentionSpend("file", "crm", "s0", IN_PREV, 999.0)]
    data = from_records(accounts=_accounts(1010, 10), spend=spend)
    crc = metric(compute_report(data, W, now=NOW, by="overall"), "customer_retention_cost")
    assert crc.value == pytest.approx(10.0)
    assert crc.previous == pytest.approx(999.0 / 1010)


def test_clv_is_monthly_revenue_times_lifetime():
    # Seed 004: $50 a month x 36 months = $1,800 (lifetime configured).
    data = from_records(accounts=_accounts(100, 0, revenue=50.0))
    rep = compute_report(data, W, now=NOW, by="overall", config=KpiConfig(lifetime_months=36))
    assert metric(rep, "clv").value == pytest.approx(1800.0)
    # Without a configured lifetime: 1 / monthly churn. 7-day window, 1 of 100 lost:
    # monthly churn = 1 - 0.99 ** (30.4375 / 7) = 0.042773...; lifetime 23.379 months; $50 x that.
    data = from_records(accounts=_accounts(100, 1, revenue=50.0))
    clv = metric(compute_report(data, W, now=NOW, by="overall"), "clv").value
    monthly_churn = 1 - 0.99 ** (30.4375 / 7)
    assert clv == pytest.approx(50.0 / monthly_churn)
    assert 1165 < clv < 1170
    # No churn and no configured lifetime: lifetime unknown -> null, not infinity.
    assert metric(report(), "clv").value is None
