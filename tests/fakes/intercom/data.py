"""A small, mutable Intercom workspace in Intercom's own JSON shapes (API 2.15; the server answers
an older ``Intercom-Version`` in that version's shapes).

Changing a conversation stamps ``updated_at`` with the fake clock's time. Shapes:
https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/
https://github.com/intercom/Intercom-OpenAPI/blob/main/descriptions/2.15/api.intercom.io.yaml

The search index lags behind the conversations (Airbyte's source-intercom offers a look-back for
it, and incremental syncs leave conversations "open":
https://github.com/airbytehq/airbyte/issues/66292): a change made with ``index_lag`` seconds is
found by the search only that long after it was made, and until then the search serves the copy
from before the change (or nothing, for a new conversation).
"""

from __future__ import annotations

import copy
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
    #: Conversations whose latest change the search index has not taken in yet: id -> (the epoch
    #: second it will, the copy the search serves until then or None).
    lagging: dict[str, tuple[int, dict[str, Any] | None]] = field(default_factory=dict)
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
        last_reply: int | None = None,
        teammates: list[str] | None = None,
        delivered_as: str = "customer_initiated",
        contact_reply: int | None = None,
        index_lag: int = 0,
        company: str | None = None,
    ) -> str:
        """``fin``: None (no AI agent), "resolved" (Fin alone), "routed" (Fin escalated it to a
        team), "procedure" (a Fin procedure handed it over), "negative" (the customer left Fin
        negative feedback) or "no_answer" (Fin took part and gave no answer: Intercom leaves its
        resolution state and last answer type null). ``company``: the Intercom id of the company the
        conversation is associated with (None: no company). ``last_reply``: the last teammate reply
        (default: the first one). ``teammates``: the admins who wrote a part (default: the assignee,
        if anyone replied). ``delivered_as``: anything but ``customer_initiated`` is an outbound
        message (``automated`` for Series, ``admin_initiated``...), to which the customer replied at
        ``contact_reply`` (None: never); a customer-initiated conversation starts with the
        customer's message."""
        cid = self.new_id()
        inbound = delivered_as == "customer_initiated"
        contact_at = created if inbound else contact_reply
        last_reply = last_reply or first_reply
        stamp = updated or max(x for x in (created, first_reply, last_reply, closed, rated, contact_reply) if x)
        if teammates is None:
            teammates = [admin] if admin and first_reply else []
        statistics = {
            "type": "conversation_statistics",
            "time_to_assignment": None,
            "time_to_admin_reply": business_reply_seconds
            if business_reply_seconds is not None
            else (first_reply - created if first_reply else None),
            "time_to_first_close": closed - created if closed and contact_at is not None else None,
            "time_to_last_close": closed - created if closed else None,
            "median_time_to_reply": None,
            "first_contact_reply_at": contact_at,
            "first_assignment_at": None,
            "first_admin_reply_at": first_reply,
            # Intercom measures from the customer's first message: an outbound message nobody
            # answered has no first close (its last close is still recorded).
            "first_close_at": closed if contact_at is not None else None,
            "last_assignment_at": None,
            "last_assignment_admin_reply_at": first_reply,
            "last_contact_reply_at": contact_at,
            "last_admin_reply_at": last_reply,
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
                "delivered_as": delivered_as,
                "subject": "",
                "body": "<p>Help</p>" if inbound else "<p>Have you tried our new plan?</p>",
                "author": {"type": "user", "id": "c1", "name": "Cus Tomer"}
                if inbound
                else {"type": "admin", "id": admin or "1", "name": "Ada Admin", "email": "ada@acme.test"},
                "attachments": [],
                "url": None,
                "redacted": False,
            },
            # From 2.15 on: the company the conversation is associated with, the whole company
            # object (Intercom's ``id``; ``company_id`` is the customer's own), or null.
            "company": None if company is None else self.company(company),
            "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": f"contact-{cid}"}]},
            "first_contact_reply": None
            if contact_at is None
            else {"created_at": contact_at, "type": "conversation", "url": None},
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
            "teammates": {"type": "admin.list", "teammates": [{"type": "admin", "id": str(t)} for t in teammates]},
            "custom_attributes": {},
            "topics": {},
            "ticket": None,
            "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": False},
            "ai_agent": None
            if fin is None
            else {
                "source_type": "essentials_plan_setup",
                "source_title": None,
                # https://developers.intercom.com/docs/references/rest-api/api.intercom.io/models/ai_agent
                "last_answer_type": None if fin == "no_answer" else "ai_answer",
                # 2.15's values (2.14 said routed_to_team for escalated, abandoned for negative_feedback).
                "resolution_state": {
                    "resolved": "assumed_resolution",
                    "routed": "escalated",
                    "procedure": "procedure_handoff",
                    "negative": "negative_feedback",
                }.get(fin),
                "rating": None,
                "rating_remark": None,
                "content_sources": None,
            },
            "ai_agent_participated": fin is not None,
        }
        if index_lag:
            self.lagging[cid] = (self.now() + index_lag, None)
        return cid

    def company(self, company_id: str) -> dict[str, Any]:
        """A company as Intercom describes one (``id`` Intercom's, ``company_id`` the customer's own)."""
        return {
            "type": "company",
            "id": company_id,
            "name": f"Company {company_id}",
            "app_id": self.app_id,
            "company_id": f"own-{company_id}",
            "created_at": 1663597223,
            "updated_at": 1663597223,
            "monthly_spend": 0,
            "session_count": 0,
            "user_count": 1,
            "tags": {"type": "tag.list", "tags": []},
            "segments": {"type": "segment.list", "segments": []},
            "plan": {},
            "custom_attributes": {},
        }

    def touch(self, cid: str, *, index_lag: int = 0, **changes: Any) -> None:
        """Change a conversation now; the search finds the change ``index_lag`` seconds later."""
        if index_lag:
            pending = self.lagging.get(cid)
            served = pending[1] if pending and pending[0] > self.now() else copy.deepcopy(self.conversations[cid])
            self.lagging[cid] = (self.now() + index_lag, served)
        self.conversations[cid].update(changes)
        self.conversations[cid]["updated_at"] = self.now()

    def searchable(self) -> list[dict[str, Any]]:
        """The conversations as the search index has them now."""
        now, found = self.now(), []
        for cid, conversation in self.conversations.items():
            pending = self.lagging.get(cid)
            if pending is None or pending[0] <= now:
                found.append(conversation)
            elif pending[1] is not None:
                found.append(pending[1])
        return found


def populate(workspace: IntercomWorkspace, *, conversations: int = 60, seed: int = 4, days: int = 20) -> None:
    """Two teams, four admins, conversations over ``days`` days: answered (some more than once),
    closed, rated, some handled by Fin alone, some Fin handed over or could not answer, and
    Series messages nobody answered."""
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
        if i % 10 == 3:  # a Series message nobody answered
            workspace.add_conversation(
                created=created,
                admin=None,
                team=team,
                state="open" if i % 20 == 3 else "closed",
                closed=None if i % 20 == 3 else created + 5,
                delivered_as="automated",
            )
            continue
        fin = "resolved" if i % 10 == 0 else "routed" if i % 10 == 5 else "no_answer" if i % 10 == 7 else None
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
            last_reply=min(reply + 600, closed or now) if reply and i % 4 == 0 else None,
            closed=closed,
            reopens=1 if i % 7 == 0 else 0,
            rating=rating,
            rated=closed + 300 if rating else None,
            fin=fin,
        )
