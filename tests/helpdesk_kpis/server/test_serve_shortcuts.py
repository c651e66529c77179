"""`serve` answers the shortcuts on its /slack/events endpoint: the listeners are wired into the app
it builds (helpdesk_kpis.server.endpoint), and a shortcut's signed payload opens the modal."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import requests

from tests.fakes.slack.signing import signed_headers
from tests.helpdesk_kpis.server.serving import ENDPOINT_CONFIG, serve_env, serving, wait_for
from tests.notifiers.slash import conftest as desk


def test_the_support_kpis_shortcut_opens_its_form_through_serve(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(ENDPOINT_CONFIG)
    with desk.FakeSlack() as slack:
        slack.users.update(desk.SLACK_USERS)
        with serving(tmp_path, serve_env(tmp_path, slack), "--role", "endpoint") as (url, _process):
            payload = {"type": "shortcut", "token": "x", "action_ts": "1.2", "callback_id": "support_kpis",
                       "team": {"id": "T0TEAM", "domain": "acme"}, "user": {"id": "U0LENA", "team_id": "T0TEAM"},
                       "trigger_id": slack.trigger(), "api_app_id": "A0KPIBOT1"}
            body = urlencode({"payload": json.dumps(payload)}).encode()
            answer = requests.post(url + "/slack/events", data=body, headers=signed_headers(body), timeout=10)
            assert answer.status_code == 200
            wait_for(lambda: slack.views, "the form to open")
    form = next(iter(slack.views.values()))
    assert form["callback_id"] == "support_kpis_ask"
    assert [o["text"]["text"] for o in form["blocks"][0]["element"]["options"]] == ["All teams", "Billing"]
