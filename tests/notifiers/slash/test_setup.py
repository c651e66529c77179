"""What an admin sets up: the manifest, the [slash] settings, and what `serve` needs to start."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from helpdesk_kpis.cli import main
from helpdesk_kpis.settings.models import FileConfig
from kpis.store.sent_log import AlertState
from notifiers.alert_rules import AlertRule
from notifiers.slash.breaches import Breach, active_breaches

ROOT = Path(__file__).resolve().parents[3]


def test_the_manifest_declares_the_command_its_url_placeholder_and_the_scopes_it_uses():
    manifest = (ROOT / "notifiers" / "manifests" / "slack-app-manifest.yml").read_text()
    assert "- command: /kpi" in manifest
    assert "url: https://YOUR-HOST/slack/events" in manifest
    assert "should_escape: true" in manifest  # mentions arrive as <@U...|name>
    for scope in ("commands", "users:read", "users:read.email", "usergroups:read", "chat:write"):
        assert f"- {scope} " in manifest, scope


def test_slash_settings_accept_member_and_group_ids_and_refuse_names():
    config = FileConfig.model_validate(
        {
            "teams": [{"name": "Billing", "channel": "C0B", "leads": ["U024BE7LH", "S0LEADS"]}],
            "slash": {
                "admins": ["W0ADMIN", "S0ADMINS"],
                "users": {"U0ANN": "ann@acme.test"},
                "allowed_channels": ["*"],
            },
        }
    )
    assert config.teams[0].leads == ["U024BE7LH", "S0LEADS"]
    assert config.slash.admins == ["W0ADMIN", "S0ADMINS"]
    with pytest.raises(ValueError, match="'@lena' is not a Slack member id"):
        FileConfig.model_validate({"slash": {"admins": ["@lena"]}})
    with pytest.raises(ValueError, match="not user groups"):
        FileConfig.model_validate({"slash": {"users": {"S0GROUP": "ann@acme.test"}}})
    with pytest.raises(ValueError, match="less than or equal to 2.5"):
        FileConfig.model_validate({"slash": {"inline_seconds": 5}})  # Slack gives up at 3


def test_serve_without_slack_credentials_stops_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "HELPDESK_KPIS_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kpis.db'}")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "a-secret")
    (tmp_path / "helpdesk-kpis.toml").write_text("[connectors.sample.demo]\ntickets = 100\n")
    assert main(["serve", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_BOT_TOKEN is not set" in err and "a-secret" not in err and "Traceback" not in err


def test_active_breaches_are_the_breached_states_of_configured_rules_oldest_first():
    rules = {
        "csat-floor": AlertRule("csat-floor", "csat", "every-team", "<", 80.0),
        "frt": AlertRule("frt", "first_reply_time_median", "every-agent", ">", 240.0),
    }
    states = [
        AlertState(
            "csat-floor", "team:zendesk:acme:1", "breached", datetime(2026, 11, 18, 6, tzinfo=timezone.utc), 75.0
        ),
        AlertState("frt", "agent:zendesk:acme:12", "breached", datetime(2026, 11, 17, 6, tzinfo=timezone.utc), 300.0),
        AlertState("csat-floor", "team:zendesk:acme:2", "ok", datetime(2026, 11, 18, 6, tzinfo=timezone.utc), 90.0),
        AlertState("removed-rule", "overall", "breached", None, 1.0),
    ]
    assert active_breaches(states, rules) == [
        Breach("agent", "zendesk:acme:12", "First reply (median) > 4.0h · now 5.0h · since 2026-11-17"),
        Breach("team", "zendesk:acme:1", "CSAT < 80% · now 75.0% · since 2026-11-18"),
    ]
