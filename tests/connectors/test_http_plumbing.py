"""The shared plumbing the requests-based connectors are built on: each vendor's rate-limit
headers, the paginators and their loop guard, and the auth objects (API key, bearer, OAuth2
client credentials with refresh)."""

from __future__ import annotations

import base64

import pytest
import responses
from responses import matchers

from connectors.errors import MalformedResponse, RetriesExhausted
from connectors.http import RateLimitHeaders, api_session
from connectors.http.auth import ApiKeyAuth, BearerToken, ClientCredentials
from connectors.http.paging import (
    BodyCursorPaginator,
    LinkHeaderPaginator,
    PageNumberPaginator,
    PageRequest,
    walk,
)
from kpis.errors import CredentialError
from tests.fakes.zendesk import CompressedClock

BASE = "https://api.example.test"
DATE = "Wed, 21 Oct 2026 07:28:00 GMT"
DATE_EPOCH = 1792567680  # the same moment


@pytest.fixture
def clock() -> CompressedClock:
    return CompressedClock()


# -- rate-limit headers ---------------------------------------------------------------------


@responses.activate
def test_a_429_without_retry_after_waits_until_the_epoch_reset_measured_against_date(clock):
    # Intercom announces X-RateLimit-Reset as an epoch second.
    headers = RateLimitHeaders(remaining=("x-ratelimit-remaining",), reset_at=("x-ratelimit-reset",))
    responses.get(f"{BASE}/a", status=429, headers={"X-RateLimit-Reset": str(DATE_EPOCH + 9), "Date": DATE})
    responses.get(f"{BASE}/a", json={})
    s = api_session(service="Example", clock=clock, rate_limits=headers)
    s.get_json(f"{BASE}/a")
    assert clock.slept == [9]


@responses.activate
def test_a_429_waits_the_vendor_retry_header(clock):
    # Help Scout: X-RateLimit-Retry-After, in seconds.
    headers = RateLimitHeaders(retry_after=("x-ratelimit-retry-after",))
    responses.get(f"{BASE}/a", status=429, headers={"X-RateLimit-Retry-After": "23"})
    responses.get(f"{BASE}/a", json={})
    s = api_session(service="Example", clock=clock, rate_limits=headers)
    s.get_json(f"{BASE}/a")
    assert clock.slept == [23]


@responses.activate
def test_few_remaining_requests_hold_the_next_request_for_the_window(clock):
    # Freshdesk: X-RateLimit-Remaining per minute, no reset header: wait out the minute.
    headers = RateLimitHeaders(remaining=("x-ratelimit-remaining",))
    responses.get(f"{BASE}/a", json={}, headers={"X-RateLimit-Remaining": "2"})
    responses.get(f"{BASE}/a", json={}, headers={"X-RateLimit-Remaining": "199"})
    s = api_session(service="Example", clock=clock, rate_limits=headers)
    s.get_json(f"{BASE}/a")
    s.get_json(f"{BASE}/a")
    assert clock.slept == [60]


@responses.activate
def test_a_429_asking_past_the_window_carries_the_vendors_note(clock):
    # Within the minute: no note; past it (an hourly plan), the vendor's sentence.
    headers = RateLimitHeaders(remaining=("x-ratelimit-remaining",), beyond_window="the plan counts per hour")
    responses.get(f"{BASE}/a", status=429, headers={"Retry-After": "30"})
    responses.get(f"{BASE}/a", status=429, headers={"Retry-After": "3000"})
    s = api_session(service="Example", clock=clock, rate_limits=headers)
    with pytest.raises(RetriesExhausted) as stopped:
        s.get_json(f"{BASE}/a")
    assert clock.slept == [30]
    assert "(429) for 3000s: the plan counts per hour; waiting 3000s more would pass the wait budget" in str(
        stopped.value
    )


# -- paginators -----------------------------------------------------------------------------


def _link(url: str) -> dict[str, str]:
    return {"Link": f'<{url}>; rel="next"'}


