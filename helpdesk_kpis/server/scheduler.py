"""`serve`: one long-running process for everything scheduled.

- every ``[schedule] sync_every_minutes``: sync each connector, then evaluate the alert rules;
- each team's digest at its local time (``digest_time``, else ``[digest] time``) on
  ``[digest] days``, in the reporting time zone, daylight saving included;
- the `/kpi` slash-command endpoint (uvicorn, in a thread of the same process) when
  ``SLACK_SIGNING_SECRET`` is set (:func:`start_http_endpoint`).

Jobs run one at a time (a single worker): a digest never reads the store while a sync is halfway
through a page, and two jobs never share the SQLite writer. A job that fails prints its one line
and the schedule goes on; a job that is late (the machine slept) runs once, not once per missed time.

SIGINT or SIGTERM stops everything within ``[server] shutdown_grace_seconds``: no new job starts,
a running sync stops at its next page boundary (what it stored stays; the next run resumes), the
endpoint takes no new work and its answers in progress get the grace to go out (the rest are told
to ask again); then `serve` exits 0. A second signal exits at once (:mod:`helpdesk_kpis.stop_signals`).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from rich.console import Console
from rich.markup import escape

from connectors.base import never_stop
from helpdesk_kpis.context import AppContext
from helpdesk_kpis.jobs import slack_runs
from helpdesk_kpis.jobs.slack_runs import run_alerts, run_digests
from helpdesk_kpis.jobs.sync import run_sync
from helpdesk_kpis.stop_signals import StopSignals, join_within
from kpis.errors import ConfigError, HelpdeskKpisError

if TYPE_CHECKING:  # uvicorn and Starlette are only imported when serving
    from helpdesk_kpis.server.endpoint import RunningServer

#: How late a job may start and still run (a laptop waking up, a long sync before it).
MISFIRE_GRACE_SECONDS = 30 * 60
#: The first sync of a fresh store reaches this far back (as `sync` does).
FIRST_SYNC_DAYS = 90


def build_scheduler(
    ctx: AppContext,
    *,
    console: Console,
    scheduler: BaseScheduler | None = None,
    should_stop: Callable[[], bool] = never_stop,
) -> BaseScheduler:
    """The configured jobs on ``scheduler`` (a new BlockingScheduler by default), not yet started;
    a sync asks ``should_stop`` after each page."""
    settings = ctx.settings()
    config = settings.config
    zone = config.reporting.zone
    scheduler = scheduler or BlockingScheduler()
    scheduler.configure(
        timezone=zone,
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS},
    )
    every = config.schedule.sync_every_minutes
    scheduler.add_job(
        sync_then_alerts, IntervalTrigger(minutes=every, timezone=zone), args=[ctx, console, should_stop], id="sync",
        name=f"sync every {every} min" + (", then alerts" if config.schedule.alerts_after_sync else ""),
        next_run_time=datetime.now(zone),  # the first sync right away
    )
    if config.schedule.digests:
        teams_by_time: dict[str, list[str]] = defaultdict(list)
        for team in config.teams:
            teams_by_time[team.digest_time or config.digest.time].append(team.name)
        if config.digest.leads_channel:
            teams_by_time[config.digest.time].append("overall")
        for at, names in sorted(teams_by_time.items()):
            hour, minute = (int(part) for part in at.split(":"))
            scheduler.add_job(
                post_digests, CronTrigger(hour=hour, minute=minute, day_of_week=config.digest.days, timezone=zone),
                args=[ctx, console, names], id=f"digest-{at}", name=f"digests at {at}: {', '.join(names)}",
            )
    return scheduler


def sync_then_alerts(ctx: AppContext, console: Console, should_stop: Callable[[], bool] = never_stop) -> None:
    now = slack_runs.clock()
    try:
        summary = run_sync(
            ctx.store(), ctx.connectors(), since=now - timedelta(days=FIRST_SYNC_DAYS), now=now, should_stop=should_stop
        )
        console.print(escape(summary.line()), highlight=False)
        if summary.stopped:
            console.print("sync stopped at a page boundary; the next run resumes from there", highlight=False,
                          soft_wrap=True)
            return
        if ctx.settings().config.schedule.alerts_after_sync and ctx.settings().config.alerts:
            run_alerts(ctx, now=slack_runs.clock(), console=console)
    except HelpdeskKpisError as error:
        console.print(f"[red]sync and alerts:[/] {escape(str(error))}", highlight=False)


def post_digests(ctx: AppContext, console: Console, names: list[str]) -> None:
    for name in names:
        try:
            run_digests(ctx, day=None, only=name, now=slack_runs.clock(), console=console)
        except HelpdeskKpisError as error:
            console.print(f"[red]digest {escape(name)}:[/] {escape(str(error))}", highlight=False)


def start_http_endpoint(ctx: AppContext, console: Console, *, host: str | None = None, port: int | None = None):  # noqa: ANN201
    """The `/kpi` endpoint in a thread of this process, sharing ``ctx``'s settings and store.

    Off (with a line saying so) while ``SLACK_SIGNING_SECRET`` is unset: digests and alerts need
    only the bot token. Returns the running server, or None.
    """
    from helpdesk_kpis.server.endpoint import start_endpoint  # uvicorn and Starlette are only needed here

    settings = ctx.settings()
    secret = settings.env.slack_signing_secret
    if secret is None or not secret.get_secret_value().strip():
        console.print("/kpi endpoint off: SLACK_SIGNING_SECRET is not set (README: Slash command)", highlight=False)
        return None
    host = host or settings.config.server.host
    port = settings.config.server.port if port is None else port
    server = start_endpoint(ctx, host=host, port=port)
    console.print(f"/kpi endpoint: http://{host}:{server.port}/slack/events (health: /healthz)", highlight=False)
    return server


#: What one `serve` process runs: ``all`` (one process, as before), ``endpoint`` (only the `/kpi`
#: endpoint: no jobs, no connector configuration needed), ``scheduler`` (only the jobs).
ROLES = ("all", "endpoint", "scheduler")


def run_forever(
    ctx: AppContext, *, console: Console, host: str | None = None, port: int | None = None, role: str = "all"
) -> None:
    """Check the configuration, start what ``role`` runs, block until SIGINT or SIGTERM, and stop
    within the grace (the caller then ends the process: :func:`helpdesk_kpis.stop_signals.exit_now`)."""
    if role not in ROLES:
        raise ConfigError(f"unknown role {role!r}; use one of: {', '.join(ROLES)}")
    runs_jobs = role in ("all", "scheduler")
    if runs_jobs:
        ctx.connectors()  # a missing connector or token fails now, with exit 2, not at the first job
    ctx.store()
    if runs_jobs and (ctx.settings().config.teams or ctx.settings().config.alerts):
        ctx.slack_client()
    grace = ctx.settings().config.server.shutdown_grace_seconds
    with StopSignals() as stop:
        if role == "scheduler":
            from helpdesk_kpis.server.scheduler_health import start_health_server  # uvicorn only when serving

            server = start_health_server(ctx, console, host=host, port=port)
        else:
            server = start_http_endpoint(ctx, console, host=host, port=port)
        scheduler = None
        try:
            if runs_jobs:
                scheduler = start_jobs(ctx, console=console, should_stop=stop.should_stop)
            else:
                console.print("serving the /kpi endpoint only (role endpoint); Ctrl-C stops", highlight=False)
            received = stop.wait()
        except BaseException:
            if server is not None:
                server.stop()
            raise
        console.print(
            f"{received.name if received else 'stop'}: stopping within {grace:g}s (again to exit at once)",
            highlight=False, soft_wrap=True,
        )
        _stop_within(grace, console, server, scheduler)


def start_jobs(ctx: AppContext, *, console: Console, should_stop: Callable[[], bool]) -> BaseScheduler:
    """The one place the jobs start (roles ``all`` and ``scheduler``), in a background thread.

    A leader lease, when there is one, is taken here before ``scheduler.start()``.
    """
    scheduler = build_scheduler(ctx, console=console, scheduler=BackgroundScheduler(), should_stop=should_stop)
    for job in scheduler.get_jobs():
        console.print(f"scheduled: {escape(job.name)}", highlight=False)
    zone = ctx.settings().config.reporting.zone.key
    console.print(f"serving (times in {zone}); Ctrl-C or SIGTERM stops", highlight=False)
    scheduler.start()
    return scheduler


def _stop_within(grace: float, console: Console, server: RunningServer | None, scheduler: BaseScheduler | None) -> None:
    """No new job, the running one told to stop (it was, by the signal), the endpoint drained."""
    deadline = time.monotonic() + grace
    closing = None
    if scheduler is not None:
        # shutdown(wait=True) waits for the running job; in its own thread, so that the wait is bounded.
        closing = threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}, name="jobs-stop", daemon=True)
        closing.start()
    if server is not None:
        told = server.stop()
        if told:
            console.print(f"/kpi: {told} answer{'s' if told != 1 else ''} not ready in time; asked to ask again",
                          highlight=False, soft_wrap=True)
    if closing is not None:
        join_within(closing, max(0.0, deadline - time.monotonic()))
        if closing.is_alive():
            console.print(f"the running job did not stop within {grace:g}s; what it stored is kept and the next "
                          "run resumes", highlight=False, soft_wrap=True)
    console.print("stopped", highlight=False)
