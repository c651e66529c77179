"""Zendesk payloads (their real shapes) to records."""

from __future__ import annotations

from datetime import datetime, timezone

from connectors.zendesk import mapping
from kpis.records import Priority, RatingScale, RatingState, TicketStatus

BASE = "https://acme.zendesk.com"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def ticket(**fields):
    payload = {
        "id": 35436, "created_at": "2026-10-20T22:55:29Z", "updated_at": "2026-10-21T10:38:52Z",
        "status": "open", "priority": "high", "assignee_id": 235323, "group_id": 98738, "requester_id": 20978392,
        "organization_id": None, "subject": "Help, my printer is on fire!", "tags": ["enterprise"],
        "via": {"channel": "web"}, "generated_timestamp": 1792580332,
    }
    payload.update(fields)
    return payload


METRICS = {
    "ticket_id": 35436, "reopens": 1, "replies": 2, "solved_at": "2026-10-22T09:00:00Z",
    "reply_time_in_minutes": {"calendar": 97, "business": 23},
    "first_resolution_time_in_minutes": {"calendar": 7292, "business": 1440},
    "full_resolution_time_in_minutes": {"calendar": 8000, "business": None},
}


def test_solved_ticket_with_its_metric_set():
    t = mapping.ticket_record(ticket(status="solved"), METRICS, instance="acme", base_url=BASE)
    assert (t.source, t.instance, t.id) == ("zendesk", "acme", "35436")
    assert t.status is TicketStatus.SOLVED and t.priority is Priority.HIGH
    assert t.solved_at == utc("2026-10-22T09:00:00")
    assert (t.first_reply_minutes, t.first_reply_minutes_business) == (97.0, 23.0)
    assert (t.first_resolution_minutes, t.full_resolution_minutes, t.full_resolution_minutes_business) == (7292.0, 8000.0, None)
    assert (t.replies, t.reopens) == (2, 1)
    assert (t.assignee_id, t.group_id, t.organization_id, t.channel) == ("235323", "98738", None, "web")
    assert t.url == "https://acme.zendesk.com/agent/tickets/35436"
    assert not t.excluded


def test_reopened_ticket_is_unsolved_even_though_its_metric_set_keeps_the_old_solve():
    t = mapping.ticket_record(ticket(status="open"), METRICS, instance="acme", base_url=BASE)
    assert t.solved_at is None and t.reopens == 1


def test_missing_metric_keys_and_a_missing_metric_set_are_not_measured():
    # A fresh ticket's metric set leaves out events that have not happened.
    sparse = {"ticket_id": 35436, "reopens": 0, "replies": 0, "reply_time_in_minutes": {"calendar": None, "business": None}}
    t = mapping.ticket_record(ticket(status="new", priority=None), sparse, instance="acme", base_url=BASE)
    assert t.status is TicketStatus.NEW and t.priority is None
    assert (t.first_reply_minutes, t.full_resolution_minutes, t.replies) == (None, None, 0)
    bare = mapping.ticket_record(ticket(status="solved"), None, instance="acme", base_url=BASE)
    assert (bare.solved_at, bare.replies, bare.reopens, bare.first_reply_minutes) == (None, None, None, None)


def test_deleted_scrubbed_and_merged_tickets_are_marked_not_dropped():
    deleted = mapping.ticket_record(ticket(status="deleted"), None, instance="acme", base_url=BASE)
    scrubbed = mapping.ticket_record(ticket(status="deleted", subject="SCRUBBED", raw_subject="SCRUBBED"), None, instance="acme", base_url=BASE)
    merged = mapping.ticket_record(ticket(status="closed", tags=["closed_by_merge"]), METRICS, instance="acme", base_url=BASE)
    assert deleted.status is TicketStatus.DELETED and deleted.is_deleted and deleted.status_raw == "deleted"
    assert scrubbed.is_deleted and scrubbed.excluded
    assert merged.is_merged and merged.excluded and not merged.is_deleted and merged.status is TicketStatus.CLOSED


def test_metric_sets_come_from_the_sideload_or_nested_in_the_ticket():
    page = {
        "tickets": [ticket(id=1), ticket(id=2, metric_set={"ticket_id": 2, "replies": 5})],
        "metric_sets": [{"ticket_id": 1, "replies": 3}],
    }
    by_ticket = mapping.metric_sets_by_ticket(page)
    assert by_ticket[1]["replies"] == 3 and by_ticket[2]["replies"] == 5


