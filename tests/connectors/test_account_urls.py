"""A pasted URL of the vendor's own domain names the account; only another host is a proxy."""

from __future__ import annotations

import pytest
from rich.console import Console

from connectors import registry
from helpdesk_kpis.admin.asking import Asking, InitOptions
from helpdesk_kpis.admin.helpdesks import HelpdeskSetup
from helpdesk_kpis.settings.variables import Variables


def reader(source: str, field: str):  # noqa: ANN201 - the setup field's reader
    return next(s for s in registry.spec_for(source).setup if s.name == field).read


@pytest.mark.parametrize(
    ("source", "field", "answer", "values"),
    [
        ("zendesk", "subdomain", "acme", {"subdomain": "acme"}),
        ("zendesk", "subdomain", "https://acme.zendesk.com", {"subdomain": "acme"}),
        ("zendesk", "subdomain", "https://Acme.zendesk.com/agent/dashboard", {"subdomain": "acme"}),
        ("zendesk", "subdomain", "acme.zendesk.com", {"subdomain": "acme"}),
        ("zendesk", "subdomain", "https://zendesk.relay.acme.internal", {"url": "https://zendesk.relay.acme.internal"}),
        ("zendesk", "subdomain", "http://127.0.0.1:8080", {"url": "http://127.0.0.1:8080"}),
        ("freshdesk", "domain", "https://acme.freshdesk.com/a/tickets", {"domain": "acme"}),
        ("freshdesk", "domain", "acme", {"domain": "acme"}),
        ("freshdesk", "domain", "https://helpdesk.acme.com", {"url": "https://helpdesk.acme.com"}),
        ("intercom", "region", "eu", {"region": "eu"}),
        ("intercom", "region", "https://api.eu.intercom.io", {"region": "eu"}),
        ("intercom", "region", "https://app.intercom.com/a/inbox", {"region": "us"}),
        ("intercom", "region", "https://intercom-proxy.acme.internal", {"url": "https://intercom-proxy.acme.internal"}),
    ],
)
def test_an_answer_names_the_account_or_a_proxy(source, field, answer, values):
    assert reader(source, field)(answer) == values


def test_a_vendor_url_given_as_flag_names_the_account_and_the_instance(monkeypatch):
    for name in ("ZENDESK_URL", "ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    options = InitOptions(given={"zendesk.url": "https://acme.zendesk.com", "zendesk.email": "a@acme.test"},
                          no_input=True)
    setup = HelpdeskSetup(Asking(options, Console(), Variables()))
    spec = registry.spec_for("zendesk")
    values = setup._given_values(spec)
    assert values == {"subdomain": "acme", "email": "a@acme.test"}
    assert spec.default_instance(values) == "acme"  # records keyed zendesk:acme:*, not zendesk:default:*
