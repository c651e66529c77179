"""The shared API session: one retry policy, exact Retry-After, backoff, budget, pacing, errors."""

from __future__ import annotations

import pytest
import requests
import responses

from connectors.errors import MalformedResponse
from connectors.http import RouteLimit, api_session
from kpis.errors import CredentialError, RunFailed
from tests.fakes.zendesk import CompressedClock

URL = "https://api.example.test/v1/items"


@pytest.fixture
def clock() -> CompressedClock:
    return CompressedClock()


def session(clock, **kwargs):
    s = api_session(service="Example", clock=clock, **kwargs)
    waits: list[float] = []
    s.waiter.on_wait = waits.append
    return s, waits


@responses.activate
def test_429_waits_exactly_retry_after_then_succeeds(clock):
    responses.get(URL, status=429, headers={"Retry-After": "17"})
    responses.get(URL, status=429, headers={"Retry-After": "3"})
    responses.get(URL, json={"ok": True})
    s, waits = session(clock)
    assert s.get_json(URL) == {"ok": True}
    assert clock.slept == [17, 3] and waits == [17, 3]


@responses.activate
def test_retry_after_as_http_date_is_measured_against_the_response_date(clock):
    responses.get(URL, status=429, headers={"Retry-After": "Wed, 21 Oct 2026 07:28:30 GMT", "Date": "Wed, 21 Oct 2026 07:28:00 GMT"})
    responses.get(URL, json={})
    s, _ = session(clock)
    s.get_json(URL)
    assert clock.slept == [30]


@responses.activate
def test_5xx_and_dropped_connections_back_off_exponentially(clock):
    responses.get(URL, status=503, body="<html>busy</html>", content_type="text/html")
    responses.get(URL, body=requests.ConnectionError("reset by peer"))
    responses.get(URL, body=requests.Timeout("read timed out"))
    responses.get(URL, json=[1])
    s, _ = session(clock)
    assert s.get_json(URL) == [1]
    assert clock.slept == [1, 2, 4]


@responses.activate
def test_a_persistent_5xx_stops_after_max_attempts_with_run_failed(clock):
    responses.get(URL, status=502, body="<html>bad gateway</html>", content_type="text/html")
    s, _ = session(clock, max_attempts=4)
    with pytest.raises(RunFailed, match=r"502 Bad Gateway, 4 attempts in a row; stopped: .* next run resumes"):
        s.get_json(URL)
    assert len(responses.calls) == 4


@responses.activate
def test_a_retry_after_past_the_wait_budget_stops_without_waiting(clock):
    responses.get(URL, status=429, headers={"Retry-After": "50"})
    responses.get(URL, status=429, headers={"Retry-After": "80"})
    s, _ = session(clock, wait_budget_seconds=100)
    with pytest.raises(RunFailed, match=r"wait budget \(100s, 50s used\)"):
        s.get_json(URL)
    assert clock.slept == [50]  # the 80s wait was never started


@responses.activate
def test_refusals_and_other_client_errors(clock):
    responses.get(URL, status=401, json={"error": "Couldn't authenticate you"})
    responses.get(URL + "/missing", status=404, json={"error": "RecordNotFound", "description": "Not found"})
    s, _ = session(clock)
    with pytest.raises(CredentialError):
        s.get_json(URL)
    assert s.get_json(URL + "/missing", accept_status=(404,)) is None
    with pytest.raises(RunFailed, match=r"answered 404 Not Found \(RecordNotFound: Not found\)"):
        s.get_json(URL + "/missing")
    assert clock.slept == []  # none of these is retried


@responses.activate
@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [("<html><body>Maintenance</body></html>", "text/html", "an HTML page"), ('{"items": [1, 2', "application/json", "malformed JSON")],
)
def test_malformed_bodies_raise_malformed_response_and_are_not_retried(clock, body, content_type, message):
    responses.get(URL, body=body, content_type=content_type)
    s, _ = session(clock)
    with pytest.raises(MalformedResponse, match=message):
        s.get_json(URL)
    assert len(responses.calls) == 1


@responses.activate
def test_route_limit_paces_a_sliding_minute(clock):
    responses.get(URL, json={})
    s, waits = session(clock, limits=(RouteLimit("items", lambda url: "/items" in url, 3),))
    for _ in range(7):
        s.get_json(URL)
    # 3 at once, then each next one waits until the oldest of the last 3 is a minute old.
    assert waits == [60, 60]
    assert clock.monotonic() == 120


@responses.activate
def test_a_route_limit_the_plan_decides_is_read_from_each_answer(clock):
    # The first answer announces a plan whose route allows 2 a minute (down from the 3 assumed).
    responses.get(URL, json={}, headers={"X-Plan-Total": "2"})
    learned = RouteLimit("items", lambda url: "/items" in url, 3, from_headers=lambda h: int(h["X-Plan-Total"]))
    s, waits = session(clock, limits=(learned,))
    for _ in range(5):
        s.get_json(URL)
    # 2 at once, then each next one a minute after the oldest of the last 2: at 60 and at 120.
    assert waits == [60, 60]
    assert clock.monotonic() == 120


@responses.activate
def test_remaining_headers_hold_requests_until_the_reset(clock):
    responses.get(URL, json={}, headers={"ratelimit-remaining": "1", "ratelimit-reset": "12"})
    responses.get(URL, json={}, headers={"X-Rate-Limit-Remaining": "0"})
    responses.get(URL, json={}, headers={"X-Rate-Limit-Remaining": "500"})
    s, waits = session(clock)
    for _ in range(3):
        s.get_json(URL)
    assert waits == [12, 60]  # without a reset time, Zendesk's one-minute window
