"""The buttons' test app: the `/kpi` desk of tests/notifiers/slash (Billing: CSAT 75.0% over 13-19 Nov 2026, Ann Lee
100.0%, Bob Roy 50.0%; Returns 0.0%), served with the buttons' listeners, and clicks signed as
Slack signs them.

A click is Slack's ``block_actions`` payload, POSTed as the form field ``payload`` (JSON):
https://docs.slack.dev/reference/interaction-payloads/block_actions-payload
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urlencode

import pytest
import requests

from kpis.store.alert_states import AlertStates
from notifiers.interactive.buttons import register_buttons
from notifiers.slash.answers import KpiCommands
from notifiers.slash.app import build_bolt_app
from notifiers.slash.server import create_asgi_app
from tests.fakes.asgi_server import ServerThread
from tests.fakes.slack.api import FakeSlack
from tests.fakes.slack.signing import SIGNING_SECRET, signed_headers
from tests.notifiers.slash.conftest import NOW, POLICY, UTC, slack, store, web_client  # noqa: F401
from tests.notifiers.slash.test_commands import everything

__all__ = ["NOW", "POLICY", "UTC"]


class Clock:
    """The time the app sees; a test moves it (no sleeping)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def clicked_commands(store, web_client, clock) -> Iterator[KpiCommands]:  # noqa: F811
    """KPI answers whose "now" is the test's clock (so a test can make a digest old)."""
    from kpis.query import load_kpi_data
    from notifiers.slash.people import SlackPeople
    from notifiers.slash.snapshots import SnapshotCache

    snapshots = SnapshotCache(lambda start, end: load_kpi_data(store, start, end, tags=False), clock=clock,
                              load_tags=lambda start, end: load_kpi_data(store, start, end))
    yield KpiCommands(policy=POLICY, snapshots=snapshots, zone=UTC, clock=clock, people=SlackPeople(web_client))
    snapshots.close()


def bolt_app(kpi_commands: KpiCommands, store, web_client, clock, *, signed: bool = True):  # noqa: ANN001, ANN201, F811
    bolt = build_bolt_app(kpi_commands, signing_secret=SIGNING_SECRET if signed else "", client=web_client,
                          signed_requests=signed)
    register_buttons(bolt, kpi_commands, AlertStates(store), clock=clock)
    return bolt


@pytest.fixture
def endpoint(clicked_commands, store, web_client, clock) -> Iterator[str]:  # noqa: F811
    """The app served over HTTP (Bolt + Starlette + uvicorn, signature checks on)."""
    app = create_asgi_app(bolt_app(clicked_commands, store, web_client, clock), healthy=lambda: True,
                          signing_secret=SIGNING_SECRET)
    with ServerThread(app) as server:
        yield server.url


def click_payload(action_id: str, value: str, *, user: str, channel: str, response_url: str,
                  message: dict | None = None, message_ts: str | None = None) -> dict:
    """A ``block_actions`` payload for a button on a message in ``channel``, as Slack sends it."""
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": "T0TEAM"},
        "api_app_id": "A0KPIBOT1",
        "token": "xyzz0WbapA4vBCDEFasx0q6G",
        "container": {"type": "message", "message_ts": message_ts or "1763640000.000100", "channel_id": channel,
                      "is_ephemeral": False},
        "trigger_id": "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
        "team": {"id": "T0TEAM", "domain": "acme"},
        "channel": {"id": channel, "name": "kpi"},
        "message": message or {"type": "message", "ts": message_ts or "1763640000.000100", "text": "", "blocks": []},
        "response_url": response_url,
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                     "text": {"type": "plain_text", "text": "x"}, "action_ts": "1763640001.000200"}],
    }


def post_click(url: str, payload: dict, *, secret: str = SIGNING_SECRET) -> requests.Response:
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return requests.post(url + "/slack/events", data=body, headers=signed_headers(body, secret=secret), timeout=10)


def answer_to(slack: FakeSlack, name: str) -> dict:  # noqa: F811
    """The one post to response_url ``name`` (generous bound: a busy machine)."""
    assert slack.wait_for_response(name, timeout=30) is not None, f"no answer posted to {name}"
    return slack.responses_to[name][0]


def text_of(answer: dict) -> str:
    """What a person reads: the fallback and every text in the blocks."""
    return everything({"text": "", **answer})
