"""The KPI catalogue: the one description of each KPI.

A :class:`KpiSpec` says everything the rest of the code needs to know about a KPI besides how it
is computed: its canonical key (the JSON key, the threshold key in config, what the slash command
accepts, aliases too), what kind of number it is, its labels, how its value and its change are
written, which direction is better, its benchmark bands and which population its ``n`` counts.
Formatting (:mod:`kpis.format`), the JSON form, alerts, digests and tables read it; none of them
names a KPI. The computation of every key lives in :mod:`kpis.compute` (a test ties the two).
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


class Display(str, enum.Enum):
    """How a value is written."""

    PERCENT = "percent"  # 92.0%
    MINUTES = "minutes"  # 42m, 3.5h, 2.1d
    COUNT = "count"  # 1,234
    MONEY = "money"  # 1,234.50 (no currency: the source's own)
    SIGNED = "signed"  # +40 (NPS runs from -100 to +100)
    DECIMAL = "decimal"  # 3.4
    NONE = "none"  # a list, never written as a number


class ChangeUnit(str, enum.Enum):
    """How the change against the previous window is measured and written."""

    PP = "pp"  # the difference, in percentage points
    PTS = "pts"  # the difference, in points of the KPI's own scale
    PERCENT = "%"  # relative to the previous value


class Population(str, enum.Enum):
    """What a KPI's ``n`` counts in the window."""

    CREATED = "tickets created in the window"
    SOLVED = "tickets solved in the window"
    OPEN = "tickets open at the window's end"
    RATINGS = "satisfaction ratings received in the window"
    OFFERS = "satisfaction surveys offered in the window"
    SURVEYS = "NPS or CES answers given in the window"
    ACCOUNTS = "customer accounts (overall scope only)"
    PARTS = "the smallest n of the KPIs it combines"
    REVIEWS = "conversation reviews made in the window"
    AGENT_DAYS = "agent working days (days with a public reply) in the window"
    SLA_TARGETS = "SLA policy targets achieved or breached in the window"


@dataclass(frozen=True, slots=True)
class Bands:
    """Benchmark bands: the first ``(at least, name)`` step a value reaches names its band, else ``below``."""

    steps: tuple[tuple[float, str], ...]
    below: str

    def of(self, value: float) -> str:
        return next((name for floor, name in self.steps if value >= floor), self.below)


SATISFACTION_BANDS = Bands(((85, "excellent"), (70, "acceptable")), "action")
SUCCESS_BANDS = Bands(((80, "healthy"), (70, "caution")), "action")

#: What a kind implies unless a spec says otherwise: (display, change unit).
_KIND_DEFAULTS = {
    Kind.RATE: (Display.PERCENT, ChangeUnit.PP),
    Kind.COUNT: (Display.COUNT, ChangeUnit.PERCENT),
    Kind.TIME: (Display.MINUTES, ChangeUnit.PERCENT),
    Kind.SCORE: (Display.DECIMAL, ChangeUnit.PTS),
    Kind.LIST: (Display.NONE, ChangeUnit.PERCENT),
}


