"""Delivery state in the store: the log of messages sent (or being sent) and the alert states.

``sent_messages`` is keyed by ``(kind, scope, date)`` -- a digest is ``("digest", "team:Billing",
"2026-11-15")`` -- and records how far its delivery got (``status`` plus per-step progress in
``detail``), so a re-run posts nothing twice and a run that stopped halfway is finished by the
next. One process at a time delivers a given message (:meth:`DeliveryLog.delivering`, a lease in the
store): two processes running the same digest or alerts at once cannot both post it. ``alert_states`` holds one state per (rule, scope); a state change and the message that
announces it are written in one transaction (the message as an outbox entry), so a crash can
neither lose the announcement nor send it twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from kpis.store import service_tables
from kpis.store.leases import DEFAULT_FAILOVER_SECONDS, Lease
from kpis.store.store import Store
from kpis.store.upsert import upsert_rows

#: Delivery statuses of a sent message, in the order a delivery moves through them.
PENDING = "pending"  # recorded (an alert's outbox entry); nothing sent yet
SENDING = "sending"  # the post was attempted; whether Slack got it is not known yet
POSTED = "posted"  # the message is in Slack (ts known); follow-up steps may remain
DONE = "done"  # every step finished

#: Width of the ``scope`` columns; a longer scope (a very long team name) is stored shortened
#: with a hash of the whole, so it stays unique and is found again.
MAX_SCOPE = 200


def fit_scope(scope: str) -> str:
    if len(scope) <= MAX_SCOPE:
        return scope
    digest = hashlib.sha256(scope.encode()).hexdigest()[:16]
    return f"{scope[: MAX_SCOPE - 17]}~{digest}"


@dataclass(frozen=True)
class SentMessage:
    kind: str
    scope: str
    date: str
    status: str
    channel: str | None = None
    ts: str | None = None
    payload_hash: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.scope, self.date)


@dataclass(frozen=True)
class AlertState:
    rule_id: str
    scope: str
    #: ``ok`` or ``breached``.
    state: str
    #: When the current state began (the evaluation that found it).
    since: datetime | None = None
    value: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class DeliveryLog:
    """Reads and writes ``sent_messages`` and ``alert_states`` of one store."""

    def __init__(self, store: Store, *, failover_seconds: float = DEFAULT_FAILOVER_SECONDS) -> None:
        self.store = store
        self.failover_seconds = failover_seconds

    @contextmanager
    def delivering(self, kind: str, scope: str, date: str) -> Iterator[bool]:
        """Whether this process may deliver the message (True: no other is delivering it now).

        Held until the block ends; a process killed while delivering holds it at most the
        failover interval, then the next run finishes the delivery from its recorded progress.
        """
        lease = Lease(self.store, f"deliver:{kind}:{date}:{fit_scope(scope)}", failover_seconds=self.failover_seconds)
        if not lease.try_acquire():
            yield False
            return
        with lease.heartbeat():
            yield True

    # -- sent messages -------------------------------------------------------------------------

    def get(self, kind: str, scope: str, date: str) -> SentMessage | None:
        table = service_tables.sent_messages
        query = select(table).where(table.c.kind == kind, table.c.scope == fit_scope(scope), table.c.date == date)
        with self.store.errors(), self.store.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else _message(row)

    def unfinished(self, kind: str) -> list[SentMessage]:
        """Messages of ``kind`` whose delivery has not finished, oldest first."""
        table = service_tables.sent_messages
        query = (
            select(table)
            .where(table.c.kind == kind, table.c.status != DONE)
            .order_by(table.c.updated_at, table.c.scope, table.c.date)
        )
        with self.store.errors(), self.store.engine.connect() as connection:
            return [_message(row) for row in connection.execute(query).mappings()]

    def save(self, message: SentMessage) -> SentMessage:
        with self.store.errors(), self.store.engine.begin() as connection:
            return _save_messages(connection, [message])[0]

    # -- alert states --------------------------------------------------------------------------

    def alert_states(self) -> dict[tuple[str, str], AlertState]:
        table = service_tables.alert_states
        with self.store.errors(), self.store.engine.connect() as connection:
            rows = connection.execute(select(table)).mappings().all()
        return {
            (row["rule_id"], row["scope"]): AlertState(
                rule_id=row["rule_id"], scope=row["scope"], state=row["state"], since=row["since"],
                value=row["value"], detail=dict(row["detail"] or {}),
            )
            for row in rows
        }

    def record_alerts(self, states: Sequence[AlertState], outbox: Iterable[SentMessage] = ()) -> None:
        """Store new alert states and the messages announcing them, atomically."""
        now = _now()
        rows = [
            {"rule_id": s.rule_id, "scope": fit_scope(s.scope), "state": s.state, "since": s.since, "value": s.value,
             "detail": s.detail, "updated_at": now}
            for s in states
        ]
        with self.store.errors(), self.store.engine.begin() as connection:
            upsert_rows(connection, service_tables.alert_states, rows)
            _save_messages(connection, list(outbox))


def _save_messages(connection: Connection, messages: list[SentMessage]) -> list[SentMessage]:
    now = _now()
    saved = [
        SentMessage(m.kind, fit_scope(m.scope), m.date, m.status, m.channel, m.ts, m.payload_hash, m.detail, now)
        for m in messages
    ]
    upsert_rows(
        connection,
        service_tables.sent_messages,
        [
            {"kind": m.kind, "scope": m.scope, "date": m.date, "status": m.status, "channel": m.channel, "ts": m.ts,
             "payload_hash": m.payload_hash, "detail": m.detail, "updated_at": m.updated_at}
            for m in saved
        ],
    )
    return saved


def _message(row: Any) -> SentMessage:
    return SentMessage(
        kind=row["kind"], scope=row["scope"], date=row["date"], status=row["status"], channel=row["channel"],
        ts=row["ts"], payload_hash=row["payload_hash"], detail=dict(row["detail"] or {}), updated_at=row["updated_at"],
    )


def _now() -> datetime:
    # Bookkeeping time of the write itself (like sync cursors), not a KPI input.
    return datetime.now(timezone.utc)
