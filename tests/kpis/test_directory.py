"""Finding teams and agents as people name them: by id, by name in any case, by email, and by the
source-qualified name shown when two helpdesks have a team of the same name."""

from __future__ import annotations

from datetime import datetime, timezone

from kpis.directory import Directory, TeamGroup, closest, display_names, is_named, merge_teams, named
from kpis.imported_records import Account, RetentionSpend
from kpis.records import Team
from tests.kpis.builders import from_records


def _two_helpdesks() -> Directory:
    d = Directory()
    d.team_code("zendesk:acme:1", "Billing")
    d.team_code("freshdesk:acme:7", "Billing")
    d.team_code("zendesk:acme:2", "Returns")
    d.agent_code("zendesk:acme:11", "Ann Lee", "Ann@Acme.test")
    d.agent_code("zendesk:acme:12", "Bob Roy", None)
    return d


def test_a_team_is_found_by_its_id_and_by_its_name_in_any_case_with_stray_spaces():
    d = _two_helpdesks()
    assert d.team_named("zendesk:acme:2") == "zendesk:acme:2"
    assert d.team_named("  RETURNS ") == "zendesk:acme:2"
    assert d.team_named("Refunds") is None


def test_a_name_two_helpdesks_share_is_shown_and_found_with_its_source():
    d = _two_helpdesks()
    assert d.team_display_names() == ["Billing (zendesk:acme)", "Billing (freshdesk:acme)", "Returns"]
    # "Billing" alone is either team: both answer, so no single one is picked.
    assert d.team_codes("billing") == [0, 1]
    assert d.team_named("billing") is None
    assert d.team_named("Billing (zendesk:acme)") == "zendesk:acme:1"
    assert d.team_named("billing (FRESHDESK:acme)") == "freshdesk:acme:7"


def test_names_differing_only_in_case_are_the_same_name_for_display():
    assert display_names(["zendesk:a:1", "freshdesk:b:2"], ["Billing", "billing"]) == [
        "Billing (zendesk:a)", "billing (freshdesk:b)"]
    assert display_names(["zendesk:a:1", "zendesk:a:2"], ["Billing", "Returns"]) == ["Billing", "Returns"]


def test_an_agent_is_found_by_email_in_any_case_and_an_agent_without_email_is_not():
    d = _two_helpdesks()
    assert d.agent_by_email("ann@acme.TEST ") == "zendesk:acme:11"
    assert d.agent_by_email("bob@acme.test") is None


def test_names_are_compared_ignoring_case_and_spaces_and_misspellings_are_suggested_as_spelled():
    assert is_named("billing", "Returns", None, " Billing")
    assert not is_named("bill", "Billing")
    assert named("technical SUPPORT", ["Billing", "Technical Support"]) == "Technical Support"
    assert named("Onboarding", ["Billing"]) is None
    assert closest("tech suport", ["Billing", "Technical Support"], cutoff=0.5) == "Technical Support"
    assert closest("zzz", ["Billing"], cutoff=0.5) is None


def test_merging_teams_recodes_the_teams_and_keeps_the_accounts_and_spend():
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    data = from_records(
        teams=[Team("zendesk", "acme", "1", "Billing EU"), Team("zendesk", "acme", "2", "Billing US"),
               Team("zendesk", "acme", "3", "Returns")],
        accounts=[Account("file", "crm", "a1", start, monthly_revenue=90.0),
                  Account("file", "crm", "a2", start, monthly_revenue=10.0)],
        spend=[RetentionSpend("file", "crm", "s1", start, 25.0)],
    )
    merged = merge_teams(data, [TeamGroup("Billing", ("zendesk:acme:1", "zendesk:acme:2"))])
    assert merged.directory.team_ids == ["group:Billing"]
    assert merged.directory.team_names == ["Billing"]
    assert list(merged.accounts.monthly_revenue) == [90.0, 10.0]
    assert list(merged.spend.amount) == [25.0]
