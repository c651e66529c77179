"""Reports in the terminal (rich tables) and as CSV."""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from kpis.catalogue import KPIS, Kind
from kpis.format import change_text, is_worse, value_text
from kpis.results import Report

#: The longest a row's name may be before it wraps onto a second line.
NAME_WIDTH = 24


def report_tables(report: Report, keys: Sequence[str], width: int | None, title: str | None = None) -> list[Table]:
    """The report as tables that fit ``width`` columns without cutting a value: the KPI columns go
    into as many tables as needed, each repeating the names (``None``: one table, however wide)."""
    cells = {key: [_cell(row.metrics[key]) for row in report.rows] for key in keys}
    # A column is as wide as its widest value line, or its header's longest word: headers wrap.
    widths = {key: max([*(_width(cell) for cell in cells[key]), *(len(w) for w in _header(key).split())])
              for key in keys}
    names = [_name(row) for row in report.rows]
    scope = (report.rows[0].scope if report.rows else "team").capitalize()
    name_width = max(len(scope), *(_width(name) for name in names)) if names else len(scope)
    chunks: list[list[str]] = [[]]
    for key in keys:
        # Each column takes its width, a space (padding collapses between columns) and a rule; the
        # table one space and one rule more.
        used = 2 + name_width + 2 + sum(widths[k] + 2 for k in chunks[-1])
        if width is not None and chunks[-1] and used + widths[key] + 2 > width:
            chunks.append([])
        chunks[-1].append(key)
    tables = []
    for number, chunk in enumerate(chunks):
        last = number == len(chunks) - 1
        table = Table(title=(title or f"{report.window.label()} ({report.window.zone.key})") if number == 0 else None,
                      title_justify="left", caption_justify="left", padding=(0, 1), collapse_padding=True,
                      caption=f"second line: change against {report.previous_window.label()}; dim: n below min_sample"
                      if last else None)
        table.add_column(scope, no_wrap=True)
        for key in chunk:
            table.add_column("\n".join(textwrap.wrap(_header(key), widths[key])), justify="right", no_wrap=True)
        for i, row in enumerate(report.rows):
            table.add_row(names[i], *(cells[key][i] for key in chunk))
        tables.append(table)
    return tables


def _header(key: str) -> str:
    return KPIS[key].short_label or KPIS[key].label


def _name(row) -> Text:  # noqa: ANN001 - a report row
    """The row's name (wrapped past NAME_WIDTH, never cut) over its team, dim."""
    name = Text("\n".join(textwrap.wrap(row.name, NAME_WIDTH)) or row.name)
    if row.team:
        name.append(f"\n{row.team}", style="dim")
    return name


def _cell(metric) -> Text:  # noqa: ANN001 - a metric result
    cell = Text(value_text(metric), style="dim" if metric.insufficient_data else "")
    if metric.insufficient_data and metric.value is not None:
        cell.append(f" n={metric.n}", style="dim")  # too few to trust: say how few
    worse = is_worse(metric)
    style = "red" if worse else "green" if worse is False else "dim"
    cell.append(f"\n{change_text(metric, compact=True)}", style=style)
    return cell


def _width(text: Text) -> int:
    return max(len(line) for line in text.plain.split("\n"))


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
