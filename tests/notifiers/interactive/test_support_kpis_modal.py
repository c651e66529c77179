"""The "Support KPIs" global shortcut: a form for anything `/kpi` asks, answered in the modal itself,
with `/kpi`'s rules on who sees what; over signed HTTP and over Socket Mode alike."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
import requests
from slack_sdk.models.views import View

from tests.fakes.slack.signing import signed_headers
from tests.notifiers.interactive.conftest import wait_for


def _opened(surface, count: int = 1) -> str:
    """The id of the modal the app opened (views.open), once it has."""
    wait_for(lambda: len(surface.fake.method_calls("views.open")) >= count, "views.open")
    return surface.fake.views_stack[count - 1]


def _answered(surface, view_id: str, updates: int = 1) -> str:
    """The modal's text once the app has put the answer in it (views.update)."""
    view = wait_for(lambda: surface.fake.views[view_id] if surface.fake.views[view_id].get("updates", 0) >= updates
                    else None, "the answer in the modal")
    View(**{k: v for k, v in view.items() if k in ("type", "title", "blocks", "close", "callback_id",
                                                   "private_metadata")}).validate_json()
    return json.dumps(view["blocks"])


def _choice(value: str) -> dict:
    return {"selected_option": {"value": value}}


def _form(team=None, agent=None, period="7d", start=None, end=None, kpis=(), dimension="none") -> dict:
    return {
        "team": {"team": _choice(team) if team else {"selected_option": None}},
        "agent": {"agent": {"selected_user": agent}},
        "period": {"period": _choice(period)},
        "start": {"start": {"selected_date": start}},
        "end": {"end": {"selected_date": end}},
        "kpis": {"kpis": {"selected_options": [{"value": k} for k in kpis]}},
        "dimension": {"dimension": _choice(dimension)},
    }


@pytest.fixture(params=["over_http", "over_socket_mode"])
def surface(request):
    return request.getfixturevalue(request.param)


def test_the_shortcut_opens_the_form_and_the_answer_replaces_it_in_the_modal(surface):
    surface.global_shortcut("U0LENA")
    view_id = _opened(surface)
    form = surface.fake.views[view_id]
    assert form["callback_id"] == "support_kpis_ask" and form["submit"]["text"] == "Ask"
    teams = [o["text"]["text"] for o in form["blocks"][0]["element"]["options"]]
    assert teams == ["All teams", "Billing", "Returns"]
    assert [b["block_id"] for b in form["blocks"] if b["type"] == "input"] == [
        "team", "agent", "period", "start", "end", "kpis", "dimension"]

    ack = surface.submit("U0LENA", view_id, _form(team="Billing", kpis=["csat"]))
    assert ack["response_action"] == "update" and "Working on it" in json.dumps(ack["view"])
    text = _answered(surface, view_id)
    assert "Billing" in text and "75.0%" in text  # 3 good of 4 rated, 13-19 November
    assert "/kpi team Billing csat 7d" in text
    assert not surface.fake.messages and not surface.fake.responses  # nothing posted anywhere


def test_a_range_ending_before_it_starts_is_refused_under_its_field_and_nothing_is_computed(surface):
    surface.global_shortcut("U0LENA")
    view_id = _opened(surface)
    ack = surface.submit("U0LENA", view_id, _form(team="Billing", period="custom", start="2026-11-19",
                                                end="2026-11-13"))
    assert ack["response_action"] == "errors"
    assert set(ack["errors"]) == {"end"} and "ends before it starts" in ack["errors"]["end"]
    missing = surface.submit("U0LENA", view_id, _form(team="Billing", period="custom"))
    assert set(missing["errors"]) == {"start", "end"}
    assert not surface.fake.method_calls("views.update")


def test_a_custom_range_and_a_breakdown_are_asked_as_kpi_would(surface):
    surface.global_shortcut("U0LENA")
    view_id = _opened(surface)
    surface.submit("U0LENA", view_id, _form(team="Billing", period="custom", start="2026-11-13", end="2026-11-19",
                                          kpis=["csat"], dimension="agent"))
    text = _answered(surface, view_id)
    assert "/kpi team Billing csat 2026-11-13..2026-11-19 by agent" in text
    assert "Ann Lee" in text and "100.0%" in text and "Bob Roy" in text and "50.0%" in text


def test_agent_numbers_of_another_team_are_refused_in_the_modal(surface):
    surface.global_shortcut("U0LENA")  # leads Billing; Cat is in Returns
    view_id = _opened(surface)
    surface.submit("U0LENA", view_id, _form(agent="U0CAT", kpis=["csat"]))
    text = _answered(surface, view_id)
    assert "Sorry, agent-level numbers are for Returns's leads and the admins" in text
    assert "Cat Kim" not in text and "0.0%" not in text


def test_a_non_lead_gets_no_agent_lines_of_a_team(surface):
    surface.global_shortcut("U0OTTO")
    view_id = _opened(surface)
    surface.submit("U0OTTO", view_id, _form(team="Billing", kpis=["csat"], dimension="agent"))
    text = _answered(surface, view_id)
    assert "Sorry" in text and "Ann Lee" not in text and "Bob Roy" not in text


def test_ask_another_brings_the_form_back(surface):
    surface.global_shortcut("U0ADA")
    view_id = _opened(surface)
    surface.submit("U0ADA", view_id, _form(team="Returns", kpis=["csat"]))
    assert "0.0%" in _answered(surface, view_id)
    surface.click("U0ADA", view_id, "support_kpis_ask_again")
    wait_for(lambda: surface.fake.views[view_id].get("callback_id") == "support_kpis_ask", "the form again")


def test_a_shortcut_signed_with_another_secret_is_refused_and_opens_nothing(over_http):
    payload = {"type": "shortcut", "callback_id": "support_kpis", "trigger_id": over_http.fake.trigger(),
               "user": {"id": "U0ADA"}, "team": {"id": "T0TEAM"}}
    body = urlencode({"payload": json.dumps(payload)}).encode()
    answer = requests.post(over_http.url + "/slack/events", data=body,
                           headers=signed_headers(body, secret="0" * 32), timeout=10)
    assert answer.status_code == 401
    assert not over_http.fake.method_calls("views.open")
