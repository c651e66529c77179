"""`/kpi comments` end to end over HTTP: the themes of a team's comments, one theme's comments page by
page, the `/kpi` privacy rule for agent names, and customer text escaped.

Billing (helpdesk team 1, agents Ann Lee and Bob Roy) gets the planted comments of
tests/kpis/themes/planted.py on 13-15 November, inside `7d` as of NOW."""

from __future__ import annotations

import pytest

pytest.importorskip("sklearn")

from helpdesk_kpis.jobs.themes_report import window_themes  # noqa: E402
from helpdesk_kpis.settings.models import FileConfig  # noqa: E402
from kpis.query import load_kpi_data  # noqa: E402
from notifiers.slash.answers import KpiCommands  # noqa: E402
from notifiers.slash.grammar import CommentsQuery, Scope, Usage, parse  # noqa: E402
from notifiers.slash.people import SlackPeople  # noqa: E402
from notifiers.slash.snapshots import SnapshotCache  # noqa: E402
from tests.kpis.themes.planted import ENGLISH  # noqa: E402
from tests.kpis.themes.seeding import seed_planted  # noqa: E402
from tests.notifiers.slash.conftest import NOW, POLICY, UTC  # noqa: E402
from tests.notifiers.slash.test_commands import ask, assert_valid_block_kit, everything  # noqa: E402

#: Twelve more refund comments, numbered (digits are no words for the themes), and a hostile one.
MORE_REFUNDS = [f"{ENGLISH['refund'][i % 6]} (no. {i})" for i in range(12)] + [
    "<!channel> refund (no. *x*) processed & <https://evil.test|click> _now_"]


def serve(store, web_client, make_client, extra=()):  # noqa: ANN001, ANN201
    seed_planted(store, team="1", agents=("11", "12"), extra=list(extra))
    snapshots = SnapshotCache(lambda start, end: load_kpi_data(store, start, end), clock=lambda: NOW)
    config = FileConfig()
    commands = KpiCommands(
        policy=POLICY, snapshots=snapshots, zone=UTC, clock=lambda: NOW, people=SlackPeople(web_client),
        themes=lambda window, team, low: window_themes(store, config, window, team=team, low_only=low).themes,
    )
    # Generous: themes take a moment on a busy machine, and the answer must come inline here.
    return make_client(kpi_commands=commands, inline_seconds=30.0), snapshots


@pytest.fixture
def client(store, web_client, make_client):
    served, snapshots = serve(store, web_client, make_client)
    yield served
    snapshots.close()


@pytest.fixture
def busy_client(store, web_client, make_client):
    served, snapshots = serve(store, web_client, make_client, MORE_REFUNDS)
    yield served
    snapshots.close()


def test_grammar_reads_team_period_low_phrase_and_page():
    assert parse('comments team billing 30d low "refund" page 2', ["Billing"]) == CommentsQuery(
        target=parse("team billing", ["Billing"]).target, period=parse("30d").period, low=True, phrase="refund", page=2)
    assert parse("comments all", ["Billing"]).target.scope is Scope.ALL
    assert parse("comments “password reset”", []).phrase == "password reset"
    for text, fragment in (("comments refund", "A theme goes in quotes"), ("comments me", "not one agent's"),
                           ('comments "a" "b"', "two themes"), ("comments csat", "`comments` takes a team")):
        answer = parse(text, ["Billing"])
        assert isinstance(answer, Usage) and fragment in answer.problem + answer.suggestion
    assert parse("comments <!channel>", ["Billing"]).problem == "I didn't understand “&lt;!channel&gt;”."


def test_a_lead_sees_the_themes_with_counts_low_ratings_csat_and_agents(client, slack):
    reply = ask(client, slack, "comments team billing", "U0LENA")
    text = everything(reply)
    assert_valid_block_kit(reply)
    assert reply["response_type"] == "ephemeral"
    assert "What customers said · Billing · 7d" in text
    assert "49 comments in 2026-11-13 to 2026-11-19" in text  # 48 planted, 1 of the desk's
    assert "• *refund processed* (en): 6, 0 before · 6 low · CSAT 0% · tags refunds 6 · agents Ann Lee 4, Bob Roy 2" in text
    assert "*friendly agent* (en): 6, 0 before · 0 low · CSAT 100%" in text


def test_anyone_in_the_teams_channel_sees_themes_without_agent_names_and_nobody_outside(client, slack):
    text = everything(ask(client, slack, "comments team billing public", "U0OTTO", "C0BILLING", "kpi-billing"))
    assert "*refund processed* (en): 6" in text and "Ann Lee" not in text and "Bob Roy" not in text
    reply = ask(client, slack, "comments team billing", "U0OTTO")
    assert "refund" not in everything(reply) and "team numbers are shared in" in everything(reply)


def test_one_themes_comments_come_newest_first(client, slack):
    text = everything(ask(client, slack, 'comments team billing "refund processed"', "U0LENA"))
    assert "6 comments, newest first · page 1 of 1" in text
    tickets = [f"#{n}>" for n in (1006, 1005, 1004, 1003, 1002, 1001)]  # the refund tickets, rated an hour apart
    assert [text.index(t) for t in tickets] == sorted(text.index(t) for t in tickets)
    assert "Ann Lee" in text and "next:" not in text.lower()


def test_comments_that_say_a_phrase_come_a_page_at_a_time_and_escaped(busy_client, slack):
    first = everything(ask(busy_client, slack, 'comments team billing "(no."', "U0LENA"))
    assert "13 comments, newest first · page 1 of 2" in first
    assert "&lt;!channel&gt; refund (no. *x*) processed &amp; &lt;https://evil.test|click&gt; _now_" in first
    assert "<!channel>" not in first and "<https://evil.test" not in first
    assert first.index("(no. 11)") < first.index("(no. 3)")  # newest first
    assert "(no. 1)" not in first and '"(no." page 2`' in first
    second = everything(ask(busy_client, slack, 'comments team billing "(no." page 2', "U0LENA"))
    # Page 1: the hostile one (newest), then no. 11 down to no. 3; page 2: no. 2, 1, 0.
    assert "page 2 of 2" in second and second.count("\n> ") == 3 and "(no. 3)" not in second
    missing = everything(ask(busy_client, slack, 'comments team billing "<!here> nothing"', "U0LENA"))
    assert "No theme or comment matches “&lt;!here&gt; nothing”" in missing


def test_comments_alone_is_the_callers_team_and_all_is_everyone(client, slack):
    own = everything(ask(client, slack, "comments", "U0LENA"))  # Lena leads Billing
    assert "What customers said · Billing · 7d" in own and "*refund processed* (en): 6" in own
    everyone = everything(ask(client, slack, "comments all low", "U0OTTO", "C0BILLING", "kpi-billing"))
    # Every team's low-rating comments: Billing's 36 planted, its desk comment, Returns' and the tech one.
    assert "What customers said · All teams · 7d · low ratings" in everyone
    assert "39 low-rating comments in 2026-11-13 to 2026-11-19" in everyone and "Ann Lee" not in everyone
