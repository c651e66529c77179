"""The fake account's data, in Zendesk's own JSON shapes, and the changes a test makes to it.

Tickets carry ``generated_timestamp`` (the export's sort key, bumped on every change) and a
metric set; ratings and survey responses carry their timestamps. Changing anything stamps it
with the fake clock's time, so a later incremental export returns exactly the changes.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol

SolvedStatuses = ("solved", "closed")


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class TicketSource(Protocol):
    """What the export endpoint reads: tickets in (generated_timestamp, id) order."""

    def after(self, key: tuple[int, int], limit: int) -> tuple[list[tuple[dict, dict]], bool]:
        """Up to ``limit`` (ticket, metric set) pairs whose key is above ``key``; and whether more remain."""


@dataclass
class Account:
    """A small, mutable Zendesk account for the end-to-end tests."""

    clock: Any
    subdomain: str = "acme"
    tickets: dict[int, dict[str, Any]] = field(default_factory=dict)
    metrics: dict[int, dict[str, Any]] = field(default_factory=dict)
    ratings: dict[int, dict[str, Any]] = field(default_factory=dict)
    survey_responses: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    groups: dict[int, dict[str, Any]] = field(default_factory=dict)
    memberships: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: "legacy", "new" or "both": which CSAT endpoints answer (the other answers 404).
    csat: str = "legacy"
    #: SLA policies (``/api/v2/slas/policies``) and ticket metric events (their incremental export);
    #: ``sla_plan`` False: a plan without SLAs, whose policy list answers 403.
    sla_plan: bool = True
    sla_policies: list[dict[str, Any]] = field(default_factory=list)
    metric_events: list[dict[str, Any]] = field(default_factory=list)
    _keys: list[tuple[int, int]] = field(default_factory=list)
    _next_id: int = 1000

    # -- the export's view ---------------------------------------------------------------------

    def after(self, key: tuple[int, int], limit: int) -> tuple[list[tuple[dict, dict]], bool]:
        start = bisect.bisect_right(self._keys, key)
        chosen = self._keys[start : start + limit]
        return [(self.tickets[i], self.metrics.get(i)) for _, i in chosen], start + limit < len(self._keys)

    def _touch(self, ticket_id: int, when: float | None = None) -> None:
        ticket = self.tickets[ticket_id]
        old = (ticket.get("generated_timestamp"), ticket_id)
        if old[0] is not None:
            self._keys.remove(old)
        stamp = int(self.clock.epoch() if when is None else when)
        ticket["generated_timestamp"] = stamp
        ticket["updated_at"] = iso(stamp)
        if ticket_id in self.metrics:
            self.metrics[ticket_id]["updated_at"] = iso(stamp)
        bisect.insort(self._keys, (stamp, ticket_id))

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    # -- directory -----------------------------------------------------------------------------

    def add_group(self, name: str) -> int:
        gid = self.new_id()
        self.groups[gid] = {"id": gid, "name": name, "deleted": False, "url": f"https://x/api/v2/groups/{gid}.json"}
        return gid

    def add_agent(self, name: str, email: str, group_ids: list[int], role: str = "agent") -> int:
        uid = self.new_id()
        self.users[uid] = {"id": uid, "name": name, "email": email, "role": role, "active": True, "suspended": False}
        for gid in group_ids:
            mid = self.new_id()
            self.memberships[mid] = {"id": mid, "user_id": uid, "group_id": gid, "default": False}
        return uid

    # -- tickets -------------------------------------------------------------------------------

    def add_ticket(self, *, created: float, assignee: int | None, group: int | None, priority: str | None = "normal",
                   status: str = "open", tags: list[str] | None = None, subject: str = "Help") -> int:
        tid = self.new_id()
        self.tickets[tid] = {
            "url": f"https://{self.subdomain}.zendesk.com/api/v2/tickets/{tid}.json", "id": tid,
            "via": {"channel": "email", "source": {"from": {}, "to": {}, "rel": None}},
            "created_at": iso(created), "updated_at": iso(created), "type": None, "subject": subject,
            "raw_subject": subject, "description": "...", "priority": priority, "status": status,
            "requester_id": 9, "submitter_id": 9, "assignee_id": assignee, "organization_id": None,
            "group_id": group, "tags": list(tags or []), "satisfaction_rating": None, "custom_fields": [],
        }
        # Keys absent until the event happens, as Zendesk sends them.
        self.metrics[tid] = {
            "id": tid * 10, "ticket_id": tid, "created_at": iso(created), "updated_at": iso(created),
            "reopens": 0, "replies": 0,
            "reply_time_in_minutes": {"calendar": None, "business": None},
            "first_resolution_time_in_minutes": {"calendar": None, "business": None},
            "full_resolution_time_in_minutes": {"calendar": None, "business": None},
        }
        self._touch(tid, created)
        return tid

    def reply(self, tid: int, *, after_minutes: int, business: int | None = None, when: float | None = None) -> None:
        m = self.metrics[tid]
        m["replies"] += 1
        if m["reply_time_in_minutes"]["calendar"] is None:
            m["reply_time_in_minutes"] = {"calendar": after_minutes, "business": business}
        self._touch(tid, when)

    def solve(self, tid: int, *, when: float | None = None) -> None:
        stamp = int(self.clock.epoch() if when is None else when)
        ticket, m = self.tickets[tid], self.metrics[tid]
        ticket["status"] = "solved"
        minutes = (stamp - _epoch(ticket["created_at"])) // 60
        m["solved_at"] = iso(stamp)
        if m["first_resolution_time_in_minutes"]["calendar"] is None:
            m["first_resolution_time_in_minutes"] = {"calendar": minutes, "business": minutes // 3}
        m["full_resolution_time_in_minutes"] = {"calendar": minutes, "business": minutes // 3}
        self._touch(tid, stamp)

    def reopen(self, tid: int) -> None:
        self.tickets[tid]["status"] = "open"
        self.metrics[tid]["reopens"] += 1
        self._touch(tid)

    def reassign(self, tid: int, assignee: int, group: int) -> None:
        self.tickets[tid]["assignee_id"] = assignee
        self.tickets[tid]["group_id"] = group
        self._touch(tid)

    def delete(self, tid: int, *, scrub: bool = False) -> None:
        ticket = self.tickets[tid]
        ticket["status"] = "deleted"
        if scrub:
            ticket.update(subject="SCRUBBED", raw_subject="SCRUBBED", description="X")
        self.metrics.pop(tid, None)
        self._touch(tid)

    def merge(self, tid: int) -> None:
        self.tickets[tid]["status"] = "closed"
        self.tickets[tid]["tags"].append("closed_by_merge")
        self._touch(tid)

    # -- ratings -------------------------------------------------------------------------------

    def rate(self, tid: int, score: str, *, comment: str | None = None, when: float | None = None) -> int:
        stamp = int(self.clock.epoch() if when is None else when)
        ticket = self.tickets[tid]
        rid = self.new_id()
        self.ratings[rid] = {
            "url": f"https://{self.subdomain}.zendesk.com/api/v2/satisfaction_ratings/{rid}.json", "id": rid,
            "assignee_id": ticket["assignee_id"], "group_id": ticket["group_id"], "requester_id": 9,
            "ticket_id": tid, "score": score, "comment": comment, "reason": None,
            "created_at": iso(stamp), "updated_at": iso(stamp),
        }
        ticket["satisfaction_rating"] = {"id": rid, "score": score, "comment": comment}
        self._touch(tid, stamp)
        return rid

    def change_rating(self, rid: int, score: str, comment: str | None = None) -> None:
        rating = self.ratings[rid]
        rating.update(score=score, comment=comment, updated_at=iso(self.clock.epoch()))

    def respond(self, tid: int, rating: int, *, comment: str | None = None, when: float | None = None,
                expires_in_days: int = 7) -> str:
        stamp = int(self.clock.epoch() if when is None else when)
        rid = f"01J{self.new_id():023d}"
        answers = [{"created_at": iso_ms(stamp), "updated_at": iso_ms(stamp), "type": "rating_scale",
                    "question": {"id": "Q1", "sub_type": "customer_satisfaction", "type": "rating_scale_numeric"},
                    "rating": rating, "rating_category": "good" if rating >= 4 else "bad"}]
        answers.append({"created_at": iso_ms(stamp), "updated_at": iso_ms(stamp), "question": {"id": "Q2", "type": "open_ended"},
                        **({"type": "open_ended", "value": comment} if comment else {"type": "skipped"})})
        self.survey_responses[rid] = {
            "id": rid, "answers": answers, "expires_at": iso_ms(stamp + expires_in_days * 86400),
            "responder_id": 9, "subject_zrns": [f"zen:ticket:{tid}"],
            "subjects": [{"id": str(tid), "type": "ticket", "zrn": f"zen:ticket:{tid}"}],
            "survey": {"id": "S1", "state": "enabled", "version": 3},
        }
        return rid

    def change_response(self, rid: str, rating: int) -> None:
        csat = next(a for a in self.survey_responses[rid]["answers"] if a["type"] == "rating_scale")
        csat.update(rating=rating, updated_at=iso_ms(self.clock.epoch()))

    # -- SLA policies and ticket metric events ------------------------------------------------
    # https://developer.zendesk.com/api-reference/ticketing/business-rules/sla_policies/
    # https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metric_events/

    def add_sla_policy(self, title: str, targets: dict[str, int], *, business_hours: bool = False) -> int:
        """A policy with one target (minutes) per metric, the same for every priority."""
        pid = self.new_id()
        metrics = [{"priority": p, "metric": m, "target": t, "business_hours": business_hours}
                   for m, t in targets.items() for p in ("low", "normal", "high", "urgent")]
        self.sla_policies.append({"url": f"https://{self.subdomain}.zendesk.com/api/v2/slas/policies/{pid}.json",
                                  "id": pid, "title": title, "description": "", "position": len(self.sla_policies) + 1,
                                  "filter": {"all": [], "any": []}, "policy_metrics": metrics,
                                  "created_at": iso(self.clock.epoch()), "updated_at": iso(self.clock.epoch())})
        return pid

    def metric_event(self, tid: int, metric: str, kind: str, when: float, *, instance: int = 1, **extra: Any) -> int:
        eid = 900_000_000_000 + self.new_id()
        self.metric_events.append({"id": eid, "ticket_id": tid, "metric": metric, "instance_id": instance,
                                   "type": kind, "time": iso(when), **extra})
        return eid

    def apply_sla(self, tid: int, metric: str, target: int, when: float, *, instance: int = 1, policy: int | None = None,
                  business_hours: bool = False) -> None:
        policy = policy if policy is not None else self.sla_policies[0]["id"]
        title = next((p["title"] for p in self.sla_policies if p["id"] == policy), "Policy")
        sla = {"target": target, "business_hours": business_hours,
               "policy": {"id": policy, "title": title, "description": ""}}
        self.metric_event(tid, metric, "apply_sla", when, instance=instance, sla=sla)

    def sla_target(self, tid: int, metric: str, target: int, start: float, done: float | None, *,
                   instance: int = 1) -> None:
        """One SLA target's events as Zendesk records them: applied and activated at ``start``,
        fulfilled at ``done`` (None: still open); the breach at ``start + target`` stands when the
        target was missed and is recorded withdrawn (``deleted``) when it was met in time."""
        self.apply_sla(tid, metric, target, start, instance=instance)
        self.metric_event(tid, metric, "activate", start, instance=instance)
        due = start + target * 60
        if due <= self.clock.epoch():
            self.metric_event(tid, metric, "breach", due, instance=instance,
                              deleted=done is not None and done <= due)
        if done is not None:
            self.metric_event(tid, metric, "fulfill", done, instance=instance)

    def created_ms(self, response: dict[str, Any]) -> int:
        return min(_epoch(a["created_at"]) for a in response["answers"]) * 1000


def _epoch(text: str) -> int:
    return int(datetime.fromisoformat(text.replace(".000Z", "Z")).timestamp())


def populate(account: Account, *, tickets: int = 300, seed: int = 3, days: int = 20, sla: bool = False) -> None:
    """A realistic small account: 3 groups, 6 agents, tickets over ``days`` days ending an hour ago;
    ``sla``: with an SLA policy on first reply (4 h) and requester wait (2 days)."""
    rnd = random.Random(seed)
    now = account.clock.epoch()
    if sla:
        account.add_sla_policy("Standard", {"first_reply_time": 240, "requester_wait_time": 2880})
    groups = [account.add_group(name) for name in ("Billing", "Technical", "Returns")]
    agents = [account.add_agent(f"Agent {i}", f"agent{i}@acme.test", [groups[i % 3]]) for i in range(6)]
    account.add_agent("Admin", "admin@acme.test", [groups[0], groups[1]], role="admin")
    start = now - days * 86400
    for _ in range(tickets):
        created = start + rnd.random() * (days * 86400 - 7200)
        agent = rnd.choice(agents + [None])
        group = groups[agents.index(agent) % 3] if agent else rnd.choice(groups + [None])
        tid = account.add_ticket(created=created, assignee=agent, group=group,
                                 priority=rnd.choice(["low", "normal", "high", "urgent", None]))
        replied = solved = None
        if agent and rnd.random() < 0.85:
            minutes = rnd.randint(5, 600)
            replied = min(created + minutes * 60, now - 3600)
            account.reply(tid, after_minutes=minutes, business=minutes // 2, when=replied)
            if rnd.random() < 0.7:
                solved = min(created + rnd.randint(minutes + 1, 3000) * 60, now - 3600)
                account.solve(tid, when=solved)
                if rnd.random() < 0.5:
                    kind = "new" if account.csat == "new" else "legacy"
                    when = min(solved + 3600, now - 3600)
                    if kind == "legacy":
                        account.rate(tid, rnd.choice(["good", "good", "good", "bad"]), comment=rnd.choice([None, "ok"]), when=when)
                    else:
                        account.respond(tid, rnd.randint(1, 5), comment=rnd.choice([None, "fine"]), when=when)
        if sla:
            account.sla_target(tid, "reply_time", 240, created, replied)
            account.sla_target(tid, "requester_wait_time", 2880, created, solved)
        if rnd.random() < 0.03:
            account.delete(tid, scrub=rnd.random() < 0.5)
        elif rnd.random() < 0.03:
            account.merge(tid)
