"""`/kpi all` and `helpdesk-kpis report` give the same numbers with `[[teams]]` configured.

The store holds the slash tests' small helpdesk (tests/notifiers/slash/conftest.py) plus an
imported accounts file for the window 13-19 November 2026 (UTC):

- four customers at the start of the window, one of whom (a1) leaves on the 15th: churn 1/4 = 25.0%;
- 60.0 spent on retention on the 14th over the three customers kept: retention cost 20.0;
- the three kept pay 100, 300 and 200 a month (mean 200); with no lifetime configured it is one over
  the window's churn compounded to a month of 30.4375 days: CLV 200 / (1 - 0.75 ** (30.4375 / 7)).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
import requests

from helpdesk_kpis.cli import main
from helpdesk_kpis.context import AppContext
from helpdesk_kpis.server.endpoint import build_endpoint
from kpis.imported_records import Account, RetentionSpend
from kpis.store import Store
from notifiers.slash.grammar import Period
from tests.fakes.asgi_server import ServerThread
from tests.fakes.slack.api import TOKEN, FakeSlack
from tests.fakes.slack.signing import SIGNING_SECRET, command_body, signed_headers
from tests.notifiers.slash import conftest as desk

CONFIG = """
[reporting]
timezone = "UTC"

[[teams]]
name = "Billing"
channel = "C0BILLING"
sources = ["zendesk:acme:1"]
leads = ["U0LENA"]

[[teams]]
name = "Returns"
channel = "C0RETURNS"
sources = ["zendesk:acme:2"]
leads = ["S0RETLEADS"]

[slash]
admins = ["U0ADA"]
inline_seconds = 2.0  # the answer is read inline, a first read of the store included
"""


def _day(day: int) -> datetime:
    return datetime(2026, 11, day, 8, 0, tzinfo=timezone.utc)


def _business_records() -> list:
    joined = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return [
        Account("file", "crm", "a1", joined, ended_at=_day(15), monthly_revenue=500.0),
        Account("file", "crm", "a2", joined, monthly_revenue=100.0),
        Account("file", "crm", "a3", joined, monthly_revenue=300.0),
        Account("file", "crm", "a4", joined, monthly_revenue=200.0),
        RetentionSpend("file", "crm", "s1", _day(14), 60.0),
        RetentionSpend("file", "crm", "s0", datetime(2026, 11, 1, tzinfo=timezone.utc), 999.0),  # before the window
    ]


@pytest.fixture
def project(tmp_path, monkeypatch):
    database = f"sqlite:///{tmp_path / 'kpis.db'}"
    store = Store.open(database)
    store.write_page(desk.S, desk.INSTANCE, "all", desk.records(), None)
    store.write_page("file", "crm", "all", _business_records(), None)
    store.close()
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HELPDESK_KPIS_CONFIG", raising=False)
    with FakeSlack() as slack:
        slack.users.update(desk.SLACK_USERS)
        slack.groups["S0RETLEADS"] = ["U0RAJ"]
        for name, value in {"DATABASE_URL": database, "SLACK_BOT_TOKEN": TOKEN,
                            "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.base_url}.items():
            monkeypatch.setenv(name, value)
        yield slack


def _report(capsys, by: str) -> dict:
    assert main(["report", "--from", "2026-11-13", "--to", "2026-11-19", "--by", by, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_kpi_all_shows_every_kpi_report_shows_churn_and_lifetime_value_included(project, capsys):
    slack = project
    endpoint = build_endpoint(AppContext(), clock=lambda: desk.NOW)
    with ServerThread(endpoint.app) as server:
        body = command_body("all churn 7d", user_id="U0ADA", channel_id="D0DIRECT", response_url=slack.response_url())
        answer = requests.post(server.url + "/slack/events", data=body, headers=signed_headers(body), timeout=10)
    assert answer.status_code == 200
    # The overall section names the churn the report has (the team lines have none: churn is overall-only).
    overall_section = answer.json()["blocks"][2]["fields"][0]["text"]
    assert "*Churn rate*\n_25.0% (n=4" in overall_section, overall_section

    # What `/kpi all` renders: the overall row of the 7-day snapshot and one row per configured team.
    window = Period("7d").window(now=desk.NOW, zone=desk.UTC)
    snapshot = endpoint.slash.snapshots.snapshot(window)
    slash_overall = snapshot.report("overall").as_json()
    slash_teams = snapshot.report("team").as_json()
    endpoint.slash.snapshots.close()

    overall, teams = _report(capsys, "overall"), _report(capsys, "team")
    assert overall["window"] == slash_overall["window"]
    metrics = overall["rows"][0]["metrics"]
    assert metrics["churn_rate"]["value"] == 25.0
    assert metrics["customer_retention_cost"]["value"] == 20.0
    assert metrics["clv"]["value"] == pytest.approx(200 / (1 - 0.75 ** (30.4375 / 7)), abs=0.05)
    assert metrics["csat"]["value"] == 60.0  # 3 good ratings of 5

    assert json.loads(json.dumps(slash_overall["rows"])) == overall["rows"]
    assert json.loads(json.dumps(slash_teams["rows"])) == teams["rows"]
    assert [row["name"] for row in teams["rows"]] == ["Billing", "Returns"]
