"""One alert run: read every rule, advance the states, and queue each announcement in the outbox.

The new states and the messages announcing their changes are stored together
(:meth:`DeliveryLog.record_alerts`), then the outbox is posted
(:meth:`SlackDelivery.deliver_alerts`): a run stopped anywhere in between posts the queued
messages next time, and never posts one twice.

An agent's numbers are for the agent's team leads only (as `/kpi` never posts them to a channel):
an agent-scope reading is routed to a leads-only channel when one is configured, else to each lead
by direct message -- one outbox entry per lead, so each lead is told once (a user group is
expanded at delivery, :meth:`SlackDelivery.deliver_alerts`). With neither, nothing is posted and
the state is kept, so the change is announced once there is someone to tell.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from kpis.results import Report
from kpis.store.sent_log import PENDING, AlertState, SentMessage, fit_scope
from kpis.windows import Window
from notifiers.alert_messages import alert_message
from notifiers.alert_rules import BREACH, AlertRule, Reading, Transition, advance, read
from notifiers.delivery import ALERT_KIND, direct_scope


@dataclass(frozen=True)
class RuleReport:
    """The report a rule reads (its window, its scope), computed by the caller with the engine."""

    rule: AlertRule
    window: Window
    report: Report


@dataclass(frozen=True)
class Route:
    """Where a reading's announcements go: a channel, or each lead by direct message."""

    channel: str | None = None
    #: Slack member ids (U...) or user-group ids (S...) to tell by direct message.
    leads: tuple[str, ...] = ()
    #: Neither: why not, in words for the run's summary ("no leads to tell").
    why_not: str | None = None

    def targets(self) -> list[tuple[str, bool]]:
        """(channel or lead id, by direct message?) for each message to post."""
        if self.channel is not None:
            return [(self.channel, False)]
        return [(lead, True) for lead in dict.fromkeys(self.leads)]


@dataclass(frozen=True)
class Announcement:
    transition: Transition
    #: A channel, or for a direct message the lead's member or user-group id.
    channel: str
    message: dict
    alert_id: str
    direct: bool = False


@dataclass(frozen=True)
class AlertPlan:
    states: list[AlertState]
    announcements: list[Announcement]
    outbox: list[SentMessage]
    #: Readings that could not be judged (too few samples, no value), for the dry-run listing.
    unjudged: list[Reading]
    readings: list[Reading]
    #: Readings with nowhere to post, each with why (no channel configured; no leads to tell).
    unrouted: list[tuple[Reading, str]] = field(default_factory=list)
    #: Rising comment themes to announce (``theme_rising`` rules, notifiers.theme_alerts); their
    #: messages are in ``outbox`` too.
    themes: list = field(default_factory=list)
    #: Readings of a rule snoozed for their scope (notifiers.interactive.alert_actions): not judged,
    #: their state kept, nothing announced until the snooze ends.
    snoozed: list[Reading] = field(default_factory=list)


def plan_alerts(
    rule_reports: Sequence[RuleReport],
    states: Mapping[tuple[str, str], AlertState],
    *,
    now: datetime,
    zone: ZoneInfo,
    route_for: Callable[[Reading], Route],
    mention_for: Callable[[Reading], str | None] = lambda reading: None,
    snoozed: Callable[[Reading], bool] = lambda reading: False,
) -> AlertPlan:
    """Advance the states with what ``rule_reports`` read; a message for each transition and recipient.

    ``route_for`` and ``mention_for`` say where each reading's announcement goes and whom it pings
    (a direct message pings its reader anyway, so it carries no mention). A ``snoozed`` reading
    keeps its state: once the snooze ends, the next run compares with the state before it (a breach
    that ended meanwhile is announced as recovered; one that lasts stays announced once).
    """
    readings: list[Reading] = []
    quiet: list[Reading] = []
    windows: dict[str, Window] = {}
    for item in rule_reports:
        for reading in read(item.rule, item.report):
            (quiet if snoozed(reading) else readings).append(reading)
        windows[item.rule.id] = item.window
    # A reading with nowhere to post keeps its state, so its change is announced once it has a place.
    routes = {id(r): route_for(r) for r in readings}
    unrouted = [(r, routes[id(r)].why_not or "") for r in readings if not routes[id(r)].targets()]
    new_states, transitions = advance([r for r in readings if routes[id(r)].targets()], states, now)
    by_key = {(s.rule_id, s.scope): s for s in new_states}
    announcements, outbox = [], []
    for transition in transitions:
        reading = transition.reading
        alert_id = f"{reading.rule.id}|{reading.scope}|{transition.kind}|{int(transition.at.timestamp())}"
        day = transition.at.astimezone(zone).date().isoformat()
        key = (ALERT_KIND, fit_scope(alert_id), day)
        state_key = (reading.rule.id, reading.scope)
        before = (states[state_key].detail or {}) if state_key in states else {}
        if transition.kind == BREACH:
            by_key[state_key] = replace(by_key[state_key], detail={"event": list(key), "breach": [alert_id, day]})
        for target, direct in routes[id(reading)].targets():
            message = alert_message(transition, windows[reading.rule.id], zone, alert_id=alert_id,
                                    mention=None if direct else mention_for(reading))
            announcements.append(Announcement(transition, target, message, alert_id, direct))
            detail = {"payload": message, "alert_id": alert_id, "label": message["text"][:120]}
            if direct:
                # Each lead's recovery answers that lead's breach message (breach: its id and day).
                detail.update(direct=True, breach=None if transition.kind == BREACH else before.get("breach"))
                outbox.append(SentMessage(ALERT_KIND, direct_scope(alert_id, target), day, status=PENDING,
                                          channel=target, detail=detail))
            else:
                detail["thread_of"] = None if transition.kind == BREACH else before.get("event")
                outbox.append(SentMessage(*key, status=PENDING, channel=target, detail=detail))
    unjudged = [r for r in readings if r.breaches() is None]
    return AlertPlan(list(by_key.values()), announcements, outbox, unjudged, readings, unrouted, snoozed=quiet)
