"""The `helpdesk-kpis report` command line that gives the whole of what a Slack message shows in part.

A list cut to fit Slack (:mod:`notifiers.fitting`) points to it; the days are written out
(``--from``/``--to``) so that the command gives the same window tomorrow as today.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from datetime import timedelta

from kpis.catalogue import KPIS, Kind
from kpis.results import ScopeRow
from kpis.windows import Window

#: A team name longer than this is left out of a command line (which then lists every team).
MAX_TEAM_IN_COMMAND = 60


def report_command(
    window: Window, *, by: str, team: str | None = None, keys: Sequence[str] = (), as_json: bool = False
) -> str:
    """The `helpdesk-kpis report` command line giving the rows behind an answer, as plain text."""
    last = window.end_day - timedelta(days=1)
    parts = ["helpdesk-kpis", "report", "--from", window.first_day.isoformat(), "--to", last.isoformat(), "--by", by]
    if team is not None and len(team) <= MAX_TEAM_IN_COMMAND:
        parts += ["--team", team]
    for key in keys:
        if KPIS[key].kind is not Kind.LIST:  # a list (low ratings) is in --format json, not a column
            parts += ["--kpi", key]
    if as_json:
        parts += ["--format", "json"]
    return shlex.join(parts)


def row_command(window: Window, row: ScopeRow, keys: Sequence[str] = (), *, as_json: bool = False) -> str:
    """The `report` command listing ``row`` (an agent's with their team's other agents)."""
    team = row.name if row.scope == "team" else row.team if row.scope == "agent" else None
    return report_command(window, by=row.scope, team=team, keys=keys, as_json=as_json)
