"""What ``config check`` proves about the store: reachable, and at this release's schema --
found without changing anything (no migration, no file created)."""

from __future__ import annotations

from pathlib import Path

from kpis.check_result import CheckResult
from kpis.errors import HelpdeskKpisError
from kpis.store.connection import create_store_engine, describe, parse_url, translate_operational_errors
from kpis.store.migrate import current_revision, head_revision, is_known

NAME = "store"


def check_store(url: str) -> CheckResult:
    try:
        parsed = parse_url(url)
    except HelpdeskKpisError as error:
        return CheckResult(NAME, False, str(error).split(";")[0], "fix DATABASE_URL")
    where = describe(parsed)
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:") and not database.startswith("file:"):
        path = Path(database).expanduser()
        if not path.parent.is_dir():
            return CheckResult(NAME, False, f"{where}: the folder {path.parent} does not exist",
                               "create the folder, or point DATABASE_URL elsewhere")
        if not path.exists():
            return CheckResult(NAME, True, f"{where}: not created yet; the first sync creates it")
    try:
        engine = create_store_engine(url)
        try:
            with translate_operational_errors(parsed), engine.connect() as connection:
                current = current_revision(connection)
        finally:
            engine.dispose()
    except HelpdeskKpisError as error:
        return CheckResult(NAME, False, str(error), "check DATABASE_URL, the server and its credentials")
    head = head_revision()
    if current == head:
        return CheckResult(NAME, True, f"{where}: reachable, schema up to date ({head})")
    if current is None:
        return CheckResult(NAME, True, f"{where}: reachable and empty; the first sync creates the schema")
    if not is_known(current):
        return CheckResult(NAME, False, f"{where}: written by a newer helpdesk-kpis (schema {current})",
                           "upgrade helpdesk-kpis, or point DATABASE_URL at another store")
    return CheckResult(NAME, False, f"{where}: schema {current}, this release needs {head}",
                       "run `helpdesk-kpis sync` (any command that opens the store migrates it), after a backup")
