"""`config init`: driven by flags (scripts) and through its prompts, against a fake Zendesk and Slack."""

from __future__ import annotations

import json
import os
import stat
import tomllib

from dotenv import dotenv_values
from typer.testing import CliRunner

from helpdesk_kpis.cli import main
from tests.fakes.slack.api import TOKEN as SLACK_TOKEN
from tests.fakes.slack.socket_mode import APP_TOKEN, FakeSocketMode
from tests.fakes.zendesk import FakeZendesk
from tests.helpdesk_kpis.config_fixtures import (  # noqa: F401 - fixtures
    ZENDESK_EMAIL,
    ZENDESK_TOKEN,
    clock,
    project,
    run,
    slack,
    use_zendesk,
    zendesk,
    zendesk_account,
)

SIGNING_SECRET = "8f742231b10e8888abcd9900011185a5"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def toml(project) -> dict:
    return tomllib.loads((project / "helpdesk-kpis.toml").read_text())


def scripted(capsys, *args: str) -> tuple[int, str, str]:
    return run(capsys, "config", "init", "--no-input", *args)


def interact(answers: list[str], *args: str) -> tuple[int, str]:
    """Run ``config init`` answering its prompts in order, as a person at a terminal would."""
    with CliRunner().isolation(input="\n".join(answers) + "\n") as (_, _, output):
        code = main(["config", "init", *args])
        return code, output.getvalue().decode()


# -- through flags, for scripts ----------------------------------------------------------------


def test_flags_and_variables_write_a_config_that_then_checks_clean(project, zendesk, slack, monkeypatch, capsys):
    monkeypatch.setenv("ZENDESK_API_TOKEN", ZENDESK_TOKEN)  # the secret from the environment, not argv
    monkeypatch.setenv("SLACK_BOT_TOKEN", SLACK_TOKEN)
    code, out, err = scripted(
        capsys, "--zendesk-url", zendesk.url, "--zendesk-email", ZENDESK_EMAIL, "--zendesk-instance", "acme",
        "--slack-api-url", slack.base_url, "--slack-signing-secret", SIGNING_SECRET,
        "--timezone", "Europe/Berlin", "--leads-channel", "#support-leads", "--channel-prefix", "support-",
    )
    assert code == 0, err
    config = toml(project)
    assert config["reporting"] == {"timezone": "Europe/Berlin"}
    assert config["connectors"] == {"zendesk": {"acme": {"url": zendesk.url, "email": ZENDESK_EMAIL}}}
    groups = {g["name"]: g["id"] for g in zendesk.account.groups.values()}
    assert config["teams"] == [
        {"name": "Billing", "channel": "#support-billing", "sources": [f"zendesk:acme:{groups['Billing']}"]},
        {"name": "Returns", "channel": "#support-returns", "sources": [f"zendesk:acme:{groups['Returns']}"]},
        {"name": "Technical", "channel": "#support-technical", "sources": [f"zendesk:acme:{groups['Technical']}"]},
    ]
    assert config["digest"] == {"leads_channel": "#support-leads"}
    assert dotenv_values(project / ".env") == {
        "ZENDESK_ACME_API_TOKEN": ZENDESK_TOKEN, "SLACK_BOT_TOKEN": SLACK_TOKEN,
        "SLACK_API_URL": slack.base_url, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    }
    assert mode(project / ".env") == 0o600
    assert "Next: invite @kpi to #support-billing, #support-returns, #support-technical, #support-leads" in out
    for secret in (ZENDESK_TOKEN, SLACK_TOKEN, SIGNING_SECRET):
        assert secret not in out + err

    # What init wrote is the whole configuration: with nothing in the environment, config check
    # finds the helpdesk and Slack working (the channels wait for the bot's invitation).
    for name in ("ZENDESK_API_TOKEN", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name)
    slack.add_channel("support-billing", "C0SUPBILL1")
    code, out, _ = run(capsys, "config", "check", "--json")
    rows = {row["name"]: row for row in json.loads(out)["checks"]}
    assert rows["zendesk:acme credentials"]["ok"] and rows["Slack bot token"]["ok"]
    assert rows["Slack channel #support-billing"]["ok"]
    assert not rows["Slack channel #support-returns"]["ok"]


