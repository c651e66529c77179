"""The scopes `config check` expects are exactly the manifest's: one list, two places, kept equal."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from notifiers.slack_scopes import BOT_SCOPES

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "notifiers" / "manifests" / "slack-app-manifest.yml"
SOCKET_MANIFEST = ROOT / "notifiers" / "manifests" / "slack-app-manifest-socket-mode.yml"


def manifest_bot_scopes(manifest: Path = MANIFEST) -> list[str]:
    text = manifest.read_text()
    block = text.split("oauth_config:", 1)[1].split("bot:", 1)[1].split("settings:", 1)[0]
    return re.findall(r"^\s+- ([a-z.:_]+)", block, flags=re.MULTILINE)


def test_the_checked_scopes_are_the_manifests_bot_scopes():
    scopes = manifest_bot_scopes()
    assert len(scopes) == 11
    assert "chat:write.public" not in scopes  # the chart upload needs membership anyway: no use
    assert set(scopes) == set(BOT_SCOPES)
    assert {"channels:read", "groups:read", "usergroups:read", "users:read"} <= set(scopes)  # what check calls need


def test_the_socket_mode_manifest_asks_the_same_scopes_and_turns_socket_mode_on():
    manifest = yaml.safe_load(SOCKET_MANIFEST.read_text())
    http = yaml.safe_load(MANIFEST.read_text())
    assert manifest_bot_scopes(SOCKET_MANIFEST) == manifest_bot_scopes()
    assert manifest["settings"]["socket_mode_enabled"] is True and http["settings"]["socket_mode_enabled"] is False
    command = manifest["features"]["slash_commands"][0]
    assert command["command"] == "/kpi" and "url" not in command  # Socket Mode needs no request URL
    assert http["features"]["slash_commands"][0]["url"].endswith("/slack/events")
