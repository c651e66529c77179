"""The KPI section: a row of KPI results as Block Kit blocks (digest, alerts, the `/kpi` command).

Each KPI is one section field: its label, the value with its ``n``, its band, and the change
against the previous window written out with sign and unit -- never colour or an emoji alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from kpis.catalogue import KPIS, Kind
from kpis.format import DASH, change_text, value_text
from kpis.results import ScopeRow
from notifiers.mrkdwn import escape

MAX_FIELDS = 10


def metric_field(row: ScopeRow, key: str) -> str:
    metric = row.metrics[key]
    label = KPIS[key].label
    if metric.value is None:
        return f"*{escape(label)}*\n{DASH}"
    value = value_text(metric) + (f" (n={metric.n})" if metric.n is not None else "")
    if metric.insufficient_data:
        value = f"_{value}, too few to judge_"
    band = f" · *{metric.band}*" if metric.band else ""
    return f"*{escape(label)}*\n{value}{band}\n{change_text(metric)}"


def kpi_section(row: ScopeRow, keys: Sequence[str]) -> list[Block]:
    fields = [MarkdownTextObject(text=metric_field(row, key)) for key in keys if KPIS[key].kind is not Kind.LIST]
    return [SectionBlock(fields=fields[i : i + MAX_FIELDS]) for i in range(0, len(fields), MAX_FIELDS)]


def compact_line(row: ScopeRow, keys: Sequence[str]) -> str:
    parts = [f"*{escape(row.name)}*"]
    for key in keys:
        metric = row.metrics[key]
        if KPIS[key].kind is Kind.LIST:
            continue
        change = change_text(metric, compact=True)
        parts.append(f"{KPIS[key].label} {value_text(metric)}" + (f" ({change})" if change != DASH else ""))
    return " · ".join(parts)
