"""Secrets discipline: the CLI run through a battery of failures with known secret values set --
none of them (nor the Basic-auth header built from one) appears in stdout, stderr or any log
line, at DEBUG level. Also: secrets from files and a secrets directory, the .env warning, reprs."""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Callable
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from slack_sdk.http_retry import builtin_handlers, handler

from helpdesk_kpis import cli
from helpdesk_kpis.context import AppContext
from tests.helpdesk_kpis.config_fixtures import clock, closed_port, project, run  # noqa: F401 - fixtures
from tests.fakes.zendesk import Account, FakeZendesk, populate
from tests.fakes.slack.api import TOKEN as SLACK_TOKEN
from tests.fakes.slack.api import FakeSlack, Scripted

ZD_EMAIL = "admin@acme.test"
ZD_TOKEN = "zd-SECRET-1111-aaaa-main"
ZD_EU_TOKEN = "zd-SECRET-2222-bbbb-eu"
WRONG_ZD_TOKEN = "zd-SECRET-3333-cccc-wrong"
WRONG_SLACK_TOKEN = "xoxb-SECRET-4444-dddd-wrong"
SIGNING_SECRET = "5ec4e75ec4e75ec4e75ec4e75ec4e7aa"
DB_PASSWORD = "pg-SECRET-5555-eeee"
PROXY_PASSWORD = "proxy-SECRET-6666-ffff"

CONFIG = """
[connectors.zendesk.eu]
url = "{eu_url}"
email = "eu@acme.test"

[[teams]]
name = "Billing"
channel = "#kpi-billing"

[[alerts]]
id = "csat-floor"
kpi = "csat"
scope = "every-team"
operator = "<"
threshold = 101
min_sample = 1
"""


def secret_forms() -> list[str]:
    forms = [ZD_TOKEN, ZD_EU_TOKEN, WRONG_ZD_TOKEN, SLACK_TOKEN, WRONG_SLACK_TOKEN, SIGNING_SECRET, DB_PASSWORD,
             PROXY_PASSWORD]
    for email, token in ((ZD_EMAIL, ZD_TOKEN), ("eu@acme.test", ZD_EU_TOKEN), (ZD_EMAIL, WRONG_ZD_TOKEN)):
        forms.append(base64.b64encode(f"{email}/token:{token}".encode()).decode())
    return forms


@pytest.fixture
def world(project, clock, monkeypatch):
    """Two Zendesk accounts, Slack, a store: everything working, every secret set."""
    main_account, eu_account = Account(clock), Account(clock, subdomain="acme-eu")
    populate(main_account, tickets=40)
    populate(eu_account, tickets=40, seed=5)
    monkeypatch.setattr(cli, "_now", lambda: datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc))
    no_wait = SimpleNamespace(sleep=clock.sleep)  # slack-sdk's retry handlers wait on the compressed clock
    monkeypatch.setattr(builtin_handlers, "time", no_wait)
    monkeypatch.setattr(handler, "time", no_wait)
    with (FakeZendesk(main_account, clock, email=ZD_EMAIL, token=ZD_TOKEN) as desk,
          FakeZendesk(eu_account, clock, email="eu@acme.test", token=ZD_EU_TOKEN) as eu,
          FakeSlack() as slack):
        slack.add_channel("kpi-billing", "C0BILLING1")
        (project / "helpdesk-kpis.toml").write_text(CONFIG.format(eu_url=eu.url))
        (project / ".env").write_text(f"ZENDESK_EU_API_TOKEN={ZD_EU_TOKEN}\nSLACK_SIGNING_SECRET={SIGNING_SECRET}\n")
        os.chmod(project / ".env", 0o600)
        for name, value in {"ZENDESK_URL": desk.url, "ZENDESK_EMAIL": ZD_EMAIL, "ZENDESK_API_TOKEN": ZD_TOKEN,
                            "SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_API_URL": slack.base_url}.items():
            monkeypatch.setenv(name, value)
        yield {"desk": desk, "eu": eu, "slack": slack, "project": project, "monkeypatch": monkeypatch}