@dataclass(frozen=True, slots=True)
class KpiSpec:
    key: str
    kind: Kind
    label: str
    #: "%", "min", "money" or "" (thresholds and chart axes are written in it).
    unit: str = ""
    #: True when a higher value is better (decides what "worse" means for display and alerts);
    #: ``None`` for volumes, neither better nor worse: their changes read "more" or "fewer".
    higher_is_better: bool | None = True
    aliases: tuple[str, ...] = ()
    population: Population = Population.CREATED
    #: The column heading of narrow tables and one-line rows; ``None``: the label.
    short_label: str | None = None
    #: ``None``: the kind's default (see ``_KIND_DEFAULTS``).
    display: Display | None = None
    change_unit: ChangeUnit | None = None
    bands: Bands | None = None
    #: A breach of this KPI is explained by the low ratings behind it (alerts list them).
    explained_by_low_ratings: bool = False

    def __post_init__(self) -> None:
        display, change = _KIND_DEFAULTS[self.kind]
        if self.display is None:
            object.__setattr__(self, "display", display)
        if self.change_unit is None:
            object.__setattr__(self, "change_unit", change)

    @property
    def relative_change(self) -> bool:
        """Whether the change is relative to the previous value (else a difference in points)."""
        return self.change_unit is ChangeUnit.PERCENT

    @property
    def inline_label(self) -> str:
        """The short label inside a sentence ("reply", "new"; "CSAT" stays), for one-line rows that
        fit a phone's 40 characters; the full label where there is no short one."""
        short = self.short_label
        if short is None:
            return self.label
        return short if short.isupper() else short[0].lower() + short[1:]

    def band(self, value: float | None) -> str | None:
        """The benchmark band of ``value``; ``None`` where the KPI has no bands (or no value)."""
        return None if value is None or self.bands is None else self.bands.of(value)


def _times(stem: str, label: str, alias: str, population: Population, short: str | None = None) -> list[KpiSpec]:
    specs = []
    for suffix, what in (("median", "median"), ("mean", "mean"), ("p90", "p90")):
        aliases = (alias,) if suffix == "median" else (f"{alias}-{suffix}",)
        specs.append(KpiSpec(f"{stem}_{suffix}", Kind.TIME, f"{label} ({what})", "min", False, aliases, population,
                             short_label=short if suffix == "median" else None))
        specs.append(KpiSpec(f"{stem}_{suffix}_business", Kind.TIME, f"{label} ({what}, business)", "min", False,
                             population=population))
    return specs


#: The SLA policy metrics (kpis.sla_outcomes.SLA_METRICS): label and alias of each per-metric KPI.
_SLA_METRICS = (
    ("first_reply", "first reply", "first-reply"),
    ("next_reply", "next reply", "next-reply"),
    ("periodic_update", "periodic update", "periodic-update"),
    ("pausable_update", "pausable update", "pausable-update"),
    ("requester_wait", "requester wait", "requester-wait"),
    ("agent_work", "agent work", "agent-work"),
    ("resolution", "resolution", "resolution"),
)

