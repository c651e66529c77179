"""Tickets name the customer's organisation where the helpdesk's payload does (the outcomes
report joins accounts on it). Intercom gives the conversation's company from API 2.15 on."""

from __future__ import annotations

from connectors.intercom import mapping as intercom

CONVERSATION_2_15 = {
    "type": "conversation", "id": "1911149811", "created_at": 1730800000, "updated_at": 1730803600,
    "state": "open", "open": True, "priority": "not_priority", "admin_assignee_id": None,
    "team_assignee_id": None,
    "company": {"type": "company", "id": "531ee472cce572a6ec000006", "name": "Blue Sun", "company_id": "6"},
    "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "5ba682d23d7cf92bef87bfd4"}]},
    "tags": {"type": "tag.list", "tags": []}, "source": {"type": "conversation"}, "statistics": None,
}


def link(conversation_id) -> str:
    return f"https://app.intercom.com/a/inbox/x/conversation/{conversation_id}"


def test_an_intercom_conversation_names_its_company_by_intercoms_id():
    ticket = intercom.ticket_record(CONVERSATION_2_15, instance="acme", link=link)
    assert ticket.organization_id == "531ee472cce572a6ec000006"  # not the customer's own company_id "6"


def test_an_intercom_conversation_without_company_names_none():
    # API 2.14 has no company on a conversation, and 2.15 sends null for one without a company.
    older = {k: v for k, v in CONVERSATION_2_15.items() if k != "company"}
    assert intercom.ticket_record(older, instance="acme", link=link).organization_id is None
    assert intercom.ticket_record({**CONVERSATION_2_15, "company": None}, instance="acme",
                                  link=link).organization_id is None
