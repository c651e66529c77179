"""Business outcomes from an accounts source: churn, retention cost per customer, lifetime value.

Accounts belong to no team or agent, so these KPIs are measured for the overall scope only and are
``null`` in team and agent rows.
"""

from __future__ import annotations

import numpy as np

from kpis.compute.common import Raw, Span, in_span, rate
from kpis.dataset import AccountColumns, SpendColumns

DAY = 86_400
#: Days in an average month, for turning a window's churn into a monthly churn.
MONTH_DAYS = 30.4375


def business_kpis(
    a: AccountColumns, spend: SpendColumns, span: Span, groups: int, *, overall: bool,
    lifetime_months: float | None,
) -> dict[str, Raw]:
    nothing = np.full(groups, np.nan)
    if not overall:
        zero = np.zeros(groups, dtype=np.int64)
        return {"churn_rate": Raw(nothing, zero, zero.astype(float)), "customer_retention_cost": Raw(nothing, zero),
                "clv": Raw(nothing, zero)}
    # Customers at the start of W: started before it, not yet gone.
    at_start = (a.started < span.start) & (a.ended >= span.start)
    lost = at_start & (a.ended < span.end)
    retained = at_start & (a.ended >= span.end)
    n, k = int(at_start.sum()), int(lost.sum())
    churn = rate(np.array([k]), np.array([n]))

    # Retention spend in W over the customers retained through W; no spend recorded in W -> null.
    spent = in_span(spend.spent, span)
    kept = int(retained.sum())
    cost = spend.amount[spent].sum() / kept if spent.any() and kept else np.nan

    # CLV: average monthly revenue of the customers at W's end x expected lifetime in months, which
    # is configured or 1 / monthly churn (W's churn compounded to an average month).
    active_end = (a.started < span.end) & (a.ended >= span.end) & ~np.isnan(a.monthly_revenue)
    arpu = a.monthly_revenue[active_end].mean() if active_end.any() else np.nan
    lifetime = lifetime_months
    if lifetime is None and n and k:
        days = (span.end - span.start) / DAY
        monthly_churn = 1 - (1 - k / n) ** (MONTH_DAYS / days)
        lifetime = 1 / monthly_churn
    clv = arpu * lifetime if lifetime is not None else np.nan
    return {
        "churn_rate": churn,
        "customer_retention_cost": Raw(np.array([cost]), np.array([kept])),
        "clv": Raw(np.array([clv]), np.array([int(active_end.sum())])),
    }
