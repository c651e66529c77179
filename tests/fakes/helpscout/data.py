"""A small, mutable Help Scout account in the Mailbox API 2.0's own JSON shapes.

Each conversation keeps its own modification time (``modified``, not part of the payload) for
``modifiedSince``. Chat conversations carry ``chat`` threads (the customer's and the user's
messages), phone conversations the user's ``phone`` threads. Deleted and merged conversations
leave the account (``gone``: why), as they leave Help Scout's lists. A conversation names its
primary customer (``primaryCustomer``: id, name and email, no organisation); the customer, read on
its own, names its organisation (``organizationId``). Shapes:
https://developer.helpscout.com/mailbox-api/
https://developer.helpscout.com/mailbox-api/endpoints/customers/get
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class HelpScoutAccount:
    clock: Any
    app_id: str = "hs-app-id"
    app_secret: str = "hs-app-secret"
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    teams: dict[int, dict[str, Any]] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)
    conversations: dict[int, dict[str, Any]] = field(default_factory=dict)
    modified: dict[int, float] = field(default_factory=dict)
    ratings: list[dict[str, Any]] = field(default_factory=list)
    #: Conversations no longer listed: ``("deleted", None)`` or ``("merged", into)``.
    gone: dict[int, tuple[str, int | None]] = field(default_factory=dict)
    customers: dict[int, dict[str, Any]] = field(default_factory=dict)
    _next_id: int = 500
    #: Customers have ids of their own; 238604 is the default one (in no organisation), who writes
    #: the conversations that name no customer.
    _next_customer: int = 238605

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def add_team(self, name: str) -> int:
        tid = self.new_id()
        self.teams[tid] = {
            "id": tid,
            "name": name,
            "timezone": "UTC",
            "mention": name.lower(),
            "initials": name[:2].upper(),
            "createdAt": iso(self.clock.epoch()),
            "updatedAt": iso(self.clock.epoch()),
        }
        self.members[tid] = []
        return tid

    def add_user(self, first: str, last: str, teams: list[int], role: str = "user") -> int:
        uid = self.new_id()
        self.users[uid] = {
            "id": uid,
            "firstName": first,
            "lastName": last,
            "email": f"{first.lower()}@acme.test",
            "role": role,
            "timezone": "UTC",
            "type": "user",
            "mention": first.lower(),
            "createdAt": iso(self.clock.epoch()),
            "updatedAt": iso(self.clock.epoch()),
        }
        for tid in teams:
            self.members[tid].append(uid)
        return uid

    def add_customer(
        self, first: str, last: str, *, organization: int | None = None, fixed_id: int | None = None
    ) -> int:
        """A customer, in ``organization`` (its id) or in none."""
        customer_id = fixed_id
        if customer_id is None:
            customer_id = self._next_customer
            self._next_customer += 1
        customer: dict[str, Any] = {
            "id": customer_id,
            "firstName": first,
            "lastName": last,
            "gender": "unknown",
            "jobTitle": None,
            "location": None,
            "organization": f"Organisation {organization}" if organization else None,
            "photoType": "unknown",
            "photoUrl": None,
            "age": None,
            "createdAt": iso(self.clock.epoch()),
            "updatedAt": iso(self.clock.epoch()),
            "background": None,
            "draft": False,
            "_embedded": {
                "emails": [{"id": customer_id, "value": f"{first.lower()}@customer.test", "type": "work"}],
                "phones": [], "chats": [], "social_profiles": [], "websites": [], "properties": [],
                "address": None,
            },
            "_links": {"self": {"href": f"https://api.helpscout.net/v2/customers/{customer_id}"}},
        }
        if organization is not None:
            customer["organizationId"] = organization
        self.customers[customer_id] = customer
        return customer_id

    def _primary(self, customer: int | None) -> dict[str, Any]:
        """The conversation's ``primaryCustomer``: who, without their organisation."""
        if customer is None:
            customer = 238604
            if customer not in self.customers:
                self.add_customer("Vernon", "Bear", fixed_id=customer)
        c = self.customers[customer]
        return {"id": customer, "type": "customer", "first": c["firstName"], "last": c["lastName"],
                "email": c["_embedded"]["emails"][0]["value"]}

    def add_conversation(
        self,
        *,
        created: float,
        user: int | None,
        team: int | None = None,
        replies: list[float] = (),
        closes: list[float] = (),
        reopens: list[float] = (),
        status: str | None = None,
        kind: str = "email",
        customer: int | None = None,
    ) -> int:
        """A customer's message at ``created`` (``customer``: who, by default the one customer
        without organisation); agent replies (``replies``), closes and reopens at those
        times (each a thread setting the status); ``team``: assigned to that team by a line item.
        ``kind`` is the conversation's type: on a ``chat`` both sides write ``chat`` threads, on a
        ``phone`` conversation the user logs the calls as ``phone`` threads."""
        cid = self.new_id()
        customer_thread = "chat" if kind == "chat" else "customer"
        reply_thread = {"chat": "chat", "phone": "phone"}.get(kind, "reply")
        threads: list[dict[str, Any]] = [self._thread(customer_thread, created, "active", customer=True)]
        if team is not None:
            threads.append(
                {
                    **self._thread("lineitem", created + 1, "nochange"),
                    "action": {"type": "assigned"},
                    "assignedTo": {"id": team, "type": "team"},
                }
            )
        events = [(t, "reply") for t in replies] + [(t, "close") for t in closes] + [(t, "reopen") for t in reopens]
        status_now = "active"
        for at, event in sorted(events):
            if event == "reply":
                threads.append(self._thread(reply_thread, at, "pending", user=user))
                status_now = "pending"
            elif event == "close":
                threads.append(
                    {**self._thread("lineitem", at, "closed", user=user), "action": {"type": "changed-ticket-status"}}
                )
                status_now = "closed"
            else:
                threads.append(self._thread(customer_thread, at, "active", customer=True))
                status_now = "active"
        status = status or status_now
        closed_at = max(closes) if status == "closed" and closes else None
        last = max([created, *replies, *closes, *reopens])
        self.conversations[cid] = {
            "id": cid,
            "number": 10000 + cid,
            "threads": len(threads),
            "type": kind,
            "folderId": 1,
            "status": status,
            "state": "published",
            "subject": f"Need help {cid}",
            "preview": "Help",
            "mailboxId": 85,
            "assignee": self._ref(user) if user else None,
            "createdBy": {"id": 12, "type": "customer", "email": "bear@acme.test"},
            "createdAt": iso(created),
            "closedBy": user if closed_at else None,
            "closedAt": iso(closed_at) if closed_at else None,
            "userUpdatedAt": iso(last),
            "source": {"type": "beacon" if kind == "chat" else kind, "via": "customer"},
            "tags": [],
            "cc": [],
            "bcc": [],
            "primaryCustomer": self._primary(customer),
            "customFields": [],
            "_embedded": {"threads": list(reversed(threads))},  # the API lists threads newest first
            "_links": {"self": {"href": f"https://api.helpscout.net/v2/conversations/{cid}"}},
        }
        self.modified[cid] = last
        return cid

    def touch(self, cid: int, **changes: Any) -> None:
        self.conversations[cid].update(changes)
        self.modified[cid] = self.clock.epoch()

    def spam(self, cid: int) -> None:
        """Moved to spam (a status of its own, not among ``status=all``'s)."""
        self.touch(cid, status="spam")

    def delete(self, cid: int) -> None:
        """Deleted: gone from the lists; the conversation itself answers 404."""
        self._leave(cid, "deleted", None)

    def merge(self, cid: int, into: int) -> None:
        """Merged into ``into``: gone from the lists; the conversation answers 301 to ``into``,
        which gains the merged line item."""
        self._leave(cid, "merged", into)
        target = self.conversations[into]
        line = {**self._thread("lineitem", self.clock.epoch(), "nochange"), "action": {"type": "merged"}}
        target["_embedded"]["threads"].insert(0, line)
        self.touch(into)

    def _leave(self, cid: int, why: str, into: int | None) -> None:
        del self.conversations[cid]
        del self.modified[cid]
        self.gone[cid] = (why, into)

    def rate(self, cid: int, rating_id: int, *, at: float, comment: str = "") -> None:
        conversation = self.conversations[cid]
        reply = next(
            t
            for t in conversation["_embedded"]["threads"]
            if t["type"] in ("reply", "chat", "phone") and t["createdBy"]["type"] == "user"
        )
        user = self.users.get((reply.get("createdBy") or {}).get("id"))
        self.ratings.append(
            {
                "number": conversation["number"],
                "threadid": reply["id"],
                "threadCreatedAt": reply["createdAt"],
                "id": cid,
                "type": "email",
                "ratingId": rating_id,
                "ratingCustomerId": 238604,
                "ratingComments": comment,
                "ratingCreatedAt": iso(at),
                "ratingCustomerName": "Bear",
                "ratingUserId": user["id"] if user else None,
                "ratingUserName": f"{user['firstName']} {user['lastName']}" if user else None,
            }
        )

    def rerate(self, cid: int, rating_id: int, *, comment: str = "") -> None:
        """The customer changes their rating (and comment) later: the same rating, changed; the
        report still places it at its creation time."""
        row = next(r for r in self.ratings if r["id"] == cid)
        row.update(ratingId=rating_id, ratingComments=comment)

    def _ref(self, uid: int) -> dict[str, Any]:
        user = self.users[uid]
        return {"id": uid, "first": user["firstName"], "last": user["lastName"], "email": user["email"], "type": "user"}

    def _thread(
        self, kind: str, at: float, status: str, *, user: int | None = None, customer: bool = False
    ) -> dict[str, Any]:
        by = (
            {"id": 12, "type": "customer", "email": "bear@acme.test"}
            if customer
            else {**self._ref(user), "type": "user"}
            if user
            else {"id": 0, "type": "user"}
        )
        return {
            "id": self.new_id(),
            "type": kind,
            "status": status,
            "state": "published",
            "action": {"type": "default", "associatedEntities": []},
            "body": "text",
            "source": {"type": "email", "via": "customer" if customer else "user"},
            "createdBy": by,
            "createdAt": iso(at),
            "_embedded": {"attachments": []},
        }


