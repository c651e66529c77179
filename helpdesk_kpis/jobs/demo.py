"""`demo`: a fresh store filled from the sample helpdesk, the last 7 days' KPIs overall and per team,
short extracts of the scorecards and the outcomes, and one team's Slack digest as it would read;
every digest (Block Kit JSON, thread reply, chart) and the full tables are written to files.

The screen stays short enough to read (a test bounds it): what does not fit is in a file, and
the last lines say which."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.markup import escape as rich_escape

from connectors import registry
from helpdesk_kpis.jobs.digest_files import write_digest_files
from helpdesk_kpis.jobs.outcomes_report import empty_line, outcome_sentence, outcomes_table, window_outcomes
from helpdesk_kpis.jobs.scorecards import compute_scorecards, scorecard_table
from helpdesk_kpis.jobs.slack_runs import show_digests
from helpdesk_kpis.jobs.sync import run_sync
from helpdesk_kpis.jobs.tables import report_tables
from helpdesk_kpis.jobs.team_digests import build_digests, default_day
from helpdesk_kpis.settings.models import FileConfig
from kpis.catalogue import HEADLINE
from kpis.engine import KpiConfig, compute_report
from kpis.errors import ConfigError
from kpis.query import load_kpi_data
from kpis.scorecard import ScorecardConfig
from kpis.store import Store
from kpis.windows import Window, window_for_period

DEMO_DAYS = 42
#: Agents shown of the first team's scorecards (all of them: scorecards.txt).
SCORECARD_ROWS = 3


def run(*, out: Path, tickets: int, now: datetime, console: Console) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"cannot create the demo folder {out}: {error.strerror}") from None
    database = out / "demo.db"
    for leftover in (database, out / "demo.db-wal", out / "demo.db-shm"):
        leftover.unlink(missing_ok=True)  # a fresh store every time
    url = f"sqlite:///{database}"
    store = Store.open(url)
    connector = registry.build("sample", "demo", {"tickets": tickets, "days": DEMO_DAYS})
    console.print(f"[bold]Syncing a sample helpdesk[/]: {tickets:,} tickets over {DEMO_DAYS} days")
    summary = run_sync(store, [connector], since=now - timedelta(days=DEMO_DAYS), now=now)
    console.print(summary.line(), highlight=False)

    window = window_for_period("7d", now=now, zone=ZoneInfo("UTC"))
    data = load_kpi_data(store, window.previous().start, window.end)
    for by in ("overall", "team"):
        report = compute_report(data, window, now=now, by=by)
        console.print()
        for table in report_tables(report, HEADLINE, console.width,
                                   title=f"Last 7 days, {by}: {report.window.label()} (UTC)"):
            console.print(table)
    tables = [_scorecards(store, window, out, now=now, console=console), _outcomes(store, out, now=now, console=console)]
    count = _digests(store, out, now=now, console=console)
    names = ", ".join(path.name for path in tables if path)
    console.print(f"\n[bold]Written to {rich_escape(str(out))}/[/]: {rich_escape(names)} (the full tables), "
                  f"demo.db (the store), slack/ ({count} digests as Block Kit JSON for Slack's Block Kit Builder, "
                  "each with its thread reply *-thread-1.json and chart *.png)", highlight=False)
    console.print(f"Explore it: DATABASE_URL={rich_escape(url)} helpdesk-kpis report --by agent "
                  "(also --scorecard, --outcomes --period 21d, --format json)", highlight=False)


def _scorecards(store: Store, window: Window, out: Path, *, now: datetime, console: Console) -> Path | None:
    """The first team's top agents on screen; every agent of that team in scorecards.txt."""
    team = next(iter(load_kpi_data(store, window.start, window.end, tags=False).directory.team_names), None)
    result = compute_scorecards(store, window, now=now, team=team, config=KpiConfig(), scorecard=ScorecardConfig(),
                                teams=FileConfig())
    if not result.cards:
        return None
    path = _table_file(out / "scorecards.txt",
                       scorecard_table(result, title=f"Agent scorecards, {team}: {window.label()} (UTC)"))
    console.print()
    console.print(scorecard_table(replace(result, cards=result.cards[:SCORECARD_ROWS]),
                                  title=f"Top {SCORECARD_ROWS} of {len(result.cards)} agent scorecards, {team}"))
    return path


def _outcomes(store: Store, out: Path, *, now: datetime, console: Console) -> Path:
    """Churn in the last half of the history by the support of the first half (the sample's accounts
    are its organisations): one comparison on screen, every grouping in outcomes.txt."""
    half = window_for_period(f"{DEMO_DAYS // 2}d", now=now, zone=ZoneInfo("UTC"))
    report = window_outcomes(store, half, now=now, config=KpiConfig())
    path = _table_file(out / "outcomes.txt", outcomes_table(report))
    console.print()
    console.print(outcome_sentence(report) or empty_line(report) or "", highlight=False, markup=False)
    return path


def _table_file(path: Path, table) -> Path:  # noqa: ANN001 - a rich renderable
    with path.open("w", encoding="utf-8") as handle:
        Console(file=handle, width=120, color_system=None).print(table)
    return path


def _digests(store: Store, out: Path, *, now: datetime, console: Console) -> int:
    """Yesterday's digest of every team and the leads' overall one, written as files; the first
    team's shown as it would read in Slack. How many were written."""
    config = FileConfig()
    built = build_digests(store, config, KpiConfig(), [], day=default_day(now, config.reporting.zone), now=now)
    write_digest_files(built, out / "slack")
    if built:
        console.print()
        show_digests(built[:1], console, brief=True)
    return len(built)
