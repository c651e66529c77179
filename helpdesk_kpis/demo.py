"""`demo`: a fresh store filled from the sample helpdesk, and the last 7 days' KPIs per team."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console

from connectors import registry
from helpdesk_kpis.render import report_table
from helpdesk_kpis.sync import run_sync
from kpis.catalogue import HEADLINE
from kpis.engine import compute_report
from kpis.errors import ConfigError
from kpis.query import load_kpi_data
from kpis.store import Store
from kpis.windows import window_for_period

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
        console.print(report_table(report, HEADLINE, title=f"Last 7 days, {by}: {report.window.label()} (UTC)"))
    console.print(
        f"\nExplore further: DATABASE_URL={url} helpdesk-kpis report --by agent "
        "(or --format json, --period 30d, --team Billing)"
    )
