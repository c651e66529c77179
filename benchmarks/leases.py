"""What sharing a store between processes costs, and how fast a standby takes over.

    .venv/bin/python benchmarks/leases.py [--url DATABASE_URL] [--runs 500] [--failover 3] [--takeovers 5]

Against a fresh SQLite file in a temporary directory unless ``--url`` names a store (a PostgreSQL
schema made for it, say). Prints the median and 99th percentile of: the replay check of one
`/kpi` request (the insert into ``seen_signatures``), taking a lease, and renewing it. Then, for
``--takeovers`` rounds: a child process takes the ``scheduler`` lease and renews it; it is killed
with SIGKILL; the time until this process takes the lease over is printed (median and max), for a
holder on this machine (its death is seen at once) and one on "another machine" (its row's process
key says so: only expiry frees it). That bound is ``failover_seconds``: 3/4 of it (expiry) + up to
1/8 (the standby's polling) + up to a second (whole-second timestamps).
"""

from __future__ import annotations

import argparse
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import sys, time
from kpis.store import Store
from kpis.store.leases import Lease
lease = Lease(Store.open(sys.argv[1]), "scheduler", failover_seconds=float(sys.argv[2]), holder="child")
while not lease.try_acquire():
    time.sleep(0.05)
print("held", flush=True)
with lease.heartbeat():
    time.sleep(3600)
"""


def _timed(action, runs: int) -> tuple[float, float]:
    times = []
    for n in range(runs):
        started = time.perf_counter()
        action(n)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--failover", type=float, default=3.0)
    parser.add_argument("--takeovers", type=int, default=5)
    args = parser.parse_args()
    from kpis.store import Store
    from kpis.store.leases import Lease
    from kpis.store.seen_requests import SeenRequests

    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{Path(folder) / 'bench.db'}"
        store = Store.open(url)
        print(f"store: {store.dialect}")
        seen = SeenRequests(store)
        median, p99 = _timed(lambda n: seen.first_sighting(f"{time.time()}:v0={n}", ttl=600), args.runs)
        print(f"replay check per request: median {median:.2f} ms, p99 {p99:.2f} ms")
        lease = Lease(store, "bench", failover_seconds=60)
        median, p99 = _timed(lambda _n: lease.try_acquire(), args.runs)
        print(f"take (or keep) a lease:   median {median:.2f} ms, p99 {p99:.2f} ms")
        median, p99 = _timed(lambda _n: lease.renew(), args.runs)
        print(f"renew a lease:            median {median:.2f} ms, p99 {p99:.2f} ms")
        lease.release()

        for where in ("this machine", "another machine"):
            waits = [_takeover(store, url, args.failover, elsewhere=where != "this machine")
                     for _ in range(args.takeovers)]
            print(f"takeover after kill -9, holder on {where} (failover_seconds = {args.failover:g}): "
                  f"median {statistics.median(waits):.2f} s, max {max(waits):.2f} s over {len(waits)} rounds")
        store.close()


def _takeover(store, url: str, failover: float, *, elsewhere: bool) -> float:  # noqa: ANN001
    from sqlalchemy import text

    from kpis.store.leases import Lease

    child = subprocess.Popen([sys.executable, "-c", CHILD, url, str(failover)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    time.sleep(failover * 0.3)  # let it renew at least once
    if elsewhere:  # a holder whose death this process cannot see: only expiry frees its lease
        with store.engine.begin() as connection:
            connection.execute(text("UPDATE leases SET process = 'another-host/1/1/1' WHERE name = 'scheduler'"))
    standby = Lease(store, "scheduler", failover_seconds=failover)
    child.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    child.wait()
    while not standby.try_acquire():
        time.sleep(standby.poll_seconds)
    waited = time.monotonic() - killed
    standby.release()
    return waited


if __name__ == "__main__":
    main()