def test_a_refused_credential_writes_nothing_and_exits_2(project, zendesk, capsys, monkeypatch):
    monkeypatch.setenv("ZENDESK_API_TOKEN", "zd-wrong-token-123456")
    code, out, err = scripted(capsys, "--zendesk-url", zendesk.url, "--zendesk-email", ZENDESK_EMAIL)
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("error: zendesk:default credentials:")
    assert "check ZENDESK_EMAIL and ZENDESK_API_TOKEN" in lines[0] and lines[0].endswith("nothing written")
    assert not (project / "helpdesk-kpis.toml").exists() and not (project / ".env").exists()
    assert "zd-wrong-token-123456" not in out + err


def test_a_refused_slack_token_writes_nothing(project, zendesk, slack, capsys, monkeypatch):
    use_zendesk(monkeypatch, zendesk)
    code, out, err = scripted(capsys, "--slack-bot-token", "xoxb-revoked-000011112222",
                              "--slack-api-url", slack.base_url)
    assert code == 2
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in err
    assert not (project / ".env").exists()
    assert "xoxb-revoked-000011112222" not in out + err


def test_an_app_token_turns_on_socket_mode_and_passes_config_check(project, zendesk, slack, capsys, monkeypatch):
    use_zendesk(monkeypatch, zendesk)
    with FakeSocketMode() as socket:
        slack.socket_mode = socket
        code, out, err = scripted(capsys, "--slack-bot-token", SLACK_TOKEN, "--slack-api-url", slack.base_url,
                                  "--slack-app-token", APP_TOKEN, "--no-teams")
        assert code == 0, err
        assert toml(project)["slack"] == {"socket_mode": True}
        assert dotenv_values(project / ".env")["SLACK_APP_TOKEN"] == APP_TOKEN
        assert APP_TOKEN not in out + err
        code, out, _ = run(capsys, "config", "check", "--json")
    rows = {row["name"]: row for row in json.loads(out)["checks"]}
    assert rows["Slack app token (Socket Mode)"] == {
        "name": "Slack app token (Socket Mode)", "ok": True, "skipped": False, "detail": "opens Socket Mode connections",
        "fix": None,
    }


def test_a_refused_app_token_writes_nothing(project, zendesk, slack, capsys, monkeypatch):
    use_zendesk(monkeypatch, zendesk)
    with FakeSocketMode() as socket:
        slack.socket_mode = socket
        code, out, err = scripted(capsys, "--slack-bot-token", SLACK_TOKEN, "--slack-api-url", slack.base_url,
                                  "--slack-app-token", "xapp-1-A0FAKE-1-revoked", "--no-teams")
    assert code == 2
    assert "Slack refused SLACK_APP_TOKEN (invalid_auth)" in err
    assert "connections:write" in err
    assert not (project / ".env").exists()
    assert "revoked" not in out + err


def test_no_helpdesk_named_is_a_usage_error(project, capsys):
    code, _, err = scripted(capsys)
    assert code == 2
    assert "name a helpdesk account, e.g. --zendesk-subdomain acme" in err


def test_existing_files_are_kept_unless_forced_and_other_variables_survive(project, zendesk, monkeypatch, capsys):
    use_zendesk(monkeypatch, zendesk)
    (project / "helpdesk-kpis.toml").write_text("# mine\n")
    (project / ".env").write_text("DATABASE_URL=sqlite:///mine.db\nZENDESK_DEFAULT_API_TOKEN=old\n")
    os.chmod(project / ".env", 0o644)
    code, _, err = scripted(capsys, "--no-teams")
    assert code == 2
    assert "helpdesk-kpis.toml exists; nothing written. Run with --force to replace it" in err
    assert (project / "helpdesk-kpis.toml").read_text() == "# mine\n"

    code, _, err = scripted(capsys, "--no-teams", "--force")
    assert code == 0, err
    assert "teams" not in toml(project)
    assert dotenv_values(project / ".env") == {"ZENDESK_DEFAULT_API_TOKEN": ZENDESK_TOKEN,
                                               "DATABASE_URL": "sqlite:///mine.db"}
    assert mode(project / ".env") == 0o600  # a new file, private from the start, not the old one's mode


