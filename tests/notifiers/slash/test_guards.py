"""The endpoint's own guards, over real HTTP: every hostile request gets a 4xx, one log line, no body."""

from __future__ import annotations

import logging
import time

import pytest

from notifiers.slash.guards import FailureLimit
from tests.fakes.slack.signing import SIGNING_SECRET, command_body, signed_headers, slack_signature

BODY = command_body("team billing", user_id="U0OTTO", channel_id="C0BILLING")


def test_a_timestamp_that_is_not_a_number_is_401_not_500(client):
    headers = signed_headers(BODY)
    headers["X-Slack-Request-Timestamp"] = "1e9abc"
    headers["X-Slack-Signature"] = slack_signature(SIGNING_SECRET, "1e9abc", BODY)
    response = client.post("/slack/events", BODY, headers)
    assert response.status_code == 401
    assert response.json() == {"error": "invalid request"}


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "multipart/form-data; boundary=x", None])
def test_a_correctly_signed_body_in_another_content_type_is_415(client, content_type):
    headers = signed_headers(BODY)
    if content_type is None:
        del headers["Content-Type"]
    else:
        headers["Content-Type"] = content_type
    response = client.post("/slack/events", BODY, headers)
    assert response.status_code == 415
    assert response.json() == {"error": "unsupported media type"}


def test_form_content_type_with_a_charset_is_accepted(client):
    headers = signed_headers(BODY)
    headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
    assert client.post("/slack/events", BODY, headers).status_code == 200


@pytest.mark.parametrize("missing", ["X-Slack-Request-Timestamp", "X-Slack-Signature"])
def test_missing_signature_headers_are_401(client, missing):
    headers = signed_headers(BODY)
    del headers[missing]
    assert client.post("/slack/events", BODY, headers).status_code == 401


def test_an_address_failing_verification_again_and_again_is_refused_with_429(make_client):
    client = make_client(failures=FailureLimit(limit=3, window_seconds=600))
    forged = signed_headers(BODY, secret="guessed")
    assert [client.post("/slack/events", BODY, forged).status_code for _ in range(3)] == [401, 401, 401]
    blocked = client.post("/slack/events", BODY, signed_headers(BODY))  # even a good one, for the window
    assert blocked.status_code == 429
    assert blocked.json() == {"error": "too many invalid requests"}
    assert 0 < int(blocked.headers["Retry-After"]) <= 601


def test_the_failure_window_moves_on():
    now = [1000.0]
    limit = FailureLimit(limit=2, window_seconds=60, clock=lambda: now[0])
    assert not limit.failed("203.0.113.9") and limit.failed("203.0.113.9")
    assert limit.blocked_for("203.0.113.9") == pytest.approx(60)
    assert limit.blocked_for("198.51.100.1") == 0  # another address is not concerned
    now[0] += 61
    assert limit.blocked_for("203.0.113.9") == 0


def test_rejections_are_one_line_each_without_body_or_signature(client, caplog):
    secret_text = "team billing PLEASE-DO-NOT-LOG"
    body = command_body(secret_text)
    forged = signed_headers(body, secret="guessed")
    forged["X-Slack-Signature"] = "v0=" + "f" * 10_000  # a huge header must not reach the log
    stale = signed_headers(body, timestamp=int(time.time()) - 400)
    json_typed = {**signed_headers(body), "Content-Type": "application/json"}
    with caplog.at_level(logging.DEBUG):
        statuses = [client.post("/slack/events", body, h).status_code for h in (forged, stale, json_typed)]
    assert statuses == [401, 401, 415]
    refused = [r.getMessage() for r in caplog.records if "refused a request" in r.getMessage()]
    assert len(refused) == 3
    assert all("127.0.0.1" in line and "bytes" in line and "\n" not in line for line in refused)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "PLEASE-DO-NOT-LOG" not in logged and "ffffffffff" not in logged
    assert "Invalid request signature detected" not in logged  # Bolt never sees a forged request


def test_a_replay_is_counted_as_a_failure(make_client):
    client = make_client(failures=FailureLimit(limit=2, window_seconds=600))
    headers = signed_headers(BODY)
    assert client.post("/slack/events", BODY, headers).status_code == 200
    assert client.post("/slack/events", BODY, headers).status_code == 401  # replay
    assert client.post("/slack/events", BODY, headers).status_code == 401
    assert client.post("/slack/events", BODY, headers).status_code == 429
