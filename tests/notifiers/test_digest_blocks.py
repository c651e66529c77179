"""Digest payloads: what a lead reads, escaped, validated by slack-sdk, within Slack's limits."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block

from kpis.catalogue import HEADLINE
from tests.kpis.builders import from_records
from kpis.engine import compute_report
from kpis.records import Agent, Team
from kpis.windows import Window
from notifiers.alert_rules import AlertRule, read
from notifiers.digest import Digest, breakdown_message, digest_message
from notifiers.kpi_blocks import kpi_section, metric_field
from tests.notifiers import desk
from tests.notifiers.conftest import BILLING

UTC = ZoneInfo("UTC")
WINDOW = Window(date(2026, 11, 9), date(2026, 11, 16), UTC)


def billing_digest(**changes) -> Digest:
    data = from_records(**desk.records())
    report = compute_report(data, WINDOW, now=desk.NOW, by="team")
    billing = next(row for row in report.rows if row.name == "Billing")
    agents = compute_report(data, WINDOW, now=desk.NOW, by="agent", team="Billing").rows
    fields = dict(title="Billing", scope="team:Billing", day=desk.D, report=report, row=billing, keys=HEADLINE,
                  breakdown=agents)
    fields.update(changes)
    return Digest(**fields)


def texts(payload: dict) -> str:
    """Every mrkdwn/plain text of a payload, one string."""
    return json.dumps(payload["blocks"], ensure_ascii=False)


def field_text(payload: dict, label: str) -> str:
    for block in payload["blocks"]:
        for item in block.get("fields") or []:
            if item["text"].startswith(f"*{label}*"):
                return item["text"]
    raise AssertionError(f"no field {label}")


def test_headline_kpis_carry_n_band_and_the_change_written_out():
    payload = digest_message(billing_digest())
    assert payload["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "emoji": True,
                                                               "text": ":bar_chart: Billing KPIs · Sun 15 Nov 2026"}}
    assert field_text(payload, "CSAT") == "*CSAT*\n75.0% (n=12) · band *acceptable*\n-15.0 pp vs 90.0%, worse"
    assert field_text(payload, "First reply (median)") == "*First reply (median)*\n1.0h (n=12)\n-50.0% vs 2.0h, better"
    assert field_text(payload, "Created") == "*Created*\n14\n+40.0% vs 10, more"  # volume: neither better nor worse
    assert field_text(payload, "Backlog") == "*Backlog*\n3\n+200.0% vs 1, worse"
    context = payload["blocks"][1]["elements"][0]["text"]
    assert "7 days, 9–15 Nov 2026 (UTC)" in context and "compared with 2–8 Nov 2026" in context


def test_fallback_text_says_the_headline_numbers_in_one_sentence():
    payload = digest_message(billing_digest())
    assert payload["text"].startswith("Billing KPIs for 9–15 Nov 2026: CSAT 75.0% (n=12, -15.0 pp); ")
    assert "Backlog 3 (+200.0%)" in payload["text"]
    # The team and days "Explain this" asks about; the KPIs by how much they moved, as the fields read
    # (backlog +200%, first reply -50%, created +40%, solved +20%, CSAT -15 pp, then the unchanged two).
    assert payload["metadata"] == {"event_type": "kpi_digest_posted", "event_payload": {
        "digest_id": "team:Billing:2026-11-15", "schema": 1, "team": "Billing", "first_day": "2026-11-09",
        "last_day": "2026-11-15", "kpis": ["backlog", "first_reply_time_median", "tickets_created", "tickets_solved",
                                           "csat", "full_resolution_time_median", "fcr_rate"]}}


def test_backlog_by_age_and_low_ratings_are_escaped_with_agent_and_ticket_link():
    payload = digest_message(billing_digest())
    blob = texts(payload)
    assert "*Backlog by age* (3 open at the end of 15 Nov 2026)\\n&lt;1d: 0 · 1-3d: 2 · 3-7d: 0 · &gt;7d: 1" in blob
    low = next(b["text"]["text"] for b in payload["blocks"] if b.get("text", {}).get("text", "").startswith("*Newest low"))
    # Newest first: b11 (rated 12 Nov 20:00) then b10, b9; the comment and the agent name escaped.
    lines = low.split("\n")
    assert lines[0] == "*Newest low ratings* (3 in 9–15 Nov 2026)"
    assert lines[1] == ("• <https://acme.zendesk.com/agent/tickets/b11|#b11 Question b11> · Bob Stone · rated bad"
                        " on 12 Nov 2026")
    assert lines[2] == "> Refund &lt;never&gt; arrived &amp; nobody *cared*"
    assert lines[3].startswith("• <https://acme.zendesk.com/agent/tickets/b10|#b10")
    assert "<never>" not in blob and "Ann <Lee>" not in blob


def test_a_small_sample_is_said_in_words_not_only_greyed():
    data = from_records(**desk.records())
    report = compute_report(data, WINDOW, now=desk.NOW, by="team")
    returns = next(row for row in report.rows if row.name == "Returns & Refunds")
    assert metric_field(returns.metrics["csat"]).startswith("*CSAT*\n_100.0% (n=3, too few to judge)_")
    blocks = kpi_section(returns, HEADLINE)
    assert all(isinstance(b, Block) for b in blocks) and len(blocks[0].fields) == len(HEADLINE)


def test_breaches_name_the_rule_value_and_sample():
    rule = AlertRule(id="csat-floor", kpi="csat", scope="team", team="Billing", operator="<", threshold=80)
    digest = billing_digest()
    breaches = read(rule, digest.report)
    payload = digest_message(billing_digest(breaches=breaches))
    section = next(b["text"]["text"] for b in payload["blocks"] if ":rotating_light:" in b.get("text", {}).get("text", ""))
    assert section == (":rotating_light: *1 threshold breach*\n• CSAT for Billing is 75.0% (n=12): breaks CSAT &lt; 80%"
                       " over 7d (rule `csat-floor`)")
    assert payload["text"].endswith("; 1 threshold breach.")


def test_breakdown_in_the_thread_lists_agents_busiest_first():
    payload = breakdown_message(billing_digest())
    text = payload["blocks"][0]["text"]["text"]
    lines = text.split("\n")
    assert lines[0] == "*By agent* · 2 agents, most tickets solved first · 9–15 Nov 2026"
    # Ann solved 8 (+ all 10 previous: -20%), Bob 4; their CSAT from the ratings of their tickets.
    # Ann's 8 ratings are all good (her 10 in the previous window: 9 good); italic = too few to judge,
    # and a change on too few ("+10pp" from 8 ratings) is not shown as a number.
    assert lines[1] == ("*Ann &lt;Lee&gt;* · CSAT _100.0% (n=8, too few to judge)_ (too few) · reply _1.0h (n=8, too few"
                        " to judge)_ (too few) · solved 8 (-20%) · backlog 1 (+0.0%)")
    assert lines[2].startswith("*Bob Stone* · CSAT _25.0% (n=4, too few to judge)_")


def test_two_hundred_agents_and_long_comments_fit_slacks_limits_with_and_n_more(client, fake_slack):
    base = datetime(2026, 11, 10, 9, tzinfo=timezone.utc)
    teams = [Team("zendesk", "acme", "g1", "Huge team " + "x" * 200)]
    agents = [Agent("zendesk", "acme", f"a{i}", f"Agent number {i} with a rather long name") for i in range(200)]
    tickets, ratings = [], []
    for i in range(200):
        for j in range(3):
            tid = f"t{i}-{j}"
            tickets.append(desk.ticket(tid, base + timedelta(minutes=i), base + timedelta(hours=5), assignee_id=f"a{i}",
                                       first_reply_minutes=30.0 + i, subject="S" * 300))
            ratings.append(desk.rating(f"r{i}-{j}", tid, j != 0, base + timedelta(hours=6, minutes=i),
                                       comment=("word " * 600)[:3000], reason="r" * 500))
    data = from_records(tickets, ratings, (), teams, agents)
    report = compute_report(data, WINDOW, now=desk.NOW, by="team")
    agent_rows = compute_report(data, WINDOW, now=desk.NOW, by="agent").rows
    digest = Digest(title=teams[0].name, scope="team:huge", day=desk.D, report=report, row=report.rows[0],
                    keys=HEADLINE, breakdown=agent_rows)

    for payload in (digest_message(digest), breakdown_message(digest)):
        # Slack (the fake enforces its limits on its own) takes both messages as they are.
        assert client.chat_postMessage(channel=BILLING, **payload)["ok"]
        assert len(payload["blocks"]) <= 50
        Block.parse_all(payload["blocks"])  # slack-sdk's models accept every block
        for block in payload["blocks"]:
            if block["type"] == "section" and "text" in block:
                assert len(block["text"]["text"]) <= 3000
            assert len(block.get("fields") or []) <= 10
    main = digest_message(digest)
    assert len(main["blocks"][0]["text"]["text"]) <= 150
    low = next(b["text"]["text"] for b in main["blocks"] if b.get("text", {}).get("text", "").startswith("*Newest low"))
    assert low.endswith("_and 195 more low ratings_")  # 200 bad ratings, 5 shown
    # The rest are in the teams' report of the same days (a 210-character team name is no help in a command line).
    below = main["blocks"][[b.get("text", {}).get("text") for b in main["blocks"]].index(low) + 1]
    assert below["elements"][0]["text"] == (
        "The full answer: `helpdesk-kpis report --from 2026-11-09 --to 2026-11-15 --by team --format json`"
    )
    assert "…" in low  # comments cut, not dropped
    thread = breakdown_message(digest)
    listed = sum(b["text"]["text"].count("*Agent number") for b in thread["blocks"] if b["type"] == "section")
    assert listed == 150
    assert "_and 50 more agents_" in thread["blocks"][-1]["elements"][0]["text"]  # 150 listed, 200 in all


def test_a_team_name_with_markup_is_escaped_in_the_fallback_and_shown_as_typed_in_the_header():
    data = from_records(**desk.records())
    report = compute_report(data, WINDOW, now=desk.NOW, by="team")
    returns = next(row for row in report.rows if row.name == "Returns & Refunds")
    agents = compute_report(data, WINDOW, now=desk.NOW, by="agent", team="Returns & Refunds").rows
    digest = Digest(title="Returns & Refunds", scope="team:returns", day=desk.D, report=report, row=returns,
                    keys=HEADLINE, breakdown=agents)
    main, thread = digest_message(digest), breakdown_message(digest)
    assert main["text"].startswith("Returns &amp; Refunds KPIs for 9–15 Nov 2026: ")
    assert main["blocks"][0]["text"]["text"] == ":bar_chart: Returns & Refunds KPIs · Sun 15 Nov 2026"  # plain text
    assert thread["text"] == "Returns &amp; Refunds: 1 agents for 9–15 Nov 2026"


def test_the_weekly_quality_block_is_shown_when_the_digest_carries_it():
    lines = ["*Quality this week* · review coverage 20.0% (+1.0 pp) · QA score 74.0% (n=40, +0.5 pp)",
             "• scorecard of *Ann* (Billing): 81 → 68 (-13)"]
    assert "Quality this week" in texts(digest_message(billing_digest(quality=lines)))
    assert "Quality this week" not in texts(digest_message(billing_digest()))
