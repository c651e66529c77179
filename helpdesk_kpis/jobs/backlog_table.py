"""`report --kpi backlog --by priority`: the backlog of each priority by age, in the terminal."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from kpis.catalogue import BACKLOG_AGES
from kpis.results import Report


def backlog_age_table(report: Report) -> Table:
    """One row per priority: open tickets at the window's end by age, and their total."""
    table = Table(title=f"Backlog by priority and age at the end of {report.window.label()}", title_justify="left",
                  padding=(0, 1), collapse_padding=True)
    table.add_column("Priority", no_wrap=True)
    for header in (*BACKLOG_AGES, "Open"):
        table.add_column(header, justify="right", no_wrap=True)
    for row in report.rows:
        backlog = row.metrics["backlog"]
        ages = backlog.splits.get("by_age", {})
        table.add_row(Text(row.name), *(f"{ages.get(age, 0):,}" for age in BACKLOG_AGES), f"{int(backlog.value or 0):,}")
    return table
