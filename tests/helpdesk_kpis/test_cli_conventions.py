"""Command-line conventions a user expects of any tool: --version, python -m, shell completion."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from helpdesk_kpis.cli import main
from helpdesk_kpis.jobs.report import kpi_keys

ROOT = Path(__file__).resolve().parents[2]


def test_version_prints_the_installed_version_and_exits_0(capsys):
    code = main(["--version"])
    out, err = capsys.readouterr()
    assert code == 0
    assert out.strip() == f"helpdesk-kpis {version('helpdesk-kpis')}"
    assert err == ""


def test_python_dash_m_runs_the_same_command_line():
    done = subprocess.run([sys.executable, "-m", "helpdesk_kpis", "--version"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("helpdesk-kpis ")


def test_shell_completion_can_be_installed(capsys):
    main(["--help"])
    out = capsys.readouterr().out
    assert "--install-completion" in out
    assert "--show-completion" in out


@pytest.fixture
def empty_folder(tmp_path, monkeypatch):
    """A folder with no store, no config and none of the variables a developer's shell may hold."""
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "HELPDESK_KPIS_CONFIG", "HELPDESK_KPIS_SECRETS_DIR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.mark.parametrize("args", [["report"], ["report", "--by", "agent"], ["export", "tickets"]])
def test_a_command_that_reads_refuses_to_create_a_store(empty_folder, capsys, args):
    code = main(args)
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip() == "error: no store at helpdesk-kpis.db; run `helpdesk-kpis sync` first (or fix DATABASE_URL)"
    assert list(empty_folder.iterdir()) == []


def test_an_empty_postgres_database_is_not_taken_for_a_store(empty_folder, capsys, monkeypatch, postgres_url):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    code = main(["report"])
    err = capsys.readouterr().err
    assert code == 1
    assert "no store at postgresql+psycopg://" in err and "run `helpdesk-kpis sync` first" in err


