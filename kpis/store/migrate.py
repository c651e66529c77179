"""Schema migrations, applied automatically the first time a store is opened by a new release.

A user never runs a migrate step by hand. A store written by a *newer* release is refused (with
the revision it carries) rather than touched: an older program cannot know what it would break.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from kpis.errors import StoreVersionError

_SCRIPTS = Path(__file__).with_name("migrations")


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head() or "base"


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def is_known(revision: str) -> bool:
    """Whether this release knows ``revision`` (a store at an unknown one was written by a newer release)."""
    return revision in {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}


def upgrade_to_head(connection: Connection) -> bool:
    """Bring the schema to this release's head; return whether anything was applied."""
    script = ScriptDirectory.from_config(_config())
    current = current_revision(connection)
    if current == script.get_current_head():
        return False
    if current is not None and not is_known(current):
        raise StoreVersionError(
            f"the store was created by a newer helpdesk-kpis (schema revision {current}); "
            "upgrade helpdesk-kpis, or point DATABASE_URL at another store"
        )
    command.upgrade(_config(connection), "head")
    return True