def populate(account: HelpScoutAccount, *, conversations: int = 50, seed: int = 6, days: int = 20) -> None:
    rng = random.Random(seed)
    billing, tech = account.add_team("Billing"), account.add_team("Technical")
    users = [
        account.add_user("Ada", "Admin", [billing], role="owner"),
        account.add_user("Ben", "Bell", [billing]),
        account.add_user("Cleo", "Chu", [tech]),
    ]
    # Two organisations: two customers in the first, one in the second; and the default customer in none.
    customers = [
        account.add_customer("Ann", "Acme", organization=7001),
        account.add_customer("Art", "Acme", organization=7001),
        account.add_customer("Gil", "Globex", organization=7002),
        None,
    ]
    now = account.clock.epoch()
    for i in range(conversations):
        created = now - rng.uniform(0.3, days) * 86400
        user = rng.choice(users)
        team = billing if user != users[2] else tech
        replies = [created + rng.uniform(5, 500) * 60] if i % 5 else []
        closes = [replies[0] + rng.uniform(5, 900) * 60] if replies and i % 3 else []
        reopens = [closes[0] + 600] if closes and i % 8 == 0 else []
        if reopens:
            closes.append(reopens[0] + 1200)
        cid = account.add_conversation(
            created=created,
            user=user,
            team=team if i % 4 else None,
            replies=replies,
            closes=[min(c, now - 60) for c in closes],
            reopens=reopens,
            kind="chat" if i % 7 == 3 else "phone" if i % 11 == 5 else "email",
            customer=customers[i % len(customers)],
        )
        if i == 9:
            account.spam(cid)
        if closes and i % 2:
            account.rate(
                cid, rng.choice([1, 1, 2, 3]), at=min(closes[-1] + 300, now - 30), comment="ok" if i % 3 else ""
            )
