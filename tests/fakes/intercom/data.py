"""A small, mutable Intercom workspace in Intercom's own JSON shapes (API 2.14).

Changing a conversation stamps ``updated_at`` with the fake clock's time. Shapes:
https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any


@dataclass
class IntercomWorkspace:
    clock: Any
    token: str = "ic-access-token"
    app_id: str = "abc123"
    admins: dict[str, dict[str, Any]] = field(default_factory=dict)
    teams: dict[str, dict[str, Any]] = field(default_factory=dict)
    conversations: dict[str, dict[str, Any]] = field(default_factory=dict)
    _next_id: int = 900

    def new_id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    def now(self) -> int:
        return int(self.clock.epoch())

    def add_team(self, name: str) -> str:
        tid = self.new_id()
        self.teams[tid] = {"type": "team", "id": tid, "name": name, "admin_ids": []}
        return tid

    def add_admin(self, name: str, teams: list[str]) -> str:
        aid = self.new_id()
        self.admins[aid] = {
            "type": "admin",
            "id": aid,
            "name": name,
            "email": f"{name.split()[0].lower()}@acme.test",
            "job_title": None,
            "away_mode_enabled": False,
            "away_mode_reassign": False,
            "has_inbox_seat": True,
            "team_ids": [int(t) for t in teams],
        }
        for tid in teams:
            self.teams[tid]["admin_ids"].append(int(aid))
        return aid

    def add_conversation(
        self,
        *,
        created: int,
        admin: str | None,
        team: str | None,
        state: str = "open",
        first_reply: int | None = None,
        closed: int | None = None,
        reopens: int = 0,
        rating: int | None = None,
        rated: int | None = None,
        fin: str | None = None,
        updated: int | None = None,
        business_reply_seconds: int | None = None,
    ) -> str:
        """``fin``: None (no AI agent), "resolved" (Fin alone) or "routed" (Fin handed it to a team)."""
        cid = self.new_id()
        stamp = updated or max(x for x in (created, first_reply, closed, rated) if x)
        statistics = {
            "type": "conversation_statistics",
            "time_to_assignment": None,
            "time_to_admin_reply": business_reply_seconds
            if business_reply_seconds is not None
            else (first_reply - created if first_reply else None),
            "time_to_first_close": closed - created if closed else None,
            "time_to_last_close": closed - created if closed else None,
            "median_time_to_reply": None,
            "first_contact_reply_at": created,
            "first_assignment_at": None,
            "first_admin_reply_at": first_reply,
            "first_close_at": closed,
            "last_assignment_at": None,
            "last_assignment_admin_reply_at": first_reply,
            "last_contact_reply_at": created,
            "last_admin_reply_at": first_reply,
            "last_close_at": closed,
            "last_closed_by_id": admin if closed else None,
            "count_reopens": reopens,
            "count_assignments": 1,
            "count_conversation_parts": 3,
            "handling_time": None,
            "adjusted_handling_time": None,
        }
        self.conversations[cid] = {
            "type": "conversation",
            "id": cid,
            "title": f"Conversation {cid}",
            "created_at": created,
            "updated_at": stamp,
            "waiting_since": None,
            "snoozed_until": None,
            "source": {
                "type": "conversation",
                "id": f"s{cid}",
                "delivered_as": "customer_initiated",
                "subject": "",
                "body": "<p>Help</p>",
                "author": {"type": "user", "id": "c1", "name": "Cus Tomer"},
                "attachments": [],
                "url": None,
                "redacted": False,
            },
            "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": f"contact-{cid}"}]},
            "first_contact_reply": None,
            "admin_assignee_id": int(admin) if admin else None,
            "team_assignee_id": int(team) if team else None,
            "open": state != "closed",
            "state": state,
            "read": True,
            "tags": {"type": "tag.list", "tags": []},
            "priority": "not_priority",
            "sla_applied": None,
            "statistics": statistics,
            "conversation_rating": None
            if rating is None and rated is None
            else {
                "rating": rating,
                "remark": "thanks" if rating and rating >= 4 else "",
                "created_at": rated,
                "updated_at": rated,
                "contact": {"type": "contact", "id": f"contact-{cid}"},
                "teammate": {"type": "admin", "id": admin} if admin else None,
            },
            "teammates": None,
            "custom_attributes": {},
            "topics": {},
            "ticket": None,
            "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": False},
            "ai_agent": None
            if fin is None
            else {
                "source_type": "essentials_plan_setup",
                "source_title": None,
                "last_answer_type": "ai_answer",
                "resolution_state": "assumed_resolution" if fin == "resolved" else "routed_to_team",
                "rating": None,
                "rating_remark": None,
                "content_sources": None,
            },
            "ai_agent_participated": fin is not None,
        }
        return cid

    def touch(self, cid: str, **changes: Any) -> None:
        self.conversations[cid].update(changes)
        self.conversations[cid]["updated_at"] = self.now()


def populate(workspace: IntercomWorkspace, *, conversations: int = 60, seed: int = 4, days: int = 20) -> None:
    """Two teams, four admins, conversations over ``days`` days: answered, closed, rated, some
    handled by Fin alone and some Fin handed over."""
    rng = random.Random(seed)
    billing, tech = workspace.add_team("Billing"), workspace.add_team("Technical")
    admins = [
        workspace.add_admin("Ada Admin", [billing]),
        workspace.add_admin("Ben Bell", [billing]),
        workspace.add_admin("Cleo Chu", [tech]),
        workspace.add_admin("Dev Das", [billing, tech]),
    ]
    now = workspace.now()
    for i in range(conversations):
        created = now - int(rng.uniform(0.2, days) * 86400)
        team = billing if i % 2 else tech
        fin = "resolved" if i % 10 == 0 else "routed" if i % 10 == 5 else None
        if fin == "resolved":
            workspace.add_conversation(
                created=created,
                admin=None,
                team=None,
                state="closed",
                closed=created + 40,
                rating=5,
                rated=created + 100,
                fin=fin,
            )
            continue
        admin = rng.choice([a for a in admins if int(a) in workspace.teams[team]["admin_ids"]])
        reply = created + int(rng.uniform(2, 300) * 60) if i % 6 else None
        closed = (reply or created) + int(rng.uniform(5, 2000) * 60) if reply and i % 3 else None
        if closed and closed > now:
            closed = now - 60
        rating = rng.randint(1, 5) if closed and i % 2 else None
        workspace.add_conversation(
            created=created,
            admin=admin,
            team=team,
            state="closed" if closed else "open",
            first_reply=reply,
            closed=closed,
            reopens=1 if i % 7 == 0 else 0,
            rating=rating,
            rated=closed + 300 if rating else None,
            fin=fin,
        )
