"""What `GET /healthz` answers, in every role: one JSON object an orchestrator and an admin read.

``status``: ``ok``; ``degraded`` (still serving, something needs a look: a sync older than three
sync intervals, a last sync that failed, a digest missed, Socket Mode reconnecting); ``down``
(the store cannot be reached: HTTP 503, so a load balancer takes the process out). ``role``;
``leader`` (processes that run jobs: whether this one holds the scheduler lease); ``store``; and
per connector instance the last sync's end time, age and outcome, read from the store, so any
process (an endpoint too) tells the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from prometheus_client import REGISTRY

from helpdesk_kpis.context import AppContext
from kpis.store.sync_runs import last_sync_runs

#: A sync older than this many intervals makes the process degraded.
STALE_INTERVALS = 3
#: How long a missed digest keeps the status degraded.
MISSED_FOR = timedelta(hours=24)

_missed: list[tuple[datetime, str]] = []
_lock = threading.Lock()


def note_missed(what: str, when: datetime | None = None) -> None:
    """A job that could not run (a digest too late): the status is degraded for a day."""
    with _lock:
        _missed.append((when or datetime.now(timezone.utc), what))
        del _missed[:-20]


def health_report(
    ctx: AppContext, role: str, *, connected: Callable[[], bool] | None = None, now: datetime | None = None
) -> tuple[int, dict[str, Any]]:
    """The HTTP status and the body of `/healthz`."""
    now = now or datetime.now(timezone.utc)
    body: dict[str, Any] = {"status": "ok", "role": role}
    if role in ("all", "scheduler"):
        body["leader"] = REGISTRY.get_sample_value("helpdesk_kpis_leader") == 1
    try:
        store = ctx.store()
        store.ping()
        runs = last_sync_runs(store)
    except Exception:  # noqa: BLE001 - any failure to reach the store is "down"
        body.update(status="down", store="unreachable")
        return 503, body
    body["store"] = "ok"
    problems: list[str] = []
    stale_after = timedelta(minutes=STALE_INTERVALS * ctx.settings().config.schedule.sync_every_minutes)
    connectors = {}
    for run in runs:
        age = now - run.finished_at
        connectors[run.label] = {"last_sync": run.finished_at.isoformat(), "age_seconds": int(age.total_seconds()),
                                 "outcome": run.outcome}
        if run.detail:
            connectors[run.label]["detail"] = run.detail
        if run.outcome == "failed":
            problems.append(f"the last sync of {run.label} failed")
        elif age > stale_after:
            problems.append(f"{run.label} was last synced {int(age.total_seconds() // 60)} minutes ago")
    body["connectors"] = connectors
    with _lock:
        problems += [f"missed: {what}" for when, what in _missed if now - when < MISSED_FOR]
    if connected is not None:
        body["socket_mode"] = "connected" if connected() else "reconnecting"
        if body["socket_mode"] != "connected":
            problems.append("the Socket Mode connection is being re-opened")
    if problems:
        body.update(status="degraded", problems=problems)
    return 200, body
