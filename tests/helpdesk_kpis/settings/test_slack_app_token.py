"""SLACK_APP_TOKEN and ``[slack] socket_mode`` are read like every other setting, and the token is a secret."""

from __future__ import annotations

import pytest

from helpdesk_kpis.settings.models import load_settings
from kpis.errors import ConfigError

APP_TOKEN = "xapp-1-A0KPI-1234-abcdef0123456789"


def test_app_token_and_socket_mode_are_read_and_the_token_kept_out_of_logs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HELPDESK_KPIS_CONFIG", raising=False)
    monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    (tmp_path / "helpdesk-kpis.toml").write_text("[slack]\nsocket_mode = true\n")
    settings = load_settings(tmp_path / "helpdesk-kpis.toml", env_file=None)
    assert settings.config.slack.socket_mode is True
    assert settings.env.slack_app_token.get_secret_value() == APP_TOKEN
    assert APP_TOKEN not in repr(settings.env)
    secrets, _urls = settings.secrets_and_urls()
    assert APP_TOKEN in secrets  # registered for redaction like the bot token


def test_socket_mode_defaults_off_and_unknown_slack_keys_are_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HELPDESK_KPIS_CONFIG", raising=False)
    (tmp_path / "a.toml").write_text("")
    assert load_settings(tmp_path / "a.toml", env_file=None).config.slack.socket_mode is False
    (tmp_path / "b.toml").write_text("[slack]\nsocket = true\n")
    with pytest.raises(ConfigError, match="slack.socket"):
        load_settings(tmp_path / "b.toml", env_file=None)
