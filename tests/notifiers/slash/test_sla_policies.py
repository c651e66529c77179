"""`/kpi sla` shows the helpdesk's own SLA policy achievement beside the configured first-reply
target when the team's tickets have policy targets; a team without them sees what it always saw.

Now is 2026-11-20 12:00 UTC, so `7d` is 13-19 November; the conftest's tickets are created on the
16th (see conftest.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kpis.records import SlaEvent
from notifiers.slash.command import Command
from tests.notifiers.slash.conftest import INSTANCE, S
from tests.notifiers.slash.test_commands import everything

CREATED = datetime(2026, 11, 16, 10, 0, tzinfo=timezone.utc)


def events(ticket: str, first: int, replied_after: int) -> list[SlaEvent]:
    """A first-reply target of 60 minutes on ``ticket``, replied to after ``replied_after`` minutes."""
    at = [CREATED, CREATED, CREATED + timedelta(minutes=replied_after)]
    kinds = ["apply_sla", "activate", "fulfill"]
    if replied_after > 60:
        at.insert(2, CREATED + timedelta(minutes=60))
        kinds.insert(2, "breach")
    return [SlaEvent(S, INSTANCE, str(first + i), ticket, "first_reply", 1, kind, when,
                     target_minutes=60.0 if kind == "apply_sla" else None)
            for i, (kind, when) in enumerate(zip(kinds, at))]


def reply(commands, text: str) -> dict:  # noqa: ANN001
    answer = commands.answer(Command(user_id="U0LENA", text=text, channel_id="C0BILLING"))
    return answer.payload()


def test_sla_shows_policy_achievement_for_a_team_with_policy_targets(store, commands):
    # Billing's tickets 101-103 have first-reply targets: two met, one missed -> 66.7% of 3.
    page = [*events("101", 1000, 30), *events("102", 1010, 45), *events("103", 1020, 90)]
    store.write_page(S, INSTANCE, "sla_events", page, None)
    said = everything(reply(commands, "sla billing"))
    assert "First reply within SLA" in said
    assert "SLA achievement" in said
    assert "66.7%" in said


def test_sla_for_a_team_without_policy_targets_shows_only_the_configured_target(store, commands):
    store.write_page(S, INSTANCE, "sla_events", events("101", 1000, 30), None)
    said = everything(reply(commands, "sla returns"))
    assert "First reply within SLA" in said
    assert "SLA achievement" not in said
