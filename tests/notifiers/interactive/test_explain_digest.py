"""The "Explain this" message shortcut: on a digest, `/kpi why` for the digest's own team and days,
the KPI that moved most first, another picked in the modal; on any other message, a modal saying so."""

from __future__ import annotations

import json

import pytest

from notifiers.digest import DIGEST_EVENT
from tests.notifiers.interactive.conftest import wait_for

#: A Billing digest of 13-19 November as the app posts it (notifiers.digest_metadata.digest_metadata), by hand.
DIGEST_METADATA = {"event_type": DIGEST_EVENT, "event_payload": {
    "digest_id": "team:Billing:2026-11-19", "schema": 1, "team": "Billing", "first_day": "2026-11-13",
    "last_day": "2026-11-19", "kpis": ["csat", "tickets_created"]}}


@pytest.fixture(params=["over_http", "over_socket_mode"])
def surface(request):
    surface = request.getfixturevalue(request.param)
    surface.fake.add_channel("kpi-billing", "C0BILLING")
    return surface


def _post(surface, text: str, metadata: dict | None = None) -> dict:
    answer = surface.fake.api_chat_postMessage({"channel": "C0BILLING", "text": text, "metadata": metadata})
    return {"type": "message", "ts": answer.body["ts"], "text": text, "bot_id": "B0FAKE"}


def _modal(surface, updates: int = 1) -> dict:
    wait_for(lambda: surface.fake.method_calls("views.open"), "views.open")
    view_id = surface.fake.views_stack[0]
    return wait_for(lambda: surface.fake.views[view_id] if surface.fake.views[view_id].get("updates", 0) >= updates
                    else None, "the modal's content")


def test_on_a_digest_it_explains_the_kpi_that_moved_most_for_the_digests_team_and_days(surface):
    message = _post(surface, "Billing KPIs", DIGEST_METADATA)  # the payload leaves the metadata out:
    surface.message_shortcut("U0OTTO", "C0BILLING", message)  # read from the channel's history
    view = _modal(surface)
    text = json.dumps(view["blocks"])
    assert "/kpi why csat team Billing 2026-11-13..2026-11-19" in text
    # The small helpdesk has no ratings before the 13th: `why` compares 13-19 with 6-12 November.
    assert "Billing: nothing to explain, no CSAT in the previous window (2026-11-06 to 2026-11-12)." in text
    picker = view["blocks"][0]["elements"][0]
    assert [o["value"] for o in picker["options"]] == ["csat", "tickets_created"]
    assert picker["initial_option"]["value"] == "csat"
    assert surface.fake.method_calls("conversations.history")

    surface.choose("U0OTTO", view["id"], "explain_digest_kpi", "tickets_created")
    again = _modal(surface, updates=3)  # "working" with the new pick, then its answer
    assert "/kpi why tickets_created team Billing 2026-11-13..2026-11-19" in json.dumps(again["blocks"])


def test_metadata_in_the_payload_is_used_as_it_is(surface):
    message = {**_post(surface, "Billing KPIs"), "metadata": DIGEST_METADATA}
    surface.message_shortcut("U0LENA", "C0BILLING", message)
    assert "/kpi why csat team Billing" in json.dumps(_modal(surface)["blocks"])
    assert not surface.fake.method_calls("conversations.history")


def test_on_any_other_message_the_modal_says_what_the_shortcut_is_for(surface):
    surface.message_shortcut("U0LENA", "C0BILLING", _post(surface, "lunch at noon?"))
    text = json.dumps(_modal(surface)["blocks"])
    assert "This message is not one" in text and "Why" not in text


def test_another_apps_metadata_is_not_a_digest_and_an_older_digest_says_so(surface):
    other = {**_post(surface, "deploy"), "metadata": {"event_type": "deploy_done", "event_payload": {}}}
    surface.message_shortcut("U0LENA", "C0BILLING", other)
    assert "This message is not one" in json.dumps(_modal(surface)["blocks"])


def test_a_digest_posted_before_the_metadata_named_its_days_says_how_to_ask(surface):
    old = {"event_type": DIGEST_EVENT, "event_payload": {"digest_id": "team:Billing:2026-11-19", "schema": 1}}
    surface.message_shortcut("U0LENA", "C0BILLING", {**_post(surface, "Billing KPIs"), "metadata": old})
    assert "posted before digests said which days they cover" in json.dumps(_modal(surface)["blocks"])


def test_an_expired_trigger_leaves_no_modal_and_no_error_to_the_user(over_http, caplog):
    surface = over_http
    surface.fake.add_channel("kpi-billing", "C0BILLING")
    surface.fake.trigger = lambda: type(surface.fake).trigger(surface.fake, expired=True)
    surface.message_shortcut("U0LENA", "C0BILLING", _post(surface, "Billing KPIs", DIGEST_METADATA))
    wait_for(lambda: surface.fake.method_calls("views.open"), "views.open")
    wait_for(lambda: "expired_trigger_id" in caplog.text, "the log line")
    assert not surface.fake.views and not surface.fake.method_calls("views.update")


def test_the_leads_digest_of_every_team_is_explained_for_all_teams(surface):
    every_team = {"event_type": DIGEST_EVENT, "event_payload": {
        "digest_id": "overall:2026-11-19", "schema": 1, "first_day": "2026-11-13", "last_day": "2026-11-19",
        "kpis": ["csat"]}}
    surface.message_shortcut("U0ADA", "C0BILLING", {**_post(surface, "All teams KPIs"), "metadata": every_team})
    text = json.dumps(_modal(surface)["blocks"])
    assert "/kpi why csat all 2026-11-13..2026-11-19" in text
    assert "All teams: nothing to explain, no CSAT in the previous window (2026-11-06 to 2026-11-12)." in text
