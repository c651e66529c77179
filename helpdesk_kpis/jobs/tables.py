"""Reports in the terminal (rich tables) and as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from kpis.catalogue import KPIS, Kind
from kpis.format import change_text, is_worse, value_text
from kpis.results import Report


def report_table(report: Report, keys: Sequence[str], title: str | None = None) -> Table:
    """One row per scope row; each cell the value over its change. Fits 80 columns with 7 KPIs."""
    table = Table(title=title or f"{report.window.label()} ({report.window.zone.key})", title_justify="left",
                  caption=f"second line: change against {report.previous_window.label()}; dim: n below min_sample",
                  caption_justify="left", padding=(0, 1), collapse_padding=True)
    scope = report.rows[0].scope if report.rows else "team"
    table.add_column(scope.capitalize(), min_width=8, overflow="ellipsis", no_wrap=True)
    for key in keys:
        table.add_column(KPIS[key].short_label or KPIS[key].label, justify="right", no_wrap=True)
    for row in report.rows:
        name = Text(row.name)
        if row.team:
            name.append(f"\n{row.team}", style="dim")
        cells = [name]
        for key in keys:
            metric = row.metrics[key]
            cell = Text(value_text(metric), style="dim" if metric.insufficient_data else "")
            if metric.insufficient_data and metric.value is not None:
                cell.append(f" n={metric.n}", style="dim")  # too few to trust: say how few
            worse = is_worse(metric)
            style = "red" if worse else "green" if worse is False else "dim"
            cell.append(f"\n{change_text(metric, compact=True)}", style=style)
            cells.append(cell)
        table.add_row(*cells)
    return table


CSV_COLUMNS = ("scope", "id", "name", "team", "kpi", "value", "n", "ci_low", "ci_high", "previous", "change", "band",
               "insufficient_data")


def report_csv(report: Report, keys: Sequence[str]) -> str:
    """Long format: one line per (row, KPI), the JSON fields as columns (BI tools pivot it)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in report.rows:
        for key in keys:
            if KPIS[key].kind is Kind.LIST:
                continue
            writer.writerow({"scope": row.scope, "id": row.id, "name": row.name, "team": row.team, "kpi": key,
                             **row.metrics[key].as_json()})
    return out.getvalue()
