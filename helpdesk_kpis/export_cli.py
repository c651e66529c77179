"""The ``helpdesk-kpis export`` command: the store's normalized records as CSV, JSON lines or
Parquet, for BI tools (columns: docs/export.md). Registered on the command line by
``helpdesk_kpis.cli``, which hands it the clock every command reads (``ctx.meta["clock"]``).
"""

from __future__ import annotations

import enum
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from kpis.errors import ConfigError
from kpis.windows import parse_day

err = Console(stderr=True)


class ExportKind(str, enum.Enum):
    tickets = "tickets"
    ratings = "ratings"
    surveys = "surveys"
    reviews = "reviews"
    agents = "agents"
    teams = "teams"
    memberships = "memberships"


class ExportFormat(str, enum.Enum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


def export(
    ctx: typer.Context,
    kind: Annotated[ExportKind, typer.Argument(help="What to export.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="csv, jsonl, or parquet (needs --output).")] = ExportFormat.csv,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="File to write (default: stdout).")
    ] = None,
    since: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="Only records changed (tickets), offered (ratings), answered (surveys) or reviewed (reviews) since this day, UTC.")
    ] = None,
    instance: Annotated[
        Optional[str], typer.Option(metavar="NAME", help="Only this helpdesk instance (name, or source:instance).")
    ] = None,
) -> None:
    """Normalized records, for BI tools (columns: docs/export.md)."""
    from helpdesk_kpis.jobs.export import check_export, export_parquet, export_records

    start = None
    if since is not None:
        today = ctx.meta["clock"]().date()
        start = datetime.combine(parse_day(since, "--since", today=today), datetime.min.time(), tzinfo=timezone.utc)
    if fmt is ExportFormat.parquet and output is None:
        raise ConfigError("--format parquet writes a file: add --output FILE")
    ctx.obj.reads_only()
    store = ctx.obj.store()
    check_export(store, kind.value, since=start, instance=instance)  # before --output is created
    if fmt is ExportFormat.parquet:
        written = export_parquet(store, kind.value, output, since=start, instance=instance)
    elif output is None:
        export_records(store, kind.value, fmt.value, sys.stdout, since=start, instance=instance)
        return
    else:
        with output.open("w", encoding="utf-8", newline="") as handle:
            written = export_records(store, kind.value, fmt.value, handle, since=start, instance=instance)
    err.print(f"wrote {written:,} {kind.value} to {output}", markup=False, highlight=False)
