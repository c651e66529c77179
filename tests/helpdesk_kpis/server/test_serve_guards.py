"""The endpoint's guards against a running `serve` process: each hostile request is a 4xx."""

from __future__ import annotations

import requests

from tests.fakes.slack.api import FakeSlack
from tests.fakes.slack.signing import SIGNING_SECRET, command_body, signed_headers, slack_signature
from tests.helpdesk_kpis.server.serving import ENDPOINT_CONFIG, serve_env, serving
from tests.notifiers.slash import conftest as desk


def test_serve_refuses_every_hostile_request_with_a_4xx(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(ENDPOINT_CONFIG)
    body = command_body("team billing csat", user_id="U0OTTO", channel_id="C0BILLING")
    with FakeSlack() as slack:
        slack.users.update(desk.SLACK_USERS)
        with serving(tmp_path, serve_env(tmp_path, slack), "--role", "endpoint") as (url, _process):
            def post(data: bytes, headers: dict[str, str]) -> int:
                return requests.post(url + "/slack/events", data=data, headers=headers, timeout=10).status_code

            odd_time = {**signed_headers(body), "X-Slack-Request-Timestamp": "1e9abc",
                        "X-Slack-Signature": slack_signature(SIGNING_SECRET, "1e9abc", body)}
            as_json = {**signed_headers(body), "Content-Type": "application/json"}
            expired = signed_headers(body, timestamp=1_500_000_000)
            forged = signed_headers(body, secret="0" * 32)
            tampered = signed_headers(body)
            replayed = signed_headers(body)
            big = b"text=" + b"x" * 200_000
            assert post(body, replayed) == 200
            codes = {
                "non-numeric timestamp": post(body, odd_time),
                "json": post(body, as_json),
                "expired": post(body, expired),
                "forged": post(body, forged),
                "tampered": post(body + b"x", tampered),
                "replayed": post(body, replayed),
                "missing headers": post(body, {"Content-Type": "application/x-www-form-urlencoded"}),
                "oversized": post(big, signed_headers(big)),
            }
    assert codes == {"non-numeric timestamp": 401, "json": 415, "expired": 401, "forged": 401, "tampered": 401,
                     "replayed": 401, "missing headers": 401, "oversized": 413}
