"""How long the Slack side takes on a large store: building every digest (with and without its
chart) and evaluating alert rules, on a synthetic helpdesk synced into a fresh SQLite store.

    .venv/bin/python benchmarks/slack_digests.py [--tickets 60000] [--teams 12] [--agents 150]

Prints one figure per step. Nothing is posted: the payloads are built and validated only.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from connectors import registry
from helpdesk_kpis.jobs.alerting import evaluate_alerts
from helpdesk_kpis.jobs.rules import rules_from
from helpdesk_kpis.jobs.sync import run_sync
from helpdesk_kpis.jobs.team_digests import build_digests, default_day
from helpdesk_kpis.settings.models import FileConfig
from kpis.engine import KpiConfig
from kpis.store import Store

RULES = [
    {"id": "csat-overall", "kpi": "csat", "scope": "overall", "operator": "<", "threshold": 85, "channel": "#a"},
    {"id": "csat-teams", "kpi": "csat", "scope": "every-team", "operator": "<", "threshold": 80, "channel": "#a"},
    {"id": "frt-agents", "kpi": "frt", "scope": "every-agent", "operator": ">", "threshold": 240, "channel": "#a"},
]


def timed(label: str, action):  # noqa: ANN001, ANN201
    started = time.perf_counter()
    result = action()
    print(f"{label:<52} {time.perf_counter() - started:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=60_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--teams", type=int, default=12)
    parser.add_argument("--agents", type=int, default=150)
    args = parser.parse_args()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{Path(folder) / 'bench.db'}")
        connector = registry.build("sample", "bench", {"tickets": args.tickets, "days": args.days, "teams": args.teams,
                                                       "agents": args.agents})
        timed(f"sync {args.tickets:,} tickets ({args.teams} teams, {args.agents} agents)",
              lambda: run_sync(store, [connector], since=now - timedelta(days=args.days), now=now))
        config = FileConfig.model_validate({"alerts": RULES})
        day = default_day(now, config.reporting.zone)
        rules = rules_from(config)
        built = timed(f"build {args.teams + 1} digests, payloads only",
                      lambda: build_digests(store, config, KpiConfig(), rules, day=day, now=now, with_chart=False))
        timed(f"build {args.teams + 1} digests with their 14-day charts",
              lambda: build_digests(store, config, KpiConfig(), rules, day=day, now=now))
        for every, points in (("weekly", "8-week"), ("monthly", "8-month")):
            periodic = FileConfig.model_validate({"alerts": RULES, "digest": {"leads_digest": every}})
            timed(f"build the leads' {every} digest with its {points} chart",
                  lambda: build_digests(store, periodic, KpiConfig(), rules, day=day, now=now, only="overall"))
        timed("evaluate 3 alert rules (overall, every team, every agent)",
              lambda: evaluate_alerts(store, config, KpiConfig(), now=now))
        blocks = max(len(b.post.message["blocks"]) for b in built)
        print(f"largest digest: {blocks} blocks; breakdown rows: {max(len(b.digest.breakdown) for b in built)}")


if __name__ == "__main__":
    main()
