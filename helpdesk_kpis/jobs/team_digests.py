"""The `digest` wiring: which digests a day has, their KPIs from the engine, their Slack payloads.

A digest is dated by the last day it may report on (default: yesterday in the reporting time
zone). A daily one covers ``[digest] period`` whole days ending with it, against the same number
of days before, and its chart shows each of the last 14 days against the 14 days before. A weekly
or monthly one (``[[teams]] digest``, ``[digest] leads_digest``) covers the last full week or month
ending on or before it, against the one before, and its chart shows the last 8 weeks or months
(:mod:`kpis.periods`). Its breach list: the rules breached as of the end of its period.
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
from helpdesk_kpis.settings.suggestions import name_hint
from kpis.directory import is_named
from kpis.engine import KpiConfig, compute_report
from kpis.errors import ConfigError
from kpis.periods import Cadence, is_due, period_key, period_window, trend_windows
from kpis.query import load_kpi_data
from kpis.results import with_policy_sla
from kpis.series import PeriodReports, period_reports, rolling_reports
from kpis.store import Store
from kpis.windows import Window, local_midnight, today_in
from notifiers.alert_rules import AlertRule, current_breaches, read
from notifiers.chart import Chart, Panel, trend_chart
from notifiers.delivery import DigestPost
from notifiers.digest import Digest, breakdown_message, digest_message
from notifiers.digest_outcomes import outcomes_line

CHART_DAYS = 14
#: Each daily chart point is the KPI over the 7 days ending that day.
ROLLING_DAYS = 7
#: First reply in business hours where the helpdesk gives business-hours times, else calendar hours.
CHART_KEYS = ("csat", ("first_reply_time_median_business", "first_reply_time_median"))
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
    every: Cadence = "daily"
    #: Weekly: the weekday it is posted ("mon"); monthly: the day of the month ("1"); daily: "".
    on: str = ""


@dataclass(frozen=True)
class BuiltDigest:
    target: DigestTarget
    digest: Digest
    post: DigestPost


def default_day(now: datetime, zone: ZoneInfo) -> date:
    return today_in(zone, now) - timedelta(days=1)


def digest_targets(
    config: FileConfig, teams: ReportingTeams, only: str | None = None, due_on: date | None = None
) -> list[DigestTarget]:
    """The configured team digests plus the leads' overall digest (``only``: one of them by name;
    ``due_on``: only those posted that day -- a weekly or monthly digest on its day alone).

    Without ``[[teams]]`` every helpdesk team is a target without a channel (previews only).
    """
    digest = config.digest
    targets = []
    if teams.configured:
        for team in teams.configured:
            targets.append(DigestTarget(team.name, f"team:{team.name}", team.channel, tuple(team.kpis or digest.kpis),
                                        team.digest_time or digest.time, team.name, team.digest, team.digest_day or ""))
    else:
        for name in teams.names():
            targets.append(DigestTarget(name, f"team:{name}", None, tuple(digest.kpis), digest.time, name))
    if digest.leads_channel or not teams.configured:
        targets.append(DigestTarget("All teams", OVERALL_SCOPE, digest.leads_channel, tuple(digest.kpis), digest.time,
                                    None, digest.leads_digest, digest.leads_digest_day or ""))
    if due_on is not None:
        targets = [t for t in targets if is_due(t.every, t.on, due_on)]
    if only is None:
        return targets
    chosen = [t for t in targets if is_named(only, t.title, t.team) or (is_named(only, "overall") and t.team is None)]
    if not chosen:
        names = [t.title for t in targets if t.team] + ["overall"]
        raise ConfigError(f"no digest for {only!r}" + name_hint(only, names, listing="digests"))
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
    due_on: date | None = None,
) -> list[BuiltDigest]:
    """The digests dated ``day`` (``only`` one; ``due_on``: those posted that day)."""
    zone = config.reporting.zone
    if day > today_in(zone, now):
        raise ConfigError(f"--date {day} is in the future; a digest reports on a day that has begun")
    periods = {every: _Period(every, day, zone, config.digest.period_days, rules)
               for every in _cadences(config)}
    starts = [p.first_start for p in periods.values()]
    starts.append(local_midnight(day - timedelta(days=QUALITY_DAYS - 1), zone))
    data = load_kpi_data(store, min(starts), max(p.last_end for p in periods.values()))
    teams = reporting_teams(data, config)
    targets = digest_targets(config, teams, only, due_on)
    built = []
    for every in dict.fromkeys(t.every for t in targets):
        chosen = [t for t in targets if t.every == every]
        built += periods[every].build(store, config, kpi_config, teams, chosen, now=now, with_chart=with_chart)
    order = {id(t): i for i, t in enumerate(targets)}
    return sorted(built, key=lambda b: order[id(b.target)])


def _cadences(config: FileConfig) -> set[Cadence]:
    """The periods any digest may need (daily too: helpdesk teams without ``[[teams]]`` are daily)."""
    return {"daily", config.digest.leads_digest, *(team.digest for team in config.teams)}


class _Period:
    """One cadence's window, chart windows and rule windows, and the digests built over them."""

    def __init__(self, every: Cadence, day: date, zone, period_days: int, rules: Sequence[AlertRule]) -> None:  # noqa: ANN001
        self.every, self.zone, self.rules = every, zone, rules
        self.window = period_window(every, day, zone, days=period_days)
        self.day = self.window.end_day - timedelta(days=1)  # the last day reported on
        if every == "daily":
            self.chart_windows = None
            chart_first = self.day - timedelta(days=CHART_DAYS + ROLLING_DAYS - 2)
        else:
            self.chart_windows = trend_windows(every, self.window)
            chart_first = self.chart_windows[0].first_day
        self.chart_first = chart_first
        as_of = local_midnight(self.window.end_day, zone)  # rules are judged as of the end of the period
        self.rule_windows = rule_windows(rules, as_of=as_of, zone=zone)
        starts = [self.window.previous().start, local_midnight(chart_first, zone)]
        starts += [w.previous().start for w in self.rule_windows.values()]
        self.first_start = min(starts)
        self.last_end = max([self.window.end] + [w.end for w in self.rule_windows.values()])

    def build(self, store: Store, config: FileConfig, kpi_config: KpiConfig, teams: ReportingTeams,
              targets: Sequence[DigestTarget], *, now: datetime, with_chart: bool) -> list[BuiltDigest]:
        window, day, zone = self.window, self.day, self.zone
        team_report = compute_report(teams.team_data, window, now=now, by="team", config=kpi_config)
        overall_report = compute_report(teams.data, window, now=now, by="overall", config=kpi_config)
        readings = [r for item in rule_reports(teams, self.rules, self.rule_windows, now=now, config=kpi_config)
                    for r in read(item.rule, item.report)]
        series: dict[str, PeriodReports] = {}
        if with_chart:
            for by, source in (("team", teams.team_data), ("overall", teams.data)):
                if any((t.team is None) == (by == "overall") for t in targets):
                    series[by] = self._series(source, by, now=now, config=kpi_config)
        comments = DigestComments(store, config, window, teams.data.directory)
        quality = []
        if self.every != "monthly" and is_quality_day(day) and any(t.team is None for t in targets):
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
                keys=with_policy_sla(target.keys, row), breaches=breaches, breakdown=breakdown, breakdown_noun=noun, low_rated_limit=config.digest.low_rated,
                min_sample=kpi_config.min_sample, team=target.team,
                themes=comments.low_themes(target.team, row, config.digest.low_rated),
                drivers=driver_lines(source, window, now=now, config=kpi_config, team=target.team, keys=target.keys),
                facet_breakdowns=thread_breakdowns(source, window, now=now, config=kpi_config, team=target.team),
                quality=quality if target.team is None else (), every=self.every,
            )
            targets_of = chart_targets(self.rules, target.team, kpi_config)
            chart = _chart(target, row.id, series, day, self.every, targets_of) if with_chart else None
            label = f"{target.title} digest for {day}" if self.every == "daily" else \
                f"{target.title} {self.every} digest for {period_key(self.every, window)}"
            post = DigestPost(scope=target.scope, day=day, channel=target.channel or "",
                              message=digest_message(digest), breakdown=breakdown_message(digest), chart=chart,
                              label=label, period=period_key(self.every, window))
            built.append(BuiltDigest(target, digest, post))
        return built

    def _series(self, data, by: str, *, now: datetime, config: KpiConfig) -> PeriodReports:  # noqa: ANN001
        if self.chart_windows is None:
            return rolling_reports(data, self.day - timedelta(days=CHART_DAYS - 1), self.day, self.zone,
                                   width=ROLLING_DAYS, now=now, by=by, config=config)
        return period_reports(data, self.chart_windows, now=now, by=by, config=config)


