"""The `report` wiring: pick the window, fetch from the store, compute with the KPI engine."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from datetime import datetime

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.jobs.teams import load_team_data
from kpis.catalogue import HEADLINE, KPIS, Kind, resolve
from kpis.engine import compute_report
from kpis.errors import ConfigError
from kpis.results import Report
from kpis.windows import Window, parse_day, today_in, window_between, window_for_period


def choose_window(period: str, first: str | None, last: str | None, *, now: datetime, zone) -> Window:  # noqa: ANN001
    if (first is None) != (last is None):
        raise ConfigError("--from and --to go together (both dates inclusive)")
    if first is not None and last is not None:
        today = today_in(zone, now)
        return window_between(parse_day(first, "--from", today=today), parse_day(last, "--to", today=today, last=True),
                              zone)
    return window_for_period(period, now=now, zone=zone)


def build_report(
    ctx: AppContext, *, period: str, first: str | None, last: str | None, by: str, team: str | None, now: datetime,
    fold_small_tags: bool = False, kpis: Sequence[str] | None = None,
) -> Report:
    """``kpis``: the KPIs the caller shows (a table's), the only ones computed; ``None``: every KPI (JSON)."""
    config = ctx.settings().config
    window = choose_window(period, first, last, now=now, zone=config.reporting.zone)
    data = load_team_data(ctx.store(), config, window.previous().start, window.end, team=team, by=by,
                          tags=by == "tag")
    return compute_report(data, window, now=now, by=by, team=team, config=ctx.kpi_config(),
                          fold_small_tags=fold_small_tags, kpis=kpis)


def kpi_keys(requested: Sequence[str] | None, *, default_all: bool = False) -> list[str]:
    """The catalogue keys of ``--kpi`` values (repeated, or comma-separated: ``--kpi frt,sla``)."""
    names = [name for value in requested or () for name in value.split(",") if name.strip()]
    if not names:
        return [k for k, spec in KPIS.items() if spec.kind is not Kind.LIST] if default_all else list(HEADLINE)
    keys = []
    for name in names:
        spec = resolve(name)
        if spec is None:
            raise ConfigError(f"unknown KPI {name.strip()!r}; {_suggestion(name)}")
        keys.append(spec.key)
    return keys


def _suggestion(name: str) -> str:
    """"did you mean ...?" from the keys and aliases, else the list of keys."""
    names = [alias for spec in KPIS.values() for alias in (spec.key, *spec.aliases)]
    close = difflib.get_close_matches(name.strip().lower().replace("-", "_"), names, n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(close) + "?"
    return "known KPIs: " + ", ".join(KPIS)
