"""The leads' digest's monthly "Outcomes" line: churn in the month just ended among the accounts
that had a bad rating before it, against the rest, with the difference and whether it is beyond
noise. An association, and the line says so."""

from __future__ import annotations

from kpis.outcomes import GroupOutcome, Outcomes


def outcomes_line(outcomes: Outcomes, month: str) -> str | None:
    """``None`` when no account with support before the month was a customer at its start."""
    dimension = outcomes.dimension("bad_rating")
    bad, rest = dimension.group("bad"), dimension.group("none")
    if not bad.accounts and not rest.accounts:
        return None
    (difference,) = dimension.differences
    if difference.value is None:
        versus = "nothing to compare yet"
    else:
        noise = "beyond noise" if difference.significant else "within noise"
        versus = (f"{difference.value:+.1f} pp (95% CI {difference.ci_low:+.1f} to {difference.ci_high:+.1f}, "
                  f"{noise})")
    return (f"*Outcomes, {month}:* accounts with a bad rating before it churned {_share(bad)}, the rest "
            f"{_share(rest)}: {versus}. An association, not a cause: `helpdesk-kpis report --outcomes` has the rest.")


def _share(group: GroupOutcome) -> str:
    if group.churn_rate is None:
        return "– (no such account)"
    return f"{group.churn_rate:.1f}% ({group.churned:,} of {group.accounts:,})"
