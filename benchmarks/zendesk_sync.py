"""Benchmark: a full Zendesk sync of 100,000 and 1,000,000 tickets against the fake Zendesk.

For each size, the fake (a synthetic account generated page by page) and the sync run in two
separate processes, so that the figures are the sync's own. Both share a *scaled* clock: time
runs ``--speedup`` times faster than real, so the export's rate limit (10 requests a minute,
enforced by the fake, honoured by the connector's pacing) costs minutes, not hours.

Printed per size: requests per endpoint against the minimum the API allows, wall and CPU time of
the sync, the rate-limit floor (the export's 10 pages a minute, in real minutes), and peak RSS.

    .venv/bin/python benchmarks/zendesk_sync.py                     # 100k and 1M
    .venv/bin/python benchmarks/zendesk_sync.py --sizes 20000 --speedup 120
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EMAIL, TOKEN = "admin@bench.test", "bench-token"
EXPORT_PAGE, LIST_PAGE, EXPORT_PER_MINUTE = 1000, 100, 10


def serve(args: argparse.Namespace) -> None:
    """Child process: the fake Zendesk on a scaled clock; prints its URL, serves until killed."""
    from tests.fakes.zendesk import FakeZendesk, ScaledClock
    from tests.fakes.zendesk.synthetic import SyntheticAccount

    clock = ScaledClock(args.speedup, args.origin)
    account = SyntheticAccount(args.tickets, end_epoch=int(clock.epoch()) - 3600)
    # One simulated second of tolerance: the two processes read the scaled clock a few real
    # milliseconds apart.
    fake = FakeZendesk(account, clock, tickets=account, email=EMAIL, token=TOKEN, tolerance=1.0)
    fake.start()
    print(fake.url, flush=True)
    while True:
        time.sleep(3600)


def run_sync(args: argparse.Namespace) -> None:
    """Child process: the real sync path (connector, run_sync, SQLite store); prints its figures."""
    from connectors.zendesk import ZendeskConnector, ZendeskSettings
    from helpdesk_kpis.jobs.sync import run_sync as sync
    from kpis.store import Store
    from tests.fakes.zendesk import ScaledClock

    clock = ScaledClock(args.speedup, args.origin)
    settings = ZendeskSettings(url=args.url, email=EMAIL, api_token=TOKEN)
    connector = ZendeskConnector("bench", settings, clock=clock)
    store = Store.open(f"sqlite:///{args.db}")
    now = datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc)
    started_wall, started_sim = time.perf_counter(), clock.monotonic()
    summary = sync(store, [connector], since=now - timedelta(days=2 * 365), now=now)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "records": summary.records,
        "pages": summary.pages,
        "wall": time.perf_counter() - started_wall,
        "simulated": clock.monotonic() - started_sim,
        "waited": summary.waited,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
    }), flush=True)


def measure(tickets: int, speedup: float) -> dict:
    from tests.fakes.zendesk.synthetic import SyntheticAccount

    origin = time.time()
    python = sys.executable
    me = str(Path(__file__).resolve())
    common = ["--speedup", str(speedup), "--origin", repr(origin)]
    server = subprocess.Popen([python, me, "--serve", "--tickets", str(tickets), *common], stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "bench.db"
            done = subprocess.run(
                [python, me, "--run-sync", "--url", url, "--db", str(db), *common],
                check=True, stdout=subprocess.PIPE, text=True,
            )
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            figures["db_mb"] = db.stat().st_size / 2**20
        import requests

        stats = requests.get(f"{url}/__fake__/stats", timeout=30).json()
    finally:
        server.kill()
        server.wait()
    account = SyntheticAccount(tickets, end_epoch=0)
    minimum = {
        "/api/v2/incremental/tickets/cursor.json": max(1, math.ceil(tickets / EXPORT_PAGE)),
        "/api/v2/satisfaction_ratings.json": max(1, math.ceil(account.ratings_total / LIST_PAGE)),
        "/api/v2/guide/survey_responses": 1,  # one request learns the account does not use it
        "/api/v2/users.json": max(1, math.ceil(account.agents_total / LIST_PAGE)),
        "/api/v2/groups.json": max(1, math.ceil(account.groups_total / LIST_PAGE)),
        "/api/v2/group_memberships.json": max(1, math.ceil(len(account.memberships) / LIST_PAGE)),
    }
    figures["requests"] = {
        path: (sum(stats["requests"].get(path, {}).values()), need, stats["requests"].get(path, {}))
        for path, need in minimum.items()
    }
    figures["violations"] = stats["violations"]
    figures["floor_minutes"] = (minimum["/api/v2/incremental/tickets/cursor.json"] - EXPORT_PER_MINUTE) / EXPORT_PER_MINUTE
    return figures


def report(tickets: int, speedup: float, f: dict) -> None:
    print(f"\n== {tickets:,} tickets (clock {speedup:g}x) ==")
    print(f"{'endpoint':<44}{'requests':>10}{'minimum':>10}{'ratio':>8}  statuses")
    for path, (made, need, statuses) in f["requests"].items():
        print(f"{path:<44}{made:>10,}{need:>10,}{made / need:>8.2f}  {statuses}")
    total_made = sum(m for m, _, _ in f["requests"].values())
    total_need = sum(n for _, n, _ in f["requests"].values())
    print(f"{'all':<44}{total_made:>10,}{total_need:>10,}{total_made / total_need:>8.2f}")
    print(f"records {f['records']:,} in {f['pages']:,} pages; Retry-After violations: {len(f['violations'])}")
    print(f"wall {f['wall']:.1f}s   CPU {f['cpu']:.1f}s   peak RSS {f['peak_rss_mb']:.0f} MB   store {f['db_mb']:.0f} MB")
    floor = f["floor_minutes"] * 60
    print(
        f"rate-limit floor (10 export pages a minute): {f['floor_minutes']:.1f} min real time; "
        f"CPU is {100 * f['cpu'] / floor:.1f}% of it" if floor > 0 else "rate-limit floor: none (fewer than 10 pages)"
    )
    print(f"simulated time {f['simulated'] / 60:.1f} min, of which {f['waited'] / 60:.1f} min waiting on rate limits")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--speedup", type=float, default=20.0, help="simulated seconds per real second")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--run-sync", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tickets", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--origin", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args)
    if args.run_sync:
        return run_sync(args)
    results = {}
    for tickets in args.sizes:
        started = time.perf_counter()
        results[tickets] = measure(tickets, args.speedup)
        report(tickets, args.speedup, results[tickets])
        print(f"(benchmark run took {time.perf_counter() - started:.0f}s)")
    if len(results) >= 2:
        small, large = min(results), max(results)
        ratio = results[large]["peak_rss_mb"] / results[small]["peak_rss_mb"]
        print(f"\npeak RSS at {large:,} / at {small:,}: {ratio:.2f} (target <= 1.2)")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
