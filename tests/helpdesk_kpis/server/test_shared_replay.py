"""Replay protection shared through the store: a request one endpoint process accepted is refused
by another process serving the same store, within Slack's 5-minute window."""

from __future__ import annotations

import requests

from tests.fakes.slack.api import FakeSlack
from tests.fakes.slack.signing import command_body, signed_headers
from tests.helpdesk_kpis.server.serving import serve_env, serving
from tests.helpdesk_kpis.server.test_serve_roles import CONFIG
from tests.notifiers.slash import conftest as desk


def test_a_request_accepted_by_one_endpoint_process_is_refused_by_another(tmp_path, store_url):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    with FakeSlack() as slack:
        slack.users.update(desk.SLACK_USERS)
        env = {**serve_env(tmp_path, slack), "DATABASE_URL": store_url}
        with serving(tmp_path, env, "--role", "endpoint") as (first, _), \
                serving(tmp_path, env, "--role", "endpoint") as (second, _):
            body = command_body("team billing csat", user_id="U0OTTO", channel_id="C0BILLING",
                                response_url=slack.response_url())
            headers = signed_headers(body)
            accepted = requests.post(first + "/slack/events", data=body, headers=headers, timeout=10)
            assert accepted.status_code == 200 and "Billing" in accepted.json()["text"]
            replayed = requests.post(second + "/slack/events", data=body, headers=headers, timeout=10)
            assert replayed.status_code == 401
            assert replayed.json() == {"error": "invalid request"}
            # Another request (new signature) is answered by the second process as usual.
            other = command_body("team billing frt", user_id="U0OTTO", channel_id="C0BILLING",
                                 response_url=slack.response_url("2"))
            fresh = requests.post(second + "/slack/events", data=other, headers=signed_headers(other), timeout=10)
            assert fresh.status_code == 200
