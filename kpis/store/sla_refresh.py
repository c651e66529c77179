"""Keep each ticket's SLA outcome columns in step with its stored SLA events.

A connector reads SLA events on their own (Zendesk's ticket metric events), not with the ticket.
Whenever a page stores events, or stores tickets that already have events (a ticket created after
its first events were read), the touched tickets' ``sla_<metric>_achieved`` / ``_breached`` columns
(and ``_settled``) are recomputed from all of their stored events (:func:`kpis.sla_outcomes.ticket_outcomes`) in the
same transaction, and the block-cache days of those tickets are marked stale. The ticket upsert
never writes these columns (they are not fields of the ticket record), so a re-read ticket keeps
them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.engine import Connection

from kpis.records import SlaEvent
from kpis.sla_outcomes import SLA_METRICS, ticket_outcomes
from kpis.store import schema
from kpis.store.rows import row_to_record
from kpis.store.staleness import TICKETS, bump, day_of
from kpis.ticket_measures import sla_columns

_CHUNK = 1000
_COLUMNS = [name for metric in SLA_METRICS for name in sla_columns(metric)]
_e, _t = schema.sla_events.c, schema.tickets.c


def touched_tickets(rows_by_table: Mapping[Any, Sequence[dict[str, Any]]]) -> dict[tuple[str, str], set[str]]:
    """The tickets a page's rows may change the SLA outcomes of: those of its events, and its tickets."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows_by_table.get(schema.sla_events, ()):
        out[(row["source"], row["instance"])].add(row["ticket_id"])
    for row in rows_by_table.get(schema.tickets, ()):
        out[(row["source"], row["instance"])].add(row["id"])
    return out


def refresh(connection: Connection, tickets: Mapping[tuple[str, str], Iterable[str]], *,
            with_events_only: bool = False) -> None:
    """Recompute the SLA columns of ``tickets`` from their stored events; call after upserting.

    ``with_events_only``: leave tickets without any stored event as they are (a page of tickets:
    most have none, and a new row's columns are already empty)."""
    for (source, instance), ids in tickets.items():
        ids = sorted(ids)
        for start in range(0, len(ids), _CHUNK):
            _refresh_chunk(connection, source, instance, ids[start:start + _CHUNK], with_events_only)


def _refresh_chunk(connection: Connection, source: str, instance: str, ids: list[str], with_events_only: bool) -> None:
    query = select(schema.sla_events).where(_e.source == source, _e.instance == instance, _e.ticket_id.in_(ids))
    events: dict[str, list[SlaEvent]] = defaultdict(list)
    for row in connection.execute(query).mappings():
        events[row["ticket_id"]].append(row_to_record(SlaEvent, row))
    chosen = [i for i in ids if i in events] if with_events_only else ids
    if not chosen:
        return
    values = []
    for ticket_id in chosen:
        row: dict[str, Any] = {name: None for name in _COLUMNS}
        for metric, (achieved, breached, settled) in ticket_outcomes(events.get(ticket_id, ())).items():
            when = None if settled is None else float(settled.timestamp())
            row.update(zip(sla_columns(metric), (float(achieved), float(breached), when)))
        values.append({"b_id": ticket_id, **{f"v_{name}": value for name, value in row.items()}})
    where = and_(_t.source == source, _t.instance == instance, _t.id == bindparam("b_id"))
    statement = update(schema.tickets).where(where).values({name: bindparam(f"v_{name}") for name in _COLUMNS})
    connection.execute(statement.execution_options(synchronize_session=False), values)
    days = connection.execute(
        select(_t.created_at).where(_t.source == source, _t.instance == instance, _t.id.in_(chosen))
    ).scalars()
    bump(connection, {(TICKETS, day_of(created)) for created in days})