@responses.activate
def test_link_header_pages_until_no_next_and_resume_from_the_saved_state(clock):
    responses.get(
        f"{BASE}/t",
        json=[1, 2],
        headers=_link(f"{BASE}/t?page=2"),
        match=[matchers.query_param_matcher({"per_page": "2"})],
    )
    responses.get(
        f"{BASE}/t", json=[3, 4], headers=_link(f"{BASE}/t?page=3"), match=[matchers.query_param_matcher({"page": "2"})]
    )
    responses.get(f"{BASE}/t", json=[5], match=[matchers.query_param_matcher({"page": "3"})])
    s = api_session(service="Example", clock=clock)
    paginator = LinkHeaderPaginator()
    pages = []
    for page in walk(s, PageRequest("GET", f"{BASE}/t", {"per_page": 2}), paginator, items_path=None, what="ticket"):
        pages.append((page.items, paginator.state()))
    assert pages == [
        ([1, 2], {"next_url": f"{BASE}/t?page=2"}),
        ([3, 4], {"next_url": f"{BASE}/t?page=3"}),
        ([5], {"next_url": None}),
    ]
    resumed = walk(
        s,
        PageRequest("GET", f"{BASE}/t", {"per_page": 2}),
        LinkHeaderPaginator(f"{BASE}/t?page=3"),
        items_path=None,
        what="ticket",
    )
    assert [p.items for p in resumed] == [[5]]


@responses.activate
def test_a_next_link_to_the_same_page_stops_before_that_page_is_handed_on(clock):
    responses.get(f"{BASE}/t", json=[1], headers=_link(f"{BASE}/t?page=2"))
    responses.get(f"{BASE}/t?page=2", json=[2], headers=_link(f"{BASE}/t?page=2"))
    s = api_session(service="Example acme", clock=clock)
    seen = []
    with pytest.raises(
        MalformedResponse, match=r"Example acme sent a ticket page that points at itself .* pagination loop"
    ):
        for page in walk(s, PageRequest("GET", f"{BASE}/t"), LinkHeaderPaginator(), items_path=None, what="ticket"):
            seen.append(page.items)
    assert seen == [[1]]  # the looping page was never handed on (nothing of it is stored)


@responses.activate
def test_a_cursor_in_the_body_is_sent_back_in_the_json_body_and_a_repeated_cursor_stops(clock):
    def body(cursor):
        return {"pagination": {"per_page": 2, **({"starting_after": cursor} if cursor else {})}}

    responses.post(
        f"{BASE}/s",
        json={"items": [1, 2], "pages": {"next": {"starting_after": "c1"}}},
        match=[matchers.json_params_matcher(body(None))],
    )
    responses.post(
        f"{BASE}/s",
        json={"items": [3, 4], "pages": {"next": {"starting_after": "c2"}}},
        match=[matchers.json_params_matcher(body("c1"))],
    )
    responses.post(
        f"{BASE}/s",
        json={"items": [5], "pages": {"next": {"starting_after": "c2"}}},
        match=[matchers.json_params_matcher(body("c2"))],
    )
    s = api_session(service="Example", clock=clock)
    paginator = BodyCursorPaginator("pages.next.starting_after", body_path="pagination.starting_after")
    seen = []
    with pytest.raises(MalformedResponse, match="pagination loop"):
        for page in walk(
            s, PageRequest("POST", f"{BASE}/s", json=body(None)), paginator, items_path="items", what="conversation"
        ):
            seen.append(page.items)
    assert seen == [[1, 2], [3, 4]]


@responses.activate
def test_page_numbers_stop_at_the_total_the_body_names(clock):
    for n in (1, 2):
        responses.get(
            f"{BASE}/c",
            json={"_embedded": {"conversations": [n]}, "page": {"number": n, "totalPages": 2}},
            match=[matchers.query_param_matcher({"page": str(n)})],
        )
    s = api_session(service="Example", clock=clock)
    paginator = PageNumberPaginator(total_pages_path="page.totalPages")
    got = [
        (p.items, p.has_next)
        for p in walk(
            s, PageRequest("GET", f"{BASE}/c"), paginator, items_path="_embedded.conversations", what="conversation"
        )
    ]
    assert got == [([1], True), ([2], False)]


