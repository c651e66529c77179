"""Keeping the block cache current: rebuild every stale day (at the end of a sync), and store the
days a read had to rebuild (if the store can take the write right away; a read never waits)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from kpis.columnar import day_blocks as blocks
from kpis.columnar.keys import KeyCodes
from kpis.store import Store

log = logging.getLogger(__name__)

#: Days rebuilt per transaction by :func:`refresh`: short write-lock holds for other writers.
_DAYS_PER_TRANSACTION = 7


def refresh(store: Store, *, should_stop: Callable[[], bool] = lambda: False) -> int:
    """Rebuild and store the blocks of every stale day; return how many days were stored.
    ``should_stop``: asked between transactions; when it says so the rest stay stale (a sync
    stopping mid-run)."""
    with store.errors(), store.engine.connect() as connection:
        stale = blocks.stale_days(connection)
    stored = 0
    for kind, days in stale.items():
        for first in range(0, len(days), _DAYS_PER_TRANSACTION):
            if should_stop():
                return stored
            stored += _refresh_run(store, kind, days[first : first + _DAYS_PER_TRANSACTION])
    return stored


def _refresh_run(store: Store, kind: str, run: list[int], attempts: int = 3) -> int:
    # store.errors() outside the attempts: it turns an IntegrityError into the one-line error of a
    # failed run, which only the last attempt's may become.
    with store.errors():
        for attempt in range(attempts):
            try:
                with store.engine.begin() as connection:
                    codes = KeyCodes.load(connection)
                    states = blocks.states(connection, kind, run[0], run[-1] + 1)
                    generations = {day: states[day][0] if day in states else None for day in run}
                    rebuilt = list(blocks.rebuild(connection, kind, run, codes, generations))
                    return blocks.persist(connection, kind, rebuilt, codes.store_new(connection))
            except IntegrityError:
                # A read (an endpoint warming up) stored codes for new keys meanwhile, the ones
                # this run chose for its own: read the codes again.
                if attempt == attempts - 1:
                    raise
    return 0


def store_rebuilt(store: Store, rebuilt: dict[str, Sequence[blocks.RebuiltDay]], codes: KeyCodes) -> bool:
    """Store days a read rebuilt, unless another process holds the write lock (then leave them
    stale: the next sync or read rebuilds them). Return whether they were stored."""
    if not any(rebuilt.values()):
        return True
    try:
        with _without_waiting(store.engine) as connection:
            stored_codes = codes.store_new(connection)
            for kind, days in rebuilt.items():
                blocks.persist(connection, kind, days, stored_codes)
    except (OperationalError, IntegrityError) as error:
        log.debug("block cache not updated (%s); it will be on the next sync", type(error).__name__)
        return False
    return True


@contextlib.contextmanager
def _without_waiting(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        previous = connection.exec_driver_sql("PRAGMA busy_timeout").scalar() if sqlite else None
        if sqlite:
            connection.exec_driver_sql("PRAGMA busy_timeout = 0")
            connection.commit()  # end the autobegun transaction; the write gets its own below
        try:
            with connection.begin():
                if not sqlite:
                    connection.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
                yield connection
        finally:
            if sqlite:
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(previous)}")
                connection.commit()
