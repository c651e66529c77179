"""The synthetic helpdesk's tickets as numpy columns, generated a thousand tickets at a time.

Ticket ``i`` lives in chunk ``i // CHUNK``, whose random numbers come from a generator seeded by
``(seed, chunk)`` only: any page can be produced without the pages before it, and the data does
not depend on the page size. Every lifecycle event is drawn for every ticket first (reply, solve,
reopen, survey...), then the anchor ("now") decides which of them have happened yet, so the same
history seen from a later anchor simply shows more of itself.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

import numpy as np

from connectors.sample.directory import Directory, build_directory
from connectors.sample.settings import SampleSettings
from connectors.sample.timeline import DAY, HOUR, MINUTE, ArrivalCurve, after
from connectors.sample.timeline import business_seconds as bsec
from connectors.sample.timeline import from_business_seconds as bcal

CHUNK = 1000
NEW, OPEN, PENDING, HOLD, SOLVED, CLOSED, DELETED = range(7)
PRIORITY_CDF = np.cumsum([0.22, 0.60, 0.14, 0.04])  # low, normal, high, urgent
CHANNEL_CDF = np.cumsum([0.45, 0.25, 0.17, 0.05, 0.08])  # email, web, chat, api, phone
#: Multipliers on first reply time by priority and channel (chat and phone are answered live).
PRIORITY_REPLY = np.array([1.6, 1.0, 0.45, 0.18])
CHANNEL_REPLY = np.array([1.0, 1.0, 0.06, 1.1, 0.04])
PRIORITY_RESOLVE = np.array([1.3, 1.0, 0.7, 0.45])
#: Share of eligible solved tickets whose customer is sent a satisfaction survey, and of those
#: who answer; tuned so that a store holds about one rating per four tickets.
OFFER_SHARE, RESPONSE_SHARE = 0.30, 0.60
#: A finite far future for events that never happen (infinities would turn into NaN in arithmetic).
NEVER = 1e15


@dataclass(frozen=True)
class Block:
    """Columns of a run of consecutive tickets; absent times are NaN, absent references -1."""

    index: np.ndarray
    created: np.ndarray
    updated: np.ndarray
    status: np.ndarray
    solved_at: np.ndarray
    team: np.ndarray
    assignee: np.ndarray
    group: np.ndarray
    priority: np.ndarray
    channel: np.ndarray
    subject: np.ndarray
    requester: np.ndarray
    organization: np.ndarray
    spam: np.ndarray
    merged: np.ndarray
    deleted: np.ndarray
    replies: np.ndarray
    reopens: np.ndarray
    first_reply: np.ndarray
    first_reply_business: np.ndarray
    first_resolution: np.ndarray
    first_resolution_business: np.ndarray
    full_resolution: np.ndarray
    full_resolution_business: np.ndarray
    # Satisfaction: state 0 none, 1 offered, 2 received; agent at rating time.
    rating_state: np.ndarray
    offered_at: np.ndarray
    rated_at: np.ndarray
    good: np.ndarray
    rating_agent: np.ndarray
    comment: np.ndarray
    reason: np.ndarray
    # Surveys: value -1 when the customer got none; ``happy`` picks the comment's tone.
    nps: np.ndarray
    nps_at: np.ndarray
    ces: np.ndarray
    ces_at: np.ndarray
    happy: np.ndarray
    survey_comment: np.ndarray

    @staticmethod
    def join(blocks: list[Block], skip: int, count: int) -> Block:
        return Block(**{
            f.name: np.concatenate([getattr(b, f.name) for b in blocks])[skip : skip + count]
            for f in fields(Block)
        })


class TicketColumns:
    """The numbers of the synthetic helpdesk for a fixed set of settings and anchor."""

    def __init__(self, settings: SampleSettings, anchor: datetime) -> None:
        self.settings = settings
        self.anchor = int(anchor.timestamp())
        self.directory: Directory = build_directory(settings.seed, settings.teams, settings.agents)
        curve_rng = np.random.default_rng(np.random.SeedSequence(settings.seed, spawn_key=(2,)))
        self.curve = ArrivalCurve(self.anchor, settings.days, curve_rng)
        self._team_cdf = np.cumsum(self.directory.team_share)

    def block(self, start: int, stop: int) -> Block:
        """Tickets ``start`` (inclusive) to ``stop`` (exclusive), by index from 0."""
        stop = min(stop, self.settings.tickets)
        chunks = [self._chunk(c) for c in range(start // CHUNK, (stop - 1) // CHUNK + 1)]
        return Block.join(chunks, start - (start // CHUNK) * CHUNK, stop - start)

    def _chunk(self, c: int) -> Block:
        s, d, now = self.settings, self.directory, self.anchor
        lo = c * CHUNK
        n = min(CHUNK, s.tickets - lo)
        rng = np.random.default_rng(np.random.SeedSequence(s.seed, spawn_key=(1, c)))
        # All draws up front, in a fixed order, whatever the tickets turn out to be.
        (u_time, u_team, u_agent, u_unassigned, u_group, u_kind, u_reassign, u_prior, u_priority,
         u_channel, u_subject, u_requester, u_touch, u_noreply, u_reopen, u_status, u_activity,
         u_auto, u_offer, u_offer_delay, u_respond, u_good, u_change, u_comment, u_pick, u_reason,
         u_nps, u_ces, u_value, u_survey_comment) = rng.random((30, n))
        z_reply, z_work, z_gap, z_rework, z_side, z_rate, z_change, z_survey = rng.standard_normal((8, n))

        index = np.arange(lo, lo + n)
        created = np.floor(self.curve.times((index + u_time) / s.tickets))
        team = np.minimum(np.searchsorted(self._team_cdf, u_team, side="right"), len(self._team_cdf) - 1)
        agent = d.members[team, (d.member_cdf[team] < u_agent[:, None]).sum(axis=1)]
        # About 0.5% spam, 1% deleted and 1% merged into another ticket.
        spam = u_kind < 0.005
        deleting, merging = (u_kind >= 0.005) & (u_kind < 0.015), (u_kind >= 0.015) & (u_kind < 0.025)
        unassigned = spam | (u_unassigned < 0.05)
        assignee = np.where(unassigned, -1, agent)
        group = np.where(spam | (unassigned & (u_group < 0.45)), -1, team)
        # Reassigned tickets: the agent who had it when the customer rated is not the current one.
        n_agents = len(d.agent_team)
        prior = (agent + 1 + np.floor(u_prior * (n_agents - 1)).astype(int)) % n_agents
        rating_agent = np.where(~unassigned & (u_reassign < 0.07) & (n_agents > 1), prior, assignee)
        priority = np.searchsorted(PRIORITY_CDF, u_priority, side="right").clip(0, 3)
        channel = np.searchsorted(CHANNEL_CDF, u_channel, side="right").clip(0, 4)
        customers = max(200, s.tickets // 3)
        requester = np.floor(customers * u_requester**1.6).astype(int) + 1  # a few customers write a lot
        organization = np.where(requester % 5 == 0, -1, requester % max(20, customers // 10) + 1)

        # The planned lifecycle, in business time where agents do the work.
        replies = np.where(u_touch < 0.55, 1, 2 + np.floor(np.log1p(-(u_touch - 0.55) / 0.45) / np.log(0.55)))
        replies = np.minimum(replies, 12).astype(int)
        no_reply = u_noreply < 0.03  # solved without a public reply (an internal fix, a duplicate)
        reply_work = 150 * MINUTE * PRIORITY_REPLY[priority] * CHANNEL_REPLY[channel] * d.reply_speed[agent]
        reply_at = after(created, bcal(bsec(created) + np.maximum(30, reply_work * np.exp(0.9 * z_reply))))
        solve_work = np.where(replies == 1, 20 * MINUTE, 480 * MINUTE * np.sqrt(np.maximum(replies - 1, 1)))
        solve_work *= d.resolve_speed[agent] * PRIORITY_RESOLVE[priority] * np.exp(z_work)
        first_solve = after(created, bcal(bsec(np.where(no_reply, created, reply_at)) + solve_work))
        reopen_plan = np.where(u_reopen < 0.09, 1 + (u_reopen < 0.018) + (u_reopen < 0.004), 0)
        reopen_at = after(created, first_solve + DAY * np.exp(0.8 * z_gap))
        rework = 240 * MINUTE * np.maximum(reopen_plan, 1) * d.resolve_speed[agent] * np.exp(0.8 * z_rework)
        final_solve = after(created, bcal(bsec(reopen_at) + rework))

        # Side paths. Unassigned tickets get no reply; nearly all are closed after a couple of days.
        side = np.exp(z_side)
        auto_solve = np.where(u_auto < 0.9, after(created, bcal(bsec(created) + 2 * 10 * HOUR * side)), NEVER)
        spam_solve = after(created, created + HOUR * side)
        merge_at = after(created, created + 30 * MINUTE * side)
        delete_at = after(created, created + 2 * HOUR * side)
        merged = merging & (merge_at <= now)
        deleted = deleting & (delete_at <= now)
        has_reply = ~unassigned & ~no_reply & ~merged & ~deleted
        first_solve = np.select(
            [deleted, merged, spam, unassigned], [NEVER, merge_at, spam_solve, auto_solve], first_solve
        )
        reopen_plan = np.where(has_reply, reopen_plan, 0)

        # What has happened by now.
        replied = has_reply & (reply_at <= now)
        reopened = (reopen_plan > 0) & (reopen_at <= now)
        solve_at = np.where(reopened, final_solve, first_solve)
        solved = solve_at <= now
        reopens = np.where(reopened, reopen_plan, 0)
        replies = np.where(replied, replies + reopens, 0)
        closed = merged | (solved & (now - solve_at >= 4 * DAY))  # helpdesks close 4 days after solve
        status = np.select(
            [deleted, closed, solved, ~replied & (reopens == 0) & (assignee < 0), ~replied | (reopens > 0),
             u_status < 0.55, u_status < 0.9],
            [DELETED, CLOSED, SOLVED, NEW, OPEN, OPEN, PENDING],
            HOLD,
        )

        # Satisfaction: surveys go out after the (latest) solve of real, assigned tickets.
        eligible = solved & ~spam & ~merged & ~deleted & (rating_agent >= 0)
        offered_at = solve_at + 10 * MINUTE + np.floor(u_offer_delay * (DAY - 10 * MINUTE))
        offered = eligible & (u_offer < OFFER_SHARE) & (offered_at <= now)
        first_rating = offered_at + np.maximum(MINUTE, np.floor(3 * HOUR * np.exp(1.2 * z_rate)))
        received = offered & (u_respond < RESPONSE_SHARE) & (first_rating <= now)
        # Customers of reopened or slow tickets are less happy than the agent's usual customers.
        slow = (solve_at - created) > 5 * DAY
        likes = d.quality[rating_agent] - 0.3 * (reopens > 0) - 0.1 * slow
        change_at = first_rating + np.floor(DAY * np.exp(0.8 * z_change))
        changed = received & (u_change < 0.03) & (change_at <= now)  # mostly good turned bad
        good = (u_good < likes) ^ changed
        rated_at = np.where(changed, change_at, first_rating)
        wants_comment = received & (u_comment < np.where(good, 0.25, 0.7))
        reason = np.where(received & ~good & (u_reason < 0.65), np.floor(u_reason / 0.65 * 5), -1)

        happy = u_good < likes
        nps_at = after(solve_at, solve_at + 6 * HOUR * np.exp(z_survey))
        ces_at = after(solve_at, solve_at + 4 * HOUR * np.exp(z_survey))
        nps_pick = np.where(happy, 8 + (u_value > 0.2) + (u_value > 0.55), np.floor(u_value * 8))
        ces_pick = np.where(happy, 5 + (u_value > 0.25) + (u_value > 0.6), 1 + np.floor(u_value * 4))
        nps = np.where(eligible & (u_nps < 0.03) & (nps_at <= now), nps_pick, -1)
        ces = np.where(eligible & (u_ces < 0.03) & (ces_at <= now), ces_pick, -1)

        # The ticket's last change among the events that have happened.
        working = replied & ~solved & ~deleted
        events = [
            np.where(replied, reply_at, created), np.where(first_solve <= now, first_solve, created),
            np.where(reopened, reopen_at, created), np.where(solved, solve_at, created),
            np.where(closed & ~merged, solve_at + 4 * DAY, created), np.where(deleted, delete_at, created),
            np.where(working, np.floor(reply_at + u_activity * (now - reply_at)), created),
            np.where(offered, offered_at, created), np.where(received, rated_at, created),
        ]
        updated = np.maximum.reduce(events)

        def minutes(mask: np.ndarray, end: np.ndarray, business: bool = False) -> np.ndarray:
            span = np.round((bsec(end) - bsec(created)) / MINUTE) if business else (end - created) / MINUTE
            return np.where(mask, span, np.nan)

        first_solved = (first_solve <= now) & ~deleted
        return Block(
            index=index, created=created, updated=updated, status=status,
            solved_at=np.where(solved & ~deleted, solve_at, np.nan), team=team, assignee=assignee, group=group,
            priority=priority, channel=channel, subject=u_subject, requester=requester, organization=organization,
            spam=spam, merged=merged, deleted=deleted, replies=replies, reopens=reopens,
            first_reply=minutes(replied, reply_at), first_reply_business=minutes(replied, reply_at, True),
            first_resolution=minutes(first_solved, first_solve),
            first_resolution_business=minutes(first_solved, first_solve, True),
            full_resolution=minutes(solved & ~deleted, solve_at),
            full_resolution_business=minutes(solved & ~deleted, solve_at, True),
            rating_state=np.where(received, 2, np.where(offered, 1, 0)), offered_at=offered_at, rated_at=rated_at,
            good=good, rating_agent=rating_agent, comment=np.where(wants_comment, u_pick, -1.0), reason=reason,
            nps=nps, nps_at=nps_at, ces=ces, ces_at=ces_at, happy=happy,
            survey_comment=np.where(u_survey_comment < 0.35, u_pick, -1.0),
        )
