"""`demo`: a fresh store filled from the sample helpdesk, the last 7 days' KPIs per team, and
every team's Slack digest (shown, and written as payload JSON and chart PNG)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console

from connectors import registry
from helpdesk_kpis.jobs.outcomes_report import outcomes_table, window_outcomes
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
    console.print(f"[bold]Syncing a sample helpdesk[/] ({tickets:,} tickets over {DEMO_DAYS} days) into {database}")
    summary = run_sync(store, [connector], since=now - timedelta(days=DEMO_DAYS), now=now, console=console)
    console.print(summary.line())

    window = window_for_period("7d", now=now, zone=ZoneInfo("UTC"))
    data = load_kpi_data(store, window.previous().start, window.end)
    for by in ("overall", "team"):
        report = compute_report(data, window, now=now, by=by)
        console.print()
        for table in report_tables(report, HEADLINE, console.width,
                                   title=f"Last 7 days, {by}: {report.window.label()} (UTC)"):
            console.print(table)
    _scorecards(store, window, now=now, console=console)
    # Churn in the last half of the history by the support of the first half (the sample's accounts
    # are its organisations).
    half = window_for_period(f"{DEMO_DAYS // 2}d", now=now, zone=ZoneInfo("UTC"))
    outcomes = window_outcomes(store, half, now=now, config=KpiConfig())
    console.print()
    console.print(outcomes_table(outcomes))
    _digests(store, out, now=now, console=console)
    console.print(
        f"\nExplore further: DATABASE_URL={url} helpdesk-kpis report --by agent "
        "(or --format json, --period 30d, --team Billing, --scorecard; --outcomes --period 21d)"
    )


def _scorecards(store: Store, window: Window, *, now: datetime, console: Console) -> None:
    """The first team's agent scorecards (every team's: ``report --scorecard``)."""
    team = next(iter(load_kpi_data(store, window.start, window.end, tags=False).directory.team_names), None)
    result = compute_scorecards(store, window, now=now, team=team, config=KpiConfig(), scorecard=ScorecardConfig())
    if result.cards:
        console.print()
        console.print(scorecard_table(result, title=f"Agent scorecards, {team}: {window.label()} (UTC)"))


def _digests(store: Store, out: Path, *, now: datetime, console: Console) -> None:
    """Yesterday's digest of every team and the leads' overall one: shown, and saved as the Slack
    payload (JSON) and chart (PNG) each would post."""
    config = FileConfig()
    built = build_digests(store, config, KpiConfig(), [], day=default_day(now, config.reporting.zone), now=now)
    folder = out / "slack"
    folder.mkdir(exist_ok=True)
    for leftover in [*folder.glob("*.json"), *folder.glob("*.png")]:
        leftover.unlink()  # a fresh set every time, like the store
    console.print()
    show_digests(built, console)
    for item in built:
        stem = item.post.chart.filename.removesuffix(".png")
        payload = {"message": item.post.message, "thread": [item.post.breakdown] if item.post.breakdown else []}
        (folder / f"{stem}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
        (folder / item.post.chart.filename).write_bytes(item.post.chart.png)
    console.print(f"\nSlack payloads and charts of {len(built)} digests written to {folder}/")