def zendesk_refuses(w) -> list[str]:
    w["monkeypatch"].setenv("ZENDESK_API_TOKEN", WRONG_ZD_TOKEN)
    return ["sync"]


def zendesk_fails(w) -> list[str]:
    w["desk"].fail("502", "/api/v2/", times=100)
    return ["sync"]


def zendesk_unreachable(w) -> list[str]:
    w["monkeypatch"].setenv("ZENDESK_URL", f"http://127.0.0.1:{closed_port()}")
    return ["sync"]


def secret_in_toml(w) -> list[str]:
    path = w["project"] / "helpdesk-kpis.toml"
    path.write_text(path.read_text() + f'\n[connectors.zendesk.x]\napi_token = "{ZD_EU_TOKEN}"\n')
    return ["sync"]


def toml_broken_on_a_secret_line(w) -> list[str]:
    (w["project"] / "helpdesk-kpis.toml").write_text(f'[connectors.zendesk.eu]\napi_token = {ZD_EU_TOKEN}\n')
    return ["report"]


def credentials_incomplete(w) -> list[str]:
    w["monkeypatch"].delenv("ZENDESK_EMAIL")
    return ["sync", "--connector", "zendesk"]


def store_unreachable(w) -> list[str]:
    w["monkeypatch"].setenv("DATABASE_URL", f"postgresql+psycopg://kpis:{DB_PASSWORD}@127.0.0.1:{closed_port()}/kpis")
    return ["report"]


def store_url_malformed(w) -> list[str]:
    w["monkeypatch"].setenv("DATABASE_URL", f"mysql://kpis:{DB_PASSWORD}@db/kpis")
    return ["report", "--format", "json"]


def slack_refuses_digest(w) -> list[str]:
    assert cli.main(["sync", "--no-alerts"]) == 0  # digests and alerts read a store; they never create one
    w["monkeypatch"].setenv("SLACK_BOT_TOKEN", WRONG_SLACK_TOKEN)
    return ["digest", "--date", "2026-11-19"]


def slack_fails_digest(w) -> list[str]:
    assert cli.main(["sync", "--no-alerts"]) == 0  # digests and alerts read a store; they never create one
    w["slack"].script("chat.postMessage", *[Scripted(500, {"ok": False, "error": "fatal_error"})] * 5)
    return ["digest", "--date", "2026-11-19"]


def slack_unreachable_alerts(w) -> list[str]:
    assert cli.main(["sync", "--no-alerts"]) == 0  # ratings, so that the rule breaks and alerts post
    w["monkeypatch"].setenv("SLACK_API_URL", f"http://127.0.0.1:{closed_port()}/api/")
    return ["alerts"]


def digest_dry_run(w) -> list[str]:
    assert cli.main(["sync", "--no-alerts"]) == 0  # digests and alerts read a store; they never create one
    w["monkeypatch"].setenv("SLACK_BOT_TOKEN", WRONG_SLACK_TOKEN)
    return ["digest", "--dry-run", "--date", "2026-11-19"]


def alerts_dry_run(w) -> list[str]:
    assert cli.main(["sync", "--no-alerts"]) == 0  # digests and alerts read a store; they never create one
    return ["alerts", "--dry-run"]


def check_everything_refused(w) -> list[str]:
    w["monkeypatch"].setenv("ZENDESK_API_TOKEN", WRONG_ZD_TOKEN)
    w["monkeypatch"].setenv("SLACK_BOT_TOKEN", WRONG_SLACK_TOKEN)
    w["eu"].fail("502", "/api/v2/", times=100)
    return ["config", "check"]


