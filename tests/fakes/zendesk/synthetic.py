"""A large synthetic account generated on demand, for the benchmark: 1,000,000 tickets are never
held in memory -- ticket ``i`` (and its metric set and rating) is a pure function of ``i``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.fakes.zendesk.data import iso

STATUSES = ("new", "open", "pending", "hold", "solved", "solved", "closed", "solved")
PRIORITIES = ("low", "normal", "normal", "high", "urgent", None)


@dataclass
class SyntheticAccount:
    tickets_total: int
    #: The newest ticket is this many seconds before the fake clock's start.
    end_epoch: int
    #: Tickets spread over this many seconds before ``end_epoch``.
    span: int = 365 * 86400
    agents_total: int = 60
    groups_total: int = 6
    #: One legacy rating for every ``rating_every`` tickets.
    rating_every: int = 10
    csat: str = "legacy"
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    groups: dict[int, dict[str, Any]] = field(default_factory=dict)
    memberships: dict[int, dict[str, Any]] = field(default_factory=dict)
    survey_responses: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for g in range(1, self.groups_total + 1):
            self.groups[g] = {"id": g, "name": f"Group {g}", "deleted": False}
        for a in range(1, self.agents_total + 1):
            uid = 1000 + a
            self.users[uid] = {"id": uid, "name": f"Agent {a}", "email": f"agent{a}@bench.test", "role": "agent", "active": True}
            self.memberships[a] = {"id": a, "user_id": uid, "group_id": 1 + a % self.groups_total}

    @property
    def ratings_total(self) -> int:
        return self.tickets_total // self.rating_every

    # -- tickets -------------------------------------------------------------------------------

    def _stamp(self, i: int) -> int:
        return self.end_epoch - self.span + (i * self.span) // self.tickets_total

    def after(self, key: tuple[int, int], limit: int) -> tuple[list[tuple[dict, dict]], bool]:
        ts, tid = key
        if tid >= 1:
            first = tid + 1
        else:  # a start_time: the first ticket stamped at or after it
            lo, hi = 1, self.tickets_total + 1
            while lo < hi:
                mid = (lo + hi) // 2
                if self._stamp(mid) < ts:
                    lo = mid + 1
                else:
                    hi = mid
            first = lo
        last = min(self.tickets_total, first + limit - 1)
        return [self._ticket(i) for i in range(first, last + 1)], last < self.tickets_total

    def _ticket(self, i: int) -> tuple[dict, dict]:
        stamp = self._stamp(i)
        created = stamp - 3600 * (1 + i % 48)
        status = STATUSES[i % len(STATUSES)]
        agent = 1001 + i % self.agents_total
        ticket = {
            "url": f"https://bench.zendesk.com/api/v2/tickets/{i}.json", "id": i, "external_id": None,
            "via": {"channel": "email", "source": {"from": {}, "to": {}, "rel": None}},
            "created_at": iso(created), "updated_at": iso(stamp), "type": None,
            "subject": f"Order {i} has not arrived", "raw_subject": f"Order {i} has not arrived",
            "description": "Where is my order?", "priority": PRIORITIES[i % len(PRIORITIES)], "status": status,
            "recipient": None, "requester_id": 5_000_000 + i, "submitter_id": 5_000_000 + i, "assignee_id": agent,
            "organization_id": None, "group_id": 1 + (agent - 1000) % self.groups_total, "collaborator_ids": [],
            "follower_ids": [], "email_cc_ids": [], "forum_topic_id": None, "problem_id": None,
            "has_incidents": False, "is_public": True, "due_at": None, "tags": ["order", "shipping"],
            "custom_fields": [], "satisfaction_rating": None, "sharing_agreement_ids": [], "fields": [],
            "followup_ids": [], "brand_id": 1, "allow_channelback": False, "allow_attachments": True,
            "from_messaging_channel": False, "generated_timestamp": stamp,
        }
        solved = status in ("solved", "closed")
        minutes = (stamp - created) // 60
        metric_set = {
            "url": f"https://bench.zendesk.com/api/v2/ticket_metrics/{i}.json", "id": i, "ticket_id": i,
            "created_at": iso(created), "updated_at": iso(stamp), "group_stations": 1, "assignee_stations": 1,
            "reopens": i % 9 == 0, "replies": 1 + i % 3, "assignee_updated_at": iso(stamp),
            "requester_updated_at": iso(created), "status_updated_at": iso(stamp), "initially_assigned_at": iso(created),
            "assigned_at": iso(created), "solved_at": iso(stamp) if solved else None, "latest_comment_added_at": iso(stamp),
            "reply_time_in_minutes": {"calendar": 10 + i % 300, "business": 5 + i % 100},
            "first_resolution_time_in_minutes": {"calendar": minutes if solved else None, "business": minutes // 3 if solved else None},
            "full_resolution_time_in_minutes": {"calendar": minutes if solved else None, "business": minutes // 3 if solved else None},
            "agent_wait_time_in_minutes": {"calendar": None, "business": None},
            "requester_wait_time_in_minutes": {"calendar": None, "business": None},
            "on_hold_time_in_minutes": {"calendar": 0, "business": 0},
        }
        return ticket, metric_set

    # -- ratings (in id order, filtered by updated_at >= start_time) ---------------------------

    def ratings_after(self, start_time: int, after_id: int | None, size: int) -> tuple[list[dict], bool]:
        first = (after_id or 0) + 1
        out: list[dict] = []
        r = first
        while r <= self.ratings_total and len(out) < size:
            rating = self._rating(r)
            if rating["_stamp"] >= start_time:
                rating.pop("_stamp")
                out.append(rating)
            r += 1
        return out, r <= self.ratings_total

    def _rating(self, r: int) -> dict:
        tid = r * self.rating_every
        stamp = self._stamp(tid)
        return {
            "url": f"https://bench.zendesk.com/api/v2/satisfaction_ratings/{r}.json", "id": r,
            "assignee_id": 1001 + tid % self.agents_total, "group_id": 1 + (1 + tid % self.agents_total) % self.groups_total,
            "requester_id": 5_000_000 + tid, "ticket_id": tid, "score": "bad" if r % 6 == 0 else "good",
            "comment": None, "reason": None, "created_at": iso(stamp), "updated_at": iso(stamp), "_stamp": stamp,
        }