def test_legacy_ratings_received_offered_and_unoffered():
    good = mapping.rating_record(
        {"id": 35436, "assignee_id": 235323, "group_id": 98738, "ticket_id": 208, "score": "good",
         "comment": "Great support!", "reason": "The issue was resolved quickly",
         "created_at": "2026-07-20T22:55:29Z", "updated_at": "2026-07-21T10:00:00Z"},
        instance="acme",
    )
    assert good.state is RatingState.RECEIVED and good.scale is RatingScale.GOOD_BAD
    assert (good.positive, good.score, good.score_raw) == (True, 1.0, "good")
    assert (good.agent_id, good.team_id, good.ticket_id) == ("235323", "98738", "208")
    assert good.offered_at == utc("2026-07-20T22:55:29") and good.rated_at == utc("2026-07-21T10:00:00")
    assert good.reason == "The issue was resolved quickly"
    bad = mapping.rating_record({"id": 2, "ticket_id": 9, "score": "bad", "created_at": "2026-07-20T22:55:29Z"}, instance="acme")
    assert (bad.positive, bad.score, bad.agent_id) == (False, 0.0, None)
    offered = mapping.rating_record(
        {"id": 3, "assignee_id": None, "group_id": None, "ticket_id": 146, "score": "offered",
         "created_at": "2026-06-19T18:01:40Z", "updated_at": "2026-06-19T18:01:40Z", "comment": None},
        instance="acme",
    )
    assert offered.state is RatingState.OFFERED and offered.rated_at is None and offered.positive is None
    unoffered = mapping.rating_record({"id": 4, "ticket_id": 1, "score": "unoffered", "created_at": "2026-06-19T18:01:40Z"}, instance="acme")
    assert unoffered.state is RatingState.UNOFFERED


def survey(rating, csat_type="rating_scale"):
    return {
        "id": "01J1WB51MG6HXTYWE6Q0C93RNW", "expires_at": "2026-08-21T12:00:00.000Z", "responder_id": 4398080151295,
        "subject_zrns": ["zen:ticket:99"],
        "answers": [
            {"created_at": "2026-08-14T12:00:00.000Z", "updated_at": "2026-08-15T08:30:00.000Z", "type": csat_type,
             "question": {"id": "Q1", "sub_type": "customer_satisfaction", "type": "rating_scale_numeric"}, "rating": rating},
            {"created_at": "2026-08-14T12:00:00.000Z", "question": {"id": "Q2", "type": "open_ended"}, "type": "open_ended",
             "value": "I had to repeat myself."},
        ],
    }


def test_new_csat_response_on_the_one_to_five_scale_joined_through_its_ticket():
    r = mapping.survey_rating(survey(2), instance="acme")
    assert r.scale is RatingScale.ONE_TO_FIVE and r.state is RatingState.RECEIVED
    assert (r.positive, r.score, r.score_raw) == (False, 0.25, "2")
    assert r.ticket_id == "99" and r.agent_id is None and r.team_id is None
    assert r.offered_at == utc("2026-08-14T12:00:00") and r.rated_at == utc("2026-08-15T08:30:00")
    assert r.comment == "I had to repeat myself."
    assert mapping.survey_rating(survey(4), instance="acme").positive is True


def test_survey_response_whose_csat_question_was_skipped_is_no_rating():
    skipped = survey(None, csat_type="skipped")
    assert mapping.survey_rating(skipped, instance="acme") is None


def test_directory_records():
    agent = mapping.agent_record({"id": 7, "name": "Ada", "email": "ada@acme.test", "role": "admin", "active": True, "suspended": True}, instance="acme")
    assert (agent.id, agent.email, agent.role, agent.active) == ("7", "ada@acme.test", "admin", False)
    team = mapping.team_record({"id": 360001, "name": "Billing"}, instance="acme")
    assert (team.id, team.name) == ("360001", "Billing")
    (member,) = mapping.membership_records([{"user_id": 7, "group_id": 360001}, {"user_id": None, "group_id": 1}], instance="acme")
    assert member.id == "7:360001"
