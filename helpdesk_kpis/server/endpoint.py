"""Wiring of the Slack endpoint: settings in, a running HTTP server (uvicorn) out.

One Bolt app answers `/kpi` and the interactive surfaces (App Home, buttons, shortcuts and
modals), over HTTP here or over Socket Mode (:mod:`.socket_endpoint`). ``serve`` starts it next
to the scheduler, in the same process (:func:`start_endpoint`). The endpoint reads the store the
scheduler's syncs write (SQLite in WAL mode, or PostgreSQL); its answers come from
:func:`.kpi_answers.kpi_commands`.
"""

from __future__ import annotations

import logging
import math
import socket
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import uvicorn
from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackClientError
from sqlalchemy.engine import make_url
from starlette.applications import Starlette

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.jobs.slack_runs import clock as utc_clock
from helpdesk_kpis.server.health import health_report
from helpdesk_kpis.server.kpi_answers import WARM_PERIODS, WARM_SCOPES, kpi_commands, warm_windows
from helpdesk_kpis.server.load_processes import LoadProcesses
from helpdesk_kpis.server.observed import Observed
from helpdesk_kpis.stop_signals import join_within
from kpis.columnar.memo import DayMemo
from kpis.columnar.remembered import fill
from kpis.errors import ConfigError, CredentialError, RunFailed
from kpis.store.alert_states import AlertStates
from kpis.store.seen_requests import SeenRequests
from notifiers.interactive.buttons import register_buttons
from notifiers.interactive.home_app import register_home
from notifiers.interactive.home_publish import HomePublisher
from notifiers.interactive.home_store import HomeStates
from notifiers.interactive.shortcut_app import register_shortcuts
from notifiers.slack_client import make_client
from notifiers.slash.app import build_bolt_app
from notifiers.slash.inflight import InFlight
from notifiers.slash.replay import ReplayGuard
from notifiers.slash.server import create_asgi_app
from notifiers.slash.snapshots import SnapshotCache

log = logging.getLogger(__name__)

#: The Web API calls of a command (users.info...) must fit in Slack's 3 seconds with the rest.
LOOKUP_TIMEOUT_SECONDS = 3
#: Threads computing answers that read the store first, when they read it in this process: each
#: is CPU-bound Python and numpy under the one interpreter lock, so more of them add no throughput,
#: only wait for the threads that acknowledge commands (a period's load takes 0.3 to 0.5 s of a
#: core on a million tickets). With load processes: two per process (one waits for its read while
#: the other computes the KPIs of the read before).
LOAD_THREADS = 2
#: The interpreter's thread switch interval while the endpoint runs (CPython's default is 5 ms):
#: an acknowledgement takes a dozen turns at the lock between reading the request and writing the
#: answer, and waits for a CPU-bound load thread's whole interval at each of them.
#: https://docs.python.org/3/library/sys.html#sys.setswitchinterval
SWITCH_INTERVAL_SECONDS = 0.001


@dataclass
class SlashApp:
    """The Bolt app answering `/kpi`, over HTTP or Socket Mode, and the answers' cache."""

    bolt: App
    snapshots: SnapshotCache
    #: The answers owed through response_url, drained at shutdown.
    inflight: InFlight
    #: Where the answers are computed (those that read the store first, and those whose KPIs are
    #: loaded already); what is still queued there at the end of a shutdown is dropped.
    answers: ThreadPoolExecutor
    ready_answers: ThreadPoolExecutor
    #: The processes reading the store for new periods (None: this process reads it).
    load_processes: LoadProcesses | None = None
    #: Reads the store's days into the memory new periods are read from (None: nothing to fill).
    fill_memory: Callable[[], int] | None = None

    def warm(self, now: datetime, zone) -> None:  # noqa: ANN001
        self.snapshots.warm(warm_windows(now, zone), list(WARM_SCOPES))

    def settle(self, deadline: float, *, close_pool: bool) -> int:
        """The answers owed through response_url get until ``deadline`` (``time.monotonic``) to go
        out; the rest are told to ask again. Returns how many were told. ``close_pool``: no
        command can reach the answers' pool any more (what is still queued there is dropped)."""
        self.inflight.wait_answered(deadline)
        told = self.inflight.tell_restarted()
        if close_pool:
            self.close_pools()
        return told

    def close_pools(self) -> None:
        for pool in (self.answers, self.ready_answers):
            pool.shutdown(wait=False, cancel_futures=True)
        if self.load_processes is not None:
            self.load_processes.close()


