"""Both app manifests declare what the surfaces need: the Home tab, interactivity (a request URL over
HTTP only), both shortcuts with the callback_ids the listeners answer, the app_home_opened event,
and exactly the scopes of notifiers.slack_scopes."""

from __future__ import annotations

import pytest
import yaml

from notifiers.interactive.shortcut_app import EXPLAIN_DIGEST, SUPPORT_KPIS
from notifiers.manifests import manifest_text
from notifiers.slack_scopes import BOT_SCOPES


@pytest.mark.parametrize("socket_mode", [False, True], ids=["http", "socket-mode"])
def test_the_manifest_declares_home_interactivity_shortcuts_the_event_and_the_codes_scopes(socket_mode):
    manifest = yaml.safe_load(manifest_text(socket_mode=socket_mode))
    features, settings = manifest["features"], manifest["settings"]
    assert features["app_home"] == {"home_tab_enabled": True, "messages_tab_enabled": True,
                                    "messages_tab_read_only_enabled": True}
    assert {(s["callback_id"], s["type"], s["name"]) for s in features["shortcuts"]} == {
        ("support_kpis", "global", "Support KPIs"), ("explain_digest", "message", "Explain this")}
    assert {SUPPORT_KPIS, EXPLAIN_DIGEST} == {s["callback_id"] for s in features["shortcuts"]}
    assert settings["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert settings["interactivity"]["is_enabled"] is True
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    if socket_mode:  # everything arrives on the WebSocket
        assert "request_url" not in settings["interactivity"] and "request_url" not in settings["event_subscriptions"]
    else:  # the same signed endpoint as /kpi
        assert settings["interactivity"]["request_url"] == "https://YOUR-HOST/slack/events"
        assert settings["event_subscriptions"]["request_url"] == "https://YOUR-HOST/slack/events"
