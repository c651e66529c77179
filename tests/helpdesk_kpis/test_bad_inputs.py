"""Bad input an unlucky admin gives gets one line and the exit code of its kind, never a traceback:
2 for a configuration to fix, 1 for a run that failed."""

from __future__ import annotations

import json

import pytest

from tests.helpdesk_kpis.test_cli import run

ZENDESK_TOML = '[connectors.zendesk.acme]\nsubdomain = "acme"\nemail = "admin@acme.test"\n'


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "HELPDESK_KPIS_CONFIG", "ZENDESK_SUBDOMAIN", "ZENDESK_URL", "ZENDESK_API_TOKEN",
                 "SLACK_BOT_TOKEN", "SLACK_API_URL", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "helpdesk-kpis.toml").write_text(ZENDESK_TOML)
    monkeypatch.setenv("ZENDESK_ACME_API_TOKEN", "token-never-shown")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kpis.db'}")
    return tmp_path


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("content", [b"these are my notes, not a database\n", bytes(range(256)) * 16])
@pytest.mark.parametrize("command", [["report"], ["sync"], ["export", "tickets"]])
def test_a_store_file_that_is_not_a_sqlite_database_is_a_configuration_error(workdir, capsys, monkeypatch, content,
                                                                             command):
    (workdir / "notes.db").write_bytes(content)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{workdir / 'notes.db'}")
    code, _, err = run(capsys, *command)
    assert code == 2
    line = one_line(err)
    assert "is not a SQLite database" in line and "DATABASE_URL" in line
    assert (workdir / "notes.db").read_bytes() == content  # the file is left as it was


def test_a_url_with_a_port_beyond_65535_is_refused_before_any_request(workdir, capsys, monkeypatch):
    monkeypatch.setenv("ZENDESK_ACME_URL", "http://127.0.0.1:99999")
    code, _, err = run(capsys, "sync")
    assert code == 2
    line = one_line(err)
    assert "'http://127.0.0.1:99999' has no valid port (a number from 1 to 65535)" in line
    assert "connectors.zendesk.acme" in line


def test_a_config_file_that_is_not_utf8_says_so(workdir, capsys):
    (workdir / "helpdesk-kpis.toml").write_bytes('[reporting]\ntimezone = "Zürich"\n'.encode("latin-1"))
    code, _, err = run(capsys, "report")
    assert code == 2
    assert "helpdesk-kpis.toml is not UTF-8 text" in one_line(err)


def test_a_slack_api_url_without_a_scheme_is_refused_naming_the_variable(workdir, capsys, monkeypatch):
    (workdir / "helpdesk-kpis.toml").write_text(ZENDESK_TOML + '[[teams]]\nname = "Billing"\nchannel = "#billing"\n')
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-never-shown")
    monkeypatch.setenv("SLACK_API_URL", "chat.postMessage")
    code, out, err = run(capsys, "digest")
    assert code == 2
    line = one_line(err)
    assert line.startswith("error: SLACK_API_URL") and "'chat.postMessage' is not an http(s) URL" in line
    assert "xoxb-never-shown" not in out + err


def test_config_show_shows_an_invalid_section_and_exits_2(workdir, capsys, monkeypatch):
    monkeypatch.setenv("ZENDESK_ACME_URL", "acme.zendesk.com")
    code, out, err = run(capsys, "config", "show", "--json")
    assert code == 2
    shown = json.loads(out)
    assert shown["error"].startswith("zendesk:acme: 'acme.zendesk.com' is not an http(s) URL") and shown["exit_code"] == 2
    rows = shown["settings"]
    assert {"section": "zendesk:acme", "setting": "(invalid)"}.items() <= next(
        r for r in rows if r["setting"] == "(invalid)").items()
    line = one_line(err)
    assert line.startswith("error: zendesk:acme: 'acme.zendesk.com' is not an http(s) URL")
    assert "token-never-shown" not in out + err


def test_config_show_exits_0_when_everything_is_usable(workdir, capsys):
    code, out, _ = run(capsys, "config", "show", "--json")
    assert code == 0 and json.loads(out)["settings"]


def test_the_toml_section_wins_over_unprefixed_variables_and_config_show_says_so(workdir, capsys, monkeypatch):
    (workdir / "helpdesk-kpis.toml").write_text(
        '[connectors.zendesk.acme]\nsubdomain = "acme"\nurl = "https://proxy.acme.test"\nemail = "admin@acme.test"\n'
    )
    monkeypatch.setenv("ZENDESK_SUBDOMAIN", "acme")
    monkeypatch.setenv("ZENDESK_URL", "https://elsewhere.test")
    monkeypatch.setenv("ZENDESK_API_TOKEN", "unprefixed-token")
    code, out, _ = run(capsys, "config", "show", "--json")
    assert code == 0
    rows = {(r["section"], r["setting"]): r for r in json.loads(out)["settings"]}
    url = rows[("zendesk:acme", "url")]
    assert url["value"] == "https://proxy.acme.test"
    assert url["source"] == "helpdesk-kpis.toml, over environment ZENDESK_URL"
    # The instance's own variable wins over the unprefixed one...
    assert rows[("zendesk:acme", "api_token")]["source"] == "environment ZENDESK_ACME_API_TOKEN"
    # ...and without it the unprefixed one gives the secret (never in the TOML file, so nothing overrides it).
    monkeypatch.delenv("ZENDESK_ACME_API_TOKEN")
    code, out, _ = run(capsys, "config", "show", "--json")
    rows = {(r["section"], r["setting"]): r for r in json.loads(out)["settings"]}
    assert rows[("zendesk:acme", "api_token")]["source"] == "environment ZENDESK_API_TOKEN"
