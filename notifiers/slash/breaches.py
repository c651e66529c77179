"""Active alert breaches, as `/kpi breaches` lists them: the stored alert states read with their rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kpis.format import value_text
from kpis.results import MetricValue
from kpis.store.sent_log import AlertState
from notifiers.alert_rules import BREACHED, AlertRule, rule_text


@dataclass(frozen=True)
class Breach:
    """A KPI past its alert threshold now."""

    scope: str  # overall | team | agent
    #: The row's id (a team's or an agent's ``source:instance:id``); None for overall.
    row_id: str | None
    #: "CSAT < 80% · 62.0% · since 2026-11-18"
    text: str


def active_breaches(states: Iterable[AlertState], rules: Mapping[str, AlertRule]) -> list[Breach]:
    """The breached states of rules still configured, oldest breach first."""
    found = []
    for state in sorted(states, key=lambda s: (s.since is None, s.since, s.rule_id, s.scope)):
        rule = rules.get(state.rule_id)
        if state.state != BREACHED or rule is None:
            continue
        scope, _, row_id = state.scope.partition(":")
        parts = [rule_text(rule)]
        if state.value is not None:
            parts.append(f"now {value_text(MetricValue(rule.kpi, state.value))}")
        if state.since is not None:
            parts.append(f"since {state.since.date().isoformat()}")
        found.append(Breach(scope, row_id or None, " · ".join(parts)))
    return found
