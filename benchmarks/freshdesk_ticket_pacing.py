"""Benchmark: a Freshdesk ticket backfill against the fake, with the ticket list paced to its
plan's own per-minute limit, and without (the limit set out of reach, as before the pacing).

The fake enforces what Freshdesk does: the plan's calls a minute (X-RateLimit-Total) and the
ticket list's lower limit (20 / 100 / 200 a minute on Growth / Pro / Enterprise), answering 429
with Retry-After. The clock is compressed: waits take no real time and are printed as simulated
minutes. Printed per run: tickets read, requests, 429s, simulated minutes, and the retry waits
counted against the wait budget (600 s by default: past it a sync stops).

    .venv/bin/python benchmarks/freshdesk_ticket_pacing.py                  # 25,000 tickets
    .venv/bin/python benchmarks/freshdesk_ticket_pacing.py --tickets 5000

25,000 tickets is about what an unpaced Growth backfill gets through before its 429 waits pass
the default wait budget. The fake filters and sorts the whole account on every request, so a
run takes minutes of real time.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TICKET_STREAMS = ("tickets", "deleted_tickets", "spam_tickets")
#: A ticket-list limit no plan has: the sync then paces only by the remaining-requests header.
UNPACED = 1_000_000


def backfill(plan_total: int, tickets: int, ticket_list_per_minute: int | None) -> str:
    from connectors.base import SyncOptions
    from connectors.errors import RetriesExhausted
    from connectors.freshdesk import FreshdeskConnector, FreshdeskSettings
    from tests.fakes.freshdesk import FakeFreshdesk, FreshdeskAccount
    from tests.fakes.zendesk import CompressedClock

    clock = CompressedClock()
    account = FreshdeskAccount(clock)
    start = clock.epoch() - 30 * 86400
    for i in range(tickets):
        account.add_ticket(created=start + i * 60, agent=None, group=None, updated=start + i * 60)
    with FakeFreshdesk(account, clock, per_minute=plan_total) as fake:
        settings = FreshdeskSettings(
            url=fake.url, api_key=account.api_key, ticket_list_per_minute=ticket_list_per_minute
        )
        connector = FreshdeskConnector("bench", settings, clock=clock)
        now = datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc)
        options = SyncOptions(since=now - timedelta(days=60), now=now)
        read, outcome = set(), "complete"
        try:
            for stream in connector.streams():
                if stream.name in TICKET_STREAMS:
                    for page in stream.pages(None, options):
                        read.update(r.id for r in page.records)
        except RetriesExhausted:
            outcome = "stopped: wait budget used up"
        statuses = [entry.status for entry in fake.log]
    pacing = "unpaced" if ticket_list_per_minute == UNPACED else "paced"
    return (
        f"total {plan_total:>3}/min, {pacing:>7}: {len(read):,} tickets, {len(statuses)} requests, "
        f"{statuses.count(429)} x 429, {clock.monotonic() / 60:.1f} simulated min, "
        f"{connector.client.session.waiter.retry_waited:.0f} s retry waits; {outcome}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=25_000)
    args = parser.parse_args()
    for plan_total, per_minute in ((200, None), (200, UNPACED), (400, None), (700, None)):
        print(backfill(plan_total, args.tickets, per_minute), flush=True)


if __name__ == "__main__":
    main()
