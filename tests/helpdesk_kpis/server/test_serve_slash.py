"""`helpdesk-kpis serve` as an admin runs it: a real process, uvicorn on 127.0.0.1, hit over HTTP.

The store holds a small hand-made helpdesk dated yesterday (Billing: 3 good ratings of 4, so CSAT
75.0%; Bob Roy 1 of 2, 50.0%); Slack's Web API is the local fake.
"""

from __future__ import annotations

import signal
from datetime import datetime, timedelta, timezone

import pytest
import requests

from kpis.store import Store
from tests.fakes.slack.api import TOKEN, FakeSlack
from tests.fakes.slack.signing import SIGNING_SECRET, command_body, signed_headers
from tests.helpdesk_kpis.server.serving import serve_env, serving
from tests.notifiers.slash import conftest as desk

CONFIG = """
[connectors.sample.tiny]
tickets = 200
days = 10

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
inline_seconds = 2.0  # the answers are read inline, a first read of the store included
"""


def _shift(records: list, days: int) -> list:
    """The hand-made records moved so that their day is yesterday (UTC)."""
    import dataclasses

    out = []
    for record in records:
        changes = {
            name: getattr(record, name) + timedelta(days=days)
            for name in ("created_at", "updated_at", "solved_at", "offered_at", "rated_at")
            if hasattr(record, name) and getattr(record, name) is not None
        }
        out.append(dataclasses.replace(record, **changes))
    return out


@pytest.fixture
def server(tmp_path):
    yesterday = datetime.now(timezone.utc).date() - timedelta(days=1)
    store = Store.open(f"sqlite:///{tmp_path / 'kpis.db'}")
    store.write_page("zendesk", "acme", "all", _shift(desk.records(), (yesterday - desk.NOW.date()).days + 3), None)
    store.close()
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    with FakeSlack() as slack:
        slack.users.update(desk.SLACK_USERS)
        slack.groups["S0RETLEADS"] = ["U0RAJ"]
        with serving(tmp_path, serve_env(tmp_path, slack)) as (url, process):
            yield url, slack, process


def post(url: str, text: str, user: str, channel: str, slack: FakeSlack, *, secret: str = SIGNING_SECRET):
    body = command_body(text, user_id=user, channel_id=channel, response_url=slack.response_url())
    return requests.post(url + "/slack/events", data=body, headers=signed_headers(body, secret=secret), timeout=10)


def test_serve_answers_signed_commands_over_http_and_stops_cleanly(server):
    url, slack, process = server
    health = requests.get(url + "/healthz", timeout=5).json()
    assert (health["status"], health["role"], health["store"]) == ("ok", "all", "ok"), health

    team = post(url, "team billing csat 7d", "U0OTTO", "C0BILLING", slack)
    assert team.status_code == 200
    assert team.json()["response_type"] == "ephemeral"
    assert "Billing" in team.json()["text"] and "CSAT _75.0% (n=4" in team.json()["text"]

    bob = post(url, "agent <@U0BOB|bob> csat", "U0LENA", "D0DIRECT", slack)
    assert "Bob Roy" in bob.json()["text"] and "50.0%" in bob.json()["text"]
    assert post(url, "agent <@U0BOB|bob>", "U0RAJ", "D0DIRECT", slack).json()["text"].startswith("Sorry")

    assert post(url, "team billing", "U0OTTO", "C0BILLING", slack, secret="forged").status_code == 401
    assert requests.post(url + "/slack/events", data=b"x" * 100_000, timeout=10).status_code == 413
    assert requests.get(url + "/slack/events", timeout=5).status_code == 405

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0
    err = process.stderr.read()
    assert "/kpi denied" in err and "U0RAJ" in err  # the denial is logged with who asked what
    assert SIGNING_SECRET not in err and TOKEN not in err
