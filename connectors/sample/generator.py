"""A deterministic synthetic helpdesk: the directory and, by ticket index range, its records.

``SampleHelpdesk(settings, anchor, source, instance)`` gives the same records, byte for byte, for
the same settings and anchor, whatever ranges they are asked in. The numbers come from
:mod:`connectors.sample.columns`; this module only turns columns into records, which is where
most of the time goes, so it works on plain lists built once per column.
"""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np

from connectors.sample import texts
from connectors.sample.columns import Block, TicketColumns
from connectors.sample.quality import sample_replies, sample_reviews
from connectors.sample.settings import SampleSettings, to_whole_utc
from kpis.imported_records import Review, SurveyAnswer
from kpis.records import (
    Agent,
    AgentReply,
    Membership,
    Priority,
    Rating,
    RatingScale,
    RatingState,
    SurveyKind,
    Team,
    Ticket,
    TicketStatus,
)

TICKET_ID_BASE = 10_001
RATING_ID_BASE = 360_000_000_001
STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD,
            TicketStatus.SOLVED, TicketStatus.CLOSED, TicketStatus.DELETED)
PRIORITIES = (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT)
CHANNELS = ("email", "web", "chat", "api", "phone")
URL = "https://sample.example.com/tickets/{}"


def _objects(values: tuple, codes: np.ndarray) -> list:
    """``values[code]`` for each code; code -1 gives None."""
    return np.array([*values, None], dtype=object)[codes.astype(int)].tolist()


def _times(seconds: np.ndarray) -> list:
    return [None if s != s else datetime.fromtimestamp(s, timezone.utc) for s in seconds.tolist()]


def _floats(values: np.ndarray) -> list:
    return [None if v != v else v for v in values.tolist()]


def _pick(pool: tuple[str, ...], draws: np.ndarray) -> list:
    """A text from ``pool`` for each draw in [0, 1); None where the draw is negative."""
    return _objects(pool, np.where(draws < 0, -1, np.floor(draws * len(pool))))


