"""The `/kpi` Bolt app with the shortcuts registered, served over HTTP (signed requests) and over
Socket Mode, against the fake Slack, on the small helpdesk of tests/notifiers/slash/conftest.py
(Billing CSAT 75.0% over 13-19 November, Ann 100.0%, Bob 50.0%; Returns 0.0%; Lena leads Billing)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from notifiers.interactive.shortcut_app import register_shortcuts
from notifiers.slash.app import build_bolt_app
from notifiers.slash.server import create_asgi_app
from notifiers.slash.socket_mode import SocketModeConnection
from tests.fakes.asgi_server import ServerThread
from tests.fakes.slack.api import FakeSlack
from tests.fakes.slack.signing import SIGNING_SECRET, signed_headers
from tests.fakes.slack.socket_mode import APP_TOKEN, FakeSocketMode
from tests.notifiers.interactive.button_clicks import clicked_commands, clock, endpoint  # noqa: F401 - buttons' fixtures
from tests.notifiers.slash.conftest import commands, slack, store, web_client  # noqa: F401 - fixtures

#: Generous, for a busy machine: how long a test waits for the fake Slack to see a call.
SETTLE_SECONDS = 30
TEAM = {"id": "T0TEAM", "domain": "acme"}


def wait_for(condition, what: str):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + SETTLE_SECONDS
    while not (found := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)
    return found


class Slack:
    """What Slack sends the app for each interaction, and what it does with the acknowledgement."""

    def __init__(self, fake: FakeSlack, deliver, url: str | None = None) -> None:  # noqa: ANN001
        self.fake = fake
        #: payload -> the acknowledgement's JSON body (None when empty).
        self._deliver = deliver
        #: The app's address, over HTTP.
        self.url = url

    def global_shortcut(self, user: str, callback_id: str = "support_kpis") -> None:
        self._deliver({"type": "shortcut", "token": "x", "action_ts": "1.2", "team": TEAM, "user": _user(user),
                       "callback_id": callback_id, "trigger_id": self.fake.trigger(), "api_app_id": "A0KPIBOT1"})

    def message_shortcut(self, user: str, channel: str, message: dict[str, Any]) -> None:
        self._deliver({"type": "message_action", "token": "x", "action_ts": "1.2", "team": TEAM, "user": _user(user),
                       "channel": {"id": channel, "name": channel.lower()}, "callback_id": "explain_digest",
                       "trigger_id": self.fake.trigger(), "message_ts": message["ts"], "message": message,
                       "response_url": self.fake.response_url("shortcut"), "api_app_id": "A0KPIBOT1"})

    def submit(self, user: str, view_id: str, values: dict[str, Any]) -> dict[str, Any]:
        """Submit the modal ``view_id`` with ``values`` (block_id -> action_id -> state); Slack applies
        an ``update`` acknowledgement to the view at once. Returns the acknowledgement."""
        view = self.fake.views[view_id]
        payload = {"type": "view_submission", "team": TEAM, "user": _user(user), "api_app_id": "A0KPIBOT1",
                   "trigger_id": self.fake.trigger(),
                   "view": {**view, "state": {"values": values}}}
        self.fake.view_submitting(view_id)
        try:
            ack = self._deliver(payload) or {}
        except BaseException:
            self.fake.view_submitted(view_id, None)
            raise
        self.fake.view_submitted(view_id, ack)
        return ack

    def choose(self, user: str, view_id: str, action_id: str, value: str) -> None:
        """Pick ``value`` in the select ``action_id`` of the open modal (a block action)."""
        view = self.fake.views[view_id]
        self._deliver({"type": "block_actions", "team": TEAM, "user": _user(user), "api_app_id": "A0KPIBOT1",
                       "trigger_id": self.fake.trigger(), "container": {"type": "view", "view_id": view_id},
                       "view": view, "actions": [{"type": "static_select", "action_id": action_id,
                                                  "block_id": action_id, "action_ts": "1.3",
                                                  "selected_option": {"value": value}}]})

    def click(self, user: str, view_id: str, action_id: str) -> None:
        view = self.fake.views[view_id]
        self._deliver({"type": "block_actions", "team": TEAM, "user": _user(user), "api_app_id": "A0KPIBOT1",
                       "trigger_id": self.fake.trigger(), "container": {"type": "view", "view_id": view_id},
                       "view": view, "actions": [{"type": "button", "action_id": action_id, "block_id": action_id,
                                                  "value": "again", "action_ts": "1.3"}]})


def _user(user_id: str) -> dict[str, str]:
    return {"id": user_id, "username": user_id.lower(), "team_id": "T0TEAM"}


def _bolt(commands, web_client, *, signed: bool = True):  # noqa: ANN001, ANN202, F811
    bolt = build_bolt_app(commands, signing_secret=SIGNING_SECRET, client=web_client, signed_requests=signed)
    register_shortcuts(bolt, commands)
    return bolt


@pytest.fixture
def over_http(commands, web_client, slack) -> Iterator[Slack]:  # noqa: F811
    """Slack POSTing signed interaction payloads (``payload=<json>``) to /slack/events."""
    bolt = _bolt(commands, web_client)
    with ServerThread(create_asgi_app(bolt, healthy=lambda: True, signing_secret=SIGNING_SECRET,
                                      max_body_bytes=64 * 1024)) as server, requests.Session() as session:

        def deliver(payload: dict[str, Any]) -> dict[str, Any] | None:
            body = urlencode({"payload": json.dumps(payload)}).encode()
            answer = session.post(server.url + "/slack/events", data=body, headers=signed_headers(body), timeout=10)
            assert answer.status_code == 200, answer.text
            return answer.json() if answer.content else None

        yield Slack(slack, deliver, server.url)


@pytest.fixture
def over_socket_mode(commands, web_client, slack) -> Iterator[Slack]:  # noqa: F811
    """Slack delivering the same payloads as ``interactive`` envelopes on a Socket Mode connection."""
    with FakeSocketMode() as socket:
        slack.socket_mode = socket
        connection = SocketModeConnection(_bolt(commands, web_client, signed=False), APP_TOKEN)
        connection.connect()
        try:

            def deliver(payload: dict[str, Any]) -> dict[str, Any] | None:
                submission = payload["type"] == "view_submission"
                ack = socket.send_envelope("interactive", payload, accepts_response_payload=submission)
                return ack.get("payload") or None

            yield Slack(slack, deliver)
        finally:
            connection.close()
