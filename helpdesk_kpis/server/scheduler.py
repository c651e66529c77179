"""`serve`: one long-running process for everything scheduled.

- every ``[schedule] sync_every_minutes``: sync each connector, then evaluate the alert rules;
- each team's digest at its local time (``digest_time``, else ``[digest] time``) on
  ``[digest] days``, in the reporting time zone, daylight saving included; a weekly or monthly
  digest on its ``digest_day`` only;
- the `/kpi` slash-command endpoint (uvicorn, in a thread of the same process) when
  ``SLACK_SIGNING_SECRET`` is set (:func:`start_http_endpoint`).

Syncs run in one worker, digests in another, so a digest is posted at its time while a sync runs
(it reads only committed pages: each page is its own transaction). A job that fails prints its one
line and the schedule goes on; a job that is late (the machine slept) runs once, not once per
missed time; a digest missed while no scheduler ran is posted when one starts, the same local day
within ``[digest] catch_up_hours``, and one too late for that is reported, never dropped silently.

How the process starts, stands by for the scheduler lease and stops on a signal is in
:mod:`helpdesk_kpis.server.process`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from rich.console import Console
from rich.markup import escape

from connectors.base import never_stop
from helpdesk_kpis.context import AppContext
from helpdesk_kpis.jobs import slack_runs
from helpdesk_kpis.jobs.slack_runs import run_alerts, run_digests
from helpdesk_kpis.jobs.sync import publish_seconds, run_sync
from helpdesk_kpis.log_output import log_context
from helpdesk_kpis.server.digest_times import DigestSlot, digest_times, due_now, latest_due, trigger
from helpdesk_kpis.server.health import note_missed
from helpdesk_kpis.server.home_refresh import HomeRefresh
from kpis.errors import HelpdeskKpisError

#: How late a job may start and still run (a laptop waking up, a long sync before it).
MISFIRE_GRACE_SECONDS = 30 * 60
#: The worker syncs run in, apart from the digests'.
SYNC_WORKER = "sync"
#: The first sync of a fresh store reaches this far back (as `sync` does).
FIRST_SYNC_DAYS = 90


def build_scheduler(
    ctx: AppContext,
    *,
    console: Console,
    scheduler: BaseScheduler | None = None,
    now: datetime | None = None,
    should_stop: Callable[[], bool] = never_stop,
) -> BaseScheduler:
    """The configured jobs on ``scheduler`` (a new BlockingScheduler by default), not yet started;
    a sync asks ``should_stop`` after each page.

    Syncs run in a worker of their own, digests in another: a digest is posted at its time even
    while a long sync runs (it reads committed pages only; SQLite's WAL lets it). Digests whose
    time passed while no scheduler ran are caught up at start (:mod:`.digest_times`).
    """
    settings = ctx.settings()
    config = settings.config
    zone = config.reporting.zone
    now = now or datetime.now(zone)
    scheduler = scheduler or BlockingScheduler()
    scheduler.configure(
        timezone=zone,
        executors={"default": ThreadPoolExecutor(max_workers=1), SYNC_WORKER: ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS},
    )
    every = config.schedule.sync_every_minutes
    scheduler.add_job(
        in_log_context(sync_then_alerts, job="sync"), IntervalTrigger(minutes=every, timezone=zone),
        args=[ctx, console, should_stop, HomeRefresh(ctx).after_sync],
        id="sync", name=f"sync every {every} min" + (", then alerts" if config.schedule.alerts_after_sync else ""),
        next_run_time=now,  # the first sync right away
        executor=SYNC_WORKER,
    )
    if config.schedule.digests:
        # A late digest still runs within catch_up_hours (and then posts the digest it was due for).
        grace = max(1, int(config.digest.catch_up_hours * 3600))
        for slot, names in digest_times(config).items():
            scheduler.add_job(
                in_log_context(post_digests, job="digest"), trigger(slot, config),
                args=[ctx, console, names, slot], id=slot.job_id,
                name=f"digests at {slot.label}: {', '.join(names)}", misfire_grace_time=grace,
            )
        for due, names in due_now(config, now):
            scheduler.add_job(
                in_log_context(post_digests, job="digest"), "date", run_date=now,
                args=[ctx, console, names, due.slot], id=due.slot.job_id.replace("digest-", "catch-up-", 1),
                name=f"digests of {due.slot.label} caught up: {', '.join(names)}",
            )
    scheduler.add_listener(lambda event: _missed(event, console), EVENT_JOB_MISSED)
    return scheduler


def _missed(event: JobExecutionEvent, console: Console) -> None:
    """A job APScheduler skipped (later than its grace): said on the admin's channel, never only a warning."""
    note_missed(f"{event.job_id} due at {event.scheduled_run_time:%Y-%m-%d %H:%M %Z}")
    console.print(
        f"[red]missed:[/] {escape(event.job_id)} was due at {event.scheduled_run_time:%Y-%m-%d %H:%M %Z} and did not run "
        "in time (the process was stopped or busy); post a digest by hand with `helpdesk-kpis digest --date ...`",
        highlight=False, soft_wrap=True,
    )


def in_log_context(job_function: Callable[..., None], **fields: str) -> Callable[..., None]:
    """The job, with every record it logs (and every line it prints under --log-format json)
    carrying ``fields``."""

    @functools.wraps(job_function)
    def run(*args: object) -> None:
        with log_context(**fields):
            job_function(*args)

    return run


def sync_then_alerts(ctx: AppContext, console: Console, should_stop: Callable[[], bool] = never_stop,
                     after_sync: Callable[[], int] | None = None) -> None:
    """``after_sync``: queues the refresh of the App Homes opened lately (:mod:`.home_refresh`)."""
    now = slack_runs.clock()
    try:
        summary = run_sync(ctx.store(), ctx.connectors(), since=now - timedelta(days=FIRST_SYNC_DAYS), now=now,
                           failover_seconds=ctx.settings().config.schedule.failover_seconds,
                           notice=lambda line: console.print(escape(line), highlight=False, soft_wrap=True),
                           should_stop=should_stop, publish_seconds=publish_seconds(ctx.settings().config))
        console.print(escape(summary.line()), highlight=False)
        if summary.stopped:
            console.print("sync stopped at a page boundary; the next run resumes from there", highlight=False,
                          soft_wrap=True)
            return
        if ctx.settings().config.schedule.alerts_after_sync and ctx.settings().config.alerts:
            run_alerts(ctx, now=slack_runs.clock(), console=console)
    except HelpdeskKpisError as error:
        console.print(f"[red]sync and alerts:[/] {escape(str(error))}", highlight=False)
        return
    if after_sync is not None:
        try:
            after_sync()
        except HelpdeskKpisError as error:
            console.print(f"[red]App Home refresh:[/] {escape(str(error))}", highlight=False)


def post_digests(ctx: AppContext, console: Console, names: list[str], at: DigestSlot | str | None = None) -> None:
    """The digests of ``names``; ``at``: the slot they were scheduled for, so that a late run posts
    the digest of that slot's day (or says it is too late), not of whenever it runs."""
    now = slack_runs.clock()
    day = None
    if at is not None:
        due = latest_due(at, ctx.settings().config, now)
        if due is None:
            hours = ctx.settings().config.digest.catch_up_hours
            label = at if isinstance(at, str) else at.label
            note_missed(f"digests at {label}")
            console.print(f"[red]digests at {escape(label)} missed:[/] more than {hours:g} hours late, or past midnight; post them "
                          "with `helpdesk-kpis digest --date ...`", highlight=False, soft_wrap=True)
            return
        day = due.day
    for name in names:
        try:
            run_digests(ctx, day=day, only=name, now=now, console=console)
        except HelpdeskKpisError as error:
            console.print(f"[red]digest {escape(name)}:[/] {escape(str(error))}", highlight=False)
