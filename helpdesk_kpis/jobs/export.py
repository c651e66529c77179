"""``export``: normalized records as CSV, JSON Lines or Parquet, streamed, for BI tools.

Columns are the record's fields (docs/export.md lists them) after a ``key`` column
(``source:instance:id``). Times are ISO 8601 in UTC with their zone (``2026-11-03T14:05:00Z``);
CSV writes booleans as ``true``/``false`` and nothing for a missing value; tags are one
space-separated cell (helpdesks forbid spaces in tags) and mappings a JSON object.
"""

from __future__ import annotations

import csv
import enum
import json
from collections.abc import Iterator
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from types import UnionType
from typing import IO, Any, Union, get_args, get_origin, get_type_hints

from sqlalchemy import Table, select, union

from kpis.errors import ConfigError
from kpis.imported_records import Review, SurveyAnswer
from kpis.name_hints import name_hint
from kpis.records import Agent, Membership, Rating, Team, Ticket
from kpis.store import Store
from kpis.store.rows import TABLE_OF
from kpis.store.service_tables import sync_state

KINDS: dict[str, type] = {
    "tickets": Ticket, "ratings": Rating, "surveys": SurveyAnswer, "reviews": Review, "agents": Agent, "teams": Team,
    "memberships": Membership,
}
#: The time ``--since`` filters each kind by; kinds without one are exported whole.
SINCE_COLUMN: dict[str, str] = {"tickets": "updated_at", "ratings": "offered_at", "surveys": "answered_at",
                                 "reviews": "reviewed_at"}
_BATCH = 10_000


def _plain(value: Any, fmt: str) -> Any:
    """A field's value as ``fmt`` (csv, jsonl or parquet) writes it."""
    if isinstance(value, datetime):
        return value if fmt == "parquet" else value.isoformat().replace("+00:00", "Z")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        value = dict(value)  # (name, score) pairs: a review's categories, written as an object
    elif isinstance(value, tuple):
        return " ".join(value) if fmt == "csv" else list(value)
    if isinstance(value, bool) and fmt == "csv":
        return "true" if value else "false"
    if isinstance(value, dict) and fmt != "jsonl":
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def columns(kind: str) -> list[str]:
    return ["key", *(f.name for f in fields(KINDS[kind]))]


def check_export(store: Store, kind: str, *, since: datetime | None, instance: str | None) -> None:
    """Refuse what would export nothing by mistake, before anything is written: ``--since`` on a
    kind without a time, an ``--instance`` the store holds nothing of (a misspelling, most likely)."""
    if since is not None and kind not in SINCE_COLUMN:
        raise ConfigError(f"--since: {kind} carry no time to filter by; leave it out to export them all")
    if instance is None:
        return
    source, name = _instance_parts(instance)
    tables = [sync_state, *(TABLE_OF[record_type] for record_type in KINDS.values())]
    with store.errors(), store.engine.connect() as connection:
        def holds(table: Table) -> bool:
            query = select(table.c.instance).where(table.c.instance == name).limit(1)
            if source is not None:
                query = query.where(table.c.source == source)
            return connection.execute(query).first() is not None

        if any(holds(table) for table in tables):
            return
        pairs = connection.execute(union(*(select(t.c.source, t.c.instance).distinct() for t in tables))).all()
    # Suggested in the form typed: an instance name, or source:instance.
    known = sorted({f"{s}:{i}" if source is not None else i for s, i in pairs})
    hint = name_hint(instance, known, listing="instances", always_list=True)
    raise ConfigError(f"--instance {instance!r}: the store holds no helpdesk instance of that name{hint}")


def _instance_parts(instance: str | None) -> tuple[str | None, str | None]:
    """--instance takes an instance name or source:instance, as --connector does."""
    if instance and ":" in instance:
        source, name = instance.split(":", 1)
        return source, name
    return None, instance


def _rows(store: Store, kind: str, fmt: str, *, since: datetime | None, instance: str | None,
          ) -> Iterator[dict[str, Any]]:
    record_type = KINDS[kind]
    source, name = _instance_parts(instance)
    for record in store.iter_records(record_type, since=(SINCE_COLUMN[kind], since) if since else None,
                                     source=source, instance=name):
        row = {"key": f"{record.source}:{record.instance}:{record.id}"}
        row.update({f.name: _plain(getattr(record, f.name), fmt) for f in fields(record_type)})
        yield row


def export_records(store: Store, kind: str, fmt: str, out: IO[str], *, since: datetime | None = None,
                   instance: str | None = None) -> int:
    """Write the stored records of ``kind`` to ``out`` as csv or jsonl; return how many were written."""
    check_export(store, kind, since=since, instance=instance)
    writer = csv.DictWriter(out, fieldnames=columns(kind), lineterminator="\n") if fmt == "csv" else None
    if writer:
        writer.writeheader()
    written = 0
    for row in _rows(store, kind, fmt, since=since, instance=instance):
        if writer:
            writer.writerow(row)
        else:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        written += 1
    return written


def export_parquet(store: Store, kind: str, path: Path, *, since: datetime | None = None,
                   instance: str | None = None) -> int:
    """Write the records of ``kind`` to a Parquet file at ``path``, a batch at a time, with a schema
    from the record's field types (zoned timestamps, booleans, numbers, tag lists)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ModuleNotFoundError:
        raise ConfigError("--format parquet needs pyarrow: install helpdesk-kpis[parquet]") from None
    check_export(store, kind, since=since, instance=instance)
    schema = pa.schema([("key", pa.string())] + [
        (name, _arrow_type(pa, hint)) for name, hint in get_type_hints(KINDS[kind]).items()
    ])
    written = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        batch: list[dict[str, Any]] = []
        for row in _rows(store, kind, "parquet", since=since, instance=instance):
            batch.append(row)
            written += 1
            if len(batch) >= _BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch.clear()
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    return written


def _arrow_type(pa: Any, hint: Any) -> Any:
    kind = hint
    if get_origin(hint) in (Union, UnionType):  # "X | None": the column's type is X's, nullable
        kind = next(h for h in get_args(hint) if h is not type(None))
    if kind is datetime:
        return pa.timestamp("us", tz="UTC")
    if kind is bool:
        return pa.bool_()
    if kind is int:
        return pa.int64()
    if kind is float:
        return pa.float64()
    if get_origin(kind) is tuple and get_origin(get_args(kind)[0]) is not tuple:
        return pa.list_(pa.string())
    return pa.string()  # text, enums (their value) and mappings (a JSON object)
