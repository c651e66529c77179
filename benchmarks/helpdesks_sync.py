"""Benchmark: a full sync of Freshdesk, Intercom and Help Scout accounts against their fakes.

Each fake runs in a thread of this process on a compressed clock (waits on rate limits take no
real time and are reported as simulated minutes), and the real sync path (connector, run_sync,
a SQLite store) pulls every stream. The fake's CPU is included in the wall time, so the figures
are an upper bound of the connector's own cost.

Printed per helpdesk: tickets, requests, tickets read twice (Freshdesk re-anchors every page;
Help Scout pages newest first), wall seconds, tickets per second, and the minutes a real sync
would wait on the vendor's rate limit at the fake's limit.

    .venv/bin/python benchmarks/helpdesks_sync.py                  # 20,000 tickets each
    .venv/bin/python benchmarks/helpdesks_sync.py --tickets 5000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def freshdesk(n: int, clock):
    from connectors.freshdesk import FreshdeskConnector, FreshdeskSettings
    from tests.fakes.freshdesk import FakeFreshdesk, FreshdeskAccount, populate

    account = FreshdeskAccount(clock)
    populate(account, tickets=n, days=90)
    fake = FakeFreshdesk(account, clock, per_minute=400)  # the Pro plan's limit
    return (
        fake,
        lambda: FreshdeskConnector("bench", FreshdeskSettings(url=fake.url, api_key=account.api_key), clock=clock),
        n,
    )


def intercom(n: int, clock):
    from connectors.intercom import IntercomConnector, IntercomSettings
    from tests.fakes.intercom import FakeIntercom, IntercomWorkspace, populate

    workspace = IntercomWorkspace(clock)
    populate(workspace, conversations=n, days=90)
    fake = FakeIntercom(workspace, clock, per_minute=1000)
    return (
        fake,
        lambda: IntercomConnector("bench", IntercomSettings(url=fake.url, access_token=workspace.token), clock=clock),
        n,
    )


def helpscout(n: int, clock):
    from connectors.helpscout import HelpScoutConnector, HelpScoutSettings
    from tests.fakes.helpscout import FakeHelpScout, HelpScoutAccount, populate

    account = HelpScoutAccount(clock)
    populate(account, conversations=n, days=90)
    fake = FakeHelpScout(account, clock, per_minute=400)
    return (
        fake,
        lambda: HelpScoutConnector(
            "bench", HelpScoutSettings(url=fake.url, app_id=account.app_id, app_secret=account.app_secret), clock=clock
        ),
        n,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=20_000)
    args = parser.parse_args()

    from helpdesk_kpis.jobs.sync import run_sync
    from kpis.records import Ticket
    from kpis.store import Store
    from tests.fakes.zendesk import CompressedClock

    print(
        f"{'helpdesk':<10} {'tickets':>8} {'requests':>9} {'read twice':>11} {'wall s':>7} {'tickets/s':>10} "
        f"{'rate-limit wait':>16}"
    )
    for name, build in (("freshdesk", freshdesk), ("intercom", intercom), ("helpscout", helpscout)):
        clock = CompressedClock()
        fake, make, n = build(args.tickets, clock)
        with fake, tempfile.TemporaryDirectory() as folder:
            store = Store.open(f"sqlite:///{Path(folder) / 'bench.db'}")
            now = datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc)
            started = time.perf_counter()
            summary = run_sync(store, [make()], since=now - timedelta(days=91), now=now)
            wall = time.perf_counter() - started
            stored = store.count(Ticket)
            ticket_stream = next(s for s in summary.streams if s.label.endswith(" tickets"))
            # Intercom's ticket pages carry the ratings too; its search cursor reads nothing twice.
            twice = f"{ticket_stream.records - stored:,}" if name != "intercom" else "-"
            requests = len(fake.log)
            print(
                f"{name:<10} {stored:>8,} {requests:>9,} {twice:>11} {wall:>7.1f} {stored / wall:>10,.0f} "
                f"{sum(clock.slept) / 60:>13.1f} min"
            )
            store.close()


if __name__ == "__main__":
    main()
