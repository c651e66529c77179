"""The `digest` wiring: which digests a day has, their KPIs from the engine, their Slack payloads.

A digest is dated by the last day it reports on (default: yesterday in the reporting time zone)
and covers ``[digest] period`` whole days ending with it, against the same number of days before.
Its chart shows each of the last 14 days against the 14 days before; its breach list, the rules
breached as of the end of that day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from helpdesk_kpis.jobs.digest_comments import DigestComments
from helpdesk_kpis.jobs.digest_drivers import driver_lines, thread_breakdowns
from helpdesk_kpis.jobs.digest_quality import DAYS_NEEDED as QUALITY_DAYS
from helpdesk_kpis.jobs.digest_quality import is_quality_day, quality_lines
from helpdesk_kpis.jobs.outcomes_report import window_outcomes
from helpdesk_kpis.jobs.rules import rule_reports, rule_windows
from helpdesk_kpis.jobs.teams import ReportingTeams, reading_team, reporting_teams
from helpdesk_kpis.settings.models import FileConfig
from kpis.directory import is_named
from kpis.engine import KpiConfig, compute_report
from kpis.errors import ConfigError
from kpis.query import load_kpi_data
from kpis.results import with_policy_sla
from kpis.series import DailyReports, daily_reports
from kpis.store import Store
from kpis.windows import Window, local_midnight, today_in
from notifiers.alert_rules import AlertRule, current_breaches, read
from notifiers.chart import Chart, Panel, trend_chart
from notifiers.delivery import DigestPost
from notifiers.digest import Digest, breakdown_message, digest_message
from notifiers.digest_outcomes import outcomes_line

CHART_DAYS = 14
CHART_KEYS = ("csat", "first_reply_time_median")
OVERALL_SCOPE = "overall"


@dataclass(frozen=True)
class DigestTarget:
    title: str
    scope: str
    channel: str | None
    keys: tuple[str, ...]
    #: Local time the scheduler posts it (HH:MM).
    time: str
    #: The team's name; ``None`` for the leads' overall digest.
    team: str | None


@dataclass(frozen=True)
class BuiltDigest:
    target: DigestTarget
    digest: Digest
    post: DigestPost


def default_day(now: datetime, zone: ZoneInfo) -> date:
    return today_in(zone, now) - timedelta(days=1)


def digest_targets(config: FileConfig, teams: ReportingTeams, only: str | None = None) -> list[DigestTarget]:
    """The configured team digests plus the leads' overall digest (``only``: one of them by name).

    Without ``[[teams]]`` every helpdesk team is a target without a channel (previews only).
    """
    digest = config.digest
    targets = []
    if teams.configured:
        for team in teams.configured:
            targets.append(DigestTarget(team.name, f"team:{team.name}", team.channel, tuple(team.kpis or digest.kpis),
                                        team.digest_time or digest.time, team.name))
    else:
        for name in teams.names():
            targets.append(DigestTarget(name, f"team:{name}", None, tuple(digest.kpis), digest.time, name))
    if digest.leads_channel or not teams.configured:
        targets.append(DigestTarget("All teams", OVERALL_SCOPE, digest.leads_channel, tuple(digest.kpis), digest.time, None))
    if only is None:
        return targets
    chosen = [t for t in targets if is_named(only, t.title, t.team) or (is_named(only, "overall") and t.team is None)]
    if not chosen:
        names = ", ".join([t.title for t in targets if t.team] + ["overall"])
        raise ConfigError(f"no digest for {only!r}; digests: {names}")
    return chosen


def build_digests(
    store: Store,
    config: FileConfig,
    kpi_config: KpiConfig,
    rules: Sequence[AlertRule],
    *,
    day: date,
    now: datetime,
    only: str | None = None,
    with_chart: bool = True,
) -> list[BuiltDigest]:
    zone = config.reporting.zone
    if day > today_in(zone, now):
        raise ConfigError(f"--date {day} is in the future; a digest reports on a day that has begun")
    window = Window(day - timedelta(days=config.digest.period_days - 1), day + timedelta(days=1), zone)
    as_of = local_midnight(day + timedelta(days=1), zone)  # rules are judged as of the end of the day
    windows = rule_windows(rules, as_of=as_of, zone=zone)
    chart_first = day - timedelta(days=2 * CHART_DAYS - 1)
    starts = [window.previous().start, local_midnight(chart_first, zone),
              local_midnight(day - timedelta(days=QUALITY_DAYS - 1), zone)]
    starts += [w.previous().start for w in windows.values()]
    ends = [window.end] + [w.end for w in windows.values()]
    data = load_kpi_data(store, min(starts), max(ends))
    teams = reporting_teams(data, config)
    targets = digest_targets(config, teams, only)

    team_report = compute_report(teams.team_data, window, now=now, by="team", config=kpi_config)
    overall_report = compute_report(teams.data, window, now=now, by="overall", config=kpi_config)
    readings = [r for item in rule_reports(teams, rules, windows, now=now, config=kpi_config)
                for r in read(item.rule, item.report)]
    daily: dict[str, DailyReports] = {}
    if with_chart:
        if any(t.team is not None for t in targets):
            daily["team"] = daily_reports(teams.team_data, chart_first, day, zone, now=now, by="team", config=kpi_config)
        if any(t.team is None for t in targets):
            daily["overall"] = daily_reports(teams.data, chart_first, day, zone, now=now, by="overall", config=kpi_config)

    comments = DigestComments(store, config, window, data.directory)
    quality = []
    if is_quality_day(day) and any(t.team is None for t in targets):
        quality = quality_lines(teams.data, day, zone, now=now, config=kpi_config,
                                scorecard=config.scorecard.scorecard_config(kpi_config.min_sample))
    built = []
    for target in targets:
        if target.team is None:
            report, row = overall_report, overall_report.rows[0]
            breakdown, noun = team_report.rows, "teams"
            breaches = current_breaches(readings)
        else:
            report = team_report
            row = next(r for r in team_report.rows if r.name == target.team)
            breakdown = compute_report(teams.team_data, window, now=now, by="agent", team=target.team,
                                       config=kpi_config).rows
            noun = "agents"
            breaches = current_breaches([r for r in readings if reading_team(r) == target.team])
        source = teams.data if target.team is None else teams.team_data
        digest = Digest(
            outcomes=monthly_outcomes(store, day, zone, now=now, config=kpi_config) if target.team is None else None,
            title=target.title, scope=target.scope, day=day, report=report, row=row,
            keys=with_policy_sla(target.keys, row),
            breaches=breaches, breakdown=breakdown, breakdown_noun=noun, low_rated_limit=config.digest.low_rated,
            min_sample=kpi_config.min_sample, team=target.team,
            themes=comments.low_themes(target.team, row, config.digest.low_rated),
            drivers=driver_lines(source, window, now=now, config=kpi_config, team=target.team, keys=target.keys),
            facet_breakdowns=thread_breakdowns(source, window, now=now, config=kpi_config, team=target.team),
            quality=quality if target.team is None else (),
        )
        chart = _chart(target, row.id, daily, day) if with_chart else None
        post = DigestPost(scope=target.scope, day=day, channel=target.channel or "", message=digest_message(digest),
                          breakdown=breakdown_message(digest), chart=chart, label=f"{target.title} digest for {day}")
        built.append(BuiltDigest(target, digest, post))
    return built


def monthly_outcomes(store: Store, day: date, zone: ZoneInfo, *, now: datetime, config: KpiConfig) -> str | None:
    """The "Outcomes" line of the leads' digest dated the last day of a month (the first digest
    posted in the next): churn in that calendar month by the bad ratings before it. ``None`` on
    other days, and when no account with support was a customer at the month's start."""
    if (day + timedelta(days=1)).day != 1:
        return None
    month = Window(day.replace(day=1), day + timedelta(days=1), zone)
    outcomes = window_outcomes(store, month, now=now, config=config).outcomes
    return outcomes_line(outcomes, day.strftime("%B %Y"))


def _chart(target: DigestTarget, row_id: str, daily: dict[str, DailyReports], day: date) -> Chart:
    series = daily["overall" if target.team is None else "team"]
    panels = []
    for key in CHART_KEYS:
        values = series.series(row_id, key)
        panels.append(Panel(key, current=values[CHART_DAYS:], previous=values[:CHART_DAYS]))
    slug = "".join(c if c.isalnum() else "-" for c in target.title.lower()).strip("-") or "team"
    return trend_chart(f"{target.title}: daily CSAT and first reply", series.days[CHART_DAYS:], panels,
                       filename=f"{slug}-{day.isoformat()}.png")
