"""The store's tables (SQLAlchemy Core). Changes here go through a migration in ``migrations/``.

Timestamps are stored as UTC epoch seconds (``BIGINT``): unambiguous on every backend, and cheap
to scan in bulk for the KPI queries. :class:`UtcTimestamp` turns them back into aware datetimes.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    false,
    literal_column,
    or_,
)
from sqlalchemy.types import TypeDecorator

from kpis.sla_outcomes import SLA_METRICS
from kpis.ticket_measures import sla_columns

metadata = MetaData()


class UtcTimestamp(TypeDecorator[datetime]):
    """An aware UTC datetime stored as whole epoch seconds."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: datetime | int | None, dialect) -> int | None:  # noqa: ANN001
        if value is None or isinstance(value, int):
            return value
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored; timestamps must be UTC-aware")
        return int(value.timestamp() // 1)

    def process_result_value(self, value: int | None, dialect) -> datetime | None:  # noqa: ANN001
        return None if value is None else datetime.fromtimestamp(value, tz=timezone.utc)


def _key() -> list[Column]:
    # Every record is keyed by (source, instance, vendor id); see kpis.records.
    return [
        Column("source", String(32), primary_key=True),
        Column("instance", String(64), primary_key=True),
        Column("id", String(128), primary_key=True),
    ]


teams = Table("teams", metadata, *_key(), Column("name", Text, nullable=False))

agents = Table(
    "agents",
    metadata,
    *_key(),
    Column("name", Text, nullable=False),
    Column("email", Text),
    Column("active", Boolean, nullable=False),
    Column("role", String(32)),
)

memberships = Table(
    "memberships",
    metadata,
    *_key(),
    Column("agent_id", String(128), nullable=False),
    Column("team_id", String(128), nullable=False),
)

tickets = Table(
    "tickets",
    metadata,
    *_key(),
    Column("created_at", UtcTimestamp, nullable=False),
    Column("updated_at", UtcTimestamp, nullable=False),
    Column("solved_at", UtcTimestamp),
    Column("status", String(16), nullable=False),
    Column("status_raw", String(64), nullable=False),
    Column("channel", String(32)),
    Column("priority", String(16)),
    Column("assignee_id", String(128)),
    Column("group_id", String(128)),
    Column("requester_id", String(128)),
    Column("organization_id", String(128)),
    Column("tags", JSON, nullable=False),
    Column("subject", Text),
    Column("url", Text),
    Column("is_deleted", Boolean, nullable=False),
    Column("is_merged", Boolean, nullable=False),
    Column("is_spam", Boolean, nullable=False),
    Column("first_reply_minutes", Float),
    Column("first_reply_minutes_business", Float),
    Column("first_resolution_minutes", Float),
    Column("first_resolution_minutes_business", Float),
    Column("full_resolution_minutes", Float),
    Column("full_resolution_minutes_business", Float),
    Column("replies", Integer),
    Column("reopens", Integer),
    Column("is_outbound", Boolean, nullable=False, server_default=false()),
    # SLA policy targets achieved / breached per metric, derived by the store from sla_events.
    *(Column(name, Float) for metric in SLA_METRICS for name in sla_columns(metric)),
    Index("ix_tickets_created_at", "created_at"),
    # (solved_at, created_at): "solved at or after T, created before S" is one index range.
    Index("ix_tickets_solved_created", "solved_at", "created_at"),
)

ratings = Table(
    "ratings",
    metadata,
    *_key(),
    Column("ticket_id", String(128)),
    Column("state", String(16), nullable=False),
    Column("scale", String(16), nullable=False),
    Column("offered_at", UtcTimestamp, nullable=False),
    Column("rated_at", UtcTimestamp),
    Column("score_raw", String(32)),
    Column("positive", Boolean),
    Column("score", Float),
    Column("comment", Text),
    Column("reason", Text),
    Column("agent_id", String(128)),
    Column("team_id", String(128)),
    Column("updated_at", UtcTimestamp),
    Index("ix_ratings_rated_at", "rated_at"),
    Index("ix_ratings_offered_at", "offered_at"),
    Index("ix_ratings_ticket", "source", "instance", "ticket_id"),
)

# The helpdesk's SLA clock events (Zendesk ticket metric events), one row per event: re-read events
# replace their row, so a replayed page changes nothing.
sla_events = Table(
    "sla_events",
    metadata,
    *_key(),
    Column("ticket_id", String(128), nullable=False),
    Column("metric", String(32), nullable=False),
    Column("target", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("at", UtcTimestamp, nullable=False),
    Column("target_minutes", Float),
    Column("business_hours", Boolean),
    Column("policy_id", String(128)),
    Column("deleted", Boolean, nullable=False),
    Index("ix_sla_events_ticket", "source", "instance", "ticket_id"),
)

survey_answers = Table(
    "survey_answers",
    metadata,
    *_key(),
    Column("kind", String(8), nullable=False),
    Column("value", Float, nullable=False),
    Column("answered_at", UtcTimestamp, nullable=False),
    Column("scale_min", Float, nullable=False),
    Column("scale_max", Float, nullable=False),
    Column("higher_is_better", Boolean, nullable=False),
    Column("ticket_id", String(128)),
    Column("respondent_id", String(128)),
    Column("agent_id", String(128)),
    Column("team_id", String(128)),
    Column("comment", Text),
    Index("ix_survey_answers_answered_at", "answered_at"),
    Index("ix_survey_answers_ticket", "source", "instance", "ticket_id"),
)

accounts = Table(
    "accounts",
    metadata,
    *_key(),
    Column("name", Text),
    Column("started_at", UtcTimestamp, nullable=False),
    Column("ended_at", UtcTimestamp),
    Column("monthly_revenue", Float),
)

retention_spend = Table(
    "retention_spend",
    metadata,
    *_key(),
    Column("spent_at", UtcTimestamp, nullable=False),
    Column("amount", Float, nullable=False),
    Column("note", Text),
    Index("ix_retention_spend_spent_at", "spent_at"),
)

# Conversation reviews (QA); one per ticket and reviewer (``id`` is ``ticket_id:reviewer``).
reviews = Table(
    "reviews",
    metadata,
    *_key(),
    Column("ticket_id", String(128), nullable=False),
    Column("reviewer", String(200), nullable=False),
    Column("reviewed_at", UtcTimestamp, nullable=False),
    Column("score", Float, nullable=False),
    Column("scale_min", Float, nullable=False),
    Column("scale_max", Float, nullable=False),
    Column("categories", JSON, nullable=False),
    Column("agent_id", String(128)),
    Column("agent_named", Boolean, nullable=False),
    Column("team_id", String(128)),
    Column("comment", Text),
    Column("updated_at", UtcTimestamp),
    Index("ix_reviews_reviewed_at", "reviewed_at"),
    Index("ix_reviews_ticket", "source", "instance", "ticket_id"),
)

# Public agent replies (author and time): the days an agent worked, for ``solved_per_agent_day``.
agent_replies = Table(
    "agent_replies",
    metadata,
    *_key(),
    Column("ticket_id", String(128), nullable=False),
    Column("agent_id", String(128), nullable=False),
    Column("replied_at", UtcTimestamp, nullable=False),
    Index("ix_agent_replies_replied_at", "replied_at"),
    # A ticket's change makes the cached blocks of its replies' days stale (kpis.store.staleness).
    Index("ix_agent_replies_ticket", "source", "instance", "ticket_id"),
)

# -- the columnar cache of the KPI query layer (kpis.columnar) ---------------------------------

#: A ticket open this long (or still open) is "long-lived": a report finds the few created before
#: the days it reads as blocks through ``ix_tickets_long_lived`` instead of scanning every ticket
#: solved since. Ratings changed this long after they were offered likewise (``ix_ratings_late``).
LONG_LIVED_SECONDS = 14 * 86_400

# The constant is written into the SQL, not bound: SQLite uses a partial index only when the query's
# WHERE provably implies the index's, and a bound parameter proves nothing.
_LONG = literal_column(str(LONG_LIVED_SECONDS))
LONG_LIVED_TICKET = or_(
    and_(tickets.c.solved_at.is_(None), ~tickets.c.is_deleted, ~tickets.c.is_merged, ~tickets.c.is_spam),
    tickets.c.solved_at - tickets.c.created_at > _LONG,
)
LATE_RATING = ratings.c.rated_at - ratings.c.offered_at > _LONG

# Partial indexes: the query repeats the predicate verbatim so that SQLite and PostgreSQL use them.
Index("ix_tickets_long_lived", tickets.c.solved_at, tickets.c.created_at,
      sqlite_where=LONG_LIVED_TICKET, postgresql_where=LONG_LIVED_TICKET)
Index("ix_ratings_late", ratings.c.rated_at, sqlite_where=LATE_RATING, postgresql_where=LATE_RATING)

# Small integer codes for team and agent keys (``source:instance:vendor_id``): blocks store codes.
kpi_keys = Table(
    "kpi_keys",
    metadata,
    Column("kind", String(8), primary_key=True),  # team | agent | tag
    Column("key", String(300), primary_key=True),
    Column("code", Integer, nullable=False),
    UniqueConstraint("kind", "code", name="uq_kpi_keys_code"),
)

# One row per (kind, UTC day): every write touching the day bumps ``generation``; the day's
# blocks are current when ``built`` equals it and ``format`` is the reader's block format.
# ``built_at``: when the stored blocks were built (epoch seconds; None before 0012); ``stale_since``:
# when the first write after that build came (None before 0013, or while no write came since): the
# stored blocks matched the day's records until then. A reader that may lag (the `/kpi` endpoint)
# takes a stale day's blocks (or its memory of them) as they are while that moment is recent enough.
kpi_block_days = Table(
    "kpi_block_days",
    metadata,
    Column("kind", String(8), primary_key=True),  # tickets | ratings | surveys | replies | reviews | reviewed
    Column("day", Integer, primary_key=True),  # UTC day number: epoch seconds // 86400
    Column("generation", BigInteger, nullable=False),
    Column("built", BigInteger, nullable=False),
    Column("format", Integer, nullable=False),
    Column("built_at", BigInteger, nullable=True),
    Column("stale_since", BigInteger, nullable=True),
)

# The KPI columns of one day's records of one team, as one packed numpy structured array.
kpi_blocks = Table(
    "kpi_blocks",
    metadata,
    Column("kind", String(8), primary_key=True),
    Column("day", Integer, primary_key=True),
    Column("part", Integer, primary_key=True),  # team code in kpi_keys; -1: no team
    Column("rows", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    #: JSON: ratings' low-rated candidates' texts and every kind's tag sets, which no fixed-width array should hold.
    Column("details", LargeBinary),
)
