"""How the contract suite drives a connector and looks at a store.

A run pulls every stream of a connector into a store page by page, exactly as ``sync`` does
(``Store.write_page``: records and cursor in one transaction); ``stop_after`` abandons it after
that many pages, as a killed process would. A snapshot is everything a sync can change: every
record of every type, and every stream's cursor.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from connectors.base import Connector, Page, SyncOptions
from kpis.record_types import RECORD_TYPES
from kpis.store import Store
from kpis.store.service_tables import sync_state


class Stopped(Exception):
    """The run was abandoned after ``stop_after`` pages."""


@dataclass
class Written:
    stream: str
    page: Page


@dataclass
class Run:
    pages: list[Written] = field(default_factory=list)
    #: The store after each page (``snapshots[i]``: after ``pages[i]``).
    snapshots: list[dict[str, Any]] = field(default_factory=list)


def run(
    store: Store,
    make: Callable[[], Connector],
    options: SyncOptions,
    *,
    stop_after: int | None = None,
    keep_snapshots: bool = False,
) -> Run:
    """Every stream of a fresh connector from the store's cursors to the end (or ``stop_after`` pages)."""
    connector = make()
    done = Run()
    for stream in connector.streams():
        cursor = store.cursor(connector.source, connector.instance, stream.name)
        for page in stream.pages(cursor, options):
            store.write_page(connector.source, connector.instance, stream.name, page.records, page.cursor)
            done.pages.append(Written(stream.name, page))
            if keep_snapshots:
                done.snapshots.append(snapshot(store))
            if stop_after is not None and len(done.pages) >= stop_after:
                raise Stopped(done)
    return done


def snapshot(store: Store) -> dict[str, Any]:
    records = {kind.__name__: frozenset(store.iter_records(kind)) for kind in RECORD_TYPES}
    state = sync_state.c
    with store.engine.connect() as connection:
        cursors = {
            (row.source, row.instance, row.stream): row.cursor
            for row in connection.execute(select(state.source, state.instance, state.stream, state.cursor))
        }
    return {"records": records, "cursors": cursors}


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """What differs, in words a failing assertion can show (lost, duplicated or changed records)."""
    problems = []
    for kind, want in expected["records"].items():
        got = actual["records"][kind]
        want_keys = {_key(r) for r in want}
        got_keys = {_key(r) for r in got}
        if want_keys - got_keys:
            problems.append(f"{kind}: lost {sorted(want_keys - got_keys)[:5]}")
        if got_keys - want_keys:
            problems.append(f"{kind}: unexpected {sorted(got_keys - want_keys)[:5]}")
        changed = [_key(r) for r in got - want if _key(r) in want_keys]
        if changed:
            problems.append(f"{kind}: changed {sorted(changed)[:5]}")
    if expected["cursors"] != actual["cursors"]:
        problems.append(f"cursors: expected {expected['cursors']}, got {actual['cursors']}")
    return problems


def _key(record: Any) -> str:
    return f"{record.source}:{record.instance}:{record.id}"


def bad_timestamps(record: Any) -> list[str]:
    """The datetime fields of a record that are not timezone-aware UTC."""
    bad = []
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if isinstance(value, datetime) and (value.tzinfo is None or value.utcoffset() != timezone.utc.utcoffset(None)):
            bad.append(f.name)
    return bad


def is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
