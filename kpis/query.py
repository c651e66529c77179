"""The query layer: fetch from the store what the KPIs of a window (and its previous window) read.

The KPI columns (agent replies, reviews and reviewed tickets included) come from the store's block
cache (:mod:`kpis.columnar`): per UTC day and team, the day's records packed as numpy arrays, read
with ``np.frombuffer``; days whose records changed
since their blocks were built are rebuilt from the records on the way (and stored, when the store
can take the write at once). Which rows a span needs is in :mod:`kpis.columnar.assemble`. Customer
accounts and retention spend (imported files, small) are read as rows. The result is columnar
(:mod:`kpis.dataset`), ready for the pure KPI functions; nothing here computes a KPI.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import numpy as np
from sqlalchemy import BigInteger, select, type_coerce
from sqlalchemy.engine import Connection

from kpis.columnar import layout
from kpis.columnar.assemble import KindRows, read_kind
from kpis.columnar.cache import store_rebuilt
from kpis.columnar.keys import AGENT, TAG, TEAM, KeyCodes
from kpis.columnar.layout import DTYPES, RATINGS, SURVEYS, TICKETS, TIME_FIELDS
from kpis.columnar.memo import DayMemo
from kpis.dataset import (
    NO_TIME,
    REPLIES,
    REVIEWED_TICKETS,
    REVIEWS,
    AccountColumns,
    AttachedColumns,
    BreakdownFacets,
    Facets,
    KpiData,
    RatingColumns,
    SpendColumns,
    SurveyColumns,
    TicketColumns,
)
from kpis.directory import Directory, scoped_id
from kpis.store import Store
from kpis.store.schema import accounts, agents, memberships, retention_spend, teams
from kpis.tag_table import RowTags, TagTable
from kpis.ticket_measures import TICKET_MEASURES

KINDS = (TICKETS, RATINGS, SURVEYS)
#: The block kind of each attached set (kpis.dataset.ATTACHED).
ATTACHED_KINDS = {REPLIES: layout.REPLIES, REVIEWS: layout.REVIEWS, REVIEWED_TICKETS: layout.REVIEWED_TICKETS}


def load_kpi_data(
    store: Store, start: datetime, end: datetime, *, team: str | None = None, cached: bool = True,
    tags: bool = True, memo: DayMemo | None = None,
    accounts: Callable[[Connection], AccountColumns] | None = None,
) -> KpiData:
    """Everything the KPIs of windows inside ``[start, end)`` need.

    ``team`` (a name or id, as ``compute_report`` takes it) reads only that team's tickets,
    ratings and survey answers: enough for the team's own row (``by`` team or overall), not for
    agent rows, whose team is where most of their tickets are. An unknown team reads everything
    (the KPI engine then names the closest team). ``cached=False`` ignores the stored blocks and
    packs every day from the records (the reference the cache is tested against). ``tags=False``
    leaves the tickets' tags out (no row is in any tag group): for every scope but ``tag``, faster.
    ``memo``: a process that reads often keeps the days it read in memory (:mod:`kpis.columnar.memo`).
    ``accounts``: how the customer accounts are read (default :func:`read_accounts`, every load):
    a process that reads often may keep them a while, as it keeps its results.
    """
    first, last = int(start.timestamp()), int(end.timestamp())
    with store.errors(), store.engine.connect() as connection:
        directory = _directory(connection)
        codes = KeyCodes.load(connection)
        narrowed = None
        # Narrowed only when one team answers to the name (same-named teams of two helpdesks: read all).
        if team is not None and (key := directory.team_named(team)) is not None:
            narrowed = (key, codes.code(TEAM, key))
        parts = {kind: read_kind(connection, kind, first, last, codes, team=narrowed, use_stored=cached, tags=tags,
                                 memo=memo) for kind in (*KINDS, *ATTACHED_KINDS.values())}
        if _has_unknown_codes(parts, codes):
            codes.reload(connection)  # blocks stored by another process since the codes were read
        account_columns = (accounts or read_accounts)(connection)
        spend_columns = _spend(connection, first, last)
        data = _kpi_data(parts, codes, directory, account_columns, spend_columns)
    if cached:
        store_rebuilt(store, {kind: rows.rebuilt for kind, rows in parts.items()}, codes)
    return data


def load_directory(store: Store) -> Directory:
    """The teams and agents of the store, with their memberships (no KPI data)."""
    with store.errors(), store.engine.connect() as connection:
        return _directory(connection)


def _directory(connection: Connection) -> Directory:
    d = Directory()
    for row in connection.execute(select(teams).order_by(teams.c.name, teams.c.id)):
        d.team_code(scoped_id(row.source, row.instance, row.id), row.name)
    for row in connection.execute(select(agents).order_by(agents.c.name, agents.c.id)):
        d.agent_code(scoped_id(row.source, row.instance, row.id), row.name, row.email)
    for row in connection.execute(select(memberships)):
        d.add_membership(scoped_id(row.source, row.instance, row.agent_id), scoped_id(row.source, row.instance, row.team_id))
    return d


def _has_unknown_codes(parts: dict[str, KindRows], codes: KeyCodes) -> bool:
    for key_kind in (TEAM, AGENT):
        _, high = codes.bounds(key_kind)
        if any(len(p) and int(p.columns[key_kind].max()) >= high for p in parts.values()):
            return True
    _, high = codes.bounds(TAG)
    return any(len(p.tag_codes) and int(p.tag_codes.max()) >= high for p in parts.values())


def _directory_codes(key_kind: str, parts: dict[str, KindRows], codes: KeyCodes, directory: Directory) -> tuple[int, np.ndarray]:
    """``(low, table)``: ``table[c - low]`` is the directory code of key code ``c``.

    Keys the directory does not know (a team or agent referenced by records but not synced as
    such) join it in key order, so that the same data always gives the same rows.
    """
    low, high = codes.bounds(key_kind)
    used = np.zeros(high - low, dtype=bool)
    for p in parts.values():
        if len(p):
            used |= np.bincount(p.columns[key_kind] - low, minlength=high - low) > 0
    used[-1 - low] = False
    register = directory.team_code if key_kind == TEAM else directory.agent_code
    table = np.full(high - low, -1, dtype=np.int32)
    for key, code in sorted((codes.key(key_kind, int(c) + low), int(c) + low) for c in np.flatnonzero(used)):
        table[code - low] = register(key)
    return low, table


def _kpi_data(
    parts: dict[str, KindRows], codes: KeyCodes, directory: Directory, account_columns: AccountColumns,
    spend_columns: SpendColumns,
) -> KpiData:
    lookups = {kind: _directory_codes(kind, parts, codes, directory) for kind in (TEAM, AGENT)}

    def mapped(columns: dict[str, np.ndarray], key_kind: str) -> np.ndarray:
        low, table = lookups[key_kind]
        return table[columns[key_kind] - low]

    t = parts[TICKETS].columns
    ticket_columns = TicketColumns(
        t["created"], t["solved"], mapped(t, TEAM), mapped(t, AGENT), t["priority"], t["excluded"],
        **{m.name: t[m.name] for m in TICKET_MEASURES},
    )
    r = parts[RATINGS].columns
    details: list = [None] * len(parts[RATINGS])
    for index, detail in parts[RATINGS].details.items():
        details[index] = detail
    rating_columns = RatingColumns(
        offered=r["offered"], rated=r["rated"], received=r["received"], is_offer=r["is_offer"],
        positive=r["positive"], score=r["score"], team=mapped(r, TEAM), agent=mapped(r, AGENT),
        excluded=r["excluded"], details=details,
    )
    s = parts[SURVEYS].columns
    survey_columns = SurveyColumns(
        kind=s["kind"], answered=s["answered"], value=s["value"], easy=s["easy"],
        team=mapped(s, TEAM), agent=mapped(s, AGENT),
    )
    attached = {}
    for name, kind in ATTACHED_KINDS.items():  # each row's time, team, agent and facets, then the set's own values
        c, names = parts[kind].columns, DTYPES[kind].names
        attached[name] = AttachedColumns(
            c[TIME_FIELDS[kind]], mapped(c, TEAM), mapped(c, AGENT), c["channel"], c["priority"],
            tags=RowTags(_tag_table(parts[kind].tag_sizes, parts[kind].tag_codes, codes), c["tagset"]),
            values={name: c[name] for name in names[names.index("tagset") + 1 :]})
    return KpiData(ticket_columns, rating_columns, survey_columns, directory, account_columns, spend_columns,
                   facets=_facets(parts, codes), attached=attached)


def _facets(parts: dict[str, KindRows], codes: KeyCodes) -> BreakdownFacets:
    """The three kinds' facets, their tag sets one table: the kinds' sets one after another, the
    tags coded by their index into the names of the tags that occur."""
    facets, shift = [], 0
    for kind in KINDS:
        rows = parts[kind]
        c = rows.columns
        facets.append(Facets(c["channel"], c["priority"], np.where(c["tagset"] >= 0, c["tagset"] + shift, -1)
                             .astype(np.int32)))
        shift += len(rows.tag_sizes)
    sizes = np.concatenate([parts[kind].tag_sizes for kind in KINDS])
    if not len(sizes):
        return BreakdownFacets(*facets)
    return BreakdownFacets(*facets, tagsets=_tag_table(sizes, np.concatenate([parts[kind].tag_codes for kind in KINDS]),
                                                       codes))


def _tag_table(sizes: np.ndarray, key_codes: np.ndarray, codes: KeyCodes) -> TagTable:
    """Tag sets of key-dictionary codes as a table of the tags that occur (coded by name index)."""
    low, high = codes.bounds(TAG)
    used = np.flatnonzero(np.bincount(key_codes - low, minlength=high - low) > 0)
    index = np.full(high - low, -1, dtype=np.int32)
    index[used] = np.arange(len(used), dtype=np.int32)
    names = tuple(codes.key(TAG, int(c) + low) for c in used)
    return TagTable(names, sizes, index[key_codes - low])


def read_accounts(connection: Connection) -> AccountColumns:
    # Every account: churn needs who was a customer at a window's start, however long ago they joined.
    c = accounts.c
    rows = connection.execute(
        select(epoch_column(c.started_at), epoch_column(c.ended_at), c.monthly_revenue)
    ).all()
    return AccountColumns(
        started=np.array([row[0] for row in rows], dtype=np.int64),
        ended=np.array([NO_TIME if row[1] is None else row[1] for row in rows], dtype=np.int64),
        monthly_revenue=np.array([np.nan if row[2] is None else row[2] for row in rows], dtype=np.float64),
    )


def _spend(connection: Connection, start: int, end: int) -> SpendColumns:
    c = retention_spend.c
    rows = connection.execute(
        select(epoch_column(c.spent_at), c.amount).where(c.spent_at >= start, c.spent_at < end)
    ).all()
    return SpendColumns(
        spent=np.array([row[0] for row in rows], dtype=np.int64),
        amount=np.array([row[1] for row in rows], dtype=np.float64),
    )


def epoch_column(column):  # noqa: ANN001, ANN202
    # Timestamps come back as raw epoch seconds: no datetime per row.
    return type_coerce(column, BigInteger).label(column.name)
