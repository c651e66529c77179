"""The fake Slack's modals answer as Slack's views.* methods do, through slack-sdk's WebClient:
one-use 3-second triggers, views found by id, hash conflicts, a stack of at most three."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fakes.slack.api import TOKEN, FakeSlack

MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "Support KPIs"},
         "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}]}


@pytest.fixture
def fake():
    with FakeSlack() as slack:
        yield slack


def _error(call) -> str:  # noqa: ANN001
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value.response["error"]


def test_a_trigger_opens_one_modal_once_and_not_after_three_seconds(fake):
    client = WebClient(token=TOKEN, base_url=fake.base_url)
    trigger = fake.trigger()
    opened = client.views_open(trigger_id=trigger, view=MODAL)["view"]
    assert opened["id"].startswith("V") and opened["title"]["text"] == "Support KPIs"
    assert _error(lambda: client.views_open(trigger_id=trigger, view=MODAL)) == "exchanged_trigger_id"
    assert _error(lambda: client.views_open(trigger_id=fake.trigger(expired=True), view=MODAL)) == "expired_trigger_id"
    assert _error(lambda: client.views_open(trigger_id="1.2.never-issued", view=MODAL)) == "invalid_arguments"


def test_update_finds_the_view_by_id_and_refuses_a_stale_hash(fake):
    client = WebClient(token=TOKEN, base_url=fake.base_url)
    opened = client.views_open(trigger_id=fake.trigger(), view=MODAL)["view"]
    changed = {**MODAL, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "answer"}}]}
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=changed)["view"]
    assert updated["blocks"][0]["text"]["text"] == "answer" and updated["hash"] != opened["hash"]
    assert _error(lambda: client.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL)) == "hash_conflict"
    assert _error(lambda: client.views_update(view_id="V0GONE", view=MODAL)) == "not_found"
    too_long = {**MODAL, "title": {"type": "plain_text", "text": "A title longer than 24 chars"}}
    assert _error(lambda: client.views_update(view_id=opened["id"], view=too_long)) == "invalid_arguments"


def test_push_stacks_at_most_three_views(fake):
    client = WebClient(token=TOKEN, base_url=fake.base_url)
    assert _error(lambda: client.views_push(trigger_id=fake.trigger(), view=MODAL)) == "not_found"
    root = client.views_open(trigger_id=fake.trigger(), view=MODAL)["view"]
    pushed = client.views_push(trigger_id=fake.trigger(), view=MODAL)["view"]
    assert pushed["root_view_id"] == root["id"] and pushed["previous_view_id"] == root["id"]
    assert client.views_push(trigger_id=fake.trigger(), view=MODAL)["view"]["root_view_id"] == root["id"]
    assert _error(lambda: client.views_push(trigger_id=fake.trigger(), view=MODAL)) == "push_limit_reached"
