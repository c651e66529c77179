"""Whatever is typed after `/kpi`, and whatever the helpdesk calls its teams and agents, the answer
is Block Kit that slack-sdk's models and Slack's limits accept, never "something went wrong", and
carries no markup but ours: every ``<``, ``>`` and ``&`` a user or a helpdesk chose arrives escaped.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from kpis.query import load_kpi_data
from kpis.records import Agent, Membership, Rating, Team, Ticket
from kpis.store import Store
from notifiers.blockkit import validate_message
from notifiers.slash.access import AccessPolicy, TeamAccess
from notifiers.slash.answers import KpiCommands
from notifiers.slash.breaches import Breach
from notifiers.slash.command import Command
from notifiers.slash.people import SlackPeople
from notifiers.slash.snapshots import SnapshotCache
from tests.notifiers.slash.conftest import INSTANCE, NOW, UTC, S, records
from tests.notifiers.slash.test_any_text import CHANNELS, USERS, WORDS

#: What a helpdesk lets people name things: anything, markup and emoji included, sometimes long.
NAMES = st.one_of(
    st.text(min_size=1, max_size=40), st.text(min_size=300, max_size=600), st.sampled_from(["<b>&", "a > b"])
)
#: One word longer than a Slack section: echoed back, it once made the answer "something went wrong".
LONG_WORD = st.text(st.characters(blacklist_categories=("Zs", "Zl", "Zp", "Cc")), min_size=3000, max_size=4000)
#: The markup our answers put in on purpose: mentions, channels, user groups, links.
OURS = re.compile(r"<(?:@[UW][A-Z0-9]+|#[CG][A-Z0-9]+|!subteam\^[A-Z0-9]+|https?://[^<>|\s]+\|[^<>]*)>")
ENTITY = re.compile(r"&(?:amp|lt|gt);")
#: The fixtures are shared by every example on purpose (one Slack fake, one store); long texts are slow to make.
SLOW_FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def directory(teams: list[str], agents: list[str]) -> list:
    """The helpdesk of conftest.py (two teams, three agents, their tickets), named as given."""
    named = [Team(S, INSTANCE, str(i + 1), name) for i, name in enumerate(teams)]
    emails = ["ann@acme.test", "bob@acme.test", "cat@acme.test"]
    ids = ["11", "12", "21"]
    people = [Agent(S, INSTANCE, agent_id, name, email) for agent_id, name, email in zip(ids, agents, emails)]
    memberships = [Membership(S, INSTANCE, agent_id, team) for agent_id, team in zip(ids, ["1", "1", "2"])]
    return [*named, *people, *memberships, *(r for r in records() if isinstance(r, (Ticket, Rating)))]


def mrkdwn_texts(payload: dict) -> list[str]:
    """The fallback and every mrkdwn text of the blocks (headers are plain text: shown as typed)."""
    found = [payload["text"]]
    for block in payload["blocks"] or []:
        objects = [block.get("text"), *block.get("fields", ()), *block.get("elements", ())]
        found += [item["text"] for item in objects if isinstance(item, dict) and item.get("type") == "mrkdwn"]
    return found


def assert_fits_and_escaped(answer, text: str) -> None:  # noqa: ANN001
    assert "went wrong" not in answer.text, text
    payload = answer.payload()
    validate_message(payload)  # 50 blocks, 40,000 characters, fallback, fields...
    for block in Block.parse_all(payload["blocks"] or []):
        block.validate_json()  # slack-sdk's own limits: 3,000 characters a section, 150 a header...
    for mrkdwn in mrkdwn_texts(payload):
        bare = OURS.sub("", mrkdwn)
        assert "<" not in bare and ">" not in bare, mrkdwn
        assert "&" not in ENTITY.sub("", bare), mrkdwn


TEXTS = st.one_of(st.text(max_size=300), st.lists(st.one_of(WORDS, LONG_WORD), max_size=6).map(" ".join))


@given(text=TEXTS, user=USERS, channel=CHANNELS)
@settings(max_examples=300, deadline=None, suppress_health_check=SLOW_FIXTURES)
def test_any_text_gets_an_answer_that_fits_slack_with_the_words_typed_escaped(commands, text, user, channel):
    assert_fits_and_escaped(commands.answer(Command(user_id=user, text=text, channel_id=channel or None)), text)


@st.composite
def questions(draw):  # noqa: ANN001, ANN201
    teams = draw(st.lists(NAMES, min_size=2, max_size=8))
    agents = draw(st.lists(NAMES, min_size=3, max_size=3))
    words = st.one_of(WORDS, st.sampled_from(teams + agents), st.sampled_from(teams).map("team {}".format))
    text = draw(st.one_of(st.text(max_size=300), st.lists(st.one_of(words, LONG_WORD), max_size=6).map(" ".join)))
    return teams, agents, text, draw(st.booleans())


@given(asked=questions(), user=USERS, channel=CHANNELS)
@settings(max_examples=50, deadline=None, suppress_health_check=SLOW_FIXTURES)
def test_any_names_in_the_helpdesk_get_answers_that_fit_slack_with_the_names_escaped(
    web_client, asked, user, channel
):
    teams, agents, text, configured = asked
    # Either [[teams]] configured under the helpdesk's names, each with a channel, or none.
    policy = AccessPolicy(
        teams=tuple(TeamAccess(name, channel=f"C0T{i}") for i, name in enumerate(teams)) if configured else (),
        admins=frozenset({"U0ADA"}),
        allowed_channels=None if configured else frozenset({"*"}),
    )
    breaches = [
        Breach("team", f"{S}:{INSTANCE}:1", "CSAT < 80% · now 75.0%"),
        Breach("agent", f"{S}:{INSTANCE}:12", "CSAT < 70%"),
    ]
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{Path(folder) / 'store.db'}")
        try:
            store.write_page(S, INSTANCE, "all", directory(teams, agents), None)
            snapshots = SnapshotCache(lambda start, end: load_kpi_data(store, start, end), clock=lambda: NOW)
            commands = KpiCommands(
                policy=policy, snapshots=snapshots, zone=UTC, clock=lambda: NOW,
                people=SlackPeople(web_client), breaches=lambda: breaches,
            )
            answer = commands.answer(Command(user_id=user, text=text, channel_id=channel or None))
            snapshots.close()
        finally:
            store.close()

    assert_fits_and_escaped(answer, text)
