"""Answers too long for one Slack message are cut with "and N more" and the command giving them
whole; whatever a user typed or a helpdesk named is echoed escaped. Over HTTP, signed, as Slack asks.

Now is 2026-11-20 12:00 UTC, so `7d` is 13-19 November (see conftest.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kpis.query import load_kpi_data
from kpis.records import Team
from notifiers.fitting import MAX_BLOCKS, MAX_MESSAGE_TEXT, MAX_SECTION_TEXT, text_length
from notifiers.slash.access import AccessPolicy
from notifiers.slash.answers import KpiCommands
from notifiers.slash.people import SlackPeople
from notifiers.slash.snapshots import SnapshotCache
from tests.notifiers.slash.conftest import INSTANCE, NOW, UTC, S, _rating, _ticket
from tests.notifiers.slash.test_commands import ask, assert_valid_block_kit

CREATED = datetime(2026, 11, 16, 10, 0, tzinfo=timezone.utc)


def assert_within_slacks_limits(reply: dict) -> None:
    assert_valid_block_kit(reply)
    assert len(reply["blocks"]) <= MAX_BLOCKS
    assert len(reply["text"]) + sum(text_length(block) for block in reply["blocks"]) <= MAX_MESSAGE_TEXT
    for block in reply["blocks"]:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= MAX_SECTION_TEXT


def test_a_team_name_typed_with_markup_is_echoed_escaped(client, slack):
    reply = ask(client, slack, "team <b>&", "U0OTTO", "C0BILLING")
    said = "There's no team called “&lt;b&gt; &amp;”. Teams: Billing, Returns. `/kpi teams` lists them."
    assert reply["text"] == said
    assert reply["blocks"][0]["text"] == {"type": "mrkdwn", "text": said}


def test_unknown_words_and_agent_names_are_echoed_escaped(client, slack):
    said = "I didn't understand “&lt;i&gt;”. Type `/kpi help` for what you can ask."
    assert ask(client, slack, "<i>", "U0OTTO")["text"] == said
    reply = ask(client, slack, "agent <script> & co", "U0LENA")
    assert reply["text"] == "I couldn't find an agent called “&lt;script&gt; &amp; co”."


def test_a_word_of_5000_characters_is_answered_shortened_not_with_an_error(client, slack):
    reply = ask(client, slack, "x" * 5000, "U0OTTO")
    assert reply["text"].startswith("I didn't understand “xxx") and reply["text"].endswith("…")
    assert "went wrong" not in reply["text"]
    assert_within_slacks_limits(reply)


def test_every_team_too_many_for_one_message_is_cut_with_and_n_more_and_the_report_command(
    store, web_client, make_client, slack
):
    # 100 more teams with 400-character names, one ticket each: over 40,000 characters in all.
    extra = []
    for i in range(100):
        team_id = str(100 + i)
        extra += [Team(S, INSTANCE, team_id, f"Team {i:03d} " + "n" * 391), _ticket(f"t{i}", "11", team_id, CREATED)]
    store.write_page(S, INSTANCE, "extra", extra, None)
    snapshots = SnapshotCache(lambda s, e: load_kpi_data(store, s, e), clock=lambda: NOW)
    anywhere = AccessPolicy(admins=frozenset({"U0ADA"}))  # no [[teams]]: the helpdesk's 102 teams
    people = SlackPeople(web_client)
    commands = KpiCommands(policy=anywhere, snapshots=snapshots, zone=UTC, clock=lambda: NOW, people=people)

    reply = ask(make_client(kpi_commands=commands), slack, "all csat", "U0ADA")
    assert_within_slacks_limits(reply)
    listed = sum(
        block["text"]["text"].count("\n") + 1
        for block in reply["blocks"][reply["blocks"].index({"type": "divider"}) + 1 :]
        if block["type"] == "section"
    )
    note = reply["blocks"][-1]["elements"][0]["text"]
    assert 0 < listed < 102
    assert note == (
        f"_and {102 - listed} more teams_ · the full answer: "
        "`helpdesk-kpis report --from 2026-11-13 --to 2026-11-19 --by team --kpi csat`"
    )


def test_low_ratings_beyond_ten_are_counted_and_pointed_to(store, client, slack):
    # 15 more bad ratings for Bob in Billing: 16 with ticket 104's.
    more = []
    for i in range(15):
        more += [_ticket(f"9{i:02d}", "12", "1", CREATED), _rating(f"9{i:02d}", False, CREATED + timedelta(hours=2))]
    store.write_page(S, INSTANCE, "more", more, None)

    reply = ask(client, slack, "low-csat billing", "U0LENA")
    assert_within_slacks_limits(reply)
    assert reply["text"].endswith(": 16 low ratings")
    assert reply["blocks"][-1]["elements"][0]["text"] == (
        "_and 6 more low ratings_ · the full answer: "
        "`helpdesk-kpis report --from 2026-11-13 --to 2026-11-19 --by team --team Billing --format json`"
    )
