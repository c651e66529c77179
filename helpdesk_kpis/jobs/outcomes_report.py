"""The `report --outcomes` wiring: the window, the accounts with their support, the outcomes
table (or JSON). What the figures mean, and why they are an association: docs/outcomes.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.jobs.report import choose_window
from kpis.engine import KpiConfig
from kpis.format import DASH
from kpis.outcome_query import load_account_support
from kpis.outcomes import Difference, GroupOutcome, Outcomes, support_outcomes
from kpis.store import Store
from kpis.windows import Window

#: Churn needs a long view: without --period or --from/--to, the last 90 days.
DEFAULT_PERIOD = "90d"
#: What the accounts with support but outside a dimension's groups lack.
NOT_PLACED = {"bad_rating": "", "csat_bucket": "no rating", "first_reply_sla": "no settled reply",
              "nps_group": "no NPS answer"}
CAUTION = "An association, not a cause: accounts that rate support badly may differ in other ways too."


@dataclass(frozen=True)
class OutcomesReport:
    window: Window
    outcomes: Outcomes

    def as_json(self) -> dict[str, Any]:
        return {"window": {**self.window.as_json(), "timezone": self.window.zone.key}, **self.outcomes.as_json()}


def window_outcomes(store: Store, window: Window, *, now: datetime, config: KpiConfig) -> OutcomesReport:
    accounts, unmatched = load_account_support(store, window.start)
    outcomes = support_outcomes(accounts, window.start, window.end, now=now, config=config,
                                organisations_without_account=unmatched)
    return OutcomesReport(window, outcomes)


def build_outcomes_report(
    ctx: AppContext, *, period: str | None, first: str | None, last: str | None, now: datetime
) -> OutcomesReport:
    zone = ctx.settings().config.reporting.zone
    window = choose_window(period or DEFAULT_PERIOD, first, last, now=now, zone=zone)
    return window_outcomes(ctx.store(), window, now=now, config=ctx.kpi_config())


def empty_line(report: OutcomesReport) -> str | None:
    """What to say instead of an empty table; ``None`` when there is a table to show."""
    c = report.outcomes.counts
    if not c.accounts:
        return ("No customer accounts in the store: import an accounts file with a helpdesk column "
                "(docs/outcomes.md), then run `helpdesk-kpis sync`.")
    if not c.cohort:
        return f"No account was a customer on {report.window.first_day} ({c.accounts:,} accounts in the store)."
    return None


def outcomes_table(report: OutcomesReport) -> Table:
    """One section per way of grouping the accounts: its groups' churn against the reference group's
    and their lifetime value."""
    o, window = report.outcomes, report.window
    table = Table(title=f"Churn by the support accounts received before it, {window.label()}", box=box.SIMPLE_HEAD,
                  caption=_caption(report), title_justify="left", caption_justify="left", padding=(0, 1),
                  collapse_padding=True)
    for header in ("Group", "n", "Lost", "Churn", "95% CI", "Against reference, pp", "Lifetime value"):
        table.add_column(header, justify="left" if header == "Group" else "right", no_wrap=True)
    for dimension in o.dimensions:
        table.add_row(Text(dimension.label, style="bold"), *[""] * 6)
        differences = {d.group: d for d in dimension.differences}
        for group in dimension.groups:
            style = "dim" if group.insufficient_data else ""
            table.add_row(Text("  " + group.label, style=style), f"{group.accounts:,}", f"{group.churned:,}",
                          Text(_percent(group.churn_rate), style=style), _interval(group.ci_low, group.ci_high),
                          _against(differences.get(group.key)), _value(group))
        if dimension.left_out:
            table.add_row(Text(f"  {NOT_PLACED[dimension.key]}: {dimension.left_out:,}", style="dim"), *[""] * 6)
    return table


def outcome_sentence(report: OutcomesReport) -> str | None:
    """The first grouping's first comparison in words, for a screen too small for the table."""
    for dimension in report.outcomes.dimensions:
        for difference in dimension.differences:
            if difference.value is None:
                continue
            group, reference = dimension.group(difference.group), dimension.group(difference.reference)
            noise = "beyond noise" if difference.significant else "within noise"
            return (
                f"Churn {report.window.label()}: {_percent(group.churn_rate)} of accounts with "
                f"{group.label.lower()} (n={group.accounts:,}) against {_percent(reference.churn_rate)} with "
                f"{reference.label.lower()} (n={reference.accounts:,}): {_against(difference).removesuffix(' *')}"
                f" pp, {noise}. {CAUTION}"
            )
    return None


def _caption(report: OutcomesReport) -> str:
    c, window = report.outcomes.counts, report.window
    last = window.end_day - timedelta(days=1)
    outside = [f"{n:,} {what}" for n, what in (
        (c.not_linked, "naming no helpdesk organisation"),
        (c.unknown_organisation, "whose organisation is on no ticket"),
        (c.without_support, "with no ticket before the window"),
    ) if n]
    lines = [
        f"Customers on {window.first_day}: {c.cohort:,}, of whom {c.churned:,} churned by {last} and "
        f"{c.no_churn_date:,} have no churn date; {c.with_support:,} with tickets are grouped"
        + (f" (left out: {', '.join(outside)})" if outside else "") + ".",
    ]
    if c.organisations_without_account:
        lines.append(f"{c.organisations_without_account:,} helpdesk organisations named on tickets have no account.")
    lines.append("Support: tickets created before the window, their ratings and NPS answers given before it. "
                 "Against reference: churn minus the reference group's, in points (Newcombe 95% CI), * beyond "
                 "noise; dim: fewer accounts than min_sample. Lifetime value: revenue so far (monthly revenue x "
                 "months), mean and 95% CI.")
    lines.append(CAUTION)
    return "\n".join(lines)


def _percent(value: float | None) -> str:
    return DASH if value is None else f"{value:.1f}%"


def _interval(low: float | None, high: float | None) -> str:
    return DASH if low is None or high is None else f"{low:.1f}-{high:.1f}"


def _against(difference: Difference | None) -> str:
    if difference is None:
        return "reference"
    if difference.value is None:
        return DASH
    mark = " *" if difference.significant else ""
    return f"{difference.value:+.1f} ({difference.ci_low:+.1f} to {difference.ci_high:+.1f}){mark}"


def _value(group: GroupOutcome) -> str:
    if group.ltv_mean is None:
        return DASH
    interval = "" if group.ltv_low is None else f" ({group.ltv_low:,.0f} to {group.ltv_high:,.0f})"
    return f"{group.ltv_mean:,.0f}{interval}"
