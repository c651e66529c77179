"""The synthetic helpdesk's conversation reviews and agent replies, derived from its tickets.

Drawn from a hash of each ticket's index, not from the ticket generator's random stream, so that
adding them changed none of the tickets, ratings or surveys. About one solved ticket in five is
reviewed by one of three reviewers a few hours to two days after the solve, on a 1-5 scale with the
four standard categories; each agent has a steady quality of their own so that scorecards differ.
Every public reply is the assignee's: the first at the first-reply time, the others spread evenly
up to the solve (or the last update).
"""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np

from connectors.sample.columns import Block
from kpis.imported_records import Review
from kpis.records import AgentReply

REVIEWERS = ("qa-lena", "qa-omar", "qa-mei")
CATEGORIES = ("accuracy", "tone", "solution", "process")
REVIEWED_PERCENT = 20
_HOUR = 3_600


def _hashes(index: np.ndarray, multiplier: int) -> list[int]:
    return ((index.astype(np.uint64) * np.uint64(multiplier)) % np.uint64(2**32)).tolist()


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(int(seconds), timezone.utc)


def sample_reviews(b: Block, ticket_ids: list[str], anchor: int, source: str, instance: str) -> list[Review]:
    out = []
    rows = zip(_hashes(b.index, 2246822519), ticket_ids, b.solved_at.tolist(), b.assignee.tolist(),
               b.rating_state.tolist(), b.good.tolist(), strict=True)
    for h, ticket, solved, agent, rating_state, good in rows:
        if solved != solved or agent < 0 or h % 100 >= REVIEWED_PERCENT:
            continue
        reviewed = solved + (2 + (h >> 8) % 46) * _HOUR
        if reviewed > anchor:
            continue
        # Steady per-agent quality (-0.75..+0.75), the customer's verdict where there is one, noise.
        quality = ((agent * 40503) % 7 - 3) * 0.25
        base = 4.0 if rating_state != 2 else (4.3 if good else 2.6)
        score = int(np.clip(round(base + quality + ((h >> 12) % 5 - 2) * 0.4), 1, 5))
        categories = {name: float(np.clip(score + (h >> (16 + 2 * k)) % 3 - 1, 1, 5))
                      for k, name in enumerate(CATEGORIES)}
        reviewer = REVIEWERS[(h >> 24) % len(REVIEWERS)]
        when = _at(reviewed)
        out.append(Review(source, instance, f"{ticket}:{reviewer}", ticket, reviewer, when, float(score), 1.0, 5.0,
                          categories=categories, updated_at=when))
    return out


def sample_replies(b: Block, ticket_ids: list[str], agent_ids: tuple[str, ...], anchor: int, source: str,
                   instance: str) -> list[AgentReply]:
    out = []
    rows = zip(ticket_ids, b.created.tolist(), b.first_reply.tolist(), b.solved_at.tolist(), b.updated.tolist(),
               b.replies.tolist(), b.assignee.tolist(), strict=True)
    for ticket, created, first_reply, solved, updated, replies, agent in rows:
        if agent < 0 or replies <= 0 or first_reply != first_reply:
            continue
        first = created + first_reply * 60
        last = max(first, min(solved if solved == solved else updated, anchor))
        step = (last - first) / max(replies - 1, 1)
        for k in range(int(replies)):
            out.append(AgentReply(source, instance, f"{ticket}-{k + 1}", ticket, agent_ids[agent],
                                  _at(first + k * step)))
    return out
