"""A ticket's SLA policy targets, achieved or breached, from the events of the helpdesk's SLA clock.

Counted as Zendesk Explore counts its SLA targets (one per metric instance: a ticket has one first
reply target and one next reply target per customer follow-up). A target is measured once a policy
applied it (``apply_sla`` with a target); it is

- **breached** once a breach event stands for it (Zendesk's "Active (breached)", "Paused
  (breached)" and "Closed (breached)" are all breached: a breach cannot be undone);
- **achieved** when its clock stopped (``fulfill`` is the last of activate / pause / fulfill) with
  no breach up to that stop;
- neither while it is active or paused without a breach: such targets are left out of the counts
  until they close or breach (they are not yet "achieved" or "breached" in Explore either).

Events the helpdesk withdrew (``deleted``) are ignored, as Zendesk says to; a target whose latest
``apply_sla`` carries no target (the policy was removed or changed to one without it) is not
measured. https://support.zendesk.com/hc/en-us/articles/4408832852122 (SLA target statuses),
https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metric_events/ (events).

A target is settled when it is achieved (at its clock's stop) or breached (at the breach); the KPIs
count the targets settled in their window, as the KPI definitions date them.

Pure: events in, counts out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from kpis.records import SlaEvent

#: The SLA policy metrics, in catalogue order (the normalised names :class:`SlaEvent` carries).
SLA_METRICS: tuple[str, ...] = (
    "first_reply", "next_reply", "periodic_update", "pausable_update", "requester_wait", "agent_work", "resolution",
)

#: Clock events: the target's state after each.
_STATES = {"activate": "active", "pause": "paused", "fulfill": "closed"}


def _order(event: SlaEvent) -> tuple:
    # Same-second events keep the helpdesk's own order: its ids grow with time.
    return (event.at, int(event.id) if event.id.isdigit() else 0, event.id)


def target_outcome(events: Iterable[SlaEvent]) -> bool | None:
    """One target's events (one metric, one instance): True achieved, False breached, None neither
    (not measured by a policy, or still active or paused without a breach)."""
    return target_settlement(events)[0]


def target_settlement(events: Iterable[SlaEvent]) -> tuple[bool | None, datetime | None]:
    """``(outcome, when)``: :func:`target_outcome`, and when it was settled (the first standing
    breach, or the stop of the clock); ``None`` while it is not."""
    measured = False
    state, closed_at = None, None
    breaches = []
    for event in sorted(events, key=_order):
        if event.deleted:
            continue
        if event.kind == "apply_sla":
            measured = event.target_minutes is not None
        elif event.kind == "breach":
            breaches.append(event.at)
        elif event.kind in _STATES:
            state = _STATES[event.kind]
            closed_at = event.at if state == "closed" else None
    if not measured:
        return None, None
    standing = [at for at in breaches if closed_at is None or at <= closed_at]
    if standing:
        return False, min(standing)
    return (True, closed_at) if state == "closed" else (None, None)


def ticket_outcomes(events: Iterable[SlaEvent]) -> dict[str, tuple[int, int, datetime | None]]:
    """``{metric: (achieved, breached, settled)}`` for each metric a policy measured on the ticket,
    ``settled`` being when its last settled target was settled (a ticket's targets of one metric
    count together, dated by the last of them); metrics whose targets are all still open count
    (0, 0, None); metrics no policy measured are absent."""
    by_target: dict[tuple[str, int], list[SlaEvent]] = defaultdict(list)
    for event in events:
        if event.metric in SLA_METRICS:
            by_target[(event.metric, event.target)].append(event)
    out: dict[str, list] = {}
    for (metric, _), target_events in by_target.items():
        if not any(e.kind == "apply_sla" and not e.deleted for e in target_events):
            continue
        outcome, when = target_settlement(target_events)
        counts = out.setdefault(metric, [0, 0, None])
        if outcome is not None:
            counts[0 if outcome else 1] += 1
            counts[2] = when if counts[2] is None else max(counts[2], when)
    return {metric: (a, b, when) for metric, (a, b, when) in out.items()}
