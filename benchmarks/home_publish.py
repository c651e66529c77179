"""The App Home refresh after a sync: ``views.publish`` for many leads on a large store, within Slack's limit.

    .venv/bin/python benchmarks/home_publish.py [--tickets 1000000] [--leads 200] [--folder benchmark-data]
        [--limit 100] [--window 60] [--workers 4]

1. Builds (once; reused afterwards) the store of slash_latency.py: ``--tickets`` synthetic tickets
   over a year, 6 teams and 60 agents, through the sample connector and the normal `sync` path.
2. Configures ``--leads`` leads spread over the teams, all of whom opened their App Home an hour ago.
3. Runs what the scheduler runs after a sync (helpdesk_kpis.server.home_refresh): each lead's Home
   built from the `/kpi` answers (a fresh snapshot cache: the first refresh after a start reads
   the store) and published through the publish queue, against the local fake of Slack's Web API
   enforcing a Tier 4 window on ``views.publish``: ``--limit`` calls per ``--window`` seconds,
   then HTTP 429 with ``Retry-After`` (Slack's Tier 4 is 100+ a minute; a shorter window makes a
   run shorter, the share of waiting stays comparable).
4. Prints the total time, the time spent computing (the views) and waiting on the limit (the
   Retry-After sleeps of slack-sdk's RateLimitErrorRetryHandler), summed over the workers, and
   how many 429s the fake answered.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from slack_sdk import WebClient  # noqa: E402
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler  # noqa: E402
from slash_mix import build_store, directory  # noqa: E402

from helpdesk_kpis.context import AppContext  # noqa: E402
from helpdesk_kpis.server.home_refresh import HomeRefresh  # noqa: E402
from notifiers.interactive.home_store import HomeStates  # noqa: E402
from notifiers.slack_client import make_client  # noqa: E402
from tests.fakes.slack.api import TOKEN, FakeSlack  # noqa: E402 - the test fake, on 127.0.0.1


class TimedRateLimitHandler(RateLimitErrorRetryHandler):
    """slack-sdk's handler, adding up the time it sleeps on Retry-After."""

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.waited = 0.0
        self._lock = threading.Lock()

    def prepare_for_next_attempt(self, **kwargs) -> None:  # noqa: ANN003
        started = time.perf_counter()
        super().prepare_for_next_attempt(**kwargs)
        with self._lock:
            self.waited += time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--leads", type=int, default=200)
    parser.add_argument("--folder", type=Path, default=Path("benchmark-data"), help="where the store is kept")
    parser.add_argument("--limit", type=int, default=100, help="views.publish calls the fake allows per window")
    parser.add_argument("--window", type=float, default=60.0, help="the rate-limit window, seconds")
    parser.add_argument("--workers", type=int, default=4, help="publishes at a time")
    args = parser.parse_args()

    database = build_store(args.folder, args.tickets).resolve()
    team_names, _members = directory(database)
    leads = [f"U0HL{i:04d}" for i in range(args.leads)]
    work = args.folder / "home"
    work.mkdir(exist_ok=True)
    teams = ""
    for t, name in enumerate(team_names):
        ids = ", ".join(f'"{lead}"' for lead in leads[t::len(team_names)])
        teams += f'\n[[teams]]\nname = "{name}"\nchannel = "C0TEAM{t}"\nleads = [{ids}]\n'
    (work / "helpdesk-kpis.toml").write_text(teams + '\n[slash]\nadmins = ["U0ADMIN"]\n')
    os.chdir(work)
    os.environ.pop("HELPDESK_KPIS_CONFIG", None)
    print(f"{args.leads} leads over {len(team_names)} teams; views.publish limited to {args.limit} calls per "
          f"{args.window:g} s (Slack's Tier 4: 100+ per minute); {args.workers} publishes at a time", flush=True)

    with FakeSlack() as slack:
        slack.users.update({lead: f"{lead.lower()}@leads.test" for lead in leads})
        slack.limit_views_publish(args.limit, args.window)
        os.environ.update(DATABASE_URL=f"sqlite:///{database}", SLACK_BOT_TOKEN=TOKEN, SLACK_API_URL=slack.base_url)
        ctx = AppContext()
        states = HomeStates(ctx.store())
        opened = datetime.now(timezone.utc) - timedelta(hours=1)
        for lead in leads:
            states.opened(lead, opened)
        client = make_client(TOKEN, slack.base_url)
        handler = _timed(client)
        refresh = HomeRefresh(ctx, client=client, workers=args.workers)
        started = time.perf_counter()
        queued = refresh.after_sync()
        refresh.publisher.wait_idle()
        total = time.perf_counter() - started
        figures = refresh.publisher.figures
        limited = slack._home()["limited"]
    busy = figures.computing_seconds + figures.publishing_seconds
    print(f"\nqueued {queued} Homes; published {figures.published}, failed {figures.failed}")
    print(f"total: {total:.1f} s ({args.leads / total:.1f} Homes/s)")
    print(f"worker time {busy:.1f} s over {args.workers} workers:")
    print(f"  computing the views  {figures.computing_seconds:7.1f} s ({figures.computing_seconds / busy:.0%})")
    print(f"  waiting on the limit {handler.waited:7.1f} s ({handler.waited / busy:.0%}; {limited} answers 429)")
    other = figures.publishing_seconds - handler.waited
    print(f"  views.publish calls  {other:7.1f} s ({other / busy:.0%}; the fake's own answers)")
    return 0 if figures.failed == 0 and figures.published == args.leads else 1


def _timed(client: WebClient) -> TimedRateLimitHandler:
    """``client``'s rate-limit handler replaced by a timed one of the same settings."""
    original = next(h for h in client.retry_handlers if isinstance(h, RateLimitErrorRetryHandler))
    timed = TimedRateLimitHandler(max_retry_count=original.max_retry_count)
    client.retry_handlers[client.retry_handlers.index(original)] = timed
    return timed


if __name__ == "__main__":
    sys.exit(main())
