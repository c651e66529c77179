"""Frozen KPI results, and their JSON form (the ``report --format json`` contract)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kpis.catalogue import KPIS, Kind
from kpis.windows import Window

#: Scores that carry a 95% interval (every rate does): their JSON has ``ci_low``/``ci_high`` too.
SCORES_WITH_INTERVAL = frozenset({"csss", "nps", "ces", "qa_score", "qa_accuracy", "qa_tone", "qa_solution",
                                  "qa_process", "replies_per_solved"})


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


rounded = _round  # as the JSON writes figures, for other JSON writers


@dataclass(frozen=True)
class MetricValue:
    key: str
    value: float | None
    previous: float | None = None
    change: float | None = None
    n: int | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    band: str | None = None
    insufficient_data: bool | None = None
    #: Breakdowns (backlog ``by_age`` / ``by_priority``), bucket -> count.
    splits: dict[str, dict[str, int]] = field(default_factory=dict)
    #: ``low_rated`` entries, newest first.
    items: tuple[dict[str, Any], ...] = ()

    @property
    def kind(self) -> Kind:
        return KPIS[self.key].kind

    def as_json(self) -> dict[str, Any]:
        kind = self.kind
        if kind is Kind.LIST:
            return {"n": self.n, "items": list(self.items)}
        if kind is Kind.COUNT:
            out: dict[str, Any] = {
                "value": None if self.value is None else int(self.value),
                "previous": None if self.previous is None else int(self.previous),
                "change": _round(self.change),
            }
            out.update({name: dict(split) for name, split in self.splits.items()})
            return out
        out = {"value": _round(self.value), "n": self.n}
        if kind is Kind.RATE or self.key in SCORES_WITH_INTERVAL:
            out.update(ci_low=_round(self.ci_low), ci_high=_round(self.ci_high))
        out.update(previous=_round(self.previous), change=_round(self.change))
        if self.band is not None or KPIS[self.key].bands is not None:
            out["band"] = self.band
        out["insufficient_data"] = self.insufficient_data
        return out


@dataclass(frozen=True)
class ScopeRow:
    scope: str  # overall | team | agent | channel | priority | tag
    id: str  # source:instance:vendor_id, or "overall"
    name: str
    team: str | None  # an agent row's team name
    metrics: dict[str, MetricValue]

    def as_json(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "id": self.id,
            "name": self.name,
            "team": self.team,
            "metrics": {key: metric.as_json() for key, metric in self.metrics.items()},
        }


@dataclass(frozen=True)
class Report:
    window: Window
    previous_window: Window
    rows: tuple[ScopeRow, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "window": {**self.window.as_json(), "timezone": self.window.zone.key},
            "previous_window": self.previous_window.as_json(),
            "rows": [row.as_json() for row in self.rows],
        }


#: The helpdesk's own SLA policies' achievement, and the configured first-reply target it stands beside.
POLICY_SLA, CONFIGURED_SLA = "sla_achievement_rate", "first_reply_sla_rate"


def with_policy_sla(keys: Sequence[str], *rows: ScopeRow) -> tuple[str, ...]:
    """``keys``, plus SLA achievement when a row's helpdesk has SLA policies that settled targets in
    the window (``n`` > 0): right after the configured first-reply target when that is shown, else
    last. Helpdesks without policies keep exactly ``keys``."""
    keys = tuple(keys)
    settled = any((metric := row.metrics.get(POLICY_SLA)) is not None and metric.n for row in rows)
    if POLICY_SLA in keys or not settled:
        return keys
    if CONFIGURED_SLA in keys:
        at = keys.index(CONFIGURED_SLA) + 1
        return (*keys[:at], POLICY_SLA, *keys[at:])
    return (*keys, POLICY_SLA)
