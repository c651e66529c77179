"""Which KPIs a report computes: every KPI of the catalogue, or the ones a table or an answer shows.

A terminal table of the headline KPIs, a `/kpi` answer of three, an explanation of one: each reads
a few of the catalogue's KPIs, and the dearest families (the time quantiles, the quality KPIs over
every agent reply, the low-rated lists) are left out when nobody reads them. Every KPI that is
computed is computed as in a full report: its figures are the same either way. Always computed,
being cheap: the volumes, backlog and CSAT responses (they decide which rows a report has), the
other satisfaction KPIs, SLA achievement and the business KPIs. A report's rows hold the KPIs
asked for and SLA achievement (whether a helpdesk's policies measured anything decides what a
table shows, :func:`kpis.results.with_policy_sla`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from kpis.catalogue import KPIS
from kpis.compute.quality import QUALITY_KEYS
from kpis.errors import ConfigError
from kpis.results import POLICY_SLA

SUCCESS_SCORE = "customer_success_score"
LOW_RATED = "low_rated"


@dataclass(frozen=True)
class Selection:
    #: The KPIs asked for (with those the success score combines, and SLA achievement); ``None``: every KPI.
    keys: frozenset[str] | None = None

    def shown(self, computed: Iterable[str]) -> list[str]:
        """Of the ``computed`` KPIs, those a report's rows hold: the ones asked for."""
        return list(computed) if self.keys is None else [key for key in computed if key in self.keys]

    def wants(self, keys: Iterable[str]) -> bool:
        """Whether any of ``keys`` is to be computed."""
        return self.keys is None or not self.keys.isdisjoint(keys)

    def wants_key(self, key: str) -> bool:
        return self.keys is None or key in self.keys

    @property
    def attached(self) -> bool:
        """Whether the attached sets (reviews, replies) need their groups: only the quality KPIs read them."""
        return self.wants(QUALITY_KEYS)


EVERY = Selection()


def selection(kpis: Collection[str] | None, success_weights: Collection[str]) -> Selection:
    """The selection of ``kpis`` (catalogue keys; ``None``: every KPI); the success score brings the
    KPIs it weighs (``success_weights``) with it."""
    if kpis is None:
        return EVERY
    unknown = sorted(set(kpis) - KPIS.keys())
    if unknown:
        raise ConfigError(f"unknown KPI {unknown[0]!r}")
    keys = {*kpis, POLICY_SLA}
    if SUCCESS_SCORE in keys:
        keys.update(success_weights)
    return Selection(frozenset(keys))