def test_the_env_file_is_private_whatever_the_umask(project, zendesk, monkeypatch, capsys):
    use_zendesk(monkeypatch, zendesk)
    old = os.umask(0)
    try:
        code, _, err = scripted(capsys, "--no-teams")
    finally:
        os.umask(old)
    assert code == 0, err
    assert mode(project / ".env") == 0o600
    assert not list(project.glob(".*.tmp"))


def test_a_secret_with_quotes_round_trips_through_the_env_file(project, zendesk, monkeypatch, capsys):
    zendesk.token = "it's \"quoted\" \\ token"
    use_zendesk(monkeypatch, zendesk, token=zendesk.token)
    code, _, err = scripted(capsys, "--no-teams")
    assert code == 0, err
    assert dotenv_values(project / ".env")["ZENDESK_DEFAULT_API_TOKEN"] == "it's \"quoted\" \\ token"


# -- through its prompts -----------------------------------------------------------------------


def test_the_prompts_never_echo_a_secret_and_retry_a_refused_token(project, zendesk, slack, monkeypatch):
    code, out = interact(
        [
            "Europe/Berlin",         # reporting time zone
            ZENDESK_EMAIL,           # email (the URL came from --zendesk-url)
            "zd-typo-token-000000",  # API token: refused
            "",                      # enter them again? yes
            "",                      # URL, kept
            "",                      # email, kept
            ZENDESK_TOKEN,           # API token
            "n",                     # another helpdesk account? no
            SLACK_TOKEN,             # Slack bot token
            SIGNING_SECRET,          # signing secret
            "",                      # Socket Mode app token: none, /kpi over HTTP
            "",                      # Billing: the proposed #kpi-billing
            "-",                     # Returns: left out
            "kpi-tech",              # Technical: #kpi-tech
            "#support-leads",        # leads' channel
            "",                      # leads of Billing: none
            "",                      # leads of Technical: none
            "",                      # admins: none
        ],
        "--zendesk-url", zendesk.url, "--slack-api-url", slack.base_url,
    )
    assert code == 0, out
    for secret in (ZENDESK_TOKEN, "zd-typo-token-000000", SLACK_TOKEN, SIGNING_SECRET):
        assert secret not in out
    assert "refused ZENDESK_EMAIL and ZENDESK_API_TOKEN" in out
    config = toml(project)
    teams = [(t["name"], t["channel"]) for t in config["teams"]]
    assert teams == [("Billing", "#kpi-billing"), ("Technical", "#kpi-tech")]
    assert config["reporting"]["timezone"] == "Europe/Berlin"
    env = dotenv_values(project / ".env")
    assert env["ZENDESK_DEFAULT_API_TOKEN"] == ZENDESK_TOKEN and env["SLACK_SIGNING_SECRET"] == SIGNING_SECRET


def test_a_second_account_is_added_through_the_prompts_and_same_named_teams_merge(project, clock, zendesk, slack):
    eu_account = zendesk_account(clock, subdomain="acme-eu")
    with FakeZendesk(eu_account, clock, email="eu@acme.test", token="zd-eu-token-42") as eu:
        code, out = interact(
            [
                "",                 # UTC
                "",                 # URL given: nothing asked but the email...
                ZENDESK_EMAIL,
                ZENDESK_TOKEN,
                "y",                # another helpdesk account
                "",                 # of the same helpdesk (Zendesk)
                eu.url,             # subdomain, or the full URL
                "eu@acme.test",
                "zd-eu-token-42",
                "eu-brand",         # its name (the first is already "default")
                "n",                # no third
                "",                 # skip Slack
                "", "", "",         # channels of Billing, Returns, Technical
                "",                 # no leads' channel
            ],
            "--zendesk-url", zendesk.url,
        )
    assert code == 0, out
    config = toml(project)
    assert config["connectors"]["zendesk"] == {
        "default": {"url": zendesk.url, "email": ZENDESK_EMAIL},
        "eu-brand": {"url": eu.url, "email": "eu@acme.test"},
    }
    billing = next(t for t in config["teams"] if t["name"] == "Billing")
    assert [s.split(":")[1] for s in billing["sources"]] == ["default", "eu-brand"]
    env = dotenv_values(project / ".env")
    assert env == {"ZENDESK_DEFAULT_API_TOKEN": ZENDESK_TOKEN, "ZENDESK_EU_BRAND_API_TOKEN": "zd-eu-token-42"}
    assert "Slack skipped" in out


