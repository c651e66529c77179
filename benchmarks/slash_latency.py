"""How fast `/kpi` answers: `helpdesk-kpis serve` on a large store, hammered by signed requests.

    .venv/bin/python benchmarks/slash_latency.py [--tickets 1000000] [--clients 8] [--seconds 30]

1. Builds (once; reused afterwards) a store of ``--tickets`` synthetic tickets over a year, 6 teams
   and 60 agents, through the sample connector and the normal `sync` path.
2. Starts the real server process (`helpdesk-kpis serve` on 127.0.0.1) with a local fake of
   Slack's Web API (users.info for the agent mapping), and waits until it has warmed up.
3. Runs ``--clients`` concurrent clients for ``--seconds``, each sending requests signed as Slack
   signs them, for a mix of commands: a team, an agent (asked by their lead), all teams; 7d and 30d.
4. Prints p50, p95, p99 and max latency of the HTTP answer (what Slack's 3-second limit applies
   to), requests per second, errors, and how many were answered later through response_url.

Target: p99 <= 300 ms (Slack's hard limit is 3,000 ms).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.slack.api import TOKEN, FakeSlack  # noqa: E402 - the test fake, on 127.0.0.1
from tests.fakes.slack.signing import SIGNING_SECRET, command_body, signed_headers  # noqa: E402

CLI = [sys.executable, "-m", "helpdesk_kpis.cli"]
WORKING = "Working on it"


def sample_section(tickets: int) -> str:
    return f"[connectors.sample.bench]\ntickets = {tickets}\ndays = 365\nteams = 6\nagents = 60\n"


def build_store(folder: Path, tickets: int) -> Path:
    database = folder / f"slash-{tickets}.db"
    if database.exists():
        print(f"reusing {database}")
        return database
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "build.toml").write_text(sample_section(tickets))
    print(f"building a {tickets:,}-ticket store in {database} (once)...", flush=True)
    started = time.monotonic()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    subprocess.run(
        [*CLI, "--config", str(folder / "build.toml"), "sync", "--since", "2000-01-01"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"built in {time.monotonic() - started:.0f}s")
    return database


def directory(database: Path) -> tuple[list[str], dict[str, list[str]]]:
    """Team names, and the agents' emails of each team (by their first membership)."""
    with sqlite3.connect(database) as db:
        teams = dict(db.execute("SELECT id, name FROM teams ORDER BY name"))
        members: dict[str, list[str]] = {name: [] for name in teams.values()}
        rows = db.execute(
            "SELECT m.team_id, a.email FROM memberships m JOIN agents a ON a.id = m.agent_id AND a.source = m.source "
            "ORDER BY a.email"
        )
        seen = set()
        for team_id, email in rows:
            if email and email not in seen:
                seen.add(email)
                members[teams[team_id]].append(email)
    return list(teams.values()), members


def config(team_names: list[str], tickets: int) -> str:
    teams = "".join(
        f'\n[[teams]]\nname = "{name}"\nchannel = "C0TEAM{i}"\nleads = ["U0LEAD{i}"]\n'
        for i, name in enumerate(team_names)
    )
    return (
        sample_section(tickets)
        + teams
        + "\n[schedule]\nsync_every_minutes = 1440\ndigests = false\nalerts_after_sync = false\n"
        + '\n[slash]\nadmins = ["U0ADMIN"]\n'
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def mix(team_names: list[str], members: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """(text, user, channel) of the commands the clients send."""
    commands = []
    for period in ("7d", "30d"):
        for i, name in enumerate(team_names):
            commands.append((f"team {name} {period}", f"U0LEAD{i}", f"C0TEAM{i}"))
            for j in range(min(3, len(members[name]))):
                commands.append((f"agent <@U0AG{i}X{j}|agent> {period}", f"U0LEAD{i}", "D0DIRECT"))
        commands.append((f"all {period}", "U0ADMIN", "D0DIRECT"))
        commands.append((f"all csat frt {period}", "U0ADMIN", "D0DIRECT"))
    return commands


def ask(
    session: requests.Session, url: str, command: tuple[str, str, str], response_url: str
) -> tuple[float, bool, bool]:
    text, user, channel = command
    body = command_body(text, user_id=user, channel_id=channel, response_url=response_url)
    headers = signed_headers(body)
    started = time.perf_counter()
    try:
        response = session.post(url, data=body, headers=headers, timeout=10)
        elapsed = time.perf_counter() - started
        ok = response.status_code == 200 and bool(response.json().get("text"))
        later = ok and response.json()["text"].startswith(WORKING)
    except (requests.RequestException, ValueError):
        return time.perf_counter() - started, False, False
    return elapsed, ok, later


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--folder", type=Path, default=Path("benchmark-data"), help="where the store is kept")
    args = parser.parse_args()

    database = build_store(args.folder, args.tickets)
    team_names, members = directory(database)
    work = args.folder / "serve"
    work.mkdir(exist_ok=True)
    (work / "helpdesk-kpis.toml").write_text(config(team_names, args.tickets))

    with FakeSlack() as slack:
        for i, name in enumerate(team_names):
            for j, email in enumerate(members[name][:3]):
                slack.users[f"U0AG{i}X{j}"] = email
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database.resolve()}",
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.base_url,
        }
        env.pop("HELPDESK_KPIS_CONFIG", None)
        log_path = work / "serve.log"
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port)],
                cwd=work,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}/slack/events"
        try:
            return run(args, url, server, log_path, slack, mix(team_names, members))
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


def run(args, url: str, server: subprocess.Popen, log_path: Path, slack: FakeSlack, commands) -> int:  # noqa: ANN001
    print("waiting for the server to warm up (first sync and the 7d/30d answers)...", flush=True)
    started = time.monotonic()
    while "warmed" not in log_path.read_text() or "synced" not in log_path.read_text():
        if server.poll() is not None or time.monotonic() - started > 600:
            print(log_path.read_text()[-3000:])
            print("the server did not warm up")
            return 1
        time.sleep(0.5)
    session = requests.Session()
    for command in commands:  # every distinct command once, so user lookups are cached like in steady use
        while ask(session, url, command, slack.response_url())[2]:
            time.sleep(0.2)
    print(
        f"warm after {time.monotonic() - started:.0f}s; {len(commands)} distinct commands, "
        f"{args.clients} clients for {args.seconds:.0f}s...",
        flush=True,
    )

    results: list[tuple[float, bool, bool]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        own = requests.Session()
        while time.monotonic() < deadline:
            outcome = ask(own, url, rng.choice(commands), slack.response_url())
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(args.clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began

    latencies = [1000 * seconds for seconds, ok, _ in results if ok]
    errors = sum(1 for _, ok, _ in results if not ok)
    later = sum(1 for _, ok, deferred in results if ok and deferred)
    if not latencies:
        print(f"no successful request; errors: {errors}")
        return 1
    print(
        f"requests: {len(results):,} in {elapsed:.1f}s ({len(results) / elapsed:.0f}/s), errors: {errors}, "
        f"answered later through response_url: {later}"
    )
    print(
        f"latency ms: p50 {percentile(latencies, 50):.1f}  p95 {percentile(latencies, 95):.1f}  "
        f"p99 {percentile(latencies, 99):.1f}  max {max(latencies):.1f}  mean {statistics.fmean(latencies):.1f}"
    )
    verdict = "met" if percentile(latencies, 99) <= 300 and errors == 0 else "NOT met"
    print(f"target p99 <= 300 ms with no errors: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
