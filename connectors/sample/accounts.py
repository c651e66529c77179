"""The sample helpdesk's customer accounts: one per organisation its tickets name, some churned.

Each account lives in the helpdesk's namespace with the organisation's id (``org-7``), as an
imported account with a ``helpdesk`` column does, so that its tickets are its organisation's.
Accounts started up to about three years before the history (a tenth during it); a quarter
churned during the history. Churn is drawn independently of the support an organisation got:
the sample makes no claim about what support does to churn.
"""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np

from connectors.sample.columns import named_organisations
from connectors.sample.settings import SampleSettings
from kpis.imported_records import Account

DAY = 86_400
CHURN_SHARE, NEW_SHARE = 0.25, 0.10


def sample_accounts(settings: SampleSettings, anchor: datetime, source: str, instance: str) -> list[Account]:
    organisations = named_organisations(settings)
    n = len(organisations)
    rng = np.random.default_rng(np.random.SeedSequence(settings.seed, spawn_key=(3,)))
    u_new, u_start, u_churn, u_when = rng.random((4, n))
    z_revenue = rng.standard_normal(n)
    history = settings.days * DAY
    first = anchor.timestamp() - history
    started = np.where(u_new < NEW_SHARE, first + u_start * history * 0.5, first - (30 + u_start * 1000) * DAY)
    ended = np.where(u_churn < CHURN_SHARE, np.maximum(started, first) + u_when * (anchor.timestamp() - np.maximum(
        started, first)), np.nan)
    revenue = np.round(250 * np.exp(0.8 * z_revenue), 2)
    return [
        Account(source, instance, f"org-{org}", _utc(started[k]), None if np.isnan(ended[k]) else _utc(ended[k]),
                f"Customer {org}", float(revenue[k]))
        for k, org in enumerate(organisations)
    ]


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(int(seconds), timezone.utc)
