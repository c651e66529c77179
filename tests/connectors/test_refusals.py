"""Refusals name what the admin can fix, from each vendor's one table; checks show an error's reason."""

from __future__ import annotations

import pytest
import requests

from connectors.errors import MalformedResponse, stopped
from connectors.freshdesk.client import REFUSALS as FRESHDESK
from connectors.helpscout.client import REFUSALS as HELPSCOUT
from connectors.http.refusals import RefusalTexts
from connectors.intercom.client import REFUSALS as INTERCOM
from connectors.probing import probe
from connectors.zendesk.client import REFUSALS as ZENDESK
from kpis.errors import CredentialError


def answer(status: int, url: str) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.url = url
    return response


def test_a_401_names_the_variable_and_a_403_the_part_of_the_api_it_reads():
    refusal = FRESHDESK.bind(who="Freshdesk acme", key="FRESHDESK_API_KEY")
    unauthorized = refusal(answer(401, "https://acme.freshdesk.com/api/v2/tickets"))
    forbidden = refusal(answer(403, "https://acme.freshdesk.com/api/v2/surveys/satisfaction_ratings"))
    assert isinstance(unauthorized, CredentialError)
    assert str(unauthorized) == (
        "Freshdesk acme refused the API key (401 Unauthorized): check FRESHDESK_API_KEY "
        "(your profile settings in Freshdesk show Your API Key)"
    )
    assert str(forbidden).startswith("Freshdesk acme denied access to satisfaction ratings (403 Forbidden): set ")


@pytest.mark.parametrize(
    ("table", "names", "url", "expected"),
    [
        (
            ZENDESK,
            {"who": "Zendesk acme", "credential_fix": "check ZENDESK_OAUTH_TOKEN", "admin_fix": "ask an admin"},
            "https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json",
            "Zendesk acme denied access to incremental exports (403 Forbidden): reading incremental exports "
            "needs an admin; ask an admin",
        ),
        (
            INTERCOM,
            {"who": "Intercom acme", "token": "INTERCOM_ACCESS_TOKEN"},
            "https://api.intercom.io/teams",
            "Intercom acme denied access to admins and teams (403 Forbidden): give the app of INTERCOM_ACCESS_TOKEN "
            "the 'Read admins' and 'Read conversations' permissions (Developer Hub > your app > Authentication)",
        ),
        (
            INTERCOM,
            {"who": "Intercom acme", "token": "INTERCOM_ACCESS_TOKEN"},
            "https://api.intercom.io/conversations/search",
            "Intercom acme denied access to conversations (403 Forbidden): give the app of INTERCOM_ACCESS_TOKEN "
            "the 'Read admins' and 'Read conversations' permissions (Developer Hub > your app > Authentication)",
        ),
    ],
)
def test_each_vendor_names_the_area_a_forbidden_path_reads(table, names, url, expected):
    assert str(table.bind(**names)(answer(403, url))) == expected


def test_any_refusal_of_a_token_endpoint_is_about_the_credentials():
    refusal = HELPSCOUT.bind(who="Help Scout acme", names="HELPSCOUT_APP_ID and HELPSCOUT_APP_SECRET")
    token = refusal(answer(403, "https://api.helpscout.net/v2/oauth2/token"))
    mailbox = refusal(answer(403, "https://api.helpscout.net/v2/mailboxes"))
    assert str(token) == (
        "Help Scout acme refused the app's credentials (403): check HELPSCOUT_APP_ID and HELPSCOUT_APP_SECRET "
        "(Your Profile > My Apps in Help Scout)"
    )
    assert str(mailbox).startswith("Help Scout acme denied access to /v2/mailboxes (403 Forbidden)")


def test_an_unlisted_path_is_this_endpoint():
    table = RefusalTexts(unauthorized="{who}: 401", forbidden="{who} may not read {what}", areas=(("users", "users"),))
    assert str(table.error(answer(403, "https://x.test/api/v2/brands"), who="X")) == "X may not read this endpoint"


def test_a_check_shows_the_reason_of_a_failure_without_the_words_a_sync_adds():
    reason = "Zendesk acme GET /api/v2/users/me.json answered an HTML page instead of JSON (a proxy or maintenance page?)"

    def proxy_page():
        raise MalformedResponse(stopped(reason), reason=reason)

    result, value = probe("zendesk:acme credentials", proxy_page, fix="check ZENDESK_URL")
    assert value is None and not result.ok
    assert result.detail == reason and "stopped" not in result.detail
    assert result.fix == "check ZENDESK_URL"
