"""A small, mutable Freshdesk account in Freshdesk's own JSON shapes.

Changing anything stamps it with the fake clock's time, so that a later ``updated_since`` list
returns exactly the changes. Keys starting with ``_`` are the fake's own bookkeeping (when a
change becomes visible in the list) and are never served. Shapes: https://developers.freshdesk.com/api/
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

SEVEN_POINT = [-103, -102, -101, 100, 101, 102, 103]
FIVE_POINT = [-103, -102, 100, 102, 103]
THREE_POINT = [-103, 100, 103]
TWO_POINT = [-103, 103]
#: The classic survey's answers: 1 Happy, 2 Neutral, 3 Unhappy (it lists no questions).
CLASSIC = [1, 2, 3]


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class FreshdeskAccount:
    clock: Any
    domain: str = "acme"
    api_key: str = "fd-api-key"
    #: The agent the API key belongs to (``/agents/me``).
    me: int = 0
    tickets: dict[int, dict[str, Any]] = field(default_factory=dict)
    ratings: dict[int, dict[str, Any]] = field(default_factory=dict)
    agents: dict[int, dict[str, Any]] = field(default_factory=dict)
    groups: dict[int, dict[str, Any]] = field(default_factory=dict)
    surveys: dict[int, dict[str, Any]] = field(default_factory=dict)
    _next_id: int = 100

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    # -- directory -----------------------------------------------------------------------------

    def add_group(self, name: str) -> int:
        gid = self.new_id()
        self.groups[gid] = {
            "id": gid,
            "name": name,
            "description": None,
            "agent_ids": [],
            "created_at": iso(self.clock.epoch()),
            "updated_at": iso(self.clock.epoch()),
        }
        return gid

    def add_agent(self, name: str, groups: list[int], *, active: bool = True) -> int:
        aid = self.new_id()
        email = f"{name.split()[0].lower()}@{self.domain}.test"
        self.agents[aid] = {
            "id": aid,
            "available": True,
            "occasional": False,
            "type": "support_agent",
            "contact": {"active": active, "email": email, "name": name, "language": "en"},
            "created_at": iso(self.clock.epoch()),
            "updated_at": iso(self.clock.epoch()),
        }
        for gid in groups:
            self.groups[gid]["agent_ids"].append(aid)
        self.me = self.me or aid
        return aid

    def add_survey(self, points: list[int]) -> int:
        """A custom survey on ``points`` codes; ``CLASSIC``: the classic survey, which lists no
        questions and whose ratings answer 1, 2 or 3."""
        sid = self.new_id()
        classic = points == CLASSIC
        question = {
            "id": "default_question",
            "label": "How would you rate our support?",
            "accepted_ratings": points,
            "default": True,
        }
        self.surveys[sid] = {
            "id": sid,
            "title": "Classic survey" if classic else f"{len(points)}-point survey",
            "active": True,
            "questions": [] if classic else [question],
        }
        return sid

    # -- tickets -------------------------------------------------------------------------------

    def add_ticket(
        self,
        *,
        created: float,
        agent: int | None,
        group: int | None,
        status: int = 2,
        first_reply: float | None = None,
        resolved: float | None = None,
        reopened: float | None = None,
        priority: int = 1,
        subject: str = "Help",
        updated: float | None = None,
        source: int = 1,
    ) -> int:
        tid = self.new_id()
        stamp = updated if updated is not None else max(x for x in (created, first_reply, resolved, reopened) if x)
        self.tickets[tid] = {
            "id": tid,
            "subject": subject,
            "status": status,
            "priority": priority,
            "source": source,
            "responder_id": agent,
            "group_id": group,
            "requester_id": 5000 + tid,
            "company_id": None,
            "spam": False,
            "tags": [],
            "cc_emails": [],
            "fr_escalated": False,
            "is_escalated": False,
            "custom_fields": {},
            "type": None,
            "created_at": iso(created),
            "updated_at": iso(stamp),
            "due_by": iso(created + 3 * 86400),
            "fr_due_by": iso(created + 86400),
            "stats": {
                "agent_responded_at": iso(first_reply) if first_reply else None,
                "requester_responded_at": None,
                "first_responded_at": iso(first_reply) if first_reply else None,
                "status_updated_at": iso(stamp),
                "reopened_at": iso(reopened) if reopened else None,
                "resolved_at": iso(resolved) if resolved else None,
                "closed_at": iso(resolved) if resolved and status == 5 else None,
                "pending_since": None,
            },
        }
        return tid

    def touch(self, tid: int, *, lag: float = 0, **changes: Any) -> None:
        """Change a ticket now (its ``updated_at`` becomes the clock's time). ``lag``: seconds
        before the change shows in the list, as Freshdesk's list shows changes some time after
        their ``updated_at`` (the ticket is listed as it was until then)."""
        ticket = self.tickets[tid]
        if lag:
            ticket["_before"] = {k: v for k, v in ticket.items() if not k.startswith("_")}
            ticket["_visible_at"] = self.clock.epoch() + lag
        stats = changes.pop("stats", {})
        ticket.update(changes)
        ticket["stats"] = {**ticket["stats"], **stats}
        ticket["updated_at"] = iso(self.clock.epoch())

    def delete(self, tid: int) -> None:
        self.touch(tid, deleted=True)

    def rate(self, tid: int, code: int, *, survey: int, feedback: str | None = None, at: float | None = None) -> int:
        rid = self.new_id()
        ticket = self.tickets[tid]
        when = iso(at if at is not None else self.clock.epoch())
        self.ratings[rid] = {
            "id": rid,
            "survey_id": survey,
            "user_id": ticket["requester_id"],
            "agent_id": ticket["responder_id"],
            "group_id": ticket["group_id"],
            "ticket_id": tid,
            "feedback": feedback,
            "ratings": {"default_question": code},
            "created_at": when,
            "updated_at": when,
        }
        return rid

    def send_feedback(self, rid: int, feedback: str, *, code: int | None = None) -> None:
        """The customer sends the survey's form after the click that created the rating: the
        comment, and perhaps a changed score; ``updated_at`` moves, ``created_at`` stays."""
        rating = self.ratings[rid]
        rating["feedback"] = feedback
        if code is not None:
            rating["ratings"] = {**rating["ratings"], "default_question": code}
        rating["updated_at"] = iso(self.clock.epoch())


def populate(account: FreshdeskAccount, *, tickets: int = 60, seed: int = 8, days: int = 20) -> None:
    """Two groups ("Billing", "Technical"), four agents, ``tickets`` tickets over ``days`` days and
    ratings on three custom surveys (7, 5 and 3 points)."""
    rng = random.Random(seed)
    billing, technical = account.add_group("Billing"), account.add_group("Technical")
    agents = [
        account.add_agent("Ada Admin", [billing]),
        account.add_agent("Ben Bell", [billing]),
        account.add_agent("Cleo Chu", [technical]),
        account.add_agent("Dev Das", [billing, technical]),
    ]
    surveys = {account.add_survey(points): points for points in (SEVEN_POINT, FIVE_POINT, THREE_POINT)}
    now = account.clock.epoch()
    for i in range(tickets):
        created = now - rng.uniform(0.2, days) * 86400
        group = billing if i % 2 else technical
        agent = rng.choice([a for a in agents if a in account.groups[group]["agent_ids"]]) if i % 7 else None
        reply = created + rng.uniform(5, 600) * 60 if i % 5 else None
        status = rng.choice([2, 3, 4, 5, 4, 5])
        resolved = (reply or created) + rng.uniform(10, 3000) * 60 if status in (4, 5) else None
        if resolved is not None and resolved > now:
            resolved = now - 60
        reopened = created + 30 if resolved and i % 9 == 0 else None
        tid = account.add_ticket(
            created=created,
            agent=agent,
            group=group,
            status=status,
            first_reply=reply,
            resolved=resolved,
            reopened=reopened,
            priority=rng.choice([1, 2, 3, 4]),
            subject=f"Question {i}",
        )
        if resolved is not None and i % 3 == 0:
            survey = list(surveys)[i % len(surveys)]
            code = rng.choice(surveys[survey])
            account.rate(tid, code, survey=survey, feedback="thanks" if code > 100 else None, at=resolved + 60)
