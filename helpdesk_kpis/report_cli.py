"""The ``helpdesk-kpis report`` command: the KPIs of a window, or (by its flags) their change
explained, the accounts' outcomes, the agents' scorecards or the comments' themes. Registered on
the command line by ``helpdesk_kpis.cli``, which hands it the clock every command reads
(``ctx.meta["clock"]``); like every command, it imports the jobs it runs inside its body.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Optional

import typer
from rich.console import Console

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.json_output import write_json
from kpis.errors import ConfigError

console = Console()


class Scope(str, enum.Enum):
    overall = "overall"
    team = "team"
    agent = "agent"
    channel = "channel"
    priority = "priority"
    tag = "tag"


class ReportFormat(str, enum.Enum):
    table = "table"
    json = "json"
    csv = "csv"


def report(
    ctx: typer.Context,
    period: Annotated[
        Optional[str],
        typer.Option(metavar="PERIOD", help="today, yesterday, 7d, 30d, 90d, this-week, last-week, this-month, "
                     "last-month or Nd (default 7d; --outcomes 90d)."),
    ] = None,
    from_: Annotated[Optional[str], typer.Option("--from", metavar="DATE", help="First day (inclusive): YYYY-MM-DD or a date word such as last-month.")] = None,
    to: Annotated[Optional[str], typer.Option(metavar="DATE", help="Last day (inclusive): YYYY-MM-DD or a date word such as yesterday.")] = None,
    by: Annotated[
        Scope, typer.Option(help="One row overall, per team, agent, channel, priority or tag (with --explain: the groups).")
    ] = Scope.team,
    team: Annotated[Optional[str], typer.Option(metavar="TEAM", help="Only this team (its agents with --by agent).")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="table, json or csv.")] = ReportFormat.table,
    kpi: Annotated[
        Optional[list[str]], typer.Option(metavar="KEY", help="KPI key or alias; repeat or separate with commas for several (table/csv).")
    ] = None,
    themes: Annotated[bool, typer.Option("--themes", help="What the rating comments say: their themes.")] = False,
    low_only: Annotated[bool, typer.Option("--low-only", help="With --themes: only comments of low ratings.")] = False,
    explain: Annotated[
        Optional[str], typer.Option(metavar="KEY", help="KPI whose change to explain by the --by groups (rate and mix effects).")
    ] = None,
    wide: Annotated[bool, typer.Option("--wide", help="Tables: every KPI on one line, however wide.")] = False,
    outcomes: Annotated[
        bool, typer.Option("--outcomes", help="Churn and lifetime value of accounts by the support they received.")
    ] = False,
    scorecard: Annotated[
        bool, typer.Option("--scorecard", help="Agent scorecards: composite quality score, parts, trend.")
    ] = False,
) -> None:
    """The KPIs of a window, with the previous window's values and the change (--themes: comment themes)."""
    ctx.obj.reads_only()
    clock: Callable[[], datetime] = ctx.meta["clock"]
    if outcomes:
        if kpi or themes or low_only or explain is not None or team is not None:
            raise ConfigError("--outcomes covers every account; leave out --kpi, --team, --themes and --explain")
        _outcomes_report(ctx.obj, clock, period=period, first=from_, last=to, fmt=fmt)
        return
    period = period or "7d"
    if themes or low_only:
        if kpi:
            raise ConfigError("--themes shows comment themes, not KPIs; leave out --kpi")
        _themes_report(ctx.obj, clock, themes=themes, low_only=low_only, period=period, first=from_, last=to,
                       team=team, fmt=fmt)
        return
    from helpdesk_kpis.jobs.report import build_report, kpi_keys
    from helpdesk_kpis.jobs.tables import report_csv, report_tables
    from kpis.results import with_policy_sla

    app_ctx: AppContext = ctx.obj
    if scorecard:
        _scorecard_report(app_ctx, clock, period, from_, to, team, fmt, kpi)
        return
    if explain is not None:
        _explain(app_ctx, clock, explain, by.value, period, from_, to, team, fmt)
        return
    keys = kpi_keys(kpi, default_all=fmt is ReportFormat.csv)  # a usage error before any reading
    # Tables fold tags on few tickets into "other tags"; JSON and CSV keep every tag. Tables and CSV
    # compute only the KPIs they print (and SLA achievement, always there); JSON holds every KPI.
    result = build_report(app_ctx, period=period, first=from_, last=to, by=by.value, team=team, now=clock(),
                          fold_small_tags=fmt is ReportFormat.table,
                          kpis=None if fmt is ReportFormat.json else keys)
    if fmt is ReportFormat.json:
        write_json(result.as_json())
        return
    if not kpi:  # the headline table, plus SLA achievement where the helpdesk's own policies measured some
        keys = list(with_policy_sla(keys, *result.rows))
    if fmt is ReportFormat.csv:
        sys.stdout.write(report_csv(result, keys))
        return
    if not result.rows:
        console.print(f"No {by.value} has data in {result.window.label()}; run `helpdesk-kpis sync` first?")
        return
    for table in report_tables(result, keys, None if wide else console.width):
        (Console(width=10_000, file=console.file) if wide else console).print(table)
    if by is Scope.priority and keys == ["backlog"]:
        from helpdesk_kpis.jobs.backlog_table import backlog_age_table

        console.print(backlog_age_table(result))


