"""One `serve` process from start to stop: what its role runs, the scheduler lease, the signals.

Roles (``--role``): ``all`` (the `/kpi` endpoint and the jobs), ``endpoint`` (only `/kpi`: no jobs,
no connector configuration needed), ``scheduler`` (only the jobs, with `/healthz` and `/metrics`).
A process that runs jobs runs them only while it holds the store's scheduler lease
(:mod:`.leadership`); the others stand by.

SIGINT or SIGTERM stops everything within ``[server] shutdown_grace_seconds``: no new job starts,
a running sync stops at its next page boundary (what it stored stays; the next run resumes), the
endpoint takes no new work and its answers in progress get the grace to go out (the rest are told
to ask again); then `serve` exits 0. A second signal exits at once (:mod:`helpdesk_kpis.stop_signals`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from rich.console import Console
from rich.markup import escape

from helpdesk_kpis import metrics
from helpdesk_kpis.context import AppContext
from helpdesk_kpis.server.gc_pacing import CollectionPacer
from helpdesk_kpis.server.leadership import Leadership
from helpdesk_kpis.server.scheduler import build_scheduler
from helpdesk_kpis.stop_signals import StopSignals, join_within
from kpis.errors import ConfigError

if TYPE_CHECKING:  # uvicorn and Starlette are only imported when serving
    from helpdesk_kpis.server.endpoint import RunningServer

ROLES = ("all", "endpoint", "scheduler")
#: How often the jobs' thread looks whether it was asked to stop while it runs or stands by.
POLL_SECONDS = 0.2


def start_http_endpoint(  # noqa: ANN201
    ctx: AppContext, console: Console, *, host: str | None = None, port: int | None = None, role: str = "all"
):
    """The `/kpi` endpoint in a thread of this process, sharing ``ctx``'s settings and store.

    Off (with a line saying so) while ``SLACK_SIGNING_SECRET`` is unset: digests and alerts need
    only the bot token. Returns the running server, or None.
    """
    from helpdesk_kpis.server.endpoint import start_endpoint  # uvicorn and Starlette are only needed here

    settings = ctx.settings()
    secret = settings.env.slack_signing_secret
    if secret is None or not secret.get_secret_value().strip():
        console.print("/kpi endpoint off: SLACK_SIGNING_SECRET is not set (docs/slack.md#slash-command)", highlight=False)
        return None
    host = host or settings.config.server.host
    port = settings.config.server.port if port is None else port
    server = start_endpoint(ctx, host=host, port=port, role=role)
    console.print(f"/kpi endpoint: http://{host}:{server.port}/slack/events (health: /healthz)", highlight=False)
    return server


def run_forever(
    ctx: AppContext,
    *,
    console: Console,
    host: str | None = None,
    port: int | None = None,
    role: str = "all",
    socket_mode: bool = False,
) -> None:
    """Check the configuration, start what ``role`` runs, block until SIGINT or SIGTERM, and stop
    within the grace (the caller then ends the process: :func:`helpdesk_kpis.stop_signals.exit_now`).

    ``socket_mode`` (or ``[slack] socket_mode``): `/kpi` arrives over Slack's Socket Mode instead
    of HTTP; a scheduler process has no `/kpi` to receive and ignores it.
    """
    if role not in ROLES:
        raise ConfigError(f"unknown role {role!r}; use one of: {', '.join(ROLES)}")
    settings = ctx.settings()
    socket_mode = socket_mode or settings.config.slack.socket_mode
    runs_jobs = role in ("all", "scheduler")
    if runs_jobs:
        ctx.connectors()  # a missing connector or token fails now, with exit 2, not at the first job
    ctx.store()
    if runs_jobs and (settings.config.teams or settings.config.alerts):
        ctx.slack_client()
    grace = settings.config.server.shutdown_grace_seconds
    pacer = CollectionPacer().start()  # see gc_pacing: full collections stalled every thread
    try:
        with StopSignals() as stop:
            server = _start_server(ctx, console, role=role, socket_mode=socket_mode, host=host, port=port)
            jobs = None
            try:
                if runs_jobs:
                    jobs = Jobs(ctx, console, should_stop=stop.should_stop)
                    jobs.start()
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
            _stop_within(grace, console, server, jobs)
    finally:
        pacer.stop()


def _start_server(ctx: AppContext, console: Console, *, role: str, socket_mode: bool, host: str | None,
                  port: int | None):  # noqa: ANN202 - a RunningServer or a SocketEndpoint (both stop())
    settings = ctx.settings()
    if role == "scheduler":
        from helpdesk_kpis.server.scheduler_health import start_health_server  # uvicorn only when serving

        return start_health_server(ctx, console, host=host, port=port)
    if socket_mode:
        from helpdesk_kpis.server.socket_endpoint import start_socket_endpoint

        return start_socket_endpoint(
            ctx, console, host=host or settings.config.server.host,
            port=settings.config.server.port if port is None else port, role=role,
        )
    return start_http_endpoint(ctx, console, host=host, port=port, role=role)


class Jobs:
    """The jobs of roles ``all`` and ``scheduler``, in a thread: stand by until this process holds
    the scheduler lease, run the scheduler while it does, stand by again if it is lost."""

    def __init__(self, ctx: AppContext, console: Console, *, should_stop: Callable[[], bool]) -> None:
        self.ctx = ctx
        self.console = console
        self._should_stop = should_stop
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="jobs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stopping(self) -> bool:
        return self._stopping.is_set() or self._should_stop()

    def shutdown(self, wait: bool = True) -> None:
        """No new job; the running one stops at its next page boundary (it asks ``should_stop``)."""
        self._stopping.set()
        if wait:
            self._thread.join()

    def _run(self) -> None:
        ctx, console = self.ctx, self.console
        leadership = Leadership(ctx.store(), console, failover_seconds=ctx.settings().config.schedule.failover_seconds)
        while leadership.wait_for_turn(should_stop=self.stopping):
            scheduler = build_scheduler(ctx, console=console, scheduler=BackgroundScheduler(), should_stop=self.stopping)
            leadership.guard_jobs(scheduler)
            for job in scheduler.get_jobs():
                console.print(f"scheduled: {escape(job.name)}", highlight=False)
            zone = ctx.settings().config.reporting.zone.key
            console.print(f"serving (times in {zone}); Ctrl-C or SIGTERM stops", highlight=False)
            with leadership.holding(scheduler):
                metrics.LEADER.set(1)
                try:
                    scheduler.start()
                    while scheduler.running and not self.stopping():  # a lost lease shuts it down
                        time.sleep(POLL_SECONDS)
                    if scheduler.running:
                        scheduler.shutdown(wait=True)  # the running job stops at its next page
                finally:
                    metrics.LEADER.set(0)
            if self.stopping():
                return


def _stop_within(grace: float, console: Console, server: RunningServer | None, jobs: Jobs | BaseScheduler | None) -> None:
    """No new job, the running one told to stop (it was, by the signal), the endpoint drained."""
    deadline = time.monotonic() + grace
    closing = None
    if jobs is not None:
        # shutdown(wait=True) waits for the running job; in its own thread, so that the wait is bounded.
        closing = threading.Thread(target=jobs.shutdown, kwargs={"wait": True}, name="jobs-stop", daemon=True)
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
