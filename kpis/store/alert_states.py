"""What people did with an alert in Slack: who acknowledged a breach, and the snoozes of a rule.

Each write is one statement whose unique key decides (``ON CONFLICT``, SQLite and PostgreSQL):
two clicks on "Acknowledge", or the same click delivered to two endpoint processes, record one
acknowledgement -- the first -- and every later one reads it back. A snooze is one row per
(rule, scope); a new snooze moves its end only later, so a "24 h" clicked after a "7 d" leaves
the rule quiet for the week. Times come from the caller's clock (tests inject one).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from kpis.store import service_tables
from kpis.store.sent_log import fit_scope
from kpis.store.store import Store
from kpis.store.upsert import insert_on_conflict


@dataclass(frozen=True)
class Acknowledgement:
    alert_id: str
    user_id: str
    at: datetime
    #: False when an earlier click had acknowledged the alert already (this one changed nothing).
    new: bool = True


@dataclass(frozen=True)
class Snooze:
    rule_id: str
    scope: str
    until: datetime
    user_id: str
    at: datetime
    #: False when an earlier snooze already kept the rule quiet at least as long.
    new: bool = True


class AlertStates:
    """Reads and writes ``alert_acknowledgements`` and ``alert_snoozes`` of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def acknowledge(self, alert_id: str, rule_id: str, scope: str, user_id: str, at: datetime) -> Acknowledgement:
        """Record that ``user_id`` acknowledged ``alert_id`` at ``at``, unless someone already did."""
        table = service_tables.alert_acknowledgements
        key = _alert_key(alert_id)
        insert = insert_on_conflict(self.store.dialect, table)
        statement = insert.values(
            alert_key=key, alert_id=alert_id, rule_id=rule_id, scope=fit_scope(scope), user_id=user_id, at=at
        ).on_conflict_do_nothing(index_elements=[table.c.alert_key]).returning(table.c.alert_key)
        with self.store.errors(), self.store.engine.begin() as connection:
            if connection.execute(statement).scalar_one_or_none() is not None:
                return Acknowledgement(alert_id, user_id, at)
            row = connection.execute(select(table.c.user_id, table.c.at).where(table.c.alert_key == key)).one()
        return Acknowledgement(alert_id, row.user_id, row.at, new=False)

    def acknowledgement(self, alert_id: str) -> Acknowledgement | None:
        table = service_tables.alert_acknowledgements
        query = select(table.c.user_id, table.c.at).where(table.c.alert_key == _alert_key(alert_id))
        with self.store.errors(), self.store.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else Acknowledgement(alert_id, row.user_id, row.at, new=False)

    def snooze(self, rule_id: str, scope: str, until: datetime, user_id: str, at: datetime) -> Snooze:
        """Keep ``rule_id`` quiet for ``scope`` until ``until``; an existing longer snooze stands."""
        table = service_tables.alert_snoozes
        scope = fit_scope(scope)
        insert = insert_on_conflict(self.store.dialect, table)
        statement = insert.values(rule_id=rule_id, scope=scope, until=until, user_id=user_id, at=at)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.rule_id, table.c.scope],
            set_={"until": insert.excluded.until, "user_id": insert.excluded.user_id, "at": insert.excluded.at},
            where=table.c.until < insert.excluded.until,
        ).returning(table.c.rule_id)
        with self.store.errors(), self.store.engine.begin() as connection:
            changed = connection.execute(statement).scalar_one_or_none() is not None
            row = connection.execute(
                select(table).where(table.c.rule_id == rule_id, table.c.scope == scope)
            ).mappings().one()
        return Snooze(rule_id, scope, row["until"], row["user_id"], row["at"], new=changed)

    def snoozed(self, now: datetime) -> dict[tuple[str, str], Snooze]:
        """The snoozes still running at ``now``, by (rule id, scope)."""
        table = service_tables.alert_snoozes
        with self.store.errors(), self.store.engine.connect() as connection:
            rows = connection.execute(select(table).where(table.c.until > now)).mappings().all()
        return {
            (row["rule_id"], row["scope"]): Snooze(row["rule_id"], row["scope"], row["until"], row["user_id"],
                                                   row["at"], new=False)
            for row in rows
        }


def _alert_key(alert_id: str) -> str:
    return hashlib.sha256(alert_id.encode()).hexdigest()
