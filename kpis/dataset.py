"""The columnar inputs of the KPI functions: what the query layer fetches, what the KPIs read.

Times are int64 UTC epoch seconds with :data:`NO_TIME` for "never"; minutes are float64 with NaN
for "not measured"; team and agent are integer codes into :class:`~kpis.directory.Directory`
(``-1``: none). The store's query layer builds them straight from SQL rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, make_dataclass

import numpy as np

from kpis.directory import Directory
from kpis.ticket_measures import TICKET_MEASURES

NO_TIME = np.iinfo(np.int64).max  # "never": later than any window end
PRIORITIES = ("low", "normal", "high", "urgent")  # code = index; -1 = no priority


#: The ticket columns every KPI may use, whatever it measures; the measurements follow them.
_TICKET_BASICS = (
    "created",  # int64 epoch s
    "solved",  # int64 epoch s, NO_TIME when unsolved (latest solve)
    "team",  # int32 code, current group
    "agent",  # int32 code, current assignee
    "priority",  # int8 index into PRIORITIES, -1 none
    "excluded",  # bool: deleted, merged, spam or unanswered outbound
)
# Derived from the one declaration of the measurements, so that adding one is one entry there.
TicketColumns = make_dataclass(
    "TicketColumns",
    [(name, np.ndarray) for name in (*_TICKET_BASICS, *(m.name for m in TICKET_MEASURES))],
    frozen=True,
)
TicketColumns.__module__ = __name__
TicketColumns.__doc__ = """Tickets as columns: the basics, then each of ``TICKET_MEASURES`` (float64 minutes or
counts, NaN where not measured)."""


@dataclass(frozen=True)
class RatingColumns:
    offered: np.ndarray  # int64 epoch s
    rated: np.ndarray  # int64, NO_TIME when not received
    received: np.ndarray  # bool
    is_offer: np.ndarray  # bool: offered or received (not "unoffered")
    positive: np.ndarray  # bool (False unless received)
    score: np.ndarray  # float64 0..1, NaN unless received
    team: np.ndarray  # int32: team at rating time, else ticket's current team
    agent: np.ndarray  # int32
    excluded: np.ndarray  # bool: its ticket is deleted, merged, spam or unanswered outbound
    #: Presentation data for ``low_rated`` (same order as the arrays).
    details: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class SurveyColumns:
    kind: np.ndarray  # int8: 0 nps, 1 ces
    answered: np.ndarray  # int64 epoch s
    value: np.ndarray  # float64
    easy: np.ndarray  # bool: CES answer in the top two points once oriented higher = easier
    team: np.ndarray
    agent: np.ndarray


@dataclass(frozen=True)
class AccountColumns:
    started: np.ndarray  # int64 epoch s
    ended: np.ndarray  # int64, NO_TIME while a customer
    monthly_revenue: np.ndarray  # float64, NaN unknown


@dataclass(frozen=True)
class SpendColumns:
    spent: np.ndarray  # int64 epoch s
    amount: np.ndarray  # float64


@dataclass(frozen=True)
class Facets:
    """What the breakdown scopes group one kind of record by: its ticket's channel, priority and tags."""

    channel: np.ndarray  # int8 index into kpis.channels.CHANNELS, -1 none
    priority: np.ndarray  # int8 index into PRIORITIES, -1 none
    tagset: np.ndarray  # int32 index into BreakdownFacets.tagsets, -1 no tags


@dataclass(frozen=True)
class BreakdownFacets:
    tickets: Facets
    ratings: Facets
    surveys: Facets
    #: Tag sets (lower-cased, deduplicated tags), shared by the three kinds: tuples, or the store's
    #: :class:`~kpis.tag_table.TagTable` (the same sets as arrays).
    tagsets: Sequence[tuple[str, ...]] = ()


@dataclass(frozen=True)
class AttachedColumns:
    """Records attached to a ticket that count on their own time (reviews, replies, reviewed tickets):
    each row's time, team and agent codes (-1 none), and its ticket's channel, priority and tags, so
    that every scope groups them; ``values``: the set's own numbers (NaN where not given)."""

    time: np.ndarray  # int64 epoch s
    team: np.ndarray  # int32
    agent: np.ndarray  # int32
    channel: np.ndarray  # int8 index into kpis.channels.CHANNELS, -1 none
    priority: np.ndarray  # int8 index into PRIORITIES, -1 none
    #: Each row's ticket's tags (lower-cased, deduplicated), for ``by tag``: a tuple per row (the
    #: store gives a :class:`~kpis.tag_table.RowTags`, the same as arrays).
    tags: Sequence[tuple[str, ...]] = field(default_factory=list)
    values: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.time)

    def take(self, rows: np.ndarray) -> AttachedColumns:
        return AttachedColumns(self.time[rows], self.team[rows], self.agent[rows], self.channel[rows],
                               self.priority[rows], [self.tags[i] for i in rows.tolist()],
                               {name: v[rows] for name, v in self.values.items()})


def no_attached() -> AttachedColumns:
    empty = np.empty(0, np.int32)
    return AttachedColumns(np.empty(0, np.int64), empty, empty, np.empty(0, np.int8), np.empty(0, np.int8))


#: The attached sets: reviews made (dated by review; ``score`` and ``qa_<category>`` values, 0..100),
#: reviewed tickets (one row per ticket with a review of any date, dated by its latest solve, grouped as
#: tickets are) and public agent replies (dated by the reply; team: the ticket's).
REVIEWS, REVIEWED_TICKETS, REPLIES = "reviews", "reviewed_tickets", "replies"
ATTACHED = (REVIEWS, REVIEWED_TICKETS, REPLIES)


def _no_attached_sets() -> dict[str, AttachedColumns]:
    return {name: no_attached() for name in ATTACHED}


def _no_accounts() -> AccountColumns:
    return AccountColumns(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))


def _no_spend() -> SpendColumns:
    return SpendColumns(np.empty(0, np.int64), np.empty(0))


@dataclass(frozen=True)
class KpiData:
    tickets: TicketColumns
    ratings: RatingColumns
    surveys: SurveyColumns
    directory: Directory
    #: Customer accounts and retention spend (imported files); empty when there is no accounts source.
    accounts: AccountColumns = field(default_factory=_no_accounts)
    spend: SpendColumns = field(default_factory=_no_spend)
    #: Channel, priority and tags of every row (for ``by`` channel, priority, tag); None: not loaded.
    facets: BreakdownFacets | None = None
    #: Reviews, reviewed tickets and agent replies by name (see ``ATTACHED``); empty when there are none.
    attached: dict[str, AttachedColumns] = field(default_factory=_no_attached_sets)
