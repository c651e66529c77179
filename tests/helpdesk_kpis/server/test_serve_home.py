"""The App Home through `serve`: Slack's events and block actions, signed over HTTP and over Socket Mode.

The store holds the hand-made helpdesk moved to end yesterday (Billing CSAT 3 of 4 = 75.0%, over
the last 7 days); Lena leads Billing.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import requests
from slack_sdk.models.views import View

from kpis.store import Store
from tests.fakes.slack.api import FakeSlack
from tests.fakes.slack.signing import signed_headers
from tests.fakes.slack.socket_mode import FakeSocketMode
from tests.helpdesk_kpis.server.serving import ENDPOINT_CONFIG, serve_env, serving, wait_for
from tests.helpdesk_kpis.server.test_serve_slash import _shift
from tests.helpdesk_kpis.server.test_socket_mode import socket_env
from tests.notifiers.slash import conftest as desk


def _store(tmp_path) -> None:
    yesterday = datetime.now(timezone.utc).date() - timedelta(days=1)
    store = Store.open(f"sqlite:///{tmp_path / 'kpis.db'}")
    store.write_page("zendesk", "acme", "all", _shift(desk.records(), (yesterday - desk.NOW.date()).days + 3), None)
    store.close()
    (tmp_path / "helpdesk-kpis.toml").write_text(ENDPOINT_CONFIG)


def home_opened(user_id: str, tab: str = "home") -> dict:
    """An Events API callback of app_home_opened: https://docs.slack.dev/reference/events/app_home_opened"""
    return {
        "token": "xyzz0WbapA4vBCDEFasx0q6G", "team_id": "T0TEAM", "api_app_id": "A0KPIBOT1",
        "event": {"type": "app_home_opened", "user": user_id, "channel": "D" + user_id.removeprefix("U"),
                  "tab": tab, "event_ts": f"{time.time():.6f}"},
        "type": "event_callback", "event_id": f"Ev{time.time_ns()}", "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0TEAM", "user_id": "UBOT", "is_bot": True}],
    }


def picked(user_id: str, action_id: str, value: str) -> dict:
    """A block_actions payload from a static select on the Home:
    https://docs.slack.dev/reference/interaction-payloads/block_actions-payload"""
    return {
        "type": "block_actions", "user": {"id": user_id, "team_id": "T0TEAM"}, "api_app_id": "A0KPIBOT1",
        "team": {"id": "T0TEAM", "domain": "acme"}, "token": "xyzz0WbapA4vBCDEFasx0q6G",
        "container": {"type": "view", "view_id": "V0HOME"}, "trigger_id": f"{time.time_ns()}.1.abc",
        "view": {"id": "V0HOME", "type": "home", "callback_id": "kpi_home", "blocks": []},
        "actions": [{"type": "static_select", "action_id": action_id, "block_id": "home_pickers",
                     "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value},
                     "action_ts": f"{time.time():.6f}"}],
    }


def post_json(url: str, payload: dict) -> requests.Response:
    body = json.dumps(payload).encode()
    headers = {**signed_headers(body), "Content-Type": "application/json"}
    return requests.post(url + "/slack/events", data=body, headers=headers, timeout=10)


def post_action(url: str, payload: dict) -> requests.Response:
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return requests.post(url + "/slack/events", data=body, headers=signed_headers(body), timeout=10)


def home_text(slack: FakeSlack, user_id: str) -> str:
    view = slack.home_view(user_id)
    View(**view).validate_json()
    return json.dumps(view["blocks"], ensure_ascii=False)


def test_home_over_http_opened_and_picked_with_signed_requests(tmp_path):
    _store(tmp_path)
    with FakeSlack() as slack:
        slack.users.update(desk.SLACK_USERS)
        with serving(tmp_path, serve_env(tmp_path, slack), "--role", "endpoint") as (url, _process):
            challenge = post_json(url, {"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595", "type": "url_verification"})
            assert challenge.status_code == 200 and challenge.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595"}

            opened = post_json(url, home_opened("U0LENA"))
            assert opened.status_code == 200
            wait_for(lambda: slack.home_view("U0LENA") is not None, "Lena's Home")
            assert "Billing · 7d" in home_text(slack, "U0LENA") and "75.0% (n=4" in home_text(slack, "U0LENA")

            assert post_action(url, picked("U0LENA", "home_period", "30d")).status_code == 200
            wait_for(lambda: "Billing · 30d" in home_text(slack, "U0LENA"), "the 30-day Home")

            assert post_json(url, home_opened("U0OTTO", tab="messages")).status_code == 200  # not the Home tab
            forged = json.dumps(home_opened("U0ADA")).encode()
            refused = requests.post(url + "/slack/events", data=forged, timeout=10,
                                    headers={**signed_headers(forged, secret="0" * 32), "Content-Type": "application/json"})
            assert refused.status_code == 401
            not_json = requests.post(url + "/slack/events", data=b"a=1", timeout=10,
                                     headers={**signed_headers(b"a=1"), "Content-Type": "application/json"})
            assert not_json.status_code == 415
    published = {p["user_id"] for p in slack.method_calls("views.publish")}
    assert published == {"U0LENA"}  # neither the Messages tab nor a forged event published anything


def test_home_over_socket_mode_events_api_and_interactive_envelopes(tmp_path):
    _store(tmp_path)
    with FakeSlack() as slack, FakeSocketMode() as socket:
        slack.socket_mode = socket
        slack.users.update(desk.SLACK_USERS)
        with serving(tmp_path, socket_env(tmp_path, slack), "--role", "endpoint", "--socket-mode") as (_url, _p):
            assert socket.wait_connected(1)
            socket.send_envelope("events_api", home_opened("U0ANN"))
            wait_for(lambda: slack.home_view("U0ANN") is not None, "Ann's Home")
            text = home_text(slack, "U0ANN")
            assert "Ann Lee (Billing) · 7d" in text and "100.0% (n=2" in text and "Bob Roy" not in text
            socket.send_envelope("interactive", picked("U0ANN", "home_dimension", "priority"))
            wait_for(lambda: "by priority" in home_text(slack, "U0ANN"), "the Home by priority")
