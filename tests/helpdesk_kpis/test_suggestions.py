"""A misspelt team or command gets the nearest name suggested ("did you mean …?"), the way a
misspelt KPI key or TOML key does (tests/helpdesk_kpis/test_cli_conventions.py)."""

from __future__ import annotations

import pytest

from helpdesk_kpis.cli import main
from tests.helpdesk_kpis.sample_project import WINDOW


@pytest.mark.parametrize(
    ("args", "line"),
    [
        # The sample project configures one team, Billing: --team names the configured teams, as the digests do.
        (["report", "--team", "Suport", *WINDOW], "error: no team 'Suport'; teams: Billing"),
        (["report", "--by", "agent", "--team", "biling", *WINDOW],
         "error: no team 'biling'; did you mean 'Billing'?"),
        (["report", "--themes", "--team", "Biling", *WINDOW], "error: no team 'Biling'; did you mean 'Billing'?"),
        (["report", "--scorecard", "--team", "Biling", *WINDOW],
         "error: no team 'Biling'; did you mean 'Billing'?"),
        (["report", "--explain", "csat", "--by", "agent", "--team", "Biling", *WINDOW],
         "error: no team 'Biling'; did you mean 'Billing'?"),
        (["report", "--team", "Technical Support", *WINDOW],
         "error: the helpdesk team 'Technical Support' is in no [[teams]] entry, so it counts in the overall figures "
         "only; add it to [[teams]] to report on it (teams: Billing)"),
        (["digest", "--team", "Biling", "--dry-run"], "error: no digest for 'Biling'; did you mean 'Billing'?"),
        (["digest", "--team", "zzz", "--dry-run"], "error: no digest for 'zzz'; digests: Billing, overall"),
    ],
)
def test_a_misspelt_team_gets_the_nearest_one(sample_project, capsys, args, line):
    assert main(args) == 2
    assert capsys.readouterr().err.strip() == line


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [(["reprot"], "Did you mean 'report'"), (["config", "chek"], "Did you mean 'check'"),
     (["digets"], "Did you mean 'digest'"), (["report", "--tema", "Billing"], "(Possible options: --team, --themes, --to)")],
)
def test_a_misspelt_command_or_option_gets_the_nearest_one(sample_project, capsys, args, suggestion):
    assert main(args) == 2
    assert suggestion in capsys.readouterr().err


def test_a_misspelt_connector_gets_the_nearest_one_and_the_list(sample_project, capsys):
    known = "(known connectors: file, freshdesk, helpscout, intercom, sample, zendesk)"
    assert main(["sync", "--connector", "zendsk"]) == 2
    assert capsys.readouterr().err.strip() == f"error: unknown connector 'zendsk'; did you mean 'zendesk'? {known}"
    # The same name in the config file's section gets the same line.
    config = sample_project / "helpdesk-kpis.toml"
    config.write_text(config.read_text().replace("[connectors.sample.demo]", "[connectors.smaple.demo]"))
    assert main(["sync"]) == 2
    assert capsys.readouterr().err.strip() == f"error: unknown connector 'smaple'; did you mean 'sample'? {known}"
