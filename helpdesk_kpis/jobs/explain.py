"""The `report --explain` wiring: the window, the store's data, the explanation and its table."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.jobs.report import choose_window
from kpis.errors import ConfigError
from kpis.explain import DIMENSIONS, Explanation, decomposable, explain_change
from kpis.format import effect_text
from kpis.query import load_kpi_data
from notifiers.why_lines import figure, headline


def build_explanation(
    ctx: AppContext, *, kpi: str, by: str, period: str, first: str | None, last: str | None, team: str | None,
    now: datetime,
) -> Explanation:
    decomposable(kpi)  # a usage error before any store is opened
    if by not in DIMENSIONS:
        raise ConfigError(f"--explain needs --by {' | '.join(DIMENSIONS)}, not {by!r}")
    window = choose_window(period, first, last, now=now, zone=ctx.settings().config.reporting.zone)
    # Agents' groups need every team's records (their team is where most of their tickets are).
    data = load_kpi_data(ctx.store(), window.previous().start, window.end, team=team if by != "agent" else None,
                         tags=by == "tag")
    return explain_change(data, window, now=now, kpi=kpi, by=by, team=team, config=ctx.kpi_config())


def explanation_table(e: Explanation) -> Table:
    """The groups that drove the change, largest effect first."""
    d, key = e.decomposition, e.kpi
    note = "effects add up to the change" if d.additive else "effects are not additive (see docs/explain.md)"
    table = Table(title=f"{headline(e)}; by {e.dimension}", title_justify="left",
                  caption=f"{note}; * beyond noise (95%), dim: n below min_sample", caption_justify="left",
                  padding=(0, 1), collapse_padding=True)
    for header in (e.dimension.capitalize(), "Now", "Before", "n", "Prev n", "Effect", "Rate", "Mix"):
        table.add_column(header, justify="left" if header == e.dimension.capitalize() else "right", no_wrap=True)
    for c in d.contributions:
        style = "dim" if c.insufficient_data else ""
        mark = " *" if c.significant else ""
        table.add_row(
            Text(e.names.get(c.id, c.id), style=style), figure(key, c.value), figure(key, c.previous), f"{c.n:,}",
            f"{c.previous_n:,}", Text(effect_text(key, c.effect) + mark, style=style),
            effect_text(key, c.rate_effect), effect_text(key, c.mix_effect),
        )
    return table
