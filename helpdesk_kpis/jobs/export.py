"""``export``: normalized records as CSV or JSON Lines, streamed, for BI tools."""

from __future__ import annotations

import csv
import enum
import json
from dataclasses import fields
from datetime import datetime
from typing import IO, Any

from kpis.records import Rating, Ticket
from kpis.store import Store

KINDS: dict[str, type] = {"tickets": Ticket, "ratings": Rating}


def _plain(value: Any, *, for_csv: bool) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        # Tags hold no spaces (helpdesks forbid them), so a space-separated cell round-trips.
        return " ".join(value) if for_csv else list(value)
    return value


def export_records(store: Store, kind: str, fmt: str, out: IO[str]) -> int:
    """Write every stored record of ``kind`` to ``out``; return how many were written."""
    record_type = KINDS[kind]
    names = ["key", *(f.name for f in fields(record_type))]
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n") if fmt == "csv" else None
    if writer:
        writer.writeheader()
    written = 0
    for record in store.iter_records(record_type):
        row = {"key": f"{record.source}:{record.instance}:{record.id}"}
        row.update({f.name: _plain(getattr(record, f.name), for_csv=writer is not None) for f in fields(record_type)})
        if writer:
            writer.writerow(row)
        else:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        written += 1
    return written
