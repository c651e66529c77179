"""What drove a change, in Slack mrkdwn: one line for the digest, group lines for `/kpi why`.

"CSAT -6.8 pp: Agent 7 -4.1 pp (52% on 25 ratings), chat -1.9 pp". Names come from the
helpdesk (agents, teams, tags) and are escaped; effects are in the KPI's own unit.
"""

from __future__ import annotations

from kpis.catalogue import KPIS, Display, Population
from kpis.compute.decompose import Contribution
from kpis.explain import Explanation
from kpis.format import DASH, effect_text, number_text
from notifiers.mrkdwn import escape

#: Groups named in a digest line.
DIGEST_DRIVERS = 2
_NOUNS = {Population.RATINGS: "ratings", Population.SURVEYS: "answers"}


def figure(key: str, value: float | None) -> str:
    return DASH if value is None else number_text(KPIS[key].display, value)


def headline(e: Explanation) -> str:
    """"CSAT 62.5% (was 77.5%): -15.0 pp, 2026-11-08 to 2026-11-14 against 2026-11-01 to 2026-11-07"."""
    d, key = e.decomposition, e.kpi
    return (f"{e.spec.label} {figure(key, d.value)} (was {figure(key, d.previous)}): {effect_text(key, d.change)}, "
            f"{e.window.label()} against {e.previous_window.label()}")


def group_name(e: Explanation, c: Contribution) -> str:
    """Agents and teams by name; channels, priorities and tags by their own word ("chat")."""
    name = e.names.get(c.id, c.id) if e.dimension in ("agent", "team") or c.id == "none" else c.id
    return escape(name)


def sample_text(e: Explanation, value: float | None, n: int) -> str:
    """"52% on 25 ratings"."""
    if value is None:
        return f"none of {n}"
    display = e.spec.display
    figure = f"{value:.0f}%" if display is Display.PERCENT else number_text(display, value)
    return f"{figure} on {n:,} {_NOUNS.get(e.spec.population, 'tickets')}"


def driver_text(e: Explanation, c: Contribution, *, detail: bool = True) -> str:
    """"Agent 7 -4.1 pp (52% on 25 ratings)"."""
    text = f"{group_name(e, c)} {effect_text(e.kpi, c.effect)}"
    return f"{text} ({sample_text(e, c.value, c.n)})" if detail else text


def digest_line(e: Explanation, label: str) -> str | None:
    """The digest's line under a headline KPI, or None when its move is within noise."""
    drivers = e.top(DIGEST_DRIVERS)
    if not e.beyond_noise or not drivers:
        return None
    named = [driver_text(e, c, detail=i == 0) for i, c in enumerate(drivers)]
    return f"{label} {effect_text(e.kpi, e.decomposition.change)}: " + ", ".join(named)


def why_lines(e: Explanation, count: int) -> list[str]:
    """One line per group, largest effect first: effect, then now against before, and the split."""
    lines = []
    for c in e.top(count):
        parts = [f"• *{group_name(e, c)}* {effect_text(e.kpi, c.effect)}",
                 f"{sample_text(e, c.value, c.n)}, was {sample_text(e, c.previous, c.previous_n)}"]
        if c.rate_effect is not None and c.mix_effect is not None:
            parts.append(f"own score {effect_text(e.kpi, c.rate_effect)}, share {effect_text(e.kpi, c.mix_effect)}")
        if c.insufficient_data:
            parts.append("_few_")
        elif c.significant:
            parts.append("beyond noise")
        lines.append(" · ".join(parts))
    return lines