class SampleHelpdesk:
    def __init__(self, settings: SampleSettings, anchor: datetime, source: str, instance: str) -> None:
        self.settings = settings
        self.anchor = to_whole_utc(anchor)
        self.source, self.instance = source, instance
        self.columns = TicketColumns(settings, self.anchor)
        directory = self.columns.directory
        self._team_ids = tuple(directory.team_id(t) for t in range(len(directory.team_names)))
        self._agent_ids = tuple(directory.agent_id(a) for a in range(len(directory.agent_team)))
        pools = texts.TEAM_SUBJECTS + (texts.GENERIC_SUBJECTS,)
        self._subjects = tuple(pools[min(t, len(pools) - 1)] for t in range(len(self._team_ids)))

    # -- directory -----------------------------------------------------------------------------

    def teams(self) -> list[Team]:
        return self.columns.directory.teams(self.source, self.instance)

    def agents(self) -> list[Agent]:
        return self.columns.directory.agents(self.source, self.instance)

    def memberships(self) -> list[Membership]:
        return self.columns.directory.memberships(self.source, self.instance)

    # -- by ticket index range -----------------------------------------------------------------

    def tickets(self, start: int, stop: int) -> list[Ticket]:
        b = self.columns.block(start, stop)
        ids = [str(TICKET_ID_BASE + i) for i in b.index.tolist()]
        statuses = _objects(STATUSES, b.status)
        tags = self._tags(b)
        subjects = [
            self._subjects[t][int(u * len(self._subjects[t]))] for t, u in zip(b.team.tolist(), b.subject.tolist())
        ]
        columns = zip(
            ids, _times(b.created), _times(b.updated), statuses, _times(b.solved_at), _objects(CHANNELS, b.channel),
            _objects(PRIORITIES, b.priority), _objects(self._agent_ids, b.assignee), _objects(self._team_ids, b.group),
            b.requester.tolist(), b.organization.tolist(), tags, subjects, b.deleted.tolist(), b.merged.tolist(),
            b.spam.tolist(), _floats(b.first_reply), _floats(b.first_reply_business), _floats(b.first_resolution),
            _floats(b.first_resolution_business), _floats(b.full_resolution), _floats(b.full_resolution_business),
            b.replies.tolist(), b.reopens.tolist(),
            strict=True,
        )
        source, instance = self.source, self.instance
        return [
            Ticket(
                source, instance, tid, created, updated, status, status.value, solved, channel, priority, assignee,
                group, f"cust-{requester}", None if org < 0 else f"org-{org}", tag, subject, URL.format(tid),
                deleted, merged, spam, fr, frb, res1, res1b, full, fullb, replies, reopens,
            )
            for (tid, created, updated, status, solved, channel, priority, assignee, group, requester, org, tag,
                 subject, deleted, merged, spam, fr, frb, res1, res1b, full, fullb, replies, reopens) in columns
        ]

    def ratings(self, start: int, stop: int) -> list[Rating]:
        b = self.columns.block(start, stop)
        keep = b.rating_state > 0
        index, state, agent = b.index[keep], b.rating_state[keep], b.rating_agent[keep]
        received, good = state == 2, b.good[keep]
        team = self.columns.directory.agent_team[agent]
        good_text = _pick(texts.GOOD_COMMENTS, np.where(received & good, b.comment[keep], -1))
        bad_text = _pick(texts.BAD_COMMENTS, np.where(received & ~good, b.comment[keep], -1))
        reasons = _objects(texts.BAD_REASONS, b.reason[keep])
        offered, rated = _times(b.offered_at[keep]), _times(b.rated_at[keep])
        rows = zip(
            index.tolist(), received.tolist(), good.tolist(), offered, rated, good_text, bad_text, reasons,
            _objects(self._agent_ids, agent), _objects(self._team_ids, team), strict=True,
        )
        out = []
        for i, got, is_good, offered_at, rated_at, good_comment, bad_comment, reason, agent_id, team_id in rows:
            common = dict(agent_id=agent_id, team_id=team_id)
            rid, tid = str(RATING_ID_BASE + i), str(TICKET_ID_BASE + i)
            if got:
                out.append(Rating(
                    self.source, self.instance, rid, tid, RatingState.RECEIVED, RatingScale.GOOD_BAD, offered_at,
                    rated_at, "good" if is_good else "bad", is_good, 1.0 if is_good else 0.0,
                    good_comment if is_good else bad_comment, reason, updated_at=rated_at, **common,
                ))
            else:
                out.append(Rating(
                    self.source, self.instance, rid, tid, RatingState.OFFERED, RatingScale.GOOD_BAD, offered_at,
                    score_raw="offered", updated_at=offered_at, **common,
                ))
        return out

    def survey_answers(self, start: int, stop: int) -> list[SurveyAnswer]:
        b = self.columns.block(start, stop)
        answers: list[SurveyAnswer] = []
        for kind, values, at, scale, happy_pool, unhappy_pool in (
            (SurveyKind.NPS, b.nps, b.nps_at, (0.0, 10.0), texts.NPS_COMMENTS_HAPPY, texts.NPS_COMMENTS_UNHAPPY),
            (SurveyKind.CES, b.ces, b.ces_at, (1.0, 7.0), texts.CES_COMMENTS_HAPPY, texts.CES_COMMENTS_UNHAPPY),
        ):
            keep = values >= 0
            happy, draw = b.happy[keep], b.survey_comment[keep]
            comments = [h if ok else u for ok, h, u in zip(
                happy.tolist(), _pick(happy_pool, np.where(happy, draw, -1)),
                _pick(unhappy_pool, np.where(happy, -1, draw)), strict=True,
            )]
            agent = b.rating_agent[keep]
            rows = zip(
                b.index[keep].tolist(), values[keep].tolist(), _times(at[keep]), b.requester[keep].tolist(),
                _objects(self._agent_ids, agent), _objects(self._team_ids, self.columns.directory.agent_team[agent]),
                comments, strict=True,
            )
            answers += [
                SurveyAnswer(
                    self.source, self.instance, f"{kind.value}-{TICKET_ID_BASE + i}", kind, value, answered_at,
                    *scale, True, str(TICKET_ID_BASE + i), f"cust-{requester}", agent_id, team_id, comment,
                )
                for i, value, answered_at, requester, agent_id, team_id, comment in rows
            ]
        return answers

    def reviews(self, start: int, stop: int) -> list[Review]:
        b = self.columns.block(start, stop)
        ids = [str(TICKET_ID_BASE + i) for i in b.index.tolist()]
        return sample_reviews(b, ids, int(self.anchor.timestamp()), self.source, self.instance)

    def agent_replies(self, start: int, stop: int) -> list[AgentReply]:
        b = self.columns.block(start, stop)
        ids = [str(TICKET_ID_BASE + i) for i in b.index.tolist()]
        return sample_replies(b, ids, self._agent_ids, int(self.anchor.timestamp()), self.source, self.instance)

    def _tags(self, b: Block) -> list[tuple[str, ...]]:
        topic = self.columns.directory.team_tags
        pool = self.settings.tag_pool
        if pool:
            # 1-4 distinct tags of the pool per ticket, from a hash of its index: the same every run.
            mixed = (b.index.astype(np.uint64) * np.uint64(2654435761)) % np.uint64(2**32)
            counts = (mixed % np.uint64(4) + np.uint64(1)).tolist()
            firsts = ((mixed >> np.uint64(2)) % np.uint64(pool)).tolist()
            steps = ((mixed >> np.uint64(10)) % np.uint64(max(pool - 1, 1)) + np.uint64(1)).tolist()
            chosen = [tuple(dict.fromkeys(f"tag_{(first + k * step) % pool:03d}" for k in range(count)))
                      for first, step, count in zip(firsts, steps, counts, strict=True)]
        else:
            chosen = [(topic[t],) for t in b.team.tolist()]
        return [
            own + (("closed_by_merge",) if merged else ()) + (("spam",) if spam else ())
            for own, merged, spam in zip(chosen, b.merged.tolist(), b.spam.tolist(), strict=True)
        ]
