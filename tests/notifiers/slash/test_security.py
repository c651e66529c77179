"""Only Slack's signed requests get through: signatures, the 5-minute window, replays, sizes."""

from __future__ import annotations

import json
import time

from slack_sdk.signature import SignatureVerifier

from tests.fakes.slack.signing import SIGNING_SECRET, command_body, signed_headers, slack_signature

# Slack's published known-answer example ("Verifying requests from Slack"), as python-slack-sdk tests it.
KNOWN_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
KNOWN_TIMESTAMP = "1531420618"
KNOWN_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


class FixedClock:
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


def test_our_signing_matches_slacks_known_answer_and_the_sdk_verifier_accepts_it():
    assert slack_signature(SIGNING_SECRET, KNOWN_TIMESTAMP, KNOWN_BODY) == KNOWN_SIGNATURE
    verifier = SignatureVerifier(SIGNING_SECRET, clock=FixedClock(int(KNOWN_TIMESTAMP) + 60))
    headers = {"X-Slack-Request-Timestamp": KNOWN_TIMESTAMP, "X-Slack-Signature": KNOWN_SIGNATURE}
    assert verifier.is_valid_request(KNOWN_BODY, headers)
    # The same request six minutes later is outside the replay window.
    late = SignatureVerifier(SIGNING_SECRET, clock=FixedClock(int(KNOWN_TIMESTAMP) + 360))
    assert not late.is_valid_request(KNOWN_BODY, headers)


def test_a_request_signed_as_slack_signs_is_answered(client):
    body = command_body("team billing csat", user_id="U0OTTO", channel_id="C0BILLING")
    response = client.post("/slack/events", body, signed_headers(body))
    assert response.status_code == 200
    assert "75.0%" in response.json()["text"]


def test_forged_requests_are_refused_with_401(client):
    body = command_body("team billing")
    forged = signed_headers(body, secret="not-the-signing-secret")
    assert client.post("/slack/events", body, forged).status_code == 401
    # A valid signature over another body: the text was tampered with on the way.
    tampered = command_body("all")
    assert client.post("/slack/events", tampered, signed_headers(body)).status_code == 401
    unsigned = {"Content-Type": "application/x-www-form-urlencoded"}
    assert client.post("/slack/events", body, unsigned).status_code == 401


def test_requests_older_than_five_minutes_are_refused_with_401(client):
    body = command_body("team billing")
    stale = signed_headers(body, timestamp=int(time.time()) - 301)
    response = client.post("/slack/events", body, stale)
    assert response.status_code == 401
    assert response.json() == {"error": "invalid request"}
    from_the_future = signed_headers(body, timestamp=int(time.time()) + 301)
    assert client.post("/slack/events", body, from_the_future).status_code == 401


def test_a_replayed_request_is_refused_with_401_even_inside_the_window(client):
    body = command_body("team billing", user_id="U0OTTO")
    headers = signed_headers(body)
    assert client.post("/slack/events", body, headers).status_code == 200
    replay = client.post("/slack/events", body, headers)
    assert replay.status_code == 401
    assert replay.json() == {"error": "invalid request"}
    # The same question asked again is a new request (Slack gives each its own trigger_id): fine.
    again = command_body("team billing", user_id="U0OTTO")
    assert client.post("/slack/events", again, signed_headers(again)).status_code == 200


def test_oversized_bodies_are_refused_before_verification(client):
    body = command_body("x" * 9000)  # the test server accepts 8 KiB
    response = client.post("/slack/events", body, signed_headers(body))
    assert response.status_code == 413
    assert response.json() == {"error": "request too large"}


def test_a_body_that_is_not_utf8_or_not_the_json_it_looks_like_is_a_bad_request_not_a_crash(client):
    for body in (b"text=\xff\xfe&user_id=U0ANN", b"{not json", b"{"):
        assert client.post("/slack/events", body, signed_headers(body)).status_code == 400


def test_no_response_carries_the_secret_or_a_trace(client, slack):
    slack.fail("users.info", "missing_scope", times=100)
    bodies = [command_body(text, user_id="U0ADA") for text in ("", "me", "team billing", "agent nobody", "all", "%%%")]
    for body in bodies:
        for headers in (signed_headers(body), signed_headers(body, secret="wrong")):
            response = client.post("/slack/events", body, headers)
            assert response.status_code in (200, 401)
            for text in (response.text, json.dumps(dict(response.headers))):
                assert SIGNING_SECRET not in text and "xoxb-" not in text and "Traceback" not in text


def test_healthz_says_ok_or_unavailable_and_nothing_more(make_client):
    assert make_client().get("/healthz").json() == {"status": "ok"}

    def broken() -> bool:
        raise RuntimeError("password=hunter2 in some driver message")

    response = make_client(healthy=broken).get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
