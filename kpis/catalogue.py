"""The KPI catalogue: canonical keys, what kind of number each is, labels, aliases and bands.

Keys are the canonical names of the KPI definitions; they are the JSON keys, the threshold keys in
config and what the slash command accepts (aliases too).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(str, enum.Enum):
    RATE = "rate"  # percent of a population: n, Wilson interval, change in points
    COUNT = "count"  # how many: change in percent
    TIME = "time"  # minutes over a population: n, change in percent
    SCORE = "score"  # a score on its own scale (NPS, CES, CSSS, composite): n, change in points
    LIST = "list"  # not a number (low_rated)


@dataclass(frozen=True, slots=True)
class KpiSpec:
    key: str
    kind: Kind
    label: str
    unit: str = ""
    #: True when a higher value is better (decides what "worse" means for display and alerts).
    higher_is_better: bool = True
    aliases: tuple[str, ...] = ()


def _times(stem: str, label: str, alias: str) -> list[KpiSpec]:
    specs = []
    for suffix, what in (("median", "median"), ("mean", "mean"), ("p90", "p90")):
        aliases = (alias,) if suffix == "median" else (f"{alias}-{suffix}",)
        specs.append(KpiSpec(f"{stem}_{suffix}", Kind.TIME, f"{label} ({what})", "min", False, aliases))
        specs.append(KpiSpec(f"{stem}_{suffix}_business", Kind.TIME, f"{label} ({what}, business)", "min", False))
    return specs


_SPECS: list[KpiSpec] = [
    KpiSpec("tickets_created", Kind.COUNT, "Created", aliases=("created", "volume")),
    KpiSpec("tickets_solved", Kind.COUNT, "Solved", aliases=("solved",)),
    KpiSpec("resolution_rate", Kind.RATE, "Resolution rate", "%", aliases=("resolution",)),
    KpiSpec("backlog", Kind.COUNT, "Backlog", higher_is_better=False, aliases=("open",)),
    KpiSpec("reopen_rate", Kind.RATE, "Reopen rate", "%", False, ("reopens", "reopen")),
    KpiSpec("fcr_rate", Kind.RATE, "First contact resolution", "%", aliases=("fcr",)),
    KpiSpec("one_touch_rate", Kind.RATE, "One-touch", "%", aliases=("one-touch", "onetouch")),
    *_times("first_reply_time", "First reply", "frt"),
    KpiSpec("first_reply_sla_rate", Kind.RATE, "First reply within SLA", "%", aliases=("sla",)),
    *_times("first_resolution_time", "First resolution", "first-resolution"),
    *_times("full_resolution_time", "Full resolution", "resolution-time"),
    KpiSpec("csat", Kind.RATE, "CSAT", "%", aliases=("satisfaction",)),
    KpiSpec("csat_responses", Kind.COUNT, "CSAT responses", aliases=("responses",)),
    KpiSpec("csat_response_rate", Kind.RATE, "CSAT response rate", "%", aliases=("response-rate",)),
    KpiSpec("csss", Kind.SCORE, "Support satisfaction score", "%"),
    KpiSpec("nps", Kind.SCORE, "NPS"),
    KpiSpec("ces", Kind.SCORE, "Customer effort (mean)"),
    KpiSpec("ces_easy_rate", Kind.RATE, "Customer effort: easy", "%", aliases=("ces-easy",)),
    KpiSpec("customer_success_score", Kind.SCORE, "Customer success score", aliases=("css", "success")),
    KpiSpec("low_rated", Kind.LIST, "Low-rated tickets", aliases=("low-csat", "low")),
    KpiSpec("churn_rate", Kind.RATE, "Churn rate", "%", False, ("churn",)),
    KpiSpec("customer_retention_cost", Kind.SCORE, "Retention cost per customer", "money", False,
            ("retention-cost", "crc")),
    KpiSpec("clv", Kind.SCORE, "Customer lifetime value", "money", aliases=("ltv", "lifetime-value")),
]

KPIS: dict[str, KpiSpec] = {spec.key: spec for spec in _SPECS}

#: Headline KPIs: the default of the terminal table and the digest.
HEADLINE: tuple[str, ...] = (
    "csat",
    "first_reply_time_median",
    "full_resolution_time_median",
    "fcr_rate",
    "backlog",
    "tickets_created",
    "tickets_solved",
)

BACKLOG_AGES: tuple[str, ...] = ("<1d", "1-3d", "3-7d", ">7d")


def resolve(name: str) -> KpiSpec | None:
    """A KPI by canonical key or alias, forgiving about case, dashes and underscores."""
    wanted = name.strip().lower()
    if wanted in KPIS:
        return KPIS[wanted]
    normal = wanted.replace("_", "-")
    for spec in _SPECS:
        if normal == spec.key.replace("_", "-") or normal in spec.aliases:
            return spec
    return None


def band(key: str, value: float | None) -> str | None:
    """The seed benchmark band of a KPI value; ``None`` where the KPI has none (or no value)."""
    if value is None:
        return None
    if key in ("csat", "csss"):
        return "excellent" if value >= 85 else "acceptable" if value >= 70 else "action"
    if key == "customer_success_score":
        return "healthy" if value >= 80 else "caution" if value >= 70 else "action"
    return None
