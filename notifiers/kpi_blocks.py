"""The KPI section: a row of KPI results as Block Kit blocks (digest, alerts, the `/kpi` command).

Each KPI is one section field: its label, the value with its ``n``, its band, and the change
against the previous window written out with sign and unit ("-2.5 pp vs 90.0%, worse") -- never
colour or an emoji alone. A KPI with too small a sample says so in words.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from kpis.catalogue import KPIS, Kind
from kpis.format import DASH, change_text, direction_word, value_text
from kpis.results import MetricValue, ScopeRow
from notifiers.fitting import MAX_FIELDS
from notifiers.mrkdwn import escape


def sample_text(metric: MetricValue) -> str:
    """"n=40", with a warning in words when the sample is too small to judge."""
    if metric.n is None:
        return ""
    return f"n={metric.n}, too few to judge" if metric.insufficient_data else f"n={metric.n}"


def value_with_sample(metric: MetricValue) -> str:
    value = value_text(metric)
    sample = sample_text(metric)
    return f"{value} ({sample})" if sample else value


def change_sentence(metric: MetricValue) -> str:
    """"+2.5 pp vs 85.0%, better"; "new" when there was nothing before; a dash when nothing now."""
    change = change_text(metric)
    if metric.change is None:
        return "no previous value" if change == "new" else "no change to show"
    if metric.insufficient_data:
        return change  # too few to compare
    before = value_text(MetricValue(metric.key, metric.previous))
    if metric.change == 0:
        return f"unchanged from {before}"
    return f"{change} vs {before}{direction_word(metric)}"


def band_text(metric: MetricValue) -> str:
    return "" if metric.band is None else f" · band *{metric.band}*" + (" :warning:" if metric.band == "action" else "")


def metric_field(metric: MetricValue) -> str:
    """The mrkdwn of one KPI field (well under the 2000-character field limit)."""
    label = KPIS[metric.key].label
    if metric.value is None:
        return f"*{escape(label)}*\n{DASH} (nothing to measure in this window)"
    first = value_with_sample(metric)
    if metric.insufficient_data:
        first = f"_{first}_"  # greyed, as in the terminal: shown, not to be trusted
    return f"*{escape(label)}*\n{first}{band_text(metric)}\n{change_sentence(metric)}"


def kpi_section(row: ScopeRow, keys: Sequence[str]) -> list[Block]:
    """``row``'s KPIs as fields, two columns; several sections when there are more than ten."""
    fields = [MarkdownTextObject(text=metric_field(row.metrics[key])) for key in keys if KPIS[key].kind is not Kind.LIST]
    return [SectionBlock(fields=fields[i : i + MAX_FIELDS]) for i in range(0, len(fields), MAX_FIELDS)]


def compact_line(row: ScopeRow, keys: Sequence[str]) -> str:
    """One row in one line: "*Ann Lee* · CSAT 92.0% (n=25) (+3.1pp) · reply 1.2h (n=40) (-8.0%)"."""
    parts = [f"*{escape(row.name)}*"]
    for key in keys:
        metric = row.metrics[key]
        if KPIS[key].kind is Kind.LIST:
            continue
        change = change_text(metric, compact=True)
        value = value_with_sample(metric) if metric.value is not None else DASH
        if metric.insufficient_data and metric.value is not None:
            value = f"_{value}_"
        parts.append(f"{KPIS[key].inline_label} {value}" + (f" ({change})" if change != DASH else ""))
    return " · ".join(parts)

