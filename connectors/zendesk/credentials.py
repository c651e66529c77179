"""What ``config check`` proves about one Zendesk instance, with real calls through its client:

- the credentials are accepted (the user they belong to, ``GET /api/v2/users/me.json``);
- that user can read satisfaction ratings and the incremental exports (an admin);
- which CSAT the account uses (legacy good/bad ratings, the newer 1-5 surveys, both or none),
  found as the sync finds it: the kind the account lacks answers 404.
"""

from __future__ import annotations

from connectors.probing import CHECK_ATTEMPTS, reason
from connectors.zendesk.client import ZendeskClient
from connectors.zendesk.streams import RatingsStream, SurveyResponsesStream
from kpis.check_result import CheckResult, shown_url
from kpis.errors import CredentialError, HelpdeskKpisError

__all__ = ["CHECK_ATTEMPTS", "check_zendesk"]


def check_zendesk(label: str, client: ZendeskClient) -> list[CheckResult]:
    settings = client.settings
    where = shown_url(client.base_url)
    try:
        user = client.me()
    except CredentialError:
        return [CheckResult(f"{label} credentials", False, f"{where} refused {settings.credential_variables}",
                            client.credential_fix())]
    except HelpdeskKpisError as error:
        return [CheckResult(f"{label} connection", False, reason(error), _reach_fix(client))]
    if user.get("id") is None:
        # Zendesk answers credentials it does not recognise with its anonymous user.
        return [CheckResult(f"{label} credentials", False, f"{where} did not recognise {settings.credential_variables}",
                            client.credential_fix())]
    email, role = user.get("email") or "the user", user.get("role") or "unknown"
    results = [CheckResult(f"{label} credentials", True, f"{email} at {where}")]

    ratings, surveys = RatingsStream(client), SurveyResponsesStream(client)
    try:
        legacy = ratings.in_use()
    except CredentialError:
        results.append(CheckResult(f"{label} role", False,
                                   f"{email} ({role}) may not read satisfaction ratings (403)", client.admin_fix()))
        return results
    except HelpdeskKpisError as error:
        results.append(CheckResult(f"{label} satisfaction ratings", False, reason(error), _reach_fix(client)))
        return results
    if role != "admin":
        results.append(CheckResult(f"{label} role", False,
                                   f"{email} is an {role}; incremental exports and ratings need an admin",
                                   client.admin_fix()))
    else:
        results.append(CheckResult(f"{label} role", True, f"{email} is an admin: ratings and exports readable"))

    try:
        new = surveys.in_use()
    except HelpdeskKpisError as error:
        results.append(CheckResult(f"{label} CSAT", False, reason(error), _reach_fix(client)))
        return results
    results.append(CheckResult(f"{label} CSAT", True, _flavour(legacy, new)))
    return results


def _flavour(legacy: bool, new: bool) -> str:
    if legacy and new:
        return "legacy ratings (good/bad) and CSAT surveys (1-5): both are synced"
    if legacy:
        return "legacy CSAT: good/bad satisfaction ratings"
    if new:
        return "CSAT surveys: 1-5 survey responses"
    return "no CSAT survey in use: csat will stay empty until one is turned on"


def _reach_fix(client: ZendeskClient) -> str:
    s = client.settings
    names = s.variable("URL") if s.url else s.variable("SUBDOMAIN")
    return f"check that {shown_url(client.base_url)} ({names}) is right and reachable from here, then run again"
