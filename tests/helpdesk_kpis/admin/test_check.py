"""`config check` against a fake Zendesk and a fake Slack: each failure with its fix, exit 0 only
when everything passes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command

from kpis.store import Store
from kpis.store.migrate import _config as alembic_config
from tests.helpdesk_kpis.config_fixtures import (  # noqa: F401 - fixtures
    ZENDESK_TOKEN,
    clock,
    closed_port,
    project,
    run,
    slack,
    use_zendesk,
    zendesk,
    zendesk_account,
)
from tests.fakes.zendesk import FakeZendesk
from tests.fakes.slack.api import TOKEN, Scripted

MIGRATIONS = Path(__file__).resolve().parents[3] / "kpis" / "store" / "migrations" / "versions"

SLACK_CONFIG = """
[[teams]]
name = "Billing"
channel = "#kpi-billing"
leads = ["U0LEAD0001", "S0LEADS001"]

[digest]
leads_channel = "C0LEADS001"

[slash]
admins = ["U0ADMIN001"]
"""


def check(capsys, *extra: str) -> tuple[int, dict[str, dict]]:
    code, out, err = run(capsys, "config", "check", "--json", *extra)
    assert "Traceback" not in err
    return code, {row["name"]: row for row in json.loads(out)["checks"]}


def failed(rows: dict[str, dict]) -> dict[str, dict]:
    return {name: row for name, row in rows.items() if not row["ok"] and not row["skipped"]}


@pytest.fixture
def slack_ready(project, slack, monkeypatch):
    """A Slack config whose every channel, lead and admin exists and has the bot."""
    (project / "helpdesk-kpis.toml").write_text(SLACK_CONFIG)
    slack.users.update({"U0LEAD0001": "lead@acme.test", "U0ADMIN001": "boss@acme.test"})
    slack.groups["S0LEADS001"] = ["U0LEAD0001"]
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_API_URL", slack.base_url)
    return slack


# -- everything fine ---------------------------------------------------------------------------


def test_a_working_setup_passes_every_check_and_exits_0(project, zendesk, slack_ready, monkeypatch, capsys):
    use_zendesk(monkeypatch, zendesk)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "8f742231b10e8888abcd9900011185a5")
    Store.open(f"sqlite:///{project / 'kpis.db'}").close()
    code, rows = check(capsys)
    assert code == 0, failed(rows)
    assert rows["zendesk:default credentials"]["detail"] == f"admin@acme.test at {zendesk.url}"
    assert "admin" in rows["zendesk:default role"]["detail"]
    assert rows["zendesk:default CSAT"]["detail"].startswith("legacy CSAT")
    assert rows["Slack bot token"]["detail"] == "@kpi in the Fake Co workspace"
    assert rows["Slack scopes"]["ok"]
    assert rows["Slack channel #kpi-billing"]["detail"] == "@kpi is a member of #kpi-billing"
    assert rows["Slack channel C0LEADS001"]["detail"] == "@kpi is a member of #support-leads"
    assert rows["Slack lead of Billing U0LEAD0001"]["ok"] and rows["Slack lead of Billing S0LEADS001"]["ok"]
    assert rows["Slack admin U0ADMIN001"]["ok"]
    assert rows["store"]["ok"] and "schema up to date" in rows["store"]["detail"]
    # What a bot token cannot read is a reminder, with the manifest to compare against.
    surfaces = rows["Slack app surfaces"]
    assert surfaces["skipped"] and "Explain this" in surfaces["detail"] and "app_home_opened" in surfaces["detail"]
    assert surfaces["fix"].startswith("compare them with `helpdesk-kpis config manifest --http`")


def test_the_table_marks_each_row_and_prints_the_fix_under_a_failure(project, zendesk, monkeypatch, capsys):
    use_zendesk(monkeypatch, zendesk, token="wrong-token")
    code, out, _ = run(capsys, "config", "check")
    assert code == 1
    lines = out.splitlines()
    refused = next(i for i, line in enumerate(lines) if "zendesk:default credentials" in line)
    assert lines[refused].lstrip().startswith("✗")
    assert "fix: check ZENDESK_EMAIL and ZENDESK_API_TOKEN" in lines[refused + 1]
    assert any(line.lstrip().startswith("✓") and "store" in line for line in lines)
    assert "1 passed, 1 failed" in out


# -- Zendesk -----------------------------------------------------------------------------------


def test_a_refused_zendesk_token_names_the_variables_to_fix(project, zendesk, monkeypatch, capsys):
    use_zendesk(monkeypatch, zendesk, token="wrong-token")
    code, rows = check(capsys)
    assert code == 1
    row = rows["zendesk:default credentials"]
    assert not row["ok"] and "refused ZENDESK_EMAIL and ZENDESK_API_TOKEN" in row["detail"]
    assert row["fix"].startswith("check ZENDESK_EMAIL and ZENDESK_API_TOKEN")
    assert "zendesk:default role" not in rows  # nothing more can be known


def test_an_agents_token_fails_the_role_check_with_the_admin_fix(project, zendesk, monkeypatch, capsys):
    zendesk.admin = False
    use_zendesk(monkeypatch, zendesk)
    code, rows = check(capsys)
    assert code == 1
    assert rows["zendesk:default credentials"]["ok"]
    role = rows["zendesk:default role"]
    assert not role["ok"] and "may not read satisfaction ratings (403)" in role["detail"]
    assert role["fix"] == "set ZENDESK_EMAIL to an admin's email and ZENDESK_API_TOKEN to an API token"


@pytest.mark.parametrize(("csat", "expected"), [
    ("legacy", "legacy CSAT: good/bad satisfaction ratings"),
    ("new", "CSAT surveys: 1-5 survey responses"),
    ("both", "legacy ratings (good/bad) and CSAT surveys (1-5): both are synced"),
    ("none", "no CSAT survey in use: csat will stay empty until one is turned on"),
])
def test_the_csat_kind_the_account_uses_is_reported(project, clock, monkeypatch, capsys, csat, expected):
    with FakeZendesk(zendesk_account(clock, csat=csat), clock, token=ZENDESK_TOKEN) as server:
        use_zendesk(monkeypatch, server)
        code, rows = check(capsys)
    assert code == 0
    assert rows["zendesk:default CSAT"] == {"name": "zendesk:default CSAT", "ok": True, "skipped": False,
                                            "detail": expected, "fix": None}


def test_a_failing_zendesk_is_reported_after_one_retry_not_six(project, zendesk, clock, monkeypatch, capsys):
    zendesk.fail("502", "/users/me", times=10)
    use_zendesk(monkeypatch, zendesk)
    code, rows = check(capsys)
    assert code == 1
    row = rows["zendesk:default connection"]
    assert row["detail"] == "Zendesk default GET /api/v2/users/me.json answered 502 Bad Gateway, 2 attempts in a row"
    assert row["fix"] == f"check that {zendesk.url} (ZENDESK_URL) is right and reachable from here, then run again"
    assert len(zendesk.requests_to("/users/me")) == 2


def test_an_unreachable_zendesk_is_reported_with_its_address(project, monkeypatch, capsys, clock):
    monkeypatch.setenv("ZENDESK_SUBDOMAIN", "acme")
    monkeypatch.setenv("ZENDESK_URL", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("ZENDESK_EMAIL", "admin@acme.test")
    monkeypatch.setenv("ZENDESK_API_TOKEN", ZENDESK_TOKEN)
    code, rows = check(capsys)
    assert code == 1
    row = rows["zendesk:acme connection"]
    assert "connection dropped (ConnectionError)" in row["detail"]
    assert "(ZENDESK_URL) is right and reachable" in row["fix"]


def test_two_zendesk_accounts_are_checked_side_by_side(project, clock, monkeypatch, capsys):
    with (FakeZendesk(zendesk_account(clock), clock, token="tok-main-0001") as main_desk,
          FakeZendesk(zendesk_account(clock, subdomain="acme-eu", csat="new"), clock, email="eu@acme.test",
                      token="tok-eu-0002") as eu_desk):
        (project / "helpdesk-kpis.toml").write_text(
            f'[connectors.zendesk.acme]\nurl = "{main_desk.url}"\nemail = "admin@acme.test"\n\n'
            f'[connectors.zendesk.eu-brand]\nurl = "{eu_desk.url}"\nemail = "eu@acme.test"\n'
        )
        monkeypatch.setenv("ZENDESK_ACME_API_TOKEN", "tok-main-0001")
        monkeypatch.setenv("ZENDESK_EU_BRAND_API_TOKEN", "wrong")
        code, rows = check(capsys)
        assert code == 1
        assert rows["zendesk:acme credentials"]["ok"] and rows["zendesk:acme CSAT"]["detail"].startswith("legacy")
        assert rows["zendesk:eu-brand credentials"]["fix"].startswith(
            "check ZENDESK_EU_BRAND_EMAIL and ZENDESK_EU_BRAND_API_TOKEN")

        monkeypatch.setenv("ZENDESK_EU_BRAND_API_TOKEN", "tok-eu-0002")
        code, rows = check(capsys)
        assert code == 0, failed(rows)
        assert rows["zendesk:eu-brand CSAT"]["detail"].startswith("CSAT surveys")


def test_an_incomplete_instance_is_a_failed_row_and_the_other_checks_still_run(project, monkeypatch, capsys):
    (project / "helpdesk-kpis.toml").write_text('[connectors.zendesk.eu]\nsubdomain = "acme-eu"\n')
    code, rows = check(capsys)
    assert code == 1
    row = rows["zendesk:eu"]
    assert "ZENDESK_EU_EMAIL and ZENDESK_EU_API_TOKEN, or ZENDESK_EU_OAUTH_TOKEN" in row["detail"]
    assert rows["store"]["ok"]


def test_without_any_connector_the_check_fails_pointing_at_config_init(project, capsys):
    code, rows = check(capsys)
    assert code == 1
    assert rows["connectors"]["fix"].startswith("run `helpdesk-kpis config init`")
    assert rows["Slack"]["skipped"]  # nothing about Slack configured: nothing to check, nothing failed


# -- files and sample ---------------------------------------------------------------------------


def test_file_imports_are_checked_row_by_row(project, capsys):
    (project / "surveys.csv").write_text("kind,value,answered_at\nnps,9,2026-11-01\nnps,eleven,2026-11-02\n")
    (project / "accounts.csv").write_text("id,started_at\na1,2026-01-01\n")
    (project / "helpdesk-kpis.toml").write_text(
        '[connectors.file.crm]\nsurveys = "surveys.csv"\naccounts = "accounts.csv"\nretention_spend = "spend.csv"\n'
        '[connectors.sample.demo]\ntickets = 100\n'
    )
    code, rows = check(capsys)
    assert code == 1
    assert rows["file:crm accounts"] == {"name": "file:crm accounts", "ok": True, "skipped": False,
                                         "detail": "accounts.csv: 1 record, every row valid", "fix": None}
    surveys = rows["file:crm surveys"]
    assert not surveys["ok"] and surveys["detail"].startswith("surveys.csv: 1 bad row: line 3:")
    assert surveys["fix"] == "fix those rows, or set skip_bad_rows = true to import the rest"
    assert rows["file:crm retention_spend"]["detail"] == "no file at spend.csv"
    assert rows["sample:demo"]["detail"] == "nothing to check"


# -- Slack -------------------------------------------------------------------------------------


def test_a_refused_slack_token_says_where_to_copy_the_right_one(project, slack_ready, monkeypatch, capsys):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-revoked-0000")
    code, rows = check(capsys)
    assert code == 1
    row = rows["Slack bot token"]
    assert row["detail"] == "Slack refused SLACK_BOT_TOKEN (invalid_auth)"
    assert "Bot User OAuth Token (xoxb-...)" in row["fix"]
    assert not any(name.startswith("Slack channel") for name in rows)


def test_a_user_token_is_not_taken_for_the_bot_token(project, slack_ready, capsys):
    slack_ready.bot_token = False
    code, rows = check(capsys)
    assert code == 1
    assert "is a user token" in rows["Slack bot token"]["detail"]


def test_missing_scopes_are_named_with_what_needs_them(project, slack_ready, capsys):
    slack_ready.scopes = ("chat:write", "commands", "users:read", "users:read.email", "usergroups:read",
                          "channels:history", "groups:history", "im:write", "channels:read", "groups:read")
    code, rows = check(capsys)
    assert code == 1
    row = rows["Slack scopes"]
    assert row["detail"] == "missing 1 of the manifest's scopes: files:write (the chart in each digest's thread)"
    assert row["fix"].startswith("add files:write under OAuth & Permissions > Bot Token Scopes")
    assert row["fix"].endswith("then reinstall the app to the workspace")


def test_a_missing_scopes_header_is_a_failure_not_a_pass(project, slack_ready, capsys):
    slack_ready.scopes = None
    code, rows = check(capsys)
    assert code == 1
    assert rows["Slack scopes"]["detail"] == "Slack did not say which scopes the token has"


def test_each_channel_problem_gets_its_own_fix(project, slack_ready, capsys):
    slack_ready.add_channel("kpi-returns", "C0RETURNS1", member=False)
    slack_ready.add_channel("kpi-old", "C0OLD00001", archived=True)
    slack_ready.add_channel("kpi-private", "G0PRIVATE1", member=False, private=True)
    (project / "helpdesk-kpis.toml").write_text(
        '[[teams]]\nname = "Returns"\nchannel = "#kpi-returns"\n\n'
        '[[teams]]\nname = "Old"\nchannel = "C0OLD00001"\n\n'
        '[[teams]]\nname = "Private"\nchannel = "#kpi-private"\n\n'
        '[[teams]]\nname = "Typo"\nchannel = "C0NOSUCH01"\n'
    )
    code, rows = check(capsys)
    assert code == 1
    assert rows["Slack channel #kpi-returns"]["fix"] == "type /invite @kpi in #kpi-returns"
    assert rows["Slack channel C0OLD00001"]["detail"] == "#kpi-old is archived"
    # A private channel the bot is not in is invisible to it, as in Slack.
    assert rows["Slack channel #kpi-private"]["detail"] == "no channel named #kpi-private that the bot can see"
    assert rows["Slack channel C0NOSUCH01"]["detail"] == "Slack has no such channel that the bot can see"


def test_channels_by_name_are_found_across_list_pages(project, slack_ready, capsys):
    for number in range(7):
        slack_ready.add_channel(f"other-{number}", f"C0OTHER00{number}")
    slack_ready.add_channel("kpi-last", "C0LAST0001")
    slack_ready.list_page_cap = 3
    (project / "helpdesk-kpis.toml").write_text('[[teams]]\nname = "Last"\nchannel = "#kpi-last"\n')
    _, rows = check(capsys)
    assert rows["Slack channel #kpi-last"]["detail"] == "@kpi is a member of #kpi-last"
    assert len(slack_ready.method_calls("conversations.list")) == 4  # 10 channels, 3 a page


def test_unknown_or_deactivated_people_and_groups_are_reported(project, slack_ready, capsys):
    slack_ready.users.pop("U0ADMIN001")
    slack_ready.deactivated.add("U0LEAD0001")
    slack_ready.disabled_groups.add("S0LEADS001")
    code, rows = check(capsys)
    assert code == 1
    assert rows["Slack admin U0ADMIN001"]["detail"] == "no Slack member U0ADMIN001 in this workspace"
    assert "Copy member ID" in rows["Slack admin U0ADMIN001"]["fix"]
    assert rows["Slack lead of Billing U0LEAD0001"]["detail"] == "U0LEAD0001 (U0LEAD0001) is deactivated"
    assert rows["Slack lead of Billing S0LEADS001"]["detail"] == "the user group @s0leads001 is disabled"
    assert len(slack_ready.method_calls("usergroups.list")) == 1


def test_a_group_that_does_not_exist_is_reported(project, slack_ready, capsys):
    slack_ready.groups.clear()
    code, rows = check(capsys)
    assert code == 1
    assert rows["Slack lead of Billing S0LEADS001"]["detail"] == "no user group S0LEADS001 in this workspace"


def test_slack_failing_or_unreachable_is_reported_at_once(project, slack_ready, monkeypatch, capsys):
    slack_ready.script("auth.test", Scripted(500, {"ok": False, "error": "fatal_error"}))
    code, rows = check(capsys)
    assert code == 1
    assert rows["Slack bot token"]["detail"] == "Slack answered HTTP 500"
    assert len(slack_ready.method_calls("auth.test")) == 1

    monkeypatch.setenv("SLACK_API_URL", f"http://127.0.0.1:{closed_port()}/api/")
    code, rows = check(capsys)
    assert code == 1
    assert rows["Slack bot token"]["detail"].startswith("could not reach Slack at http://127.0.0.1:")
    assert "SLACK_API_URL" in rows["Slack bot token"]["fix"]


def test_channels_configured_without_a_token_fail_naming_the_variable(project, capsys):
    (project / "helpdesk-kpis.toml").write_text('[[teams]]\nname = "Billing"\nchannel = "#kpi-billing"\n')
    code, rows = check(capsys)
    assert code == 1
    assert rows["Slack bot token"]["detail"].startswith("SLACK_BOT_TOKEN is not set")


def test_a_malformed_signing_secret_fails(project, slack_ready, monkeypatch, capsys):
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "xoxb-not-a-signing-secret")
    code, rows = check(capsys)
    assert code == 1
    assert rows["Slack signing secret"]["detail"] == "SLACK_SIGNING_SECRET is not 32 hexadecimal characters"


# -- the store ---------------------------------------------------------------------------------


def test_a_store_not_created_yet_passes_and_is_not_created_by_the_check(project, slack_ready, capsys):
    code, rows = check(capsys)
    assert rows["store"]["ok"] and "not created yet" in rows["store"]["detail"]
    assert not (project / "kpis.db").exists()


def test_a_store_behind_this_release_is_reported_and_left_unmigrated(project, capsys):
    url = f"sqlite:///{project / 'kpis.db'}"
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as connection:
        config = alembic_config(connection)
        command.upgrade(config, "0001")
    engine.dispose()
    code, rows = check(capsys)
    assert code == 1
    newest = max(path.name[:4] for path in MIGRATIONS.glob("0*.py"))  # the release's newest migration
    assert rows["store"]["detail"].endswith(f"schema 0001, this release needs {newest}")
    assert rows["store"]["fix"].startswith("run `helpdesk-kpis sync`")
    with sqlite3.connect(project / "kpis.db") as db:
        assert db.execute("select version_num from alembic_version").fetchall() == [("0001",)]


def test_a_store_from_a_newer_release_is_reported(project, capsys):
    Store.open(f"sqlite:///{project / 'kpis.db'}").close()
    with sqlite3.connect(project / "kpis.db") as db:
        db.execute("update alembic_version set version_num = '0099'")
    code, rows = check(capsys)
    assert code == 1
    assert "written by a newer helpdesk-kpis (schema 0099)" in rows["store"]["detail"]
    assert rows["store"]["fix"] == "upgrade helpdesk-kpis, or point DATABASE_URL at another store"


def test_an_unreachable_postgres_store_is_reported_without_its_password(project, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://kpis:pg-pass-93xq@127.0.0.1:{closed_port()}/kpis")
    code, out, err = run(capsys, "config", "check", "--json")
    rows = {row["name"]: row for row in json.loads(out)["checks"]}
    assert code == 1
    assert rows["store"]["detail"].startswith(
        "cannot reach the PostgreSQL store postgresql+psycopg://kpis:***@127.0.0.1")
    assert "pg-pass-93xq" not in out + err
