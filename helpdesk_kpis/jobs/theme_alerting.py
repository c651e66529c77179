"""The `theme_rising` rules' wiring: each rule's window of comments per team, grouped into themes,
checked against the sent log so that a rising theme is announced once per week."""

from __future__ import annotations

from datetime import datetime

from helpdesk_kpis.jobs.teams import mention_markup
from helpdesk_kpis.jobs.themes_report import window_themes
from helpdesk_kpis.settings.models import FileConfig
from kpis.directory import is_named
from kpis.query import load_directory
from kpis.store import Store
from kpis.store.sent_log import DeliveryLog
from kpis.windows import today_in, window_for_period
from notifiers.theme_alerts import (
    DEFAULT_MIN_SAMPLE,
    THEME_RISING,
    ThemeAlert,
    ThemeRule,
    alert_key,
    is_rising,
    theme_alert,
)


def theme_rules_from(config: FileConfig) -> list[ThemeRule]:
    return [ThemeRule(id=r.id, scope=r.scope, team=r.team, window=r.window,
                      min_sample=r.min_sample or DEFAULT_MIN_SAMPLE, low_only=r.low_only)
            for r in config.alerts if r.kind == THEME_RISING]


def theme_alerts(store: Store, config: FileConfig, *, now: datetime, no_channel: str | None = None) -> list[ThemeAlert]:
    """The rising themes not yet announced this week; ``no_channel``: where a dry run shows those
    with no channel to post to (otherwise they wait, unannounced, until one is configured)."""
    rules = theme_rules_from(config)
    if not rules:
        return []
    zone = config.reporting.zone
    today = today_in(zone, now)
    log = DeliveryLog(store)
    settings = {rule.id: rule for rule in config.alerts}
    every_team = [team.name for team in config.teams] or load_directory(store).team_display_names()
    found = []
    for rule in rules:
        window = window_for_period(rule.window, now=now, zone=zone)
        teams = [None] if rule.scope == "overall" else [rule.team] if rule.scope == "team" else every_team
        for team in teams:
            themes = window_themes(store, config, window, team=team, low_only=rule.low_only).themes
            team_config = next((t for t in config.teams if is_named(team, t.name)), None) if team else None
            channel = (settings[rule.id].channel or (team_config.channel if team_config else None)
                       or config.digest.leads_channel or no_channel)
            if channel is None:
                continue
            mention = mention_markup(settings[rule.id].mention, team_config.leads if team_config else [])
            for theme in themes.themes:
                if is_rising(theme, rule.min_sample) and log.get(*alert_key(rule, team, theme, today)) is None:
                    found.append(theme_alert(rule, team, theme, window, today=today, channel=channel, mention=mention))
    return found
