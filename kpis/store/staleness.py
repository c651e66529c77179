"""Which days of the KPI block cache a page of records makes stale (the cache: :mod:`kpis.columnar`).

Blocks hold, per UTC day, the KPI columns of the tickets created that day, of the ratings offered
that day, of the survey answers given that day and of the agent replies written that day. Every
write bumps the ``generation`` of the days it touches, in the same transaction as the records: the
day where a record lives now and the day where it lived before (should a timestamp ever change),
and, for a ticket, the days of its ratings, survey answers and agent replies, whose attribution
(current assignee and group), facets and exclusion follow the ticket. A reader trusts a day's
blocks only while they were built from its current generation.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, String, Table, and_, case, func, literal, select, text, tuple_, type_coerce
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection

from kpis.store import schema
from kpis.store.upsert import insert_on_conflict

DAY = 86_400
TICKETS, RATINGS, SURVEYS, REPLIES = "tickets", "ratings", "surveys", "replies"
#: Reviews by day of review; reviewed tickets (a review of any date) by day of their ticket's solve.
#: (A kind is at most 8 characters: kpi_block_days.kind.)
REVIEWS, REVIEWED_TICKETS = "reviews", "reviewed"
_IN_CHUNK = 1000


def day_of(value: datetime | int) -> int:
    seconds = value if isinstance(value, int) else int(value.timestamp() // 1)
    return seconds // DAY


def mark_stale(connection: Connection, rows_by_table: Mapping[Table, Sequence[dict[str, Any]]]) -> None:
    """Bump every day the rows about to be upserted touch; call before upserting them."""
    touched: set[tuple[str, int]] = set()
    for table, kind, column in ((schema.tickets, TICKETS, "created_at"), (schema.ratings, RATINGS, "offered_at"),
                                (schema.survey_answers, SURVEYS, "answered_at"),
                                (schema.agent_replies, REPLIES, "replied_at"),
                                (schema.reviews, REVIEWS, "reviewed_at")):
        rows = rows_by_table.get(table, ())
        if not rows:
            continue
        touched |= {(kind, day_of(row[column])) for row in rows}
        for (source, instance), ids in _ids_by_instance(rows, "id").items():
            touched |= {(kind, d) for d in _stored_days(connection, table, table.c[column], table.c.id, source, instance, ids)}
            if table is schema.tickets:
                touched |= {(RATINGS, d) for d in _stored_days(
                    connection, schema.ratings, schema.ratings.c.offered_at, schema.ratings.c.ticket_id,
                    source, instance, ids)}
                touched |= {(SURVEYS, d) for d in _stored_days(
                    connection, schema.survey_answers, schema.survey_answers.c.answered_at,
                    schema.survey_answers.c.ticket_id, source, instance, ids)}
                touched |= {(REPLIES, d) for d in _stored_days(
                    connection, schema.agent_replies, schema.agent_replies.c.replied_at,
                    schema.agent_replies.c.ticket_id, source, instance, ids)}
                touched |= {(REVIEWS, d) for d in _stored_days(
                    connection, schema.reviews, schema.reviews.c.reviewed_at, schema.reviews.c.ticket_id,
                    source, instance, ids)}
                # Reviewed or not, a ticket's solve day before and after the write.
                touched |= {(REVIEWED_TICKETS, d) for d in _stored_days(
                    connection, table, table.c.solved_at, table.c.id, source, instance, ids)}
                touched |= {(REVIEWED_TICKETS, day_of(row["solved_at"])) for row in rows
                            if row["solved_at"] is not None}
            if table is schema.reviews:
                # A ticket's first review makes it a reviewed ticket (on its solve day).
                touched |= {(REVIEWED_TICKETS, d) for d in _stored_days(
                    connection, schema.tickets, schema.tickets.c.solved_at, schema.tickets.c.id, source, instance,
                    _ids_by_instance(rows, "ticket_id")[(source, instance)])}
    bump(connection, touched)


def bump(connection: Connection, touched: Iterable[tuple[str, int]]) -> None:
    """Move the generation of each (kind, day); on the first move after a day's blocks were
    stored, note when (``stale_since``: the blocks matched the records until this write)."""
    now = int(time.time())
    # Sorted, so that two writers on PostgreSQL lock the day rows in the same order (no deadlock).
    rows = [{"kind": kind, "day": day, "generation": 1, "built": -1, "format": 0, "stale_since": now}
            for kind, day in sorted(touched)]
    if not rows:
        return
    table = schema.kpi_block_days
    insert = insert_on_conflict(connection.dialect.name, table)
    # SET's expressions read the row as it was: current (generation = built) until this write.
    stale_since = case((table.c.generation == table.c.built, insert.excluded.stale_since), else_=table.c.stale_since)
    connection.execute(
        insert.on_conflict_do_update(index_elements=["kind", "day"],
                                     set_={"generation": table.c.generation + 1, "stale_since": stale_since}),
        rows,
    )


#: Tables this process has seen PostgreSQL statistics for (keyed by engine URL and table).
_PLANNED: set[tuple[str, str]] = set()


def _with_statistics(connection: Connection, table: Table) -> None:
    """On PostgreSQL, ANALYZE a table that has rows but was never analyzed, once per process.

    Without statistics the planner guesses that (source, instance) matches one row and looks the
    ids up by filtering every index entry of the instance: a first sync into an empty store (or
    a server with autovacuum off) would slow down quadratically. One ANALYZE of a few thousand
    rows is enough: the estimates then grow with the table.
    """
    if connection.dialect.name != "postgresql":
        return
    key = (str(connection.engine.url), table.name)
    if key in _PLANNED:
        return
    known = connection.execute(
        select(func.count()).select_from(text("pg_stats")).where(
            text("schemaname = current_schema() AND tablename = :table AND attname = 'source'")
        ), {"table": table.name}
    ).scalar()
    if not known:
        if connection.execute(select(literal(1)).select_from(table).limit(1)).first() is None:
            return  # nothing to analyze yet: ask again with the next page
        connection.exec_driver_sql(f"ANALYZE {table.name}")
    _PLANNED.add(key)


def _ids_by_instance(rows: Iterable[dict[str, Any]], column: str) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        out[(row["source"], row["instance"])].append(row[column])
    return out


def _stored_days(connection: Connection, table: Table, time_column, key_column, source: str, instance: str,  # noqa: ANN001
                 ids: list[str]) -> set[int]:
    _with_statistics(connection, table)
    days: set[int] = set()
    # Integer division on both backends (BIGINT / INTEGER); DISTINCT: a few days, not a row per record.
    day = type_coerce(time_column, BigInteger) // DAY
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        if connection.dialect.name == "postgresql":
            # As a semi-join on the whole key, PostgreSQL looks each id up in the index even while
            # a table's statistics lag behind a bulk load (a plain IN list then makes it scan every
            # row of the instance per page: quadratic in the first sync).
            wanted = select(literal(source), literal(instance), func.unnest(literal(chunk, ARRAY(String))))
            where = tuple_(table.c.source, table.c.instance, key_column).in_(wanted)
        else:
            where = and_(table.c.source == source, table.c.instance == instance, key_column.in_(chunk))
        days |= {value for (value,) in connection.execute(select(day).distinct().where(where)) if value is not None}
    return days