@dataclass
class SlashEndpoint:
    app: Starlette
    slash: SlashApp


def build_slash_app(ctx: AppContext, *, clock: Callable[[], datetime] = utc_clock, socket_mode: bool = False) -> SlashApp:
    """The Bolt app; over HTTP it needs the signing secret, over Socket Mode (unsigned payloads on
    a connection the app token opened) it does not."""
    settings = ctx.settings()
    env, config = settings.env, settings.config
    secret = env.slack_signing_secret.get_secret_value().strip() if env.slack_signing_secret is not None else ""
    if not secret and not socket_mode:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set: copy the app's Signing Secret (Basic Information › App Credentials) "
            "into the environment or .env (docs/slack.md#slash-command)"
        )
    ctx.slack_client()  # the same clear error as the digests when SLACK_BOT_TOKEN is missing
    client = make_client(env.slack_bot_token.get_secret_value(), env.slack_api_url, timeout=LOOKUP_TIMEOUT_SECONDS)
    store = ctx.store()
    workers = None
    database_url = env.database_url.get_secret_value()
    # A worker opens the store itself: a SQLite store in memory would be another, empty one there.
    if config.slash.load_processes and not _in_memory(database_url):
        workers = LoadProcesses(database_url, processes=config.slash.load_processes,
                                cache_seconds=config.slash.cache_seconds)
    # The days of the store read by this process's answers, kept while no write touches them.
    memo = DayMemo(tolerate_seconds=config.slash.cache_seconds)
    commands = kpi_commands(ctx, client, clock=clock, workers=workers, memo=memo)
    inflight = InFlight()
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    answers = ThreadPoolExecutor(max_workers=max(LOAD_THREADS, 2 * config.slash.load_processes),
                                 thread_name_prefix="kpi-answer")
    ready_answers = ThreadPoolExecutor(max_workers=8, thread_name_prefix="kpi-ready")
    try:
        bolt = build_bolt_app(
            commands,
            signing_secret=secret,
            client=client,
            command=config.slash.command,
            inline_seconds=config.slash.inline_seconds,
            signed_requests=not socket_mode,
            replay_guard=ReplayGuard(SeenRequests(store)),  # shared by every endpoint process on the store
            executor=answers,
            ready_executor=ready_answers,
            inflight=inflight,
        )
        register_home(bolt, HomePublisher(make_client(env.slack_bot_token.get_secret_value(), env.slack_api_url),
                                          commands, HomeStates(store), clock=clock))
        register_shortcuts(bolt, commands)
        register_buttons(bolt, commands, AlertStates(store), clock=clock, executor=answers, ready_executor=ready_answers,
                         inflight=inflight)
    except BoltError:
        raise CredentialError(
            "SLACK_BOT_TOKEN was refused by Slack (auth.test failed); reinstall the app and copy its Bot User OAuth "
            "Token (xoxb-...)"
        ) from None
    except (SlackClientError, OSError) as error:
        raise RunFailed(f"cannot reach the Slack Web API to check SLACK_BOT_TOKEN: {type(error).__name__}") from None
    return SlashApp(bolt, commands.snapshots, inflight, answers, ready_answers, workers,
                    fill_memory=workers.fill_memory if workers is not None else lambda: fill(store, memo))


