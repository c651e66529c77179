"""What the store should hold for a fake account, derived from the fake's raw JSON by plain rules
written out here (never by the connector's own mapping)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kpis.records import Rating, Ticket
from kpis.store import Store


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def _epoch(text: str | None) -> int | None:
    return None if text is None else int(datetime.fromisoformat(text).timestamp())


def tickets_in_fake(account) -> dict[str, tuple]:
    out = {}
    for tid, t in account.tickets.items():
        m = account.metrics.get(tid) or {}
        solved = t["status"] in ("solved", "closed")
        out[str(tid)] = (
            t["status"],
            _id(t["assignee_id"]),
            _id(t["group_id"]),
            _epoch(m.get("solved_at")) if solved else None,
            (m.get("reply_time_in_minutes") or {}).get("calendar"),
            (m.get("full_resolution_time_in_minutes") or {}).get("calendar"),
            m.get("replies"),
            m.get("reopens"),
            t["status"] == "deleted",
            "closed_by_merge" in t["tags"],
        )
    return out


def tickets_in_store(store: Store) -> dict[str, tuple]:
    return {
        t.id: (
            t.status_raw,
            t.assignee_id,
            t.group_id,
            int(t.solved_at.timestamp()) if t.solved_at else None,
            t.first_reply_minutes,
            t.full_resolution_minutes,
            t.replies,
            t.reopens,
            t.is_deleted,
            t.is_merged,
        )
        for t in store.iter_records(Ticket)
    }


def ratings_in_fake(account) -> dict[str, tuple]:
    out = {}
    for rid, r in account.ratings.items():
        out[str(rid)] = (str(r["ticket_id"]), r["score"], _id(r["assignee_id"]), _id(r["group_id"]), r["comment"])
    for rid, r in account.survey_responses.items():
        csat = next(a for a in r["answers"] if a["type"] == "rating_scale")
        comment = next((a.get("value") for a in r["answers"] if a["type"] == "open_ended"), None)
        out[rid] = (r["subjects"][0]["id"], str(csat["rating"]), None, None, comment)
    return out


def ratings_in_store(store: Store) -> dict[str, tuple]:
    return {r.id: (r.ticket_id, r.score_raw, r.agent_id, r.team_id, r.comment) for r in store.iter_records(Rating)}