def test_declining_to_replace_an_existing_file_writes_nothing(project, zendesk, monkeypatch):
    (project / ".env").write_text("SLACK_BOT_TOKEN=keep-me\n")
    code, out = interact(["n"], "--zendesk-url", zendesk.url)
    assert code == 1
    assert ".env exists. Replace it?" in out and "Nothing written; .env is unchanged." in out
    assert (project / ".env").read_text() == "SLACK_BOT_TOKEN=keep-me\n"
    assert not (project / "helpdesk-kpis.toml").exists()


def test_an_unknown_time_zone_is_asked_again(project, zendesk, monkeypatch):
    use_zendesk(monkeypatch, zendesk)
    code, out = interact(["Mars/Olympus", "Asia/Tokyo", "n", "", "", "", "", ""])
    assert code == 0, out
    assert "use an IANA name such as Europe/Berlin or UTC" in out
    assert toml(project)["reporting"]["timezone"] == "Asia/Tokyo"


# -- a failed check keeps every answer: re-enter, skip, or save unverified -------------------------


def test_a_refused_account_can_be_saved_unverified_and_config_check_says_so(project, zendesk, monkeypatch, capsys):
    code, out = interact(
        [
            "UTC",                   # reporting time zone
            ZENDESK_EMAIL,           # email
            "zd-typo-token-000000",  # API token: refused
            "u",                     # save it unverified
            "n",                     # another helpdesk account? no
            "",                      # Slack bot token: skip Slack
            "",                      # leads' channel: none
        ],
        "--zendesk-url", zendesk.url,
    )
    assert code == 0, out
    assert "saved unverified" in out and "zd-typo-token-000000" not in out
    text = (project / "helpdesk-kpis.toml").read_text()
    assert "# saved unverified by config init on" in text and "refused" in text
    assert toml(project)["connectors"]["zendesk"]["default"]["url"] == zendesk.url
    assert dotenv_values(project / ".env")["ZENDESK_DEFAULT_API_TOKEN"] == "zd-typo-token-000000"
    code, out, _ = run(capsys, "config", "check")
    assert code == 1  # the token is still refused
    assert "saved unverified" in out and "delete this comment" in out


def test_a_refused_account_can_be_skipped_and_the_rest_is_written(project, zendesk, slack, monkeypatch):
    code, out = interact(
        [
            "UTC",
            ZENDESK_EMAIL,
            "zd-typo-token-000000",  # refused
            "s",                     # skip this account
            "n",                     # another helpdesk account? no
            SLACK_TOKEN,             # Slack works
            SIGNING_SECRET,
            "",                      # no Socket Mode
            "",                      # leads' channel: none
            "",                      # admins: none
        ],
        "--zendesk-url", zendesk.url, "--slack-api-url", slack.base_url,
    )
    assert code == 0, out
    assert "connectors" not in toml(project)
    env = dotenv_values(project / ".env")
    assert env["SLACK_BOT_TOKEN"] == SLACK_TOKEN and "ZENDESK_DEFAULT_API_TOKEN" not in env


