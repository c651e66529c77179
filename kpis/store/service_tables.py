"""The store's service tables: sync cursors, what was posted, alert states and what people did
with alerts, leases between processes, seen request signatures, sync outcomes and App Home views.

The helpdesk records and the KPI block cache are in :mod:`kpis.store.schema`; both share its
``metadata``. Changes here go through a migration in ``migrations/``.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, Index, String, Table, Text

from kpis.store.schema import UtcTimestamp, metadata

# A cursor per connector instance and stream; written in the same transaction as the page it
# follows, so a crash can never leave records without their cursor or the reverse.
sync_state = Table(
    "sync_state",
    metadata,
    Column("source", String(32), primary_key=True),
    Column("instance", String(64), primary_key=True),
    Column("stream", String(32), primary_key=True),
    Column("cursor", Text),
    Column("updated_at", UtcTimestamp, nullable=False),
)

# Every message posted to Slack (digest, alert...), keyed so that a re-run posts nothing twice.
sent_messages = Table(
    "sent_messages",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("scope", String(200), primary_key=True),
    Column("date", String(10), primary_key=True),
    Column("channel", String(64)),
    Column("ts", String(32)),
    Column("status", String(16), nullable=False),
    Column("payload_hash", String(64)),
    Column("detail", JSON),
    Column("updated_at", UtcTimestamp, nullable=False),
)

# One state per (alert rule, scope): a breach posts once when it starts and once on recovery.
alert_states = Table(
    "alert_states",
    metadata,
    Column("rule_id", String(128), primary_key=True),
    Column("scope", String(200), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("since", UtcTimestamp),
    Column("value", Float),
    Column("detail", JSON),
    Column("updated_at", UtcTimestamp, nullable=False),
)

# -- coordination between processes sharing the store (kpis.store.leases, kpis.store.seen) ---------

# A named lease (``scheduler``, ``sync:<source>:<instance>``,
# ``deliver:<kind>:<date>:<scope>``): held by one process until
# ``expires_at``; the holder renews it on a heartbeat, anyone may take it once it has expired.
leases = Table(
    "leases",
    metadata,
    Column("name", String(255), primary_key=True),
    Column("holder", String(200), nullable=False),  # host:pid, as shown to a person
    Column("token", String(64), nullable=False),  # random per acquisition: who really holds it
    Column("process", String(200)),  # kpis.store.processes: lets a process here see the holder died
    Column("acquired_at", UtcTimestamp, nullable=False),
    Column("renewed_at", UtcTimestamp, nullable=False),
    Column("expires_at", UtcTimestamp, nullable=False),
)

# Request signatures the `/kpi` endpoint accepted, shared by every endpoint process: a second
# insert of the same key is a replay. Rows past ``expires_at`` are deleted as new ones arrive.
seen_signatures = Table(
    "seen_signatures",
    metadata,
    Column("key", String(64), primary_key=True),  # sha256 of timestamp:signature
    Column("expires_at", UtcTimestamp, nullable=False),
    Index("ix_seen_signatures_expires_at", "expires_at"),
)

# How the last sync of each connector instance ended, for `/healthz` (kpis.store.sync_runs).
sync_runs = Table(
    "sync_runs",
    metadata,
    Column("source", String(32), primary_key=True),
    Column("instance", String(64), primary_key=True),
    Column("finished_at", UtcTimestamp, nullable=False),
    Column("outcome", String(16), nullable=False),  # ok | failed | stopped
    Column("detail", Text),  # the one line of a failure (never a secret)
)

# Who opened the app's Home tab in Slack, when, and what they chose on it (period, breakdown,
# team), so that any process can re-publish it after a sync (notifiers.interactive.home_store).
# ``chart_*``: the chart file last uploaded for them, reused while its bytes do not change.
home_views = Table(
    "home_views",
    metadata,
    Column("user_id", String(32), primary_key=True),  # Slack user ID
    Column("opened_at", UtcTimestamp, nullable=False),
    Column("period", String(16), nullable=False),
    Column("dimension", String(16), nullable=False),
    Column("team", String(255)),  # None: the default team of their role
    Column("chart_file_id", String(32)),
    Column("chart_hash", String(64)),
    Index("ix_home_views_opened_at", "opened_at"),
)

# -- what people did with an alert in Slack (kpis.store.alert_states) -------------------------------

# Who acknowledged one announced breach, and when: one row per alert (its id is unique per breach
# and recipient message), so two clicks, or two endpoint processes, never make two records.
alert_acknowledgements = Table(
    "alert_acknowledgements",
    metadata,
    Column("alert_key", String(64), primary_key=True),  # sha256 of the alert id (which can be long)
    Column("alert_id", Text, nullable=False),
    Column("rule_id", String(128), nullable=False),
    Column("scope", String(200), nullable=False),
    Column("user_id", String(32), nullable=False),
    Column("at", UtcTimestamp, nullable=False),
)

# A rule kept quiet for one scope until ``until``: one row per (rule, scope), moved only later.
alert_snoozes = Table(
    "alert_snoozes",
    metadata,
    Column("rule_id", String(128), primary_key=True),
    Column("scope", String(200), primary_key=True),
    Column("until", UtcTimestamp, nullable=False),
    Column("user_id", String(32), nullable=False),
    Column("at", UtcTimestamp, nullable=False),
)
