"""Who opened the App Home, when, and what they chose on it: one row per Slack user in the store.

Kept in the store (not in a process's memory) so that whichever process runs the syncs can
re-publish the Home of everyone who opened it lately, with their own choices
(:mod:`.home_refresh`), and so that a restart forgets nobody's choice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select, update

from kpis.store import service_tables
from kpis.store.store import Store
from kpis.store.upsert import insert_on_conflict

#: What a Home shows until its user picks something else.
DEFAULT_PERIOD = "7d"
DEFAULT_DIMENSION = "channel"


@dataclass(frozen=True)
class HomeState:
    user_id: str
    opened_at: datetime
    period: str = DEFAULT_PERIOD
    dimension: str = DEFAULT_DIMENSION
    #: The team picked (leads of several teams, admins); None: their role's default.
    team: str | None = None
    chart_file_id: str | None = None
    chart_hash: str | None = None


class HomeStates:
    def __init__(self, store: Store) -> None:
        self.store = store

    def opened(self, user_id: str, at: datetime) -> HomeState:
        """``user_id`` opened their Home at ``at``: remembered, their earlier choices kept."""
        table = service_tables.home_views
        insert = insert_on_conflict(self.store.dialect, table).values(
            user_id=user_id, opened_at=at, period=DEFAULT_PERIOD, dimension=DEFAULT_DIMENSION)
        statement = insert.on_conflict_do_update(index_elements=["user_id"], set_={"opened_at": insert.excluded.opened_at})
        with self.store.errors(), self.store.engine.begin() as connection:
            connection.execute(statement)
        return self.get(user_id) or HomeState(user_id, at)

    def get(self, user_id: str) -> HomeState | None:
        table = service_tables.home_views
        with self.store.errors(), self.store.engine.connect() as connection:
            row = connection.execute(select(table).where(table.c.user_id == user_id)).first()
        return None if row is None else _state(row)

    def choose(self, user_id: str, *, period: str | None = None, dimension: str | None = None,
               team: str | None = None) -> HomeState | None:
        """Remember a choice made on the Home (only what is given changes); None: never opened."""
        changes = {k: v for k, v in {"period": period, "dimension": dimension, "team": team}.items() if v is not None}
        if changes:
            self._update(user_id, **changes)
        return self.get(user_id)

    def chart_uploaded(self, state: HomeState, file_id: str, png_hash: str) -> HomeState:
        self._update(state.user_id, chart_file_id=file_id, chart_hash=png_hash)
        return replace(state, chart_file_id=file_id, chart_hash=png_hash)

    def opened_since(self, since: datetime) -> list[str]:
        """Who opened their Home at ``since`` or later, most recent first."""
        table = service_tables.home_views
        query = select(table.c.user_id).where(table.c.opened_at >= since).order_by(table.c.opened_at.desc())
        with self.store.errors(), self.store.engine.connect() as connection:
            return list(connection.execute(query).scalars())

    def _update(self, user_id: str, **values: object) -> None:
        table = service_tables.home_views
        with self.store.errors(), self.store.engine.begin() as connection:
            connection.execute(update(table).where(table.c.user_id == user_id).values(**values))


def _state(row) -> HomeState:  # noqa: ANN001 - a Row of home_views
    return HomeState(row.user_id, row.opened_at, row.period, row.dimension, row.team, row.chart_file_id,
                     row.chart_hash)
