"""The `/kpi` answers over the store, as the endpoint gives them and whatever else answers as
`/kpi` does (the App Home's refresh after a sync): access policy from the teams, the snapshot cache
over the store's day blocks, Slack people lookups, breaches, themes and scorecards.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_sdk import WebClient

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.jobs.rules import rules_from
from helpdesk_kpis.jobs.slack_runs import clock as utc_clock
from helpdesk_kpis.jobs.teams import reporting_teams
from helpdesk_kpis.jobs.themes_report import window_themes
from helpdesk_kpis.server.load_processes import LoadProcesses
from kpis.columnar.memo import DayMemo
from kpis.kept_accounts import KeptAccounts
from kpis.query import load_kpi_data
from kpis.store.sent_log import DeliveryLog
from kpis.windows import window_for_period
from notifiers.slash.access import AccessPolicy, TeamAccess
from notifiers.slash.answers import KpiCommands
from notifiers.slash.breaches import active_breaches
from notifiers.slash.people import SlackPeople
from notifiers.slash.snapshots import SnapshotCache

#: Warmed when the server starts: what most commands ask for.
WARM_PERIODS = ("7d", "30d")
WARM_SCOPES = ("team", "agent", "overall")


def warm_windows(now: datetime, zone) -> list:  # noqa: ANN001 - a ZoneInfo; Windows
    return [window_for_period(period, now=now, zone=zone) for period in WARM_PERIODS]


def kpi_commands(ctx: AppContext, client: WebClient, *, clock: Callable[[], datetime] = utc_clock,
                 memo: DayMemo | None = None, workers: LoadProcesses | None = None) -> KpiCommands:
    """The `/kpi` answers over the store, for the endpoint and for whatever else answers as `/kpi`
    does (the App Home's refresh after a sync); ``memo``: the days already read, kept across calls;
    ``workers``: the processes that read new periods (``[slash] load_processes``), None: this one."""
    config = ctx.settings().config
    store = ctx.store()
    policy = AccessPolicy(
        teams=tuple(TeamAccess(t.name, frozenset(t.leads), t.channel) for t in config.teams),
        admins=frozenset(config.slash.admins),
        allowed_channels=None if config.slash.allowed_channels is None else frozenset(config.slash.allowed_channels),
    )

    # The days this process read, kept while no write touches them: a period nobody asked for yet
    # then costs the days not read before, and a sync rewriting some days leaves the others be
    # (and the days it rewrites are packed again at most once per cache_seconds, not per read).
    memo = memo or DayMemo(tolerate_seconds=config.slash.cache_seconds)
    accounts = KeptAccounts(config.slash.cache_seconds)  # read again as often as results are recomputed

    def read(start: datetime, end: datetime, tags: bool):  # noqa: ANN202 - KpiData
        if workers is not None:
            return workers.load(start, end, tags=tags)
        return load_kpi_data(store, start, end, tags=tags, memo=memo, accounts=accounts)

    def load(start: datetime, end: datetime, tags: bool = False):  # noqa: ANN202 - KpiData with the configured teams
        # Tags only for the questions that group by them (decoding them is most of a read's cost).
        return reporting_teams(read(start, end, tags), config).team_data

    snapshots = SnapshotCache(load, config=ctx.kpi_config(), ttl=config.slash.cache_seconds, clock=clock,
                              load_tags=lambda start, end: load(start, end, tags=True),
                              keep=lambda: warm_windows(clock(), config.reporting.zone))
    rules = {rule.id: rule for rule in rules_from(config)}
    commands = KpiCommands(
        policy=policy,
        snapshots=snapshots,
        zone=config.reporting.zone,
        clock=clock,
        people=SlackPeople(client, overrides=config.slash.users, ttl=config.slash.lookup_cache_seconds),
        breaches=lambda: active_breaches(DeliveryLog(store).alert_states().values(), rules),
        themes=lambda window, team, low: window_themes(store, config, window, team=team, low_only=low).themes,
        scorecard=ctx.scorecard_config(),
    )
    return commands
