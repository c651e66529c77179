"""Every ``--team`` names the team the digests name: a ``[[teams]]`` entry whose name differs from
its helpdesk group's ("Money" covering the sample helpdesk's Billing group) answers `report`,
`--scorecard`, `--explain` and `--themes` with the numbers of the "Money" digest."""

from __future__ import annotations

import json

import pytest

from helpdesk_kpis.cli import main
from tests.helpdesk_kpis.sample_project import WINDOW

#: The sample helpdesk's Billing group (tests/helpdesk_kpis/test_cli_conventions.py names it so too).
BILLING_GROUP = "sample:demo:360001"


@pytest.fixture
def money(sample_project):
    config = sample_project / "helpdesk-kpis.toml"
    config.write_text(config.read_text().replace('name = "Billing"', f'name = "Money"\nsources = ["{BILLING_GROUP}"]'))
    return sample_project


def run_json(capsys, *args):
    assert main([*args, "--format", "json"]) == 0, args
    return json.loads(capsys.readouterr().out)


def test_report_team_is_the_configured_team_with_the_digests_numbers(money, capsys):
    assert main(["digest", "--date", "2026-11-16", "--team", "Money", "--json"]) == 0
    [digest] = json.loads(capsys.readouterr().out)["digests"]
    text = digest["message"]["text"]
    assert text.startswith("Money KPIs for 10–16 Nov 2026")
    # Counted by hand with SQL on the synced store's tickets of group 360001: 34 created 10-16 Nov
    # (31 of them with a first reply, the 16th of those 31 replies sorted: 145 minutes, 2.4 h), 32 solved.
    assert "Created 34 " in text and "Solved 32 " in text and "First reply (median) 2.4h (n=31," in text

    [row] = run_json(capsys, "report", "--team", "Money", *WINDOW)["rows"]
    assert row["name"] == "Money"
    metrics = row["metrics"]
    assert metrics["tickets_created"]["value"] == 34
    assert metrics["tickets_solved"]["value"] == 32
    assert metrics["first_reply_time_median"]["value"] == 145.0 and metrics["first_reply_time_median"]["n"] == 31

    # Without --team, the team rows are the configured teams too (Billing's tickets under "Money").
    assert [r["name"] for r in run_json(capsys, "report", "--by", "team", *WINDOW)["rows"]] == ["Money"]


def test_agent_views_of_a_configured_team(money, capsys):
    agents = run_json(capsys, "report", "--by", "agent", "--team", "Money", *WINDOW)["rows"]
    assert agents and {r["team"] for r in agents} == {"Money"}
    cards = run_json(capsys, "report", "--scorecard", "--team", "money", *WINDOW)["scorecards"]
    assert cards and {c["team"] for c in cards} == {"Money"}
    explained = run_json(capsys, "report", "--explain", "created", "--by", "agent", "--team", "Money", *WINDOW)
    assert explained["value"] == 34  # the digest's "Created 34"
    themes = run_json(capsys, "report", "--themes", "--team", "Money", *WINDOW)
    assert themes["team"] == "Money"


def test_the_helpdesk_name_of_a_configured_team_says_what_to_use(money, capsys):
    assert main(["report", "--team", "Billing", *WINDOW]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: the helpdesk team 'Billing' is in no [[teams]] entry, so it counts in the overall figures only; "
        "add it to [[teams]] to report on it (teams: Money)")
    assert main(["report", "--scorecard", "--team", "Mony", *WINDOW]) == 2
    assert capsys.readouterr().err.strip() == "error: no team 'Mony'; did you mean 'Money'?"


def test_without_teams_configured_the_helpdesk_teams_answer(sample_project, capsys):
    config = sample_project / "helpdesk-kpis.toml"
    # No [[teams]] (and no alert rule, which would need a team's channel to post in).
    config.write_text(config.read_text().split("[[teams]]")[0])
    [row] = run_json(capsys, "report", "--team", "Billing", *WINDOW)["rows"]
    assert row["name"] == "Billing" and row["metrics"]["tickets_created"]["value"] == 34
    assert main(["report", "--team", "Biling", *WINDOW]) == 2
    assert capsys.readouterr().err.strip() == "error: no team 'Biling'; did you mean 'Billing'?"
