"""`config show`: every value with its source (environment, .env, a file, TOML, default), secrets masked."""

from __future__ import annotations

import json
import os

from helpdesk_kpis.admin.show import mask
from tests.helpdesk_kpis.config_fixtures import project, run  # noqa: F401 - fixtures

LONG_TOKEN = "zd-0123456789-abcdefghij-wxyz"  # 29 characters: shows its last four
SHORT_SECRET = "s3cr3t-pw"  # 9 characters: fully masked


def show(capsys, *extra: str) -> tuple[int, dict[tuple[str, str], dict], str]:
    code, out, err = run(capsys, "config", "show", "--json", *extra)
    assert "Traceback" not in err
    rows = json.loads(out)["settings"] if out.strip() else []  # printed even when the exit code is 2
    return code, {(r["section"], r["setting"]): r for r in rows}, out + err


def test_masking_shows_at_most_the_last_four_characters_of_a_long_secret():
    assert mask("xoxb-1111-2222-abcdefghijklmnop") == "••••mnop"
    assert mask("0123456789abcdef") == "••••cdef"  # 16 characters: the shortest that shows any
    assert mask("0123456789abcde") == "••••"
    assert mask("abc") == "••••"
    assert mask("") == "••••"


def test_every_value_says_where_it_came_from(project, monkeypatch, capsys):
    secrets_dir = project / "secrets"
    secrets_dir.mkdir()
    (secrets_dir / "SLACK_SIGNING_SECRET").write_text("8f742231b10e8888abcd9900011185a5\n")
    (project / "eu-token").write_text(SHORT_SECRET + "\n")
    (project / ".env").write_text(f"SLACK_BOT_TOKEN=xoxb-from-dotenv-file-9876\nZENDESK_API_TOKEN={LONG_TOKEN}\n")
    os.chmod(project / ".env", 0o600)
    (project / "helpdesk-kpis.toml").write_text(
        '[reporting]\ntimezone = "Europe/Berlin"\n\n'
        '[connectors.zendesk.eu]\nsubdomain = "acme-eu"\nemail = "eu@acme.test"\nexport_requests_per_minute = 30\n\n'
        '[[teams]]\nname = "Billing"\nchannel = "#kpi-billing"\n'
    )
    monkeypatch.setenv("HELPDESK_KPIS_SECRETS_DIR", str(secrets_dir))
    monkeypatch.setenv("ZENDESK_SUBDOMAIN", "acme")
    monkeypatch.setenv("ZENDESK_EMAIL", "admin@acme.test")
    monkeypatch.setenv("ZENDESK_EU_API_TOKEN_FILE", str(project / "eu-token"))
    code, rows, text = show(capsys)
    assert code == 0

    def row(section: str, setting: str) -> tuple[str, str]:
        found = rows[(section, setting)]
        return found["value"], found["source"]

    assert row("environment", "DATABASE_URL") == (f"sqlite:///{project / 'kpis.db'}", "environment")
    assert row("environment", "SLACK_BOT_TOKEN") == ("••••9876", ".env")
    signing_file = secrets_dir / "SLACK_SIGNING_SECRET"
    assert row("environment", "SLACK_SIGNING_SECRET") == ("••••85a5", f"secrets directory file {signing_file}")
    assert row("environment", "SLACK_API_URL") == ("(not set)", "default")
    assert row("files", "HELPDESK_KPIS_SECRETS_DIR") == (str(secrets_dir), "environment")
    assert row("zendesk:acme", "subdomain") == ("acme", "environment ZENDESK_SUBDOMAIN")
    assert row("zendesk:acme", "api_token") == ("••••wxyz", ".env ZENDESK_API_TOKEN")
    assert row("zendesk:acme", "export_requests_per_minute") == ("10", "default")
    assert row("zendesk:eu", "subdomain") == ("acme-eu", "helpdesk-kpis.toml")
    assert row("zendesk:eu", "export_requests_per_minute") == ("30", "helpdesk-kpis.toml")
    assert row("zendesk:eu", "api_token") == ("••••", f"file {project / 'eu-token'} (ZENDESK_EU_API_TOKEN_FILE)")
    assert row("reporting", "timezone") == ("Europe/Berlin", "helpdesk-kpis.toml")
    assert row("reporting", "min_sample") == ("10", "default")
    assert row("teams", "Billing.channel") == ("#kpi-billing", "helpdesk-kpis.toml")
    assert row("digest", "time") == ("09:00", "default")
    for secret in (LONG_TOKEN, SHORT_SECRET, "xoxb-from-dotenv-file-9876", "8f742231b10e8888abcd9900011185a5"):
        assert secret not in text


def test_passwords_in_urls_are_hidden(project, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://kpis:pg-pass-93xq@db.internal:5432/kpis")
    monkeypatch.setenv("SLACK_API_URL", "https://relay:proxy-pass-77@proxy.internal/slack/api/")
    code, rows, text = show(capsys)
    assert code == 0
    assert rows[("environment", "DATABASE_URL")]["value"] == "postgresql+psycopg://kpis:***@db.internal:5432/kpis"
    assert rows[("environment", "SLACK_API_URL")]["value"] == "https://relay:***@proxy.internal/slack/api/"
    assert "pg-pass-93xq" not in text and "proxy-pass-77" not in text


def test_an_incomplete_instance_is_shown_with_what_is_wrong(project, monkeypatch, capsys):
    monkeypatch.setenv("ZENDESK_SUBDOMAIN", "acme")
    monkeypatch.setenv("ZENDESK_API_TOKEN", LONG_TOKEN)
    code, rows, text = show(capsys)
    assert code == 2  # shown in full, and the exit code says it is not usable
    assert rows[("zendesk:acme", "api_token")]["value"] == "••••wxyz"
    assert "set ZENDESK_EMAIL and ZENDESK_API_TOKEN" in rows[("zendesk:acme", "(invalid)")]["value"]
    assert LONG_TOKEN not in text


def test_the_table_has_a_section_per_part(project, monkeypatch, capsys):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1111-2222-abcdefghijklmnop")
    code, out, _ = run(capsys, "config", "show")
    assert code == 0
    lines = out.splitlines()
    token = next(line for line in lines if "SLACK_BOT_TOKEN" in line)
    assert token.split()[1:] == ["••••mnop", "environment"]
    assert any(line.strip() == "reporting" for line in lines)
    assert "xoxb-1111-2222-abcdefghijklmnop" not in out


def test_show_of_a_broken_config_exits_2_with_one_line(project, capsys):
    (project / "helpdesk-kpis.toml").write_text("[reporting]\ntimezone = 'Mars/Olympus'\n")
    code, out, err = run(capsys, "config", "show")
    assert code == 2
    assert "reporting.timezone: unknown time zone 'Mars/Olympus'" in err


def test_a_secret_written_in_the_toml_file_is_refused_naming_the_variable(project, capsys):
    (project / "helpdesk-kpis.toml").write_text(
        '[connectors.zendesk.eu]\nsubdomain = "acme-eu"\napi_token = "tok-in-toml"\n')
    code, out, err = run(capsys, "config", "show")
    assert code == 2
    assert ("[connectors.zendesk.eu] api_token: secrets do not belong in the TOML file; remove it there and set "
            "ZENDESK_EU_API_TOKEN in the environment or .env") in err
    assert "tok-in-toml" not in out + err
