"""Opening the store's database: a SQLite file by default, PostgreSQL when the URL says so."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

from kpis.errors import ConfigError, RunFailed, StoreBusy

#: How long a writer waits for another process's write lock before giving up (seconds).
DEFAULT_LOCK_TIMEOUT = 10.0


def parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            "DATABASE_URL is not a database URL; use e.g. sqlite:///helpdesk-kpis.db or "
            "postgresql+psycopg://user@host:5432/dbname"
        ) from None
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ConfigError(
            f"DATABASE_URL names a {parsed.get_backend_name()!r} database; helpdesk-kpis stores data in "
            "SQLite (sqlite:///file.db) or PostgreSQL (postgresql+psycopg://...)"
        )
    return parsed


def describe(url: URL) -> str:
    """The URL as it may be shown to a person: never with its password."""
    return url.render_as_string(hide_password=True)


def create_store_engine(url: str, *, lock_timeout: float | None = None) -> Engine:
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout)
    if parsed.drivername == "postgresql":
        # psycopg 3 is the driver we ship (the `postgres` extra); plain postgresql:// means it too.
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ModuleNotFoundError):
        raise ConfigError(
            "DATABASE_URL points at PostgreSQL but its driver is not installed; "
            "install helpdesk-kpis[postgres] (psycopg 3)"
        ) from None


def _sqlite_engine(url: URL, lock_timeout: float) -> Engine:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        parent = Path(database).expanduser().resolve().parent
        if not parent.is_dir():
            raise ConfigError(
                f"DATABASE_URL points at {database!r}, but the folder {str(parent)!r} does not exist; "
                "create it or choose another path"
            )
    engine = create_engine(url, connect_args={"timeout": lock_timeout})
    engine.dialect.statement_compiler = _HintedSQLiteCompiler

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
        cursor = dbapi_connection.cursor()
        # WAL lets the server read while a cron sync writes; NORMAL sync is durable under WAL
        # against process crashes (only a power cut can lose the last commit).
        # https://www.sqlite.org/wal.html
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


@contextlib.contextmanager
def translate_operational_errors(url: URL) -> Iterator[None]:
    """Turn driver errors a user can act on into one clear line (never the URL's password)."""
    try:
        yield
    except OperationalError as error:
        text = str(error.orig).lower()
        where = describe(url)
        if "locked" in text or "busy" in text:
            raise StoreBusy(
                f"the store {where} is locked by another process (a sync or server still writing); "
                "try again when it has finished"
            ) from None
        if "unable to open" in text or "readonly" in text or "read-only" in text:
            raise ConfigError(f"cannot open the store {where}: {error.orig}; check DATABASE_URL and permissions") from None
        if url.get_backend_name() == "postgresql":
            raise RunFailed(f"cannot reach the PostgreSQL store {where}: {_first_line(error.orig)}") from None
        raise RunFailed(f"the store {where} failed: {_first_line(error.orig)}") from None
    except DatabaseError as error:
        # SQLite answers "file is not a database" for a file of any other kind (a text file, a copy
        # cut short, an encrypted database): the path is wrong, not the run.
        if url.get_backend_name() == "sqlite" and "not a database" in str(error.orig).lower():
            raise ConfigError(
                f"the store {describe(url)} is not a SQLite database (file is not a database); "
                "point DATABASE_URL at the store's file, or at a new path for a new store"
            ) from None
        raise RunFailed(f"the store {describe(url)} failed: {_first_line(error.orig)}") from None


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


class _HintedSQLiteCompiler(SQLiteCompiler):
    """SQLite's compiler, rendering FROM hints, which SQLAlchemy's own drops: the block reads name
    the partial index they need (``INDEXED BY ix_tickets_long_lived``). Left to itself the planner
    may take an equal-looking full index instead, depending on the order the indexes were created
    in (a migration that rebuilds the table recreates them in any order).
    https://www.sqlite.org/lang_indexedby.html"""

    def format_from_hint_text(self, sqltext: str, table: Any, hint: str, iscrud: bool) -> str:  # noqa: ARG002
        return f"{sqltext} {hint}"