def test_env_example_copied_to_env_works_as_is(empty_folder, capsys):
    (empty_folder / ".env").write_text((ROOT / ".env.example").read_text())
    (empty_folder / ".env").chmod(0o600)
    code = main(["config", "show"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "error" not in err


@pytest.mark.parametrize(
    ("value", "expected"),
    [("frt,sla", ["first_reply_time_median", "first_reply_sla_rate"]), ("csat, backlog", ["csat", "backlog"])],
)
def test_kpi_takes_a_comma_separated_list(value, expected):
    assert kpi_keys([value]) == expected
    assert kpi_keys([value, "fcr"]) == [*expected, "fcr_rate"]


def test_an_unknown_kpi_suggests_the_nearest_key_or_lists_them_all(empty_folder, capsys):
    assert main(["report", "--kpi", "csta"]) == 2
    assert capsys.readouterr().err.strip() == "error: unknown KPI 'csta'; did you mean csat?"
    assert main(["report", "--kpi", "bogus"]) == 2
    err = capsys.readouterr().err
    assert "known KPIs: tickets_created, tickets_solved," in err and "first_reply_sla_rate" in err


def _commands(command, path=()):  # noqa: ANN001, ANN202 - the CLI library's command objects
    yield path
    if hasattr(command, "list_commands"):
        context = type(command).context_class(command)
        for name in command.list_commands(context):
            yield from _commands(command.get_command(context, name), (*path, name))


def test_no_help_text_loses_its_brackets(capsys):
    import typer.main

    from helpdesk_kpis.cli import app

    seen = {}
    for path in _commands(typer.main.get_command(app)):
        main([*path, "--help"])
        seen[" ".join(path)] = capsys.readouterr().out
    assert {"sync", "serve", "config init", "report"} <= set(seen)
    for name, text in seen.items():
        assert "[]" not in text, f"{name} --help swallowed a bracketed name"
        assert "(default:  " not in text, f"{name} --help lost a [section] name"
        for type_name in ("<str>", "<int", "<path>", "<bool>", "<list["):
            assert type_name not in text, f"{name} --help shows a type name as a metavar: {type_name}"
    assert "[[alerts]]" in seen["sync"]
    assert "[server] port" in seen["serve"]
    assert "--since DATE" in seen["sync"] and "--team TEAM" in seen["report"] and "--kpi KEY" in seen["report"]
    assert "--zendesk-api-token TOKEN" in seen["config init"]


def test_the_no_rules_message_names_the_toml_table(empty_folder, capsys):
    assert main(["alerts", "--dry-run"]) == 0
    assert "add [[alerts]] to the config" in capsys.readouterr().out


def test_digest_takes_the_date_words_report_takes(empty_folder, capsys):
    assert main(["digest", "--date", "fortnight"]) == 2
    assert "one of today, yesterday, last-week, this-month, last-month" in capsys.readouterr().err
    main(["digest", "--date", "yesterday", "--dry-run"])
    assert "is not a date" not in capsys.readouterr().err


def test_alerts_json_without_rules_is_still_json(empty_folder, capsys):
    assert main(["alerts", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"version": version("helpdesk-kpis"), "alerts": []}


def test_config_init_names_each_variable_once(capsys):
    main(["config", "init", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for variable in ("FRESHDESK_API_KEY", "HELPSCOUT_APP_ID", "HELPSCOUT_APP_SECRET", "INTERCOM_ACCESS_TOKEN",
                     "ZENDESK_API_TOKEN", "SLACK_BOT_TOKEN"):
        assert out.count(variable) == 1, variable


def test_global_options_work_after_the_subcommand_too(empty_folder, capsys):
    (empty_folder / "other.toml").write_text('[reporting]\ntimezone = "Asia/Tokyo"\n')
    for args in (["config", "show", "--config", "other.toml"], ["--config", "other.toml", "config", "show"],
                 ["config", "show", "--config=other.toml"]):
        assert main(args) == 0, args
        out = capsys.readouterr().out
        assert "Asia/Tokyo" in out, args
    # --log-level sets up this process's logging for good: a process of its own.
    done = subprocess.run([sys.executable, "-m", "helpdesk_kpis", "config", "show", "--json", "--log-level",
                           "warning"], capture_output=True, text=True, timeout=120, cwd=empty_folder)
    assert done.returncode == 0, done.stderr
    json.loads(done.stdout)


@pytest.mark.parametrize(
    ("toml", "line"),
    [
        ('[reporting]\ntimezon = "UTC"\n',
         "error: helpdesk-kpis.toml: reporting.timezon: Extra inputs are not permitted; did you mean 'timezone'?"),
        ('[digest]\nleads_chanel = "#leads"\n',
         "error: helpdesk-kpis.toml: digest.leads_chanel: Extra inputs are not permitted; did you mean "
         "'leads_channel'?"),
        ('[reportin]\ntimezone = "UTC"\n',
         "error: helpdesk-kpis.toml: reportin: Extra inputs are not permitted; did you mean 'reporting'?"),
        ('[[teams]]\nname = "Billing"\nchannel = "#billing"\nleeds = ["U0ANN"]\n',
         "error: helpdesk-kpis.toml: teams.Billing.leeds: Extra inputs are not permitted; did you mean 'leads'?"),
        ('[reporting]\nzzz = 1\n', "error: helpdesk-kpis.toml: reporting.zzz: Extra inputs are not permitted"),
    ],
)
def test_an_unknown_toml_key_gets_the_nearest_known_one(empty_folder, capsys, toml, line):
    (empty_folder / "helpdesk-kpis.toml").write_text(toml)
    assert main(["config", "show"]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == line


def test_config_manifest_prints_the_app_the_configuration_needs(empty_folder, capsys):
    import yaml

    assert main(["config", "manifest"]) == 0
    http = yaml.safe_load(capsys.readouterr().out)
    assert http["settings"]["socket_mode_enabled"] is False
    assert http["features"]["slash_commands"][0]["command"] == "/kpi"
    (empty_folder / "helpdesk-kpis.toml").write_text("[slack]\nsocket_mode = true\n")
    assert main(["config", "manifest"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["settings"]["socket_mode_enabled"] is True
    assert main(["config", "manifest", "--http"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["settings"]["socket_mode_enabled"] is False


def test_the_manifests_are_in_the_package():
    from importlib.resources import files

    assert files("notifiers.manifests").joinpath("slack-app-manifest.yml").is_file()
    assert files("notifiers.manifests").joinpath("slack-app-manifest-socket-mode.yml").is_file()


def test_no_message_loses_its_brackets(sample_project, capsys, no_swallowed_brackets):
    """Data and message texts with brackets, through every printing path: tables, digest and alert
    panels, check results, the /kpi usage text as a preview renders it (the guard in conftest.py
    parses every string rendered with markup; here the brackets are also looked for in the output)."""
    import re

    from rich.console import Console

    from helpdesk_kpis.admin.check import print_results
    from helpdesk_kpis.jobs.preview import message_panel
    from kpis.check_result import CheckResult
    from notifiers.slash.vocabulary import HELP

    config = sample_project / "helpdesk-kpis.toml"
    config.write_text(config.read_text().replace('name = "Billing"',
                                                 'name = "Billing [eu]"\nsources = ["sample:demo:360001"]'))
    window = ["--from", "2026-11-10", "--to", "2026-11-16"]
    for args in (["digest", "--date", "2026-11-16", "--dry-run"], ["alerts", "--dry-run"]):
        assert main(args) == 0, args
        out = " ".join(capsys.readouterr().out.split())
        assert "Billing [eu] KPIs" in out or "CSAT for Billing [eu] is below" in out, f"{' '.join(args)} lost the team's bracketed name"
    for args in (["report", *window], ["report", "--by", "agent", *window], ["report", "--scorecard", *window],
                 ["report", "--themes", "--team", "Billing [eu]", *window], ["sync", "--no-alerts"]):
        assert main(args) == 0, args  # tables of the helpdesk's names and numbers: the guard checks every cell
    capsys.readouterr()
    assert main(["config", "show"]) == 0  # every setting's cell: the guard checks them
    capsys.readouterr()

    console = Console(width=200, record=True)
    usage = {"text": HELP, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": HELP}}]}
    console.print(message_panel(usage, channel="#[eu] support"))
    print_results([CheckResult("Slack [eu]", ok=False, detail="no [slack] section",
                               fix="add [[teams]] with channel; invite the bot: /invite @kpi")], console)
    shown = console.export_text()
    for bracketed in {*re.findall(r"\[[^\]\n]*\]", HELP), "#[eu] support", "Slack [eu]", "no [slack] section",
                      "add [[teams]] with channel"}:
        assert bracketed in shown, bracketed
    assert no_swallowed_brackets == []