def _explain(app_ctx: AppContext, clock: Callable[[], datetime], kpi: str, by: str, period: str,
             first: Optional[str], last: Optional[str], team: Optional[str], fmt: ReportFormat) -> None:
    from helpdesk_kpis.jobs.explain import build_explanation, explanation_table

    if fmt is ReportFormat.csv:
        raise ConfigError("--explain prints a table or --format json, not csv")
    result = build_explanation(app_ctx, kpi=kpi, by=by, period=period, first=first, last=last, team=team,
                               now=clock())
    if fmt is ReportFormat.json:
        write_json(result.as_json())
    elif result.nothing is not None:
        console.print(f"Nothing to explain: {result.nothing}.", markup=False, highlight=False)
    else:
        console.print(explanation_table(result))


def _outcomes_report(app_ctx: AppContext, clock: Callable[[], datetime], *, period: Optional[str],
                     first: Optional[str], last: Optional[str], fmt: ReportFormat) -> None:
    from helpdesk_kpis.jobs.outcomes_report import build_outcomes_report, empty_line, outcomes_table

    if fmt is ReportFormat.csv:
        raise ConfigError("--outcomes prints a table or JSON; use --format table or --format json")
    result = build_outcomes_report(app_ctx, period=period, first=first, last=last, now=clock())
    if fmt is ReportFormat.json:
        write_json(result.as_json())
        return
    line = empty_line(result)
    console.print(line if line is not None else outcomes_table(result), markup=False, highlight=False)


def _scorecard_report(app_ctx: AppContext, clock: Callable[[], datetime], period: str, first: Optional[str],
                      last: Optional[str], team: Optional[str], fmt: ReportFormat, kpi: Optional[list[str]]) -> None:
    from helpdesk_kpis.jobs.scorecards import build_scorecards, scorecard_table

    if kpi or fmt is ReportFormat.csv:
        raise ConfigError("--scorecard prints a table or --format json of its own parts; leave out --kpi and csv")
    result = build_scorecards(app_ctx, period=period, first=first, last=last, team=team, now=clock())
    if fmt is ReportFormat.json:
        write_json(result.as_json())
    elif not result.cards:
        console.print(f"No agent has data in {result.window.label()}; run `helpdesk-kpis sync` first?")
    else:
        console.print(scorecard_table(result))


def _themes_report(app_ctx: AppContext, clock: Callable[[], datetime], *, themes: bool, low_only: bool,
                   period: str, first: str | None, last: str | None, team: str | None, fmt: ReportFormat) -> None:
    from helpdesk_kpis.jobs.themes_report import build_themes_report, empty_line, themes_table

    if not themes:
        raise ConfigError("--low-only goes with --themes (the themes of low-rated comments)")
    if fmt is ReportFormat.csv:
        raise ConfigError("--themes prints a table or JSON; use --format table or --format json")
    result = build_themes_report(app_ctx, period=period, first=first, last=last, team=team, low_only=low_only,
                                 now=clock())
    if fmt is ReportFormat.json:
        write_json(result.as_json())
        return
    console.print(empty_line(result) or themes_table(result), markup=False, highlight=False)