def test_a_refused_slack_token_can_be_skipped_or_saved_unverified(project, zendesk, slack, monkeypatch):
    use_zendesk(monkeypatch, zendesk)
    answers = ["UTC", "n", "xoxb-revoked-000011112222"]
    code, out = interact([*answers, "s", "", "", "", ""], "--slack-api-url", slack.base_url)
    assert code == 0, out
    assert "SLACK_BOT_TOKEN" not in dotenv_values(project / ".env")
    code, out = interact([*answers, "u", SIGNING_SECRET, "", "", "", "", ""], "--slack-api-url", slack.base_url,
                         "--force")
    assert code == 0, out
    assert dotenv_values(project / ".env")["SLACK_BOT_TOKEN"] == "xoxb-revoked-000011112222"
    assert "# Slack: saved unverified by config init on" in (project / "helpdesk-kpis.toml").read_text()


def test_save_unverified_lets_a_script_keep_a_refused_credential(project, zendesk, capsys, monkeypatch):
    monkeypatch.setenv("ZENDESK_API_TOKEN", "zd-wrong-token-123456")
    code, out, err = scripted(capsys, "--zendesk-url", zendesk.url, "--zendesk-email", ZENDESK_EMAIL,
                              "--save-unverified")
    assert code == 0, err
    assert "# saved unverified by config init on" in (project / "helpdesk-kpis.toml").read_text()
    assert "zd-wrong-token-123456" not in out + err


def test_leads_and_admins_are_asked_resolved_to_slack_ids_and_written(project, zendesk, slack, monkeypatch):
    use_zendesk(monkeypatch, zendesk)
    slack.users.update({"U0ANN": "ann@acme.test", "U0BOB": "bob@acme.test"})
    slack.groups["S0ADMINS"] = ["U0BOB"]
    code, out = interact(
        [
            "UTC", "n", SLACK_TOKEN, SIGNING_SECRET, "",
            "", "-", "-",                         # channels: Billing proposed; Returns and Technical left out
            "",                                   # leads' channel: none
            "nobody@acme.test",                   # leads of Billing: unknown, asked again
            "ann@acme.test, U0CAROL",             # leads of Billing
            "billing-leads",                      # Billing's leads-only channel, for agent alerts
            "@s0admins",                          # admins: a user group by its handle
        ],
        "--slack-api-url", slack.base_url,
    )
    assert code == 0, out
    assert "not found in Slack: nobody@acme.test" in out
    config = toml(project)
    assert [(t["name"], t["leads"]) for t in config["teams"]] == [("Billing", ["U0ANN", "U0CAROL"])]
    assert config["teams"][0]["leads_channel"] == "#billing-leads"
    assert config["slash"]["admins"] == ["S0ADMINS"]
    assert "invite @" in out and "#kpi-billing, #billing-leads" in out


def test_a_team_with_leads_may_keep_direct_messages_for_agent_alerts(project, zendesk, slack, monkeypatch):
    use_zendesk(monkeypatch, zendesk)
    slack.users["U0ANN"] = "ann@acme.test"
    code, out = interact(
        ["UTC", "n", SLACK_TOKEN, SIGNING_SECRET, "", "", "-", "-", "",
         "ann@acme.test",                         # leads of Billing
         "",                                      # leads-only channel: none, direct messages
         ""],                                     # admins: none
        "--slack-api-url", slack.base_url,
    )
    assert code == 0, out
    [billing] = toml(project)["teams"]
    assert billing["leads"] == ["U0ANN"] and "leads_channel" not in billing


def test_admins_by_flag_for_scripts(project, zendesk, slack, capsys, monkeypatch):
    use_zendesk(monkeypatch, zendesk)
    slack.users["U0ANN"] = "ann@acme.test"
    code, _, err = scripted(capsys, "--slack-bot-token", SLACK_TOKEN, "--slack-api-url", slack.base_url,
                            "--admins", "ann@acme.test")
    assert code == 0, err
    assert toml(project)["slash"]["admins"] == ["U0ANN"]
    code, _, err = scripted(capsys, "--slack-bot-token", SLACK_TOKEN, "--slack-api-url", slack.base_url,
                            "--admins", "ghost@acme.test", "--force")
    assert code == 2 and "--admins: no Slack user or user group ghost@acme.test" in err
