"""Agent scorecards: one composite quality score per agent, its parts, its team's medians, its trend.

The composite is a weighted mean, on 0..100, of components read from an agent-scope report:
``csat``, ``qa_score``, ``fcr_rate``, ``reopen_rate`` inverted (100 - the rate: fewer reopens
score higher) and ``first_reply_sla_rate``. A component without a value or whose ``n`` is below
``min_sample`` is left out and the remaining weights are renormalised to sum 1; the scorecard is
then flagged ``partial``. Each component is shown with the median over the agents of the same team
who have enough data for it. The trend is the composite of each of the last windows (oldest first).
Pure: reports in, frozen scorecards out.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kpis.results import Report, ScopeRow

DEFAULT_SCORECARD_WEIGHTS: dict[str, float] = {
    "csat": 0.30, "qa_score": 0.30, "fcr_rate": 0.15, "reopen_rate": 0.10, "first_reply_sla_rate": 0.15,
}
#: Components where lower is better: they count as 100 - value.
INVERTED = frozenset({"reopen_rate"})
#: Windows in a scorecard's trend (the current one last).
TREND_WINDOWS = 4


@dataclass(frozen=True)
class ScorecardConfig:
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SCORECARD_WEIGHTS))
    min_sample: int = 10


@dataclass(frozen=True)
class Component:
    key: str
    #: The KPI's own value (reopen_rate as a rate, not inverted); None when not measured.
    value: float | None
    n: int | None
    #: What the component adds to the composite: the value, or 100 - value when inverted.
    points: float | None
    #: The configured weight and the one used (renormalised; 0 when left out).
    weight: float
    used_weight: float
    left_out: bool
    team_median: float | None

    def as_json(self) -> dict[str, Any]:
        return {"value": _round(self.value), "n": self.n, "points": _round(self.points), "weight": self.weight,
                "used_weight": round(self.used_weight, 3), "left_out": self.left_out,
                "team_median": _round(self.team_median)}


@dataclass(frozen=True)
class Scorecard:
    agent_id: str
    name: str
    team: str | None
    score: float | None
    #: Some component was left out (too little data) and the weights renormalised.
    partial: bool
    components: tuple[Component, ...]
    #: The composite of each of the last windows, oldest first (the last is ``score``).
    trend: tuple[float | None, ...]

    @property
    def moved(self) -> float | None:
        """The change of the composite against the previous window."""
        if len(self.trend) < 2 or self.trend[-1] is None or self.trend[-2] is None:
            return None
        return self.trend[-1] - self.trend[-2]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.agent_id, "name": self.name, "team": self.team, "score": _round(self.score),
                "partial": self.partial, "moved": _round(self.moved),
                "components": {c.key: c.as_json() for c in self.components},
                "trend": [_round(v) for v in self.trend]}


def scorecards(reports: Sequence[Report], config: ScorecardConfig) -> list[Scorecard]:
    """Scorecards of the agents of the last of ``reports`` (agent scope, oldest window first)."""
    current = reports[-1]
    medians = _team_medians(current.rows, config)
    history = [{row.id: row for row in report.rows} for report in reports]
    cards = []
    for row in current.rows:
        components = _components(row, config, medians.get(row.team, {}))
        trend = tuple(_composite(_components(rows[row.id], config, {}))[0] if row.id in rows else None
                      for rows in history)
        score, partial = _composite(components)
        cards.append(Scorecard(row.id, row.name, row.team, score, partial, components, trend))
    return sorted(cards, key=lambda card: (card.score is None, -(card.score or 0), card.name))


def most_moved(cards: Sequence[Scorecard], count: int = 2) -> list[Scorecard]:
    """The ``count`` scorecards whose composite changed most against the previous window, either way."""
    moved = [card for card in cards if card.moved is not None]
    return sorted(moved, key=lambda card: (-abs(card.moved), card.name))[:count]


def _enough(row: ScopeRow, key: str, config: ScorecardConfig) -> bool:
    metric = row.metrics.get(key)
    return metric is not None and metric.value is not None and (metric.n or 0) >= config.min_sample


def _points(key: str, value: float) -> float:
    return 100.0 - value if key in INVERTED else value


def _components(row: ScopeRow, config: ScorecardConfig, medians: Mapping[str, float | None]) -> tuple[Component, ...]:
    used = {key: weight for key, weight in config.weights.items() if _enough(row, key, config)}
    total = sum(used.values())
    parts = []
    for key, weight in config.weights.items():
        metric = row.metrics.get(key)
        value = None if metric is None else metric.value
        kept = key in used
        parts.append(Component(key, value, None if metric is None else metric.n,
                               None if value is None else _points(key, value), weight,
                               weight / total if kept else 0.0, not kept, medians.get(key)))
    return tuple(parts)


def _composite(components: Sequence[Component]) -> tuple[float | None, bool]:
    kept = [c for c in components if not c.left_out]
    partial = len(kept) < len(components)
    if not kept:
        return None, partial
    return sum(c.points * c.used_weight for c in kept), partial


def _team_medians(rows: Sequence[ScopeRow], config: ScorecardConfig) -> dict[str | None, dict[str, float | None]]:
    """Per team, each component's median over the team's agents with enough data for it."""
    by_team: dict[str | None, list[ScopeRow]] = {}
    for row in rows:
        by_team.setdefault(row.team, []).append(row)
    medians: dict[str | None, dict[str, float | None]] = {}
    for team, members in by_team.items():
        medians[team] = {}
        for key in config.weights:
            values = [m.metrics[key].value for m in members if _enough(m, key, config)]
            medians[team][key] = statistics.median(values) if values else None
    return medians


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
