"""How the last sync of each connector instance ended: read by `/healthz` in any process.

One row per instance, replaced by each sync as it ends (``ok``), fails (``failed``, with its one
line) or is stopped by a signal (``stopped``); a process that syncs nothing still sees them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from kpis.store import service_tables
from kpis.store.store import Store
from kpis.store.upsert import insert_on_conflict

OUTCOMES = ("ok", "failed", "stopped")


@dataclass(frozen=True)
class SyncRun:
    source: str
    instance: str
    finished_at: datetime
    outcome: str
    detail: str | None = None

    @property
    def label(self) -> str:
        return f"{self.source}:{self.instance}"


def record_sync_run(store: Store, run: SyncRun) -> None:
    table = service_tables.sync_runs
    values = {"source": run.source, "instance": run.instance, "finished_at": run.finished_at,
              "outcome": run.outcome, "detail": run.detail}
    insert = insert_on_conflict(store.dialect, table).values(**values)
    statement = insert.on_conflict_do_update(
        index_elements=["source", "instance"],
        set_={k: insert.excluded[k] for k in ("finished_at", "outcome", "detail")},
    )
    with store.errors(), store.engine.begin() as connection:
        connection.execute(statement)


def last_sync_runs(store: Store) -> list[SyncRun]:
    table = service_tables.sync_runs
    with store.errors(), store.engine.connect() as connection:
        rows = connection.execute(select(table).order_by(table.c.source, table.c.instance)).all()
    return [SyncRun(r.source, r.instance, r.finished_at, r.outcome, r.detail) for r in rows]
