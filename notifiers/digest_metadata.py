"""What a posted digest says about itself: its Slack message metadata and its buttons' question.

The "Explain this" shortcut (notifiers.interactive.shortcut_digest) reads the metadata back; the
digest's buttons (notifiers.interactive.digest_actions) carry the :class:`DigestAction`. Both
explain the KPI that moved most, in one ordering (:func:`explainable_by_move`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from kpis.catalogue import KPIS, Kind
from kpis.explain import NOT_DECOMPOSABLE
from kpis.results import ScopeRow
from notifiers.interactive.action_ids import DigestAction

if TYPE_CHECKING:
    from notifiers.digest import Digest


def digest_metadata(digest: Digest) -> dict[str, Any]:
    """The message metadata (https://docs.slack.dev/messaging/message-metadata): the digest's id for
    the delivery log, and what its "Explain this" shortcut asks `/kpi why` about: the team (left
    out for the leads' digest of every team), the window's first and last day, and the KPIs it shows that a `why` explains,
    the one that moved most first."""
    window = digest.report.window
    team = {"team": digest.row.name} if digest.row.scope == "team" else {}  # no null: Slack's payload types
    return {
        "digest_id": digest.digest_id,
        "schema": 1,
        **team,
        "first_day": window.first_day.isoformat(),
        "last_day": (window.end_day - timedelta(days=1)).isoformat(),
        "kpis": explainable_by_move(digest.row, digest.keys),
    }


def digest_action(digest: Digest) -> DigestAction:
    """What the digest's buttons ask about: its team over its own window (``team`` set); "Why?"
    explains the KPI that moved most (as "Explain this" does), else the first one shown."""
    window = digest.report.window
    explainable = explainable_by_move(digest.row, digest.keys)
    return DigestAction(team=digest.team or digest.title, every=digest.every, first=window.first_day,
                        last=window.end_day - timedelta(days=1), day=digest.day,
                        why=explainable[0] if explainable else "csat")


def explainable_by_move(row: ScopeRow, keys: Sequence[str]) -> list[str]:
    """``keys`` a `why` can explain, the largest change first as the digest writes it (pp, % or
    points); a change on too few to judge, or none, counts as no move."""

    def moved(key: str) -> float:
        metric = row.metrics.get(key)
        if metric is None or metric.change is None or metric.insufficient_data:
            return 0.0
        return abs(metric.change)

    explainable = [k for k in keys if k not in NOT_DECOMPOSABLE and KPIS[k].kind is not Kind.LIST]
    return sorted(explainable, key=moved, reverse=True)  # stable: equal moves keep the digest's order
