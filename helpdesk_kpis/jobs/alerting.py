"""The `alerts` wiring: read the rules with the engine, advance their states, post the changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from helpdesk_kpis.jobs.rules import rule_reports, rule_windows, rules_from
from helpdesk_kpis.jobs.teams import mention_markup, reading_team, reporting_teams
from helpdesk_kpis.jobs.theme_alerting import theme_alerts
from helpdesk_kpis.settings.models import FileConfig
from kpis.engine import KpiConfig
from kpis.query import load_kpi_data
from kpis.store import Store
from kpis.store.alert_states import AlertStates
from kpis.store.sent_log import DeliveryLog
from notifiers.alert_rules import Reading
from notifiers.alerts import AlertPlan, Route, plan_alerts

NO_CHANNEL = "(no channel configured)"
#: Why an alert went nowhere, as the run's summary and the dry run say it.
NO_PLACE = "no channel to post to; set the rule's channel or [digest] leads_channel"
NO_LEADS = "no leads to tell; add leads = [...] (or leads_channel) to the team's [[teams]] entry"


def evaluate_alerts(
    store: Store, config: FileConfig, kpi_config: KpiConfig, *, now: datetime, dry_run: bool = False
) -> AlertPlan:
    """What the rules read now and what would change; stores nothing.

    A dry run shows readings that have no channel too (as going to :data:`NO_CHANNEL`).
    """
    plan = _threshold_plan(store, config, kpi_config, now=now, dry_run=dry_run)
    rising = theme_alerts(store, config, now=now, no_channel=NO_CHANNEL if dry_run else None)
    return replace(plan, outbox=plan.outbox + [alert.outbox_entry() for alert in rising], themes=rising)


def _threshold_plan(
    store: Store, config: FileConfig, kpi_config: KpiConfig, *, now: datetime, dry_run: bool
) -> AlertPlan:
    rules = rules_from(config)
    log = DeliveryLog(store)
    if not rules:
        return AlertPlan([], [], [], [], [])
    zone = config.reporting.zone
    windows = rule_windows(rules, as_of=now, zone=zone)
    data = load_kpi_data(store, min(w.previous().start for w in windows.values()), max(w.end for w in windows.values()))
    teams = reporting_teams(data, config)
    reports = rule_reports(teams, rules, windows, now=now, config=kpi_config)
    settings = {rule.id: rule for rule in config.alerts}

    def route_for(reading: Reading) -> Route:
        rule = settings[reading.rule.id]
        team = teams.config_of(reading_team(reading))
        if reading.row.scope == "agent":
            # An agent's numbers never go to the team channel: a leads-only channel, else each lead directly.
            private = rule.channel or (team.leads_channel if team else None)
            if private or (team and team.leads):
                return Route(channel=private, leads=tuple(team.leads) if team else ())
            return Route(why_not=NO_LEADS)
        channel = rule.channel or (team.channel if team else None) or config.digest.leads_channel
        if channel or dry_run:
            return Route(channel=channel or NO_CHANNEL)
        return Route(why_not=NO_PLACE)

    def mention_for(reading: Reading) -> str | None:
        team = teams.config_of(reading_team(reading))
        return mention_markup(settings[reading.rule.id].mention, team.leads if team else [])

    snoozes = AlertStates(store).snoozed(now)
    return plan_alerts(reports, log.alert_states(), now=now, zone=zone, route_for=route_for, mention_for=mention_for,
                       snoozed=lambda reading: (reading.rule.id, reading.scope) in snoozes)


def record_plan(store: Store, plan: AlertPlan) -> None:
    """Store the new states with their announcements (the outbox), in one transaction."""
    DeliveryLog(store).record_alerts(plan.states, plan.outbox)
