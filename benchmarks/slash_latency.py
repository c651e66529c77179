"""How fast `/kpi` answers: `helpdesk-kpis serve` on a large store, asked by concurrent people,
over HTTP and over Socket Mode, with and without a sync writing into the store meanwhile.

    .venv/bin/python benchmarks/slash_latency.py [--tickets 1000000] [--clients 8] [--seconds 30]
        [--folder benchmark-data] [--writer-tickets 60000] [--inline-seconds S] [--load-processes N]
        [--endpoints N]

1. Builds (once; reused afterwards) a store of ``--tickets`` synthetic tickets over a year, 6 teams
   and 60 agents, through the sample connector and the normal `sync` path (slash_mix.py).
2. Starts `helpdesk-kpis serve --role endpoint` processes on it: ``--endpoints`` (default 1)
   answering `/kpi` over HTTP, behind a round-robin of the clients' requests (as a load balancer),
   and as many over Socket Mode, each with its connection to the local fake of Slack's Socket
   Mode (which sends each envelope to one of them at random, as Slack does), all with the local
   fake of Slack's Web API; waits until they have warmed up (slash_servers.py).
3. Four runs of ``--clients`` concurrent people for ``--seconds`` each: HTTP, then Socket Mode,
   without a sync; then both again while `helpdesk-kpis sync` of another sample instance
   rewrites its last 30 days into the same store, page after page. Each person asks a command of
   the mix (slash_mix.py: warm 7d/30d questions, a team's agents asked by its lead, a random
   14-day range, a calendar month) and waits for the answer before asking again (slash_clients.py).
4. Prints, per run, both distributions: the acknowledgement (the HTTP answer, or the Socket Mode
   ack; what Slack's 3-second limit applies to) and the final answer (inline, or the post to
   response_url as the fake Slack receives it), the errors, and the final answer per kind.

Targets: acknowledgement p99 <= 300 ms, final answer p99 <= 1 s, no errors.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from slash_clients import Summary, ask, http_sender, run_clients, socket_sender  # noqa: E402
from slash_mix import WEIGHTS, Mix, build_store, directory, serve_config, slack_users  # noqa: E402
from slash_servers import Server, Writer  # noqa: E402

from notifiers.slash.app import WORKING  # noqa: E402
from tests.fakes.slack.api import FakeSlack  # noqa: E402 - the test fakes, on 127.0.0.1
from tests.fakes.slack.socket_mode import FakeSocketMode  # noqa: E402

ACK_TARGET, FINAL_TARGET = 0.300, 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--folder", type=Path, default=Path("benchmark-data"), help="where the store is kept")
    parser.add_argument("--writer-tickets", type=int, default=60_000,
                        help="tickets of the instance the concurrent sync rewrites (over its last 30 days)")
    parser.add_argument("--inline-seconds", type=float, default=None,
                        help="[slash] inline_seconds of the servers (default: the configuration's default)")
    parser.add_argument("--load-processes", type=int, default=None,
                        help="[slash] load_processes of the servers (default: the configuration's default)")
    parser.add_argument("--endpoints", type=int, default=1,
                        help="endpoint processes per mode (HTTP behind a round-robin; Socket Mode connections)")
    args = parser.parse_args()

    database = build_store(args.folder, args.tickets)
    team_names, members = directory(database)
    work = args.folder / "serve"
    work.mkdir(exist_ok=True)
    (work / "helpdesk-kpis.toml").write_text(serve_config(team_names, args.inline_seconds, args.load_processes))
    mix = Mix(team_names, members, datetime.now(timezone.utc).date())
    print("mix: " + ", ".join(f"{kind} {share:.0%}" for kind, share in WEIGHTS.items()))
    print(f"endpoint processes: {args.endpoints} over HTTP, {args.endpoints} over Socket Mode")
    print(f"load before: {_uptime()}", flush=True)

    with FakeSlack() as slack, FakeSocketMode() as socket:
        slack.socket_mode = socket
        slack.users.update(slack_users(team_names, members))
        servers = {name: [Server(work, database, slack, socket_mode=socket_mode, number=i)
                          for i in range(args.endpoints)]
                   for name, socket_mode in (("HTTP", False), ("Socket Mode", True))}
        try:
            for name, group in servers.items():
                print(f"waiting for the {name} server{'s' if len(group) > 1 else ''} to warm up (7d and 30d, "
                      "then the days in memory)...", flush=True)
                if not all(server.wait_warm() for server in group):
                    print(f"the {name} server did not warm up")
                    return 1
            if not socket.wait_connected(args.endpoints, live=args.endpoints):
                print("the Socket Mode servers did not all connect")
                return 1
            senders = {"HTTP": http_sender([server.url for server in servers["HTTP"]], slack),
                       "Socket Mode": socket_sender(socket, slack)}
            for make in senders.values():  # every warm command once, so that user lookups are cached as in steady use
                send = make()
                for command in mix.warm:
                    ask(send, slack, command, WORKING)
            summaries = []
            for seed, (name, make) in enumerate(senders.items()):
                summaries.append(measure(f"{name}, no sync", make, slack, mix, args, seed))
            writer = Writer(work, database, tickets=args.writer_tickets)
            writer.start()
            try:
                if not writer.wait_writing():
                    print(f"the concurrent sync did not start writing: {writer.failed}")
                    return 1
                for seed, (name, make) in enumerate(senders.items(), start=len(senders)):
                    summaries.append(measure(f"{name}, while a sync writes", make, slack, mix, args, seed))
            finally:
                writer.stop()
            print(f"\nconcurrent sync: {writer.syncs} whole syncs of {args.writer_tickets:,} tickets finished during "
                  f"the runs (and one stopped at a page boundary); failures: {len(writer.failed)}")
        finally:
            for name, group in servers.items():
                peaks = [server.peak_rss_mb() for server in group]
                print(f"{name} server peak memory: " + ", ".join("n/a" if mb is None else f"{mb:.0f} MB" for mb in peaks))
            for server in (server for group in servers.values() for server in group):
                server.stop()
    print(f"load after: {_uptime()}")
    return verdict(summaries)


def measure(label: str, make, slack: FakeSlack, mix: Mix, args, seed: int) -> Summary:  # noqa: ANN001
    print(f"{label}: {args.clients} clients for {args.seconds:.0f}s...", flush=True)
    outcomes, elapsed = run_clients(make, slack, mix, clients=args.clients, seconds=args.seconds, working=WORKING,
                                    seed=seed)
    summary = Summary(label, outcomes, elapsed)
    summary.print()
    return summary


def verdict(summaries: list[Summary]) -> int:
    print()
    for summary in summaries:
        ack, final = summary.p99("ack"), summary.p99("final")
        met = ack is not None and final is not None and ack <= ACK_TARGET and final <= FINAL_TARGET
        print(f"{summary.label:<34} ack p99 {_ms(ack)} (<= {ACK_TARGET * 1000:.0f})  final p99 {_ms(final)} "
              f"(<= {FINAL_TARGET * 1000:.0f})  errors {summary.errors}: {'met' if met and not summary.errors else 'NOT met'}")
    return 0


def _ms(seconds: float | None) -> str:
    return "   n/a" if seconds is None else f"{seconds * 1000:6.0f} ms"


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
