"""Whatever anyone types after `/kpi` (or sends, signed), the server never answers with a 5xx."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notifiers.slash.grammar import Usage, parse
from tests.fakes.slack.signing import command_body, signed_headers

WORDS = st.sampled_from(
    [
        "team",
        "billing",
        "returns",
        "agent",
        "<@U0BOB|bob>",
        "<@U0ANN>",
        "me",
        "all",
        "teams",
        "breaches",
        "public",
        "low-csat",
        "csat",
        "frt",
        "fcr",
        "backlog",
        "7d",
        "30d",
        "0d",
        "9999d",
        "today",
        "this",
        "last",
        "week",
        "month",
        "2026-11-01..2026-11-15",
        "2026-13-01",
        "..",
        "<mailto:ann@acme.test|ann@acme.test>",
        "@ann",
        "help",
        "<",
        ">",
        "&",
    ]
)
PHRASES = st.lists(WORDS, max_size=6).map(" ".join)
TEXT = st.one_of(st.text(max_size=300), PHRASES)
USERS = st.sampled_from(["U0ANN", "U0BOB", "U0LENA", "U0RAJ", "U0ADA", "U0OTTO", "U0UNKNOWN", ""])
CHANNELS = st.sampled_from(["C0BILLING", "C0RETURNS", "C0RANDOM", "D0DIRECT", ""])


@given(text=TEXT)
@settings(max_examples=300, deadline=None)
def test_the_grammar_turns_any_text_into_a_query_or_one_usage_line(text):
    result = parse(text, ["Billing", "Technical Support", "Returns"])
    if isinstance(result, Usage):
        assert "\n" not in result.problem and result.suggestion


@given(text=TEXT, user=USERS, channel=CHANNELS)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_signed_command_text_gets_an_answer_never_a_5xx(client, slack, text, user, channel):
    body = command_body(text, user_id=user, channel_id=channel, response_url=slack.response_url())
    response = client.post("/slack/events", body, signed_headers(body))
    assert response.status_code == 200, response.text
    reply = response.json()
    assert reply["response_type"] in ("ephemeral", "in_channel") and reply["text"]


@given(body=st.binary(max_size=2000))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_signed_body_at_all_is_never_a_5xx(client, body):
    assert client.post("/slack/events", body, signed_headers(body)).status_code < 500
