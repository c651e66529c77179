"""Zendesk instances from the environment and the TOML file, secrets from prefixed variables."""

from __future__ import annotations

import pytest

from connectors.zendesk import ZendeskConnector
from helpdesk_kpis.cli import main
from helpdesk_kpis.context import AppContext

ZENDESK_VARIABLES = ("SUBDOMAIN", "URL", "EMAIL", "API_TOKEN", "OAUTH_TOKEN")


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in list(__import__("os").environ):
        if name.startswith("ZENDESK_") or name in ("HELPDESK_KPIS_CONFIG", "DATABASE_URL"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kpis.db'}")
    return tmp_path


def connectors(only: str | None = None) -> dict[str, ZendeskConnector]:
    return {c.instance: c for c in AppContext().connectors(only)}


def test_default_instance_is_named_after_its_subdomain(workdir, monkeypatch):
    monkeypatch.setenv("ZENDESK_SUBDOMAIN", "acme")
    monkeypatch.setenv("ZENDESK_EMAIL", "lead@acme.test")
    monkeypatch.setenv("ZENDESK_API_TOKEN", "tok-1")
    (acme,) = connectors().values()
    assert acme.instance == "acme" and acme.label == "zendesk:acme"
    assert acme.settings.base_url == "https://acme.zendesk.com"
    assert acme.settings.api_token.get_secret_value() == "tok-1"
    assert "tok-1" not in repr(acme.settings)


def test_url_alone_names_the_instance_default_and_oauth_is_the_alternative(workdir, monkeypatch):
    monkeypatch.setenv("ZENDESK_URL", "http://127.0.0.1:8080/")
    monkeypatch.setenv("ZENDESK_OAUTH_TOKEN", "oauth-1")
    (default,) = connectors().values()
    assert default.instance == "default"
    assert default.settings.base_url == "http://127.0.0.1:8080"
    assert default.client.session.headers["Authorization"] == "Bearer oauth-1"


def test_named_sections_take_secrets_from_prefixed_variables(workdir, monkeypatch):
    monkeypatch.setenv("ZENDESK_SUBDOMAIN", "acme")
    monkeypatch.setenv("ZENDESK_EMAIL", "lead@acme.test")
    monkeypatch.setenv("ZENDESK_API_TOKEN", "tok-1")
    monkeypatch.setenv("ZENDESK_EU_BRAND_EMAIL", "eu@acme.test")
    monkeypatch.setenv("ZENDESK_EU_BRAND_API_TOKEN", "tok-eu")
    (workdir / "helpdesk-kpis.toml").write_text(
        '[connectors.zendesk.eu-brand]\nsubdomain = "acme-eu"\n\n'
        "[connectors.zendesk.acme]\nexport_requests_per_minute = 30\n"
    )
    found = connectors()
    assert set(found) == {"acme", "eu-brand"}
    assert found["eu-brand"].settings.base_url == "https://acme-eu.zendesk.com"
    assert found["eu-brand"].settings.email == "eu@acme.test"
    assert found["eu-brand"].settings.api_token.get_secret_value() == "tok-eu"
    # A section named like the default instance adds options to it.
    assert found["acme"].settings.export_requests_per_minute == 30
    assert found["acme"].settings.api_token.get_secret_value() == "tok-1"
    assert set(connectors("eu-brand")) == {"eu-brand"}


def test_secrets_can_come_from_the_dotenv_file(workdir):
    (workdir / ".env").write_text("ZENDESK_EU_EMAIL=eu@acme.test\nZENDESK_EU_OAUTH_TOKEN=oauth-eu\n")
    (workdir / "helpdesk-kpis.toml").write_text('[connectors.zendesk.eu]\nsubdomain = "acme-eu"\n')
    assert connectors()["eu"].settings.oauth_token.get_secret_value() == "oauth-eu"


@pytest.mark.parametrize(
    ("toml", "env", "fragments"),
    [
        ('[connectors.zendesk.eu]\nsubdomain = "acme-eu"\n', {}, ["ZENDESK_EU_EMAIL", "ZENDESK_EU_API_TOKEN", "ZENDESK_EU_OAUTH_TOKEN"]),
        ("", {"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_API_TOKEN": "tok-secret"}, ["ZENDESK_EMAIL", "ZENDESK_API_TOKEN"]),
        ('[connectors.zendesk.eu]\nemail = "eu@acme.test"\n', {"ZENDESK_EU_API_TOKEN": "tok-secret"}, ["ZENDESK_EU_SUBDOMAIN"]),
        ('[connectors.zendesk.eu]\nsubdomain = "acme.zendesk.com"\n', {"ZENDESK_EU_OAUTH_TOKEN": "tok-secret"}, ["subdomain", "'acme'"]),
        ('[connectors.zendesk.eu]\nurl = "acme.zendesk.com"\n', {"ZENDESK_EU_OAUTH_TOKEN": "tok-secret"}, ["url", "https://"]),
    ],
)
def test_incomplete_settings_exit_2_naming_what_to_set(workdir, monkeypatch, capsys, toml, env, fragments):
    (workdir / "helpdesk-kpis.toml").write_text(toml)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["sync"]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]
    assert "tok-secret" not in err


def test_any_secret_may_come_from_a_file_named_by_its_FILE_variable(workdir, monkeypatch):
    # Containers mount secrets as files: ZENDESK_API_TOKEN_FILE=/run/secrets/zendesk.
    (workdir / "token").write_text("tok-from-file\n")
    (workdir / "eu-token").write_text("tok-eu\n")
    monkeypatch.setenv("ZENDESK_SUBDOMAIN", "acme")
    monkeypatch.setenv("ZENDESK_EMAIL", "lead@acme.test")
    monkeypatch.setenv("ZENDESK_API_TOKEN_FILE", str(workdir / "token"))
    monkeypatch.setenv("ZENDESK_EU_EMAIL", "eu@acme.test")
    monkeypatch.setenv("ZENDESK_EU_API_TOKEN_FILE", str(workdir / "eu-token"))
    (workdir / "helpdesk-kpis.toml").write_text('[connectors.zendesk.eu]\nsubdomain = "acme-eu"\n')
    found = connectors()
    assert found["acme"].settings.api_token.get_secret_value() == "tok-from-file"
    assert found["eu"].settings.api_token.get_secret_value() == "tok-eu"


def test_an_unreadable_FILE_variable_is_a_config_error_naming_it(workdir, monkeypatch, capsys):
    monkeypatch.setenv("ZENDESK_SUBDOMAIN", "acme")
    monkeypatch.setenv("ZENDESK_EMAIL", "lead@acme.test")
    monkeypatch.setenv("ZENDESK_API_TOKEN_FILE", str(workdir / "missing"))
    assert main(["sync"]) == 2
    err = capsys.readouterr().err
    assert "ZENDESK_API_TOKEN_FILE: cannot read" in err and "Traceback" not in err