def monthly_outcomes(store: Store, day: date, zone: ZoneInfo, *, now: datetime, config: KpiConfig) -> str | None:
    """The "Outcomes" line of the leads' digest dated the last day of a month (the first digest
    posted in the next): churn in that calendar month by the bad ratings before it. ``None`` on
    other days, and when no account with support was a customer at the month's start."""
    if (day + timedelta(days=1)).day != 1:
        return None
    month = Window(day.replace(day=1), day + timedelta(days=1), zone)
    outcomes = window_outcomes(store, month, now=now, config=config).outcomes
    return outcomes_line(outcomes, day.strftime("%B %Y"))


def chart_targets(rules: Sequence[AlertRule], team: str | None, config: KpiConfig) -> dict[str, float]:
    """Target lines of a digest's chart: the threshold of an alert rule on the KPI that judges
    this digest's scope (the leads' digest: overall rules; a team's: its team and every-team
    rules), and for first reply without such a rule the default first-reply SLA."""
    scopes = ("overall",) if team is None else ("every-team", "team")
    found: dict[str, float] = {}
    for rule in rules:
        if rule.scope in scopes and (rule.scope != "team" or is_named(team or "", rule.team)):
            found.setdefault(rule.kpi, rule.threshold)
    for key in ("first_reply_time_median_business", "first_reply_time_median"):
        found.setdefault(key, config.default_sla_minutes)
    return found


def _chart(target: DigestTarget, row_id: str, series: dict[str, PeriodReports], day: date, every: Cadence,
           targets: dict[str, float]) -> Chart:
    reports = series["overall" if target.team is None else "team"]
    slug = "".join(c if c.isalnum() else "-" for c in target.title.lower()).strip("-") or "team"
    filename = f"{slug}-{day.isoformat()}.png" if every == "daily" else f"{slug}-{every}-{day.isoformat()}.png"
    panels = []
    for choice in CHART_KEYS:
        keys = (choice,) if isinstance(choice, str) else choice
        values = []
        for key in keys:  # the first the helpdesk measures
            values = reports.series(row_id, key)
            if any(m is not None and m.value is not None for m in values):
                break
        panels.append(Panel(key, current=values, target=targets.get(key)))
    what = "CSAT and first reply, 7 days to each day" if every == "daily" else f"{every} CSAT and first reply"
    return trend_chart(f"{target.title}: {what}", reports.days, panels, filename=filename, every=every)
