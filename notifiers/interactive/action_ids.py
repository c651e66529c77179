"""The buttons' ``action_id``s and what their ``value`` carries, written and read in one place.

A button's value is JSON (at most 2,000 characters, https://docs.slack.dev/reference/block-kit/block-elements/button-element)
carrying everything its answer needs -- the team, the digest's period, the alert's rule and
scope -- so that a click on an old message answers for that message, not for today. Slack sends
the value back as it was posted, but the value is read as untrusted all the same: anything that
is not what this module wrote is one clear line (:class:`BadAction`), and whatever it names, the
answer applies the clicker's own rights (a value naming another team gets that team's denial).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from kpis.errors import HelpdeskKpisError

#: Digest buttons.
DIGEST_AGENTS = "kpi_digest_agents"
DIGEST_CHANNELS = "kpi_digest_by_channel"
DIGEST_WHY = "kpi_digest_why"
DIGEST_30_DAYS = "kpi_digest_30_days"
DIGEST_ACTIONS = (DIGEST_AGENTS, DIGEST_CHANNELS, DIGEST_WHY, DIGEST_30_DAYS)
#: Alert buttons.
ALERT_ACKNOWLEDGE = "kpi_alert_acknowledge"
ALERT_SNOOZE_DAY = "kpi_alert_snooze_24h"
ALERT_SNOOZE_WEEK = "kpi_alert_snooze_7d"
ALERT_TICKETS = "kpi_alert_tickets"
ALERT_ACTIONS = (ALERT_ACKNOWLEDGE, ALERT_SNOOZE_DAY, ALERT_SNOOZE_WEEK, ALERT_TICKETS)
#: The ``block_id`` of the actions block, so an updated message can find (and replace) it.
DIGEST_BLOCK = "kpi_digest_actions"
ALERT_BLOCK = "kpi_alert_actions"

MAX_VALUE = 2000
SCHEMA = 1


class BadAction(HelpdeskKpisError):
    """A button value this app did not write (or an older app wrote in a form it no longer reads)."""


@dataclass(frozen=True)
class DigestAction:
    """What a digest button asks about: one team over the digest's window."""

    team: str
    #: "daily", "weekly" or "monthly".
    every: str
    first: date
    last: date
    #: The digest's own date.
    day: date
    #: The KPI "Why?" explains: the one that moved most in the digest, else the headline one.
    why: str

    def value(self) -> str:
        return _dump({"t": self.team, "e": self.every, "f": self.first.isoformat(), "l": self.last.isoformat(),
                      "d": self.day.isoformat(), "k": self.why})

    @classmethod
    def parse(cls, value: object) -> DigestAction:
        data = _load(value)
        try:
            return cls(_text(data, "t"), _text(data, "e"), _day(data, "f"), _day(data, "l"), _day(data, "d"),
                       _text(data, "k"))
        except (KeyError, TypeError, ValueError):
            raise BadAction("that digest button carries no period this app can read; use `/kpi` instead") from None


@dataclass(frozen=True)
class AlertAction:
    """What an alert button acts on: one breach of one rule for one scope."""

    alert_id: str
    rule_id: str
    #: The alert state's scope key ("team:zendesk:acme:1", "agent:...", "overall").
    scope: str
    kpi: str
    #: The team the reading belongs to (its name, as configured), if any.
    team: str | None
    #: For an agent's alert, the helpdesk agent id; its Slack identity is found when needed.
    agent: str | None
    first: date
    last: date

    def value(self) -> str:
        return _dump({"a": self.alert_id, "r": self.rule_id, "s": self.scope, "k": self.kpi, "t": self.team,
                      "g": self.agent, "f": self.first.isoformat(), "l": self.last.isoformat()})

    @classmethod
    def parse(cls, value: object) -> AlertAction:
        data = _load(value)
        try:
            return cls(_text(data, "a"), _text(data, "r"), _text(data, "s"), _text(data, "k"), _optional(data, "t"),
                       _optional(data, "g"), _day(data, "f"), _day(data, "l"))
        except (KeyError, TypeError, ValueError):
            raise BadAction("that alert button carries no alert this app can read; use `/kpi breaches` instead") from None


def _dump(data: dict[str, Any]) -> str:
    text = json.dumps({"v": SCHEMA, **data}, separators=(",", ":"), ensure_ascii=False)
    if len(text) > MAX_VALUE:
        raise ValueError(f"a button value of {len(text)} characters (Slack takes at most {MAX_VALUE})")
    return text


def _load(value: object) -> dict[str, Any]:
    try:
        data = json.loads(value) if isinstance(value, str) and len(value) <= MAX_VALUE else None
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("v") != SCHEMA:
        raise BadAction("that button was not made by this app (or by an older version of it); use `/kpi` instead")
    return data


def _text(data: dict[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value or len(value) > 400:
        raise ValueError(key)
    return value


def _optional(data: dict[str, Any], key: str) -> str | None:
    return None if data.get(key) is None else _text(data, key)


def _day(data: dict[str, Any], key: str) -> date:
    return date.fromisoformat(_text(data, key))
