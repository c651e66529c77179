"""`report --by channel|priority|tag` and `report --explain` as a user runs them, on a real SQLite store."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from kpis.records import Agent, Priority, Team
from kpis.store import Store
from tests.helpdesk_kpis.test_cli import assert_one_line_error, run
from tests.kpis.test_kpis import IN_PREV, IN_W, rating, t

WINDOW = ("--from", "2026-11-08", "--to", "2026-11-14")
TEAMS = [Team("zendesk", "acme", "g1", "Billing"), Team("zendesk", "acme", "g2", "Returns")]
AGENTS = [Agent("zendesk", "acme", "a1", "Ann"), Agent("zendesk", "acme", "a2", "Bob")]


def rated(prefix, good, total, at, **fields):
    tickets = [t(f"{prefix}{i}", created=at - timedelta(hours=2), **fields) for i in range(total)]
    ratings = [rating(f"r{prefix}{i}", f"{prefix}{i}", "good" if i < good else "bad", at=at) for i in range(total)]
    return tickets + ratings


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "160")
    for name in ("HELPDESK_KPIS_CONFIG", "ZENDESK_SUBDOMAIN", "ZENDESK_URL"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "helpdesk-kpis.toml").write_text('[reporting]\ntimezone = "UTC"\n')
    url = f"sqlite:///{tmp_path / 'kpis.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    records = [
        # Ann (Billing): email 9/10 before, 5/10 now; Bob (Returns): chat 8/10 both times.
        *rated("ao", 9, 10, IN_PREV, assignee_id="a1", group_id="g1", channel="email", tags=("Refund", "vip")),
        *rated("an", 5, 10, IN_W, assignee_id="a1", group_id="g1", channel="email", tags=("refund",)),
        *rated("bo", 8, 10, IN_PREV, assignee_id="a2", group_id="g2", channel="web_widget", priority=Priority.URGENT),
        *rated("bn", 8, 10, IN_W, assignee_id="a2", group_id="g2", channel="web_widget", priority=Priority.URGENT,
               tags=("late",)),
    ]
    Store.open(url).write_page("zendesk", "acme", "all", [*TEAMS, *AGENTS, *records], None)
    return tmp_path


def rows_by_id(out):
    return {row["id"]: row for row in json.loads(out)["rows"]}


def test_by_channel_priority_and_tag_rows_in_json(store_dir, capsys):
    code, out, _ = run(capsys, "report", "--by", "channel", "--format", "json", *WINDOW)
    assert code == 0
    channels = rows_by_id(out)
    assert set(channels) == {"email", "chat"}  # web_widget is Zendesk's messaging widget: chat
    assert channels["email"]["scope"] == "channel" and channels["email"]["name"] == "Email"
    assert channels["email"]["metrics"]["csat"]["value"] == 50.0
    assert channels["email"]["metrics"]["csat"]["previous"] == 90.0
    _, out, _ = run(capsys, "report", "--by", "priority", "--format", "json", *WINDOW)
    assert rows_by_id(out)["urgent"]["metrics"]["tickets_created"]["value"] == 10
    _, out, _ = run(capsys, "report", "--by", "tag", "--format", "json", *WINDOW)
    tags = rows_by_id(out)
    # "Refund" and "refund" are one tag; "vip" only before; "late" only now.
    assert set(tags) == {"refund", "vip", "late"}
    assert tags["refund"]["metrics"]["csat"]["value"] == 50.0
    assert tags["refund"]["metrics"]["csat"]["previous"] == 90.0
    assert tags["vip"]["metrics"]["tickets_created"]["previous"] == 10
    _, out, _ = run(capsys, "report", "--by", "tag", "--team", "Returns", "--format", "json", *WINDOW)
    assert set(rows_by_id(out)) == {"late"}


def test_tag_table_folds_small_tags_into_other_tags(store_dir, capsys, monkeypatch):
    (store_dir / "helpdesk-kpis.toml").write_text('[reporting]\ntimezone = "UTC"\nmin_sample = 11\n')
    code, out, _ = run(capsys, "report", "--by", "tag", *WINDOW)
    assert code == 0
    # Each tag has 10 tickets created in the window or none: below 11, so all fold.
    assert "other tags" in out and "refund" not in out


def test_explain_csat_by_agent_json_contract(store_dir, capsys):
    code, out, _ = run(capsys, "report", "--explain", "csat", "--by", "agent", "--format", "json", *WINDOW)
    assert code == 0
    result = json.loads(out)
    # 17/20 = 85% before, 13/20 = 65% now.
    assert (result["kpi"], result["value"], result["previous"], result["change"]) == ("csat", 65.0, 85.0, -20.0)
    assert result["dimension"] == "agent" and result["additive"] is True
    ann = result["contributions"][0]
    # Ann: shares 0.5 both times; rate (50 - 90) * 0.5 = -20, mix 0.
    assert {k: ann[k] for k in ("id", "name", "value", "previous", "n", "previous_n", "effect", "rate_effect",
                                "mix_effect", "significant", "insufficient_data")} == {
        "id": "zendesk:acme:a1", "name": "Ann", "value": 50.0, "previous": 90.0, "n": 10, "previous_n": 10,
        "effect": -20.0, "rate_effect": -20.0, "mix_effect": 0.0, "significant": False, "insufficient_data": False}
    assert result["window"]["start"].startswith("2026-11-08") and result["previous_window"]["start"].startswith("2026-11-01")


def test_explain_table_names_the_groups_largest_effect_first(store_dir, capsys):
    code, out, _ = run(capsys, "report", "--explain", "csat", "--by", "channel", *WINDOW)
    assert code == 0
    assert "CSAT 65.0% (was 85.0%): -20.0 pp" in out
    assert out.index("Email") < out.index("Chat")
    assert "-20.0 pp" in out.split("Email", 1)[1].splitlines()[0]


@pytest.mark.parametrize(("args", "fragments"), [
    (("--explain", "low_rated"), ("low_rated cannot be decomposed",)),
    (("--explain", "happiness"), ("unknown KPI 'happiness'",)),
    (("--explain", "csat", "--by", "overall"), ("--explain needs --by",)),
    (("--explain", "csat", "--format", "csv"), ("--explain prints a table",)),
])
def test_explain_bad_input_is_one_line_and_exit_2(store_dir, capsys, args, fragments):
    code, _, err = run(capsys, "report", *args, *WINDOW)
    assert code == 2
    assert_one_line_error(err, *fragments)


def test_unknown_dimension_is_a_usage_error(store_dir, capsys):
    code, _, err = run(capsys, "report", "--explain", "csat", "--by", "colour", *WINDOW)
    assert code == 2 and "Traceback" not in err and "colour" in err


def test_no_previous_data_says_there_is_nothing_to_explain(store_dir, capsys):
    code, out, _ = run(capsys, "report", "--explain", "csat", "--by", "agent", "--from", "2026-11-01",
                       "--to", "2026-11-07")
    assert code == 0
    assert out.strip() == "Nothing to explain: no CSAT in the previous window (2026-10-25 to 2026-10-31)."


def test_backlog_by_priority_and_age(store_dir, capsys):
    # The fixture's tickets are all open. Urgent: Bob's 10 created 3 Nov (>7d at the end of 14 Nov) and
    # 10 created 10 Nov (4.7 days: 3-7d); three more: 14 Nov 12:00 (<1d), 12 Nov 12:00 (1-3d), 1 Nov (>7d).
    url = f"sqlite:///{store_dir / 'kpis.db'}"
    open_tickets = [t(f"open{i}", created=created, priority=Priority.URGENT, group_id="g1")
                    for i, created in enumerate((IN_W + timedelta(days=4, hours=3), IN_W + timedelta(days=2, hours=3),
                                                 IN_PREV - timedelta(days=2)))]
    Store.open(url).write_page("zendesk", "acme", "more", open_tickets, None)
    code, out, _ = run(capsys, "report", "--kpi", "backlog", "--by", "priority", *WINDOW)
    assert code == 0
    grid = out.split("Backlog by priority and age", 1)[1]
    urgent = next(line for line in grid.splitlines() if "Urgent" in line)
    assert [cell for cell in urgent.split() if cell != "│"] == ["Urgent", "1", "1", "10", "11", "23"]
