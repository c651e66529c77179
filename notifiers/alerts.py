"""One alert run: read every rule, advance the states, and queue each announcement in the outbox.

The new states and the messages announcing their changes are stored together
(:meth:`DeliveryLog.record_alerts`), then the outbox is posted
(:meth:`SlackDelivery.deliver_alerts`): a run stopped anywhere in between posts the queued
messages next time, and never posts one twice.
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
from notifiers.delivery import ALERT_KIND


@dataclass(frozen=True)
class RuleReport:
    """The report a rule reads (its window, its scope), computed by the caller with the engine."""

    rule: AlertRule
    window: Window
    report: Report


@dataclass(frozen=True)
class Announcement:
    transition: Transition
    channel: str
    message: dict
    alert_id: str


@dataclass(frozen=True)
class AlertPlan:
    states: list[AlertState]
    announcements: list[Announcement]
    outbox: list[SentMessage]
    #: Readings that could not be judged (too few samples, no value), for the dry-run listing.
    unjudged: list[Reading]
    readings: list[Reading]
    #: Readings with no channel to post to (no rule channel, team channel or leads channel).
    unrouted: list[Reading] = field(default_factory=list)
    #: Rising comment themes to announce (``theme_rising`` rules, notifiers.theme_alerts); their
    #: messages are in ``outbox`` too.
    themes: list = field(default_factory=list)


def plan_alerts(
    rule_reports: Sequence[RuleReport],
    states: Mapping[tuple[str, str], AlertState],
    *,
    now: datetime,
    zone: ZoneInfo,
    channel_for: Callable[[Reading], str | None],
    mention_for: Callable[[Reading], str | None] = lambda reading: None,
) -> AlertPlan:
    """Advance the states with what ``rule_reports`` read; a message for each transition.

    ``channel_for`` and ``mention_for`` say where each reading's announcement goes and whom it pings.
    """
    readings: list[Reading] = []
    windows: dict[str, Window] = {}
    for item in rule_reports:
        readings += read(item.rule, item.report)
        windows[item.rule.id] = item.window
    # A reading with nowhere to post keeps its state, so its change is announced once it has a channel.
    channels = {id(r): channel_for(r) for r in readings}
    unrouted = [r for r in readings if channels[id(r)] is None]
    new_states, transitions = advance([r for r in readings if channels[id(r)] is not None], states, now)
    by_key = {(s.rule_id, s.scope): s for s in new_states}
    announcements, outbox = [], []
    for transition in transitions:
        reading = transition.reading
        alert_id = f"{reading.rule.id}|{reading.scope}|{transition.kind}|{int(transition.at.timestamp())}"
        key = (ALERT_KIND, fit_scope(alert_id), transition.at.astimezone(zone).date().isoformat())
        message = alert_message(transition, windows[reading.rule.id], zone, alert_id=alert_id,
                                mention=mention_for(reading))
        channel = channels[id(reading)]
        announcements.append(Announcement(transition, channel, message, alert_id))
        state_key = (reading.rule.id, reading.scope)
        if transition.kind == BREACH:
            by_key[state_key] = replace(by_key[state_key], detail={"event": list(key)})
            thread_of = None
        else:
            thread_of = (states.get(state_key).detail or {}).get("event") if states.get(state_key) else None
        outbox.append(
            SentMessage(*key, status=PENDING, channel=channel,
                        detail={"payload": message, "alert_id": alert_id, "thread_of": thread_of,
                                "label": message["text"][:120]})
        )
    unjudged = [r for r in readings if r.breaches() is None]
    return AlertPlan(list(by_key.values()), announcements, outbox, unjudged, readings, unrouted)