_P = Population
_SPECS: list[KpiSpec] = [
    KpiSpec("tickets_created", Kind.COUNT, "Created", higher_is_better=None, aliases=("created", "volume"), population=_P.CREATED,
            short_label="New"),
    KpiSpec("tickets_solved", Kind.COUNT, "Solved", aliases=("solved",), population=_P.SOLVED, short_label="Solved"),
    KpiSpec("resolution_rate", Kind.RATE, "Resolution rate", "%", aliases=("resolution",), population=_P.CREATED),
    KpiSpec("backlog", Kind.COUNT, "Backlog", higher_is_better=False, aliases=("open",), population=_P.OPEN,
            short_label="Backlog"),
    KpiSpec("reopen_rate", Kind.RATE, "Reopen rate", "%", False, ("reopens", "reopen"), _P.SOLVED),
    KpiSpec("fcr_rate", Kind.RATE, "First contact resolution", "%", aliases=("fcr",), population=_P.SOLVED,
            short_label="FCR"),
    KpiSpec("one_touch_rate", Kind.RATE, "One-touch", "%", aliases=("one-touch", "onetouch"), population=_P.SOLVED),
    *_times("first_reply_time", "First reply", "frt", _P.CREATED, short="Reply"),
    KpiSpec("first_reply_sla_rate", Kind.RATE, "First reply within SLA", "%", aliases=("sla",), population=_P.CREATED),
    # The helpdesk's own SLA policies (Zendesk): achieved targets over settled ones, as Explore counts them.
    KpiSpec("sla_achievement_rate", Kind.RATE, "SLA achievement", "%", aliases=("sla-achievement", "sla-policies"),
            population=_P.SLA_TARGETS, short_label="SLA"),
    *(KpiSpec(f"sla_{metric}_achievement", Kind.RATE, f"SLA achievement: {label}", "%", aliases=(f"sla-{alias}",),
              population=_P.SLA_TARGETS)
      for metric, label, alias in _SLA_METRICS),
    *_times("first_resolution_time", "First resolution", "first-resolution", _P.SOLVED),
    *_times("full_resolution_time", "Full resolution", "resolution-time", _P.SOLVED, short="Resolve"),
    KpiSpec("csat", Kind.RATE, "CSAT", "%", aliases=("satisfaction",), population=_P.RATINGS, short_label="CSAT",
            bands=SATISFACTION_BANDS, explained_by_low_ratings=True),
    KpiSpec("csat_responses", Kind.COUNT, "CSAT responses", higher_is_better=None, aliases=("responses",), population=_P.RATINGS),
    KpiSpec("csat_response_rate", Kind.RATE, "CSAT response rate", "%", aliases=("response-rate",),
            population=_P.OFFERS),
    # A mean of 0..1 scores shown as a percentage: written and changed like a rate.
    KpiSpec("csss", Kind.SCORE, "Support satisfaction score", "%", population=_P.RATINGS, display=Display.PERCENT,
            change_unit=ChangeUnit.PP, bands=SATISFACTION_BANDS, explained_by_low_ratings=True),
    KpiSpec("nps", Kind.SCORE, "NPS", population=_P.SURVEYS, display=Display.SIGNED),
    KpiSpec("ces", Kind.SCORE, "Customer effort (mean)", population=_P.SURVEYS),
    KpiSpec("ces_easy_rate", Kind.RATE, "Customer effort: easy", "%", aliases=("ces-easy",), population=_P.SURVEYS),
    KpiSpec("customer_success_score", Kind.SCORE, "Customer success score", aliases=("css", "success"),
            population=_P.PARTS, bands=SUCCESS_BANDS, explained_by_low_ratings=True),
    KpiSpec("low_rated", Kind.LIST, "Low-rated tickets", aliases=("low-csat", "low"), population=_P.RATINGS),
    # Review scores on 0..100, each review scaled on its own scale: written as percentages, changed in points.
    KpiSpec("qa_score", Kind.SCORE, "QA score", "%", aliases=("qa", "review-score"), population=_P.REVIEWS,
            short_label="QA", display=Display.PERCENT, change_unit=ChangeUnit.PP),
    *(KpiSpec(f"qa_{name}", Kind.SCORE, f"QA: {name}", "%", population=_P.REVIEWS, display=Display.PERCENT,
              change_unit=ChangeUnit.PP) for name in ("accuracy", "tone", "solution", "process")),
    KpiSpec("review_coverage", Kind.RATE, "Review coverage", "%", aliases=("coverage", "reviewed"),
            population=_P.SOLVED),
    KpiSpec("replies_per_solved", Kind.SCORE, "Replies per solved ticket", aliases=("replies",),
            population=_P.SOLVED, change_unit=ChangeUnit.PERCENT),
    KpiSpec("solved_per_agent_day", Kind.SCORE, "Solved per agent day", aliases=("productivity", "solved-per-day"),
            population=_P.AGENT_DAYS, change_unit=ChangeUnit.PERCENT),
    KpiSpec("churn_rate", Kind.RATE, "Churn rate", "%", False, ("churn",), _P.ACCOUNTS),
    KpiSpec("customer_retention_cost", Kind.SCORE, "Retention cost per customer", "money", False,
            ("retention-cost", "crc"), _P.ACCOUNTS, display=Display.MONEY, change_unit=ChangeUnit.PERCENT),
    KpiSpec("clv", Kind.SCORE, "Customer lifetime value", "money", aliases=("ltv", "lifetime-value"),
            population=_P.ACCOUNTS, display=Display.MONEY, change_unit=ChangeUnit.PERCENT),
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

