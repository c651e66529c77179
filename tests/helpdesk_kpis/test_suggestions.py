"""A misspelt team or command gets the nearest name suggested ("did you mean …?"), the way a
misspelt KPI key or TOML key does (tests/helpdesk_kpis/test_cli_conventions.py)."""

from __future__ import annotations

import pytest

from helpdesk_kpis.cli import main
from tests.helpdesk_kpis.sample_project import WINDOW


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["report", "--team", "Suport", *WINDOW], "error: no team named 'Suport'; did you mean 'Technical Support'?"),
        (["report", "--by", "agent", "--team", "biling", *WINDOW],
         "error: no team named 'biling'; did you mean 'Billing'?"),
        (["report", "--themes", "--team", "Biling", *WINDOW], "error: no team 'Biling'; did you mean 'Billing'?"),
        (["report", "--scorecard", "--team", "Biling", *WINDOW],
         "error: no team named 'Biling'; did you mean 'Billing'?"),
        (["report", "--explain", "csat", "--by", "agent", "--team", "Biling", *WINDOW],
         "error: no team named 'Biling'; did you mean 'Billing'?"),
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