def build_endpoint(ctx: AppContext, *, clock: Callable[[], datetime] = utc_clock) -> SlashEndpoint:
    slash = build_slash_app(ctx, clock=clock)
    store = ctx.store()

    def healthy() -> bool:
        store.ping()
        return True

    app = create_asgi_app(
        slash.bolt,
        healthy=healthy,
        signing_secret=ctx.settings().env.slack_signing_secret.get_secret_value(),
        max_body_bytes=ctx.settings().config.slash.max_body_bytes,
    )
    return SlashEndpoint(app, slash)


class RunningServer:
    """uvicorn serving an ASGI app in a thread of this process (the main thread waits for signals).

    :meth:`stop` is bounded by ``grace`` seconds: new requests are refused (the socket closes),
    requests in progress are answered, and, for the `/kpi` endpoint, answers owed through
    ``response_url`` get until then to go out before their callers are told to ask again.
    """

    def __init__(
        self, app: Starlette, host: str, port: int, *, grace: float = 5.0, endpoint: SlashEndpoint | None = None
    ) -> None:
        self.grace = grace
        self._endpoint = endpoint
        self._socket = _listen(host, port)
        self.port = self._socket.getsockname()[1]
        config = uvicorn.Config(
            app,
            lifespan="off",
            access_log=False,
            server_header=False,
            log_config=None,
            # Requests in progress end quickly once the drain begins (notifiers.slash.inflight); past
            # this uvicorn cancels them rather than waiting without bound.
            timeout_graceful_shutdown=max(1, math.ceil(grace)),
            timeout_keep_alive=30,
        )
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self._socket]}, name="slash-http", daemon=True
        )

    def start(self, timeout: float = 10.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RunFailed("the /kpi HTTP server did not start; see the log above")
            time.sleep(0.02)

    def stop(self) -> int:
        """Stop within ``grace`` seconds (and a second for uvicorn's own bookkeeping); returns how
        many `/kpi` callers were told to ask again."""
        deadline = time.monotonic() + self.grace
        if self._endpoint is not None:
            self._endpoint.inflight.begin_drain()
        self.server.should_exit = True
        join_within(self._thread, self.grace + 1)
        self._socket.close()
        if self._endpoint is None:
            return 0
        return self._endpoint.settle(deadline, close_pool=not self._thread.is_alive())


def _in_memory(database_url: str) -> bool:
    url = make_url(database_url)
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise ConfigError(
            f"cannot listen on {host}:{port}: {error.strerror}; choose another with --port or [server] port"
        ) from None
    return sock


def start_endpoint(
    ctx: AppContext, *, host: str, port: int, clock: Callable[[], datetime] = utc_clock, role: str = "all"
) -> RunningServer:
    """Build the endpoint, start serving, and warm the common answers in the background."""
    endpoint = build_endpoint(ctx, clock=clock)
    grace = ctx.settings().config.server.shutdown_grace_seconds
    server = RunningServer(Observed(endpoint.app, health=lambda: health_report(ctx, role)), host, port, grace=grace,
                           endpoint=endpoint.slash)
    server.start()
    warm_in_background(endpoint.slash, ctx, clock)
    return server


def warm_in_background(slash: SlashApp, ctx: AppContext, clock: Callable[[], datetime]) -> None:
    zone = ctx.settings().config.reporting.zone

    def warm() -> None:
        started = time.monotonic()
        try:
            slash.warm(clock(), zone)
            log.info("/kpi answers for %s warmed in %.1fs", ", ".join(WARM_PERIODS), time.monotonic() - started)
            if slash.fill_memory is not None:
                # Then every day the memory holds, newest first: a period nobody asked about yet
                # is then assembled from memory (tens of milliseconds) rather than read from the store.
                started = time.monotonic()
                days = slash.fill_memory()
                log.info("/kpi: %d days of the store read into memory in %.1fs", days, time.monotonic() - started)
        except Exception as error:  # noqa: BLE001 - warming is an optimisation; commands load on demand
            log.warning("warming the /kpi answers failed: %s", error)

    threading.Thread(target=warm, name="slash-warm", daemon=True).start()
