"""The App Home of each role, published to the fake Slack over HTTP and checked with slack-sdk's View.

The helpdesk is the hand-made one of tests/notifiers/slash/conftest.py: over 13-19 November
Billing's CSAT is 3 of 4 = 75.0% (Ann Lee 2/2 = 100.0%, Bob Roy 1/2 = 50.0%), Returns' 0 of 1 =
0.0% (Cat Kim), every team 3 of 5 = 60.0%. Lena leads Billing, Raj leads Returns (user group),
Ada is an admin, Ann an agent of Billing, Otto nobody in particular.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
from slack_sdk.models.views import View

from notifiers.interactive.home_publish import HomePublisher
from notifiers.interactive.home_store import HomeStates
from notifiers.slack_client import make_client
from tests.fakes.slack.api import TOKEN
from tests.notifiers.slash import conftest as desk
from tests.notifiers.slash.conftest import commands, slack, store, web_client  # noqa: F401 - fixtures

NOW = desk.NOW


@pytest.fixture
def states(store) -> HomeStates:  # noqa: F811 - the fixture imported above
    return HomeStates(store)


@pytest.fixture
def publisher(slack, commands, states):  # noqa: F811
    publisher = HomePublisher(make_client(TOKEN, slack.base_url), commands, states, clock=lambda: NOW, workers=2)
    yield publisher
    publisher.close()


def open_home(publisher: HomePublisher, slack, user_id: str) -> dict:  # noqa: F811
    publisher.states.opened(user_id, NOW)
    publisher.request(user_id, with_chart=True)
    assert publisher.wait_idle(60)
    view = slack.home_view(user_id)
    assert view is not None, f"no Home published for {user_id}"
    View(**view).validate_json()  # slack-sdk's own checks of a view (type, blocks, lengths)
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    return view


def text_of(view: dict) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def picker(view: dict, action_id: str) -> dict | None:
    actions = next(b for b in view["blocks"] if b["type"] == "actions")
    return next((e for e in actions["elements"] if e["action_id"] == action_id), None)


def values(select: dict) -> list[str]:
    return [o["value"] for o in select["options"]]


def test_a_lead_sees_their_team_with_change_band_breaches_and_the_chart(publisher, slack):  # noqa: F811
    view = open_home(publisher, slack, "U0LENA")
    text = text_of(view)
    assert "Billing · 7d" in text and "75.0% (n=4" in text and "band *acceptable*" in text
    assert "compared with 2026-11-06 to 2026-11-12" in text  # the change is against the week before
    assert "Active breaches · Billing" in text
    assert "Returns" not in text and "0.0%" not in text.replace("100.0%", "").replace("50.0%", "")
    assert values(picker(view, "home_period")) == ["7d", "30d", "this-month"]
    assert values(picker(view, "home_dimension")) == ["channel", "priority", "agent"]
    assert picker(view, "home_team") is None  # one team: nothing to pick
    # The chart: uploaded to Lena's direct message with the app, shown from there by file ID.
    image = next(b for b in view["blocks"] if b["type"] == "image")
    upload = slack.uploads[image["slack_file"]["id"]]
    assert upload.channel == "D0LENA" and upload.data.startswith(b"\x89PNG")


def test_an_agent_sees_their_own_numbers_and_their_team_but_no_colleague(publisher, slack):  # noqa: F811
    view = open_home(publisher, slack, "U0ANN")
    text = text_of(view)
    assert "Ann Lee (Billing) · 7d" in text and "100.0% (n=2" in text
    assert "Billing · 7d" in text and "75.0% (n=4" in text
    assert "Bob Roy" not in text and "50.0%" not in text  # a colleague's numbers are a lead's business
    assert "Cat Kim" not in text and "Returns" not in text
    assert values(picker(view, "home_dimension")) == ["channel", "priority"]  # no "by agent" for agents


def test_an_admin_sees_every_team_and_picks_one(publisher, slack, states):  # noqa: F811
    view = open_home(publisher, slack, "U0ADA")
    assert values(picker(view, "home_team")) == ["*", "Billing", "Returns"]
    assert picker(view, "home_team")["initial_option"]["value"] == "*"
    assert "All teams · 7d" in text_of(view) and "60.0% (n=5" in text_of(view)
    states.choose("U0ADA", team="Returns", dimension="agent")
    view = open_home(publisher, slack, "U0ADA")
    assert "Returns · 7d" in text_of(view) and "Cat Kim" in text_of(view)
    assert picker(view, "home_team")["initial_option"]["value"] == "Returns"


def test_someone_who_is_neither_sees_what_they_can_ask_and_no_numbers(publisher, slack):  # noqa: F811
    view = open_home(publisher, slack, "U0OTTO")
    text = text_of(view)
    assert "no numbers for you" in text and "What you can ask with `/kpi`" in text
    assert "n=" not in text and "band" not in text  # no KPI value anywhere
    assert not any(b["type"] in ("actions", "image") for b in view["blocks"])
    assert "Billing ·" not in text and "Ann Lee" not in text


def test_the_breakdown_by_agent_never_shows_another_teams_agents(publisher, slack, states):  # noqa: F811
    open_home(publisher, slack, "U0LENA")
    states.choose("U0LENA", dimension="agent")
    text = text_of(open_home(publisher, slack, "U0LENA"))
    assert "Ann Lee" in text and "Bob Roy" in text and "Cat Kim" not in text
    # Raj leads Returns only: asking for Billing (a forged picker value) still shows Returns.
    states.opened("U0RAJ", NOW)
    states.choose("U0RAJ", team="Billing", dimension="agent")
    text = text_of(open_home(publisher, slack, "U0RAJ"))
    assert "Returns · 7d" in text and "Cat Kim" in text
    assert "Ann Lee" not in text and "Bob Roy" not in text and "Billing" not in text
    # An agent who forges "by agent" gets the breakdown by channel.
    states.opened("U0ANN", NOW)
    states.choose("U0ANN", dimension="agent")
    assert "Bob Roy" not in text_of(open_home(publisher, slack, "U0ANN"))


def test_the_period_choice_is_remembered_in_the_store(publisher, slack, states, commands):  # noqa: F811
    open_home(publisher, slack, "U0LENA")
    states.choose("U0LENA", period="30d")
    # Another process (a new publisher on the same store) publishes Lena's Home with her choice.
    other = HomePublisher(make_client(TOKEN, slack.base_url), commands, HomeStates(states.store), clock=lambda: NOW)
    other.request("U0LENA")
    assert other.wait_idle(60)
    text = text_of(slack.home_view("U0LENA"))
    assert "Billing · 30d" in text and "2026-10-21 to 2026-11-19" in text
    assert picker(slack.home_view("U0LENA"), "home_period")["initial_option"]["value"] == "30d"
    other.close()


def test_a_refresh_reuses_the_uploaded_chart_and_an_unchanged_chart_is_not_uploaded_again(publisher, slack):  # noqa: F811
    first = open_home(publisher, slack, "U0LENA")
    uploads = len(slack.method_calls("files.getUploadURLExternal"))
    publisher.request("U0LENA")  # a refresh after a sync: no chart drawn
    assert publisher.wait_idle(60)
    open_home(publisher, slack, "U0LENA")  # opened again: the same image, not uploaded again
    assert len(slack.method_calls("files.getUploadURLExternal")) == uploads == 1
    image = [b for b in slack.home_view("U0LENA")["blocks"] if b["type"] == "image"]
    assert image == [b for b in first["blocks"] if b["type"] == "image"]


def test_a_rate_limited_publish_is_retried_after_retry_after(publisher, slack):  # noqa: F811
    publisher.states.opened("U0LENA", NOW)
    slack.rate_limit("views.publish", retry_after=1)  # HTTP 429, Retry-After: 1, then OK
    started = time.monotonic()
    publisher.request("U0LENA")
    assert publisher.wait_idle(60)
    assert time.monotonic() - started >= 1.0  # it waited what Slack asked
    assert len(slack.method_calls("views.publish")) == 2
    assert "Billing · 7d" in text_of(slack.home_view("U0LENA"))
    assert publisher.figures.published == 1 and publisher.figures.failed == 0


def test_requests_for_a_user_still_waiting_are_published_once(slack, commands, states):  # noqa: F811
    publisher = HomePublisher(make_client(TOKEN, slack.base_url), commands, states, clock=lambda: NOW, workers=1)
    for user in ("U0LENA", "U0ADA"):
        states.opened(user, NOW)
    slack.hold("views.publish")  # Lena's publish waits in Slack: Ada's requests queue behind it
    publisher.request("U0LENA")
    deadline = time.monotonic() + 30
    while not slack.method_calls("views.publish"):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    for period in ("30d", "this-month", "7d", "30d"):  # the latest choice wins
        states.choose("U0ADA", period=period)
        publisher.request("U0ADA")
    slack.release()
    assert publisher.wait_idle(60)
    ada = [p for p in slack.method_calls("views.publish") if p.get("user_id") == "U0ADA"]
    assert len(ada) == 1
    assert "All teams · 30d" in text_of(slack.home_view("U0ADA"))
    publisher.close()


def test_a_failed_publish_is_one_line_and_the_others_go_on(publisher, slack, caplog):  # noqa: F811
    for user in ("U0LENA", "U0ADA"):
        publisher.states.opened(user, NOW)
    slack.fail("views.publish", "not_enabled")  # the app's Home tab is switched off, for the first call
    with caplog.at_level(logging.WARNING):
        publisher.request("U0LENA")
        assert publisher.wait_idle(60)
        publisher.request("U0ADA")
        assert publisher.wait_idle(60)
    lines = [r for r in caplog.records if "App Home" in r.getMessage()]
    assert [r.getMessage() for r in lines] == ["App Home of U0LENA not published: Slack answered not_enabled"]
    assert not any(r.exc_info for r in caplog.records)
    assert slack.home_view("U0ADA") is not None and publisher.figures.failed == 1


def test_refreshes_go_to_those_who_opened_in_the_last_day(states):
    from datetime import timedelta

    states.opened("U0LENA", NOW - timedelta(hours=2))
    states.opened("U0ADA", NOW - timedelta(hours=30))
    states.opened("U0RAJ", NOW - timedelta(minutes=5))
    assert states.opened_since(NOW - timedelta(days=1)) == ["U0RAJ", "U0LENA"]


def docs_views(publisher, slack) -> dict[str, dict]:  # noqa: F811
    """The Homes docs/app-home.md shows, as the code builds them (the chart's file ID aside)."""
    views = {user: open_home(publisher, slack, user) for user in ("U0LENA", "U0OTTO")}
    for view in views.values():
        for block in view["blocks"]:
            if block["type"] == "image":
                block["slack_file"]["id"] = "F0CHART"
    return views


def test_the_docs_show_the_home_views_the_code_builds(publisher, slack):  # noqa: F811
    docs = (Path(__file__).resolve().parents[3] / "docs" / "app-home.md").read_text()
    shown = [json.loads(part.split("```", 1)[0]) for part in docs.split("```json\n")[1:]]
    views = docs_views(publisher, slack)
    # On a change, paste what is printed here into the docs.
    current = {user: json.dumps(view["blocks"], indent=1, ensure_ascii=False) for user, view in views.items()}
    assert shown[0] == views["U0LENA"]["blocks"], current["U0LENA"]
    assert shown[1] == views["U0OTTO"]["blocks"], current["U0OTTO"]

