"""How long `report --outcomes` takes: the accounts with their support read from the store, and
the churn computed, on a sample helpdesk of ``--tickets`` tickets (one account per organisation).

    .venv/bin/python benchmarks/outcomes_report.py [--tickets 100000] [--days 90] [--runs 3]

Fills a SQLite store in a temporary folder through the sample connector's streams and
``Store.write_page`` (not timed beyond the line it prints), then times the store read
(``load_account_support``) and the computation (``support_outcomes``) over the last 30 days,
``--runs`` times. Prints the figures; no target: the report runs once a month in the digest and
on demand. The figures vary with the machine's load.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from connectors.base import SyncOptions
from connectors.sample import SampleConnector, SampleSettings
from kpis.engine import KpiConfig
from kpis.outcome_query import load_account_support
from kpis.outcomes import support_outcomes
from kpis.store import Store

NOW = datetime(2026, 12, 3, 11, tzinfo=timezone.utc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{Path(folder) / 'outcomes.db'}")
        settings = SampleSettings(tickets=args.tickets, days=args.days, anchor=NOW)
        options = SyncOptions(since=NOW - timedelta(days=args.days), now=NOW)
        started = time.perf_counter()
        for stream in SampleConnector("bench", settings).streams():
            for page in stream.pages(None, options):
                store.write_page("sample", "bench", stream.name, page.records, page.cursor)
        print(f"filled {args.tickets:,} tickets in {time.perf_counter() - started:.1f} s")
        start, end = NOW.replace(hour=0) - timedelta(days=30), NOW.replace(hour=0)
        reads, computes = [], []
        for _ in range(args.runs):
            began = time.perf_counter()
            accounts, unmatched = load_account_support(store, start)
            read = time.perf_counter()
            outcomes = support_outcomes(accounts, start, end, now=NOW, config=KpiConfig(),
                                        organisations_without_account=unmatched)
            reads.append(read - began)
            computes.append(time.perf_counter() - read)
        tickets = sum(len(a.tickets) for a in accounts)
        print(f"{len(accounts):,} accounts, {tickets:,} tickets before the window, "
              f"{outcomes.counts.with_support:,} accounts grouped")
        print(f"store read  median {statistics.median(reads):.2f} s (min {min(reads):.2f}, max {max(reads):.2f})")
        print(f"computation median {statistics.median(computes):.2f} s (min {min(computes):.2f}, "
              f"max {max(computes):.2f})   ({args.runs} runs)")


if __name__ == "__main__":
    main()
