"""The variables' sources: first found wins, and a lower source is never read once a higher one has
the value; an empty value counts as unset; the origin of each value is told."""

from __future__ import annotations

import os

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.settings.variables import Variables
from tests.helpdesk_kpis.config_fixtures import project, run  # noqa: F401 - fixtures


def test_an_unreadable_FILE_variable_behind_a_set_variable_is_never_read(project, monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-env")
    monkeypatch.setenv("SLACK_BOT_TOKEN_FILE", str(project / "no-such-file"))
    env = AppContext().settings().env
    assert env.slack_bot_token.get_secret_value() == "xoxb-from-env"


def test_an_unreadable_FILE_variable_is_a_one_line_error_naming_it(project, monkeypatch, capsys):
    monkeypatch.setenv("SLACK_BOT_TOKEN_FILE", str(project / "no-such-file"))
    code, _, err = run(capsys, "config", "show")
    assert code == 2
    assert err.strip().splitlines() == [
        f"error: SLACK_BOT_TOKEN_FILE: cannot read {project / 'no-such-file'}: No such file or directory"]


def test_an_empty_variable_counts_as_unset_and_the_dotenv_value_is_used(project, monkeypatch):
    (project / ".env").write_text("SLACK_SIGNING_SECRET=from-dotenv\nSLACK_API_URL=\n")
    os.chmod(project / ".env", 0o600)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "")
    settings = AppContext().settings()
    assert settings.env.slack_signing_secret.get_secret_value() == "from-dotenv"
    assert settings.env.slack_api_url is None
    assert settings.variables.find("SLACK_SIGNING_SECRET").source("SLACK_SIGNING_SECRET") == ".env SLACK_SIGNING_SECRET"


def test_any_variable_name_is_found_with_its_origin(project, monkeypatch):
    (project / ".env").write_text("ZENDESK_BILLING_EMAIL=billing@acme.test\n")
    (project / "token").write_text("tok-billing\n")
    monkeypatch.setenv("ZENDESK_BILLING_API_TOKEN_FILE", str(project / "token"))
    variables = Variables.read(project / ".env")
    email, token = variables.find("ZENDESK_BILLING_EMAIL"), variables.find("zendesk_billing_api_token")
    assert (email.value, email.source("ZENDESK_BILLING_EMAIL")) == (
        "billing@acme.test", f"{project / '.env'} ZENDESK_BILLING_EMAIL")
    assert (token.value, token.source("ZENDESK_BILLING_API_TOKEN")) == (
        "tok-billing", f"file {project / 'token'} (ZENDESK_BILLING_API_TOKEN_FILE)")
    assert variables.find("ZENDESK_BILLING_OAUTH_TOKEN") is None