def check_everything_unreachable(w) -> list[str]:
    w["monkeypatch"].setenv("ZENDESK_URL", f"http://127.0.0.1:{closed_port()}")
    w["monkeypatch"].setenv("SLACK_API_URL", f"http://127.0.0.1:{closed_port()}/api/")
    w["monkeypatch"].setenv("DATABASE_URL", f"postgresql+psycopg://kpis:{DB_PASSWORD}@127.0.0.1:{closed_port()}/kpis")
    return ["config", "check", "--json"]


def check_through_proxies_with_passwords(w) -> list[str]:
    w["monkeypatch"].setenv("ZENDESK_URL", f"http://relay:{PROXY_PASSWORD}@127.0.0.1:{closed_port()}")
    w["monkeypatch"].setenv("SLACK_API_URL", f"http://relay:{PROXY_PASSWORD}@127.0.0.1:{closed_port()}/api/")
    return ["config", "check"]


def show_everything(w) -> list[str]:
    w["monkeypatch"].setenv("DATABASE_URL", f"postgresql+psycopg://kpis:{DB_PASSWORD}@db.internal/kpis")
    return ["config", "show"]


def show_json(w) -> list[str]:
    return ["config", "show", "--json"]


def init_refused(w) -> list[str]:
    w["monkeypatch"].setenv("ZENDESK_API_TOKEN", WRONG_ZD_TOKEN)
    return ["config", "init", "--no-input", "--force"]


def init_slack_refused(w) -> list[str]:
    w["monkeypatch"].setenv("SLACK_BOT_TOKEN", WRONG_SLACK_TOKEN)
    return ["config", "init", "--no-input", "--force", "--slack-signing-secret", SIGNING_SECRET]


def init_written(w) -> list[str]:
    return ["config", "init", "--no-input", "--force", "--slack-signing-secret", SIGNING_SECRET]


SCENARIOS: dict[str, tuple[Callable, int]] = {
    "sync: Zendesk answers 401": (zendesk_refuses, 2),
    "sync: Zendesk answers 502 throughout": (zendesk_fails, 1),
    "sync: Zendesk unreachable": (zendesk_unreachable, 1),
    "sync: a secret written in the TOML file": (secret_in_toml, 2),
    "report: TOML broken on a secret's line": (toml_broken_on_a_secret_line, 2),
    "sync: credentials incomplete": (credentials_incomplete, 2),
    "report: PostgreSQL store unreachable": (store_unreachable, 1),
    "report: DATABASE_URL of an unknown kind": (store_url_malformed, 2),
    "digest: Slack refuses the token": (slack_refuses_digest, 2),
    "digest: Slack answers 500": (slack_fails_digest, 1),
    "alerts: Slack unreachable": (slack_unreachable_alerts, 1),
    "digest --dry-run": (digest_dry_run, 0),
    "alerts --dry-run": (alerts_dry_run, 0),
    "config check: everything refused": (check_everything_refused, 1),
    "config check: everything unreachable": (check_everything_unreachable, 1),
    "config check: proxies with passwords, unreachable": (check_through_proxies_with_passwords, 1),
    "config show": (show_everything, 0),
    "config show --json": (show_json, 0),
    "config init: Zendesk refuses": (init_refused, 2),
    "config init: Slack refuses": (init_slack_refused, 2),
    "config init: written": (init_written, 0),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_no_secret_reaches_output_or_logs(world, scenario, capsys, caplog):
    prepare, expected_code = SCENARIOS[scenario]
    argv = prepare(world)
    caplog.set_level(logging.DEBUG)
    code, out, err = run(capsys, *argv)
    assert code == expected_code, out + err
    assert "Traceback" not in err
    logs = "\n".join(record.getMessage() for record in caplog.records) + caplog.text
    for secret in secret_forms():
        assert secret not in out, f"{scenario}: a secret on stdout"
        assert secret not in err, f"{scenario}: a secret on stderr"
        assert secret not in logs, f"{scenario}: a secret in the logs"


def test_settings_and_connectors_never_show_a_secret_in_their_repr(world):
    context = AppContext()
    settings = context.settings()
    connectors = context.connectors()
    text = repr(settings) + repr(context) + "".join(repr(c.settings) + repr(vars(c)) for c in connectors)
    text += repr(settings.env) + str(settings.env) + repr(settings.variables)
    for secret in secret_forms():
        assert secret not in text


# -- where secrets may come from ---------------------------------------------------------------


def test_any_secret_may_come_from_a_secrets_directory(project, monkeypatch):
    secrets = project / "run-secrets"
    secrets.mkdir()
    (secrets / "SLACK_BOT_TOKEN").write_text("xoxb-from-secrets-dir\n")
    (secrets / "zendesk_eu_api_token").write_text("tok-eu-lower-case-name")  # Docker secrets are often lower case
    (project / "helpdesk-kpis.toml").write_text(
        '[connectors.zendesk.eu]\nsubdomain = "acme-eu"\nemail = "eu@acme.test"\n')
    monkeypatch.setenv("HELPDESK_KPIS_SECRETS_DIR", str(secrets))
    context = AppContext()
    assert context.settings().env.slack_bot_token.get_secret_value() == "xoxb-from-secrets-dir"
    (eu,) = context.connectors()
    assert eu.settings.api_token.get_secret_value() == "tok-eu-lower-case-name"


def test_the_environment_and_FILE_variables_come_before_the_secrets_directory(project, monkeypatch):
    secrets = project / "run-secrets"
    secrets.mkdir()
    (secrets / "SLACK_BOT_TOKEN").write_text("from-dir")
    (secrets / "SLACK_SIGNING_SECRET").write_text("from-dir")
    (project / "signing").write_text("from-file\n")
    monkeypatch.setenv("HELPDESK_KPIS_SECRETS_DIR", str(secrets))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "from-env")
    monkeypatch.setenv("SLACK_SIGNING_SECRET_FILE", str(project / "signing"))
    env = AppContext().settings().env
    assert env.slack_bot_token.get_secret_value() == "from-env"
    assert env.slack_signing_secret.get_secret_value() == "from-file"


