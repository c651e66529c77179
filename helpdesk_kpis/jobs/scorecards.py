"""`report --scorecard`: agent scorecards of a window, in the terminal or as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.table import Table
from rich.text import Text

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.jobs.report import choose_window
from helpdesk_kpis.jobs.teams import load_team_data
from helpdesk_kpis.settings.models import FileConfig
from kpis.catalogue import KPIS
from kpis.engine import KpiConfig, compute_report
from kpis.format import sparkline
from kpis.scorecard import TREND_WINDOWS, Scorecard, ScorecardConfig, scorecards
from kpis.store import Store
from kpis.windows import Window

#: Column headings short enough for 80 columns (the catalogue's short label where it has one).
HEADINGS = {"reopen_rate": "Reopen", "first_reply_sla_rate": "SLA"}


@dataclass(frozen=True)
class ScorecardReport:
    window: Window
    windows: tuple[Window, ...]  # oldest first; the last is ``window``
    cards: tuple[Scorecard, ...]

    def as_json(self) -> dict[str, Any]:
        return {"window": {**self.window.as_json(), "timezone": self.window.zone.key},
                "trend_windows": [w.as_json() for w in self.windows],
                "scorecards": [card.as_json() for card in self.cards]}


def compute_scorecards(store: Store, window: Window, *, now: datetime, team: str | None, config: KpiConfig,
                       scorecard: ScorecardConfig, teams: FileConfig) -> ScorecardReport:
    """Each agent's scorecard of ``window``, with the trend over it and the windows before it;
    ``team`` as ``teams`` (the config's ``[[teams]]``) names it."""
    windows = [window]
    while len(windows) < TREND_WINDOWS:
        windows.insert(0, windows[0].previous())
    data = load_team_data(store, teams, windows[0].start, window.end, team=team, by="agent", tags=False)
    reports = [compute_report(data, w, now=now, by="agent", team=team, config=config) for w in windows]
    return ScorecardReport(window, tuple(windows), tuple(scorecards(reports, scorecard)))


def build_scorecards(ctx: AppContext, *, period: str, first: str | None, last: str | None, team: str | None,
                     now: datetime) -> ScorecardReport:
    config = ctx.settings().config
    window = choose_window(period, first, last, now=now, zone=config.reporting.zone)
    return compute_scorecards(ctx.store(), window, now=now, team=team, config=ctx.kpi_config(),
                              scorecard=ctx.scorecard_config(), teams=config)


def score_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def percent_text(value: float | None) -> str:
    """A component (every one is a percentage) in whole percent, to fit five of them in 80 columns."""
    return "—" if value is None else f"{value:.0f}%"


def scorecard_table(result: ScorecardReport, title: str | None = None) -> Table:
    keys = [c.key for c in result.cards[0].components] if result.cards else []
    table = Table(title=title or f"Agent scorecards {result.window.label()} ({result.window.zone.key})",
                  title_justify="left",
                  caption="score: weighted composite 0-100 (* some parts left out: too little data, weights "
                          "renormalised); second line: the team's median; trend: the last "
                          f"{len(result.windows)} windows", caption_justify="left", padding=(0, 1),
                  collapse_padding=True)
    table.add_column("Agent", min_width=8, overflow="ellipsis", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True, min_width=5)
    table.add_column("Trend", no_wrap=True, min_width=len(result.windows))
    for key in keys:
        table.add_column(HEADINGS.get(key) or KPIS[key].short_label or KPIS[key].label, justify="right",
                         no_wrap=True, min_width=4)
    for card in result.cards:
        name = Text(card.name)
        if card.team:
            name.append(f"\n{card.team}", style="dim")
        cells = [name, Text(score_text(card.score) + ("*" if card.partial else ""), style="bold"),
                 Text(sparkline(card.trend))]
        for part in card.components:
            cell = Text(percent_text(part.value), style="dim" if part.left_out else "")
            cell.append(f"\n{percent_text(part.team_median)}", style="dim")
            cells.append(cell)
        table.add_row(*cells)
    return table