@responses.activate
def test_a_page_without_its_list_is_malformed(clock):
    responses.get(f"{BASE}/t", json={"error": "not a list"})
    s = api_session(service="Example acme", clock=clock)
    with pytest.raises(MalformedResponse, match="Example acme sent a ticket page without a JSON list"):
        list(walk(s, PageRequest("GET", f"{BASE}/t"), LinkHeaderPaginator(), items_path=None, what="ticket"))


# -- auth -----------------------------------------------------------------------------------


@responses.activate
def test_api_key_and_bearer_auth_send_their_header_and_never_show_the_secret(clock):
    responses.get(f"{BASE}/a", json={})
    s = api_session(service="Example", clock=clock, auth=ApiKeyAuth("k-123"), headers={"Intercom-Version": "2.14"})
    s.get_json(f"{BASE}/a")
    sent = responses.calls[0].request.headers
    assert sent["Authorization"] == "Basic " + base64.b64encode(b"k-123:X").decode()
    assert sent["Intercom-Version"] == "2.14"
    assert "k-123" not in repr(ApiKeyAuth("k-123")) and "t-9" not in repr(BearerToken("t-9"))


def _token_endpoint(*tokens: str, expires_in: int = 7200) -> None:
    for token in tokens:
        responses.post(
            f"{BASE}/oauth2/token",
            json={"token_type": "bearer", "access_token": token, "expires_in": expires_in},
            match=[
                matchers.urlencoded_params_matcher(
                    {"grant_type": "client_credentials", "client_id": "app", "client_secret": "hs-s3cr3t"}
                )
            ],
        )


def _oauth_session(clock):
    s = api_session(service="Example", clock=clock)
    s.auth = ClientCredentials(f"{BASE}/oauth2/token", "app", "hs-s3cr3t", session=s, clock=clock)
    return s


def _bearer(call) -> str:
    return call.request.headers.get("Authorization", "")


@responses.activate
def test_client_credentials_fetch_one_token_and_fetch_again_before_it_expires(clock):
    _token_endpoint("t1", "t2")
    responses.get(f"{BASE}/a", json={})
    s = _oauth_session(clock)
    s.get_json(f"{BASE}/a")
    s.get_json(f"{BASE}/a")
    clock.advance(7200 - 30)  # inside the last minute of its two hours
    s.get_json(f"{BASE}/a")
    api_calls = [c for c in responses.calls if c.request.url.startswith(f"{BASE}/a")]
    assert [_bearer(c) for c in api_calls] == ["Bearer t1", "Bearer t1", "Bearer t2"]
    assert "hs-s3cr3t" not in repr(s.auth) and "t2" not in repr(s.auth)


@responses.activate
def test_a_401_fetches_a_new_token_and_sends_the_request_once_more(clock):
    _token_endpoint("t1", "t2")
    responses.get(f"{BASE}/a", status=401, json={"message": "expired"})
    responses.get(f"{BASE}/a", json={"ok": True})
    s = _oauth_session(clock)
    assert s.get_json(f"{BASE}/a") == {"ok": True}
    api_calls = [c for c in responses.calls if c.request.url.startswith(f"{BASE}/a")]
    assert [_bearer(c) for c in api_calls] == ["Bearer t1", "Bearer t2"]


@responses.activate
def test_a_fresh_token_refused_again_or_refused_credentials_are_a_credential_error(clock):
    _token_endpoint("t1", "t2")
    responses.get(f"{BASE}/a", status=401, json={"message": "nope"})
    s = _oauth_session(clock)
    with pytest.raises(CredentialError):
        s.get_json(f"{BASE}/a")
    assert len([c for c in responses.calls if "/oauth2/token" in c.request.url]) == 2

    responses.reset()
    responses.post(f"{BASE}/oauth2/token", status=401, json={"error": "invalid_client"})
    s = _oauth_session(clock)
    with pytest.raises(CredentialError):
        s.get_json(f"{BASE}/a")
    body = responses.calls[0].request.body
    assert "grant_type=client_credentials" in body
