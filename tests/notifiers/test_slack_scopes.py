"""The scopes `config check` expects are exactly the manifest's: one list, two places, kept equal."""

from __future__ import annotations

import re
from pathlib import Path

from notifiers.slack_scopes import BOT_SCOPES

MANIFEST = Path(__file__).resolve().parents[2] / "slack-app-manifest.yml"


def manifest_bot_scopes() -> list[str]:
    text = MANIFEST.read_text()
    block = text.split("oauth_config:", 1)[1].split("bot:", 1)[1].split("settings:", 1)[0]
    return re.findall(r"^\s+- ([a-z.:_]+)", block, flags=re.MULTILINE)


def test_the_checked_scopes_are_the_manifests_bot_scopes():
    scopes = manifest_bot_scopes()
    assert len(scopes) == 11
    assert set(scopes) == set(BOT_SCOPES)
    assert {"channels:read", "groups:read", "usergroups:read", "users:read"} <= set(scopes)  # what check calls need