def test_a_missing_secrets_directory_is_a_config_error(project, monkeypatch, capsys):
    monkeypatch.setenv("HELPDESK_KPIS_SECRETS_DIR", str(project / "nowhere"))
    code, _, err = run(capsys, "report")
    assert code == 2
    assert f"HELPDESK_KPIS_SECRETS_DIR: no folder at {project / 'nowhere'}" in err


def test_a_dotenv_readable_by_others_gets_a_one_line_warning(project, capsys):
    (project / ".env").write_text("SLACK_SIGNING_SECRET=abc\n")
    os.chmod(project / ".env", 0o644)
    (project / "helpdesk-kpis.toml").write_text('[connectors.sample.demo]\ntickets = 100\n')
    code, _, err = run(capsys, "config", "show")
    assert code == 0
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: .env holds secrets but other users can read or change it (mode 0644); "
                        "run: chmod 600 .env"]

    os.chmod(project / ".env", 0o600)
    _, _, err = run(capsys, "config", "show")
    assert "warning" not in err


def test_a_library_logging_a_registered_secret_has_it_masked_even_in_a_traceback(caplog):
    from helpdesk_kpis import redaction

    redaction.protect(["lib-SECRET-7777"], ["https://relay:url-SECRET-8888@proxy.internal/"])
    library = logging.getLogger("some.library")
    caplog.set_level(logging.DEBUG)
    library.debug("GET %s with %s", "https://relay:url-SECRET-8888@proxy.internal/x", "lib-SECRET-7777")
    try:
        raise ValueError("token lib-SECRET-7777 refused")
    except ValueError:
        library.exception("request failed")
    assert "GET https://relay:••••@proxy.internal/x with ••••" in caplog.text
    assert "token •••• refused" in caplog.text
    assert "SECRET" not in caplog.text
