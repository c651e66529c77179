"""Alert rules from the config, and the engine reports each rule reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from helpdesk_kpis.jobs.teams import ReportingTeams
from helpdesk_kpis.settings.models import FileConfig
from kpis.engine import KpiConfig, compute_report
from kpis.results import Report
from kpis.windows import Window, window_for_period
from notifiers.alert_rules import AlertRule
from notifiers.alerts import RuleReport


def rules_from(config: FileConfig) -> list[AlertRule]:
    return [
        AlertRule(id=r.id, kpi=r.kpi, scope=r.scope, operator=r.operator, threshold=r.threshold, window=r.window,
                  team=r.team, min_sample=r.min_sample, hysteresis=r.hysteresis)
        for r in config.alerts
        if r.kind == "threshold"
    ]


def rule_windows(rules: Sequence[AlertRule], *, as_of: datetime, zone: ZoneInfo) -> dict[str, Window]:
    """Each rule's window as of ``as_of`` ("7d": the 7 whole days before that day)."""
    return {rule.id: window_for_period(rule.window, now=as_of, zone=zone) for rule in rules}


def rule_reports(
    teams: ReportingTeams, rules: Sequence[AlertRule], windows: dict[str, Window], *, now: datetime, config: KpiConfig
) -> list[RuleReport]:
    """The report each rule reads; rules sharing a window and scope share one engine run."""
    cache: dict[tuple, Report] = {}
    out = []
    for rule in rules:
        # A named team goes to the engine, which refuses an unknown name with the closest match.
        key = (windows[rule.id], rule.by, rule.team if rule.scope in ("team", "every-agent") else None)
        if key not in cache:
            data = teams.data if rule.by == "overall" else teams.team_data
            cache[key] = compute_report(data, key[0], now=now, by=rule.by, team=key[2], config=config)
        out.append(RuleReport(rule, key[0], cache[key]))
    return out
