"""Text for a KPI value and its change, shared by the terminal, the digest and the slash command.

Changes are written out with their sign and unit ("+2.5 pp", "-17.6%"), never colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from kpis.catalogue import KPIS, ChangeUnit, Display
from kpis.results import MetricValue

DASH = "–"


def minutes(value: float) -> str:
    """42m, 3.5h, 2.1d: short and unambiguous."""
    if value < 60:
        return f"{value:.0f}m" if value >= 10 else f"{value:.1f}m"
    if value < 48 * 60:
        return f"{value / 60:.1f}h"
    return f"{value / 1440:.1f}d"


def value_text(metric: MetricValue) -> str:
    if metric.value is None:
        return DASH
    return number_text(KPIS[metric.key].display, metric.value)


def number_text(display: Display, value: float) -> str:
    """``value`` written the way the catalogue says its KPI is written."""
    if display is Display.MONEY:
        return f"{value:,.2f}"
    if display is Display.PERCENT:
        return f"{value:.1f}%"
    if display is Display.MINUTES:
        return minutes(value)
    if display is Display.COUNT:
        return f"{int(value):,}"
    if display is Display.SIGNED:
        return f"{value:+.0f}"
    return f"{value:.1f}"


TOO_FEW = "too few to compare"


def change_text(metric: MetricValue, *, compact: bool = False) -> str:
    """"+2.5 pp" for rates, "+3.0 pts" for scores, "-17.6%" for counts and times; on a sample
    below ``min_sample`` no number at all ("+100 pp" from one rating would only mislead)."""
    if metric.change is None:
        return "new" if metric.previous is None and metric.value is not None else DASH
    if metric.insufficient_data:
        return "too few" if compact else TOO_FEW
    unit = KPIS[metric.key].change_unit
    space = "" if compact else " "
    # Compact (narrow tables): whole numbers once a change reaches 10, where a decimal adds nothing.
    number = f"{metric.change:+.0f}" if compact and abs(metric.change) >= 10 else f"{metric.change:+.1f}"
    if unit is ChangeUnit.PERCENT:
        return f"{number}%"
    return f"{number}{space}{unit.value}"


def is_worse(metric: MetricValue) -> bool | None:
    """Whether the change is a deterioration (for colour hints; the text says it anyway);
    ``None``: no change, too few to compare, or a volume (neither better nor worse)."""
    better = KPIS[metric.key].higher_is_better
    if metric.change is None or metric.change == 0 or metric.insufficient_data or better is None:
        return None
    return (metric.change < 0) if better else (metric.change > 0)


def direction_word(metric: MetricValue) -> str:
    """", better" / ", worse", or for a volume ", more" / ", fewer"; nothing when unchanged or
    too few to compare."""
    if metric.change is None or metric.change == 0 or metric.insufficient_data:
        return ""
    if KPIS[metric.key].higher_is_better is None:
        return ", more" if metric.change > 0 else ", fewer"
    return ", worse" if is_worse(metric) else ", better"


def effect_text(key: str, effect: float | None) -> str:
    """A change in the KPI's own unit, signed: "-4.1 pp" (rates), "+2.0 pts", "-30m", "+12" (counts)."""
    if effect is None:
        return DASH
    spec = KPIS[key]
    sign = "-" if effect < 0 else "+"
    if spec.display is Display.MINUTES:
        return sign + minutes(abs(effect))
    if spec.display is Display.COUNT:
        return f"{effect:+,.0f}"
    unit = "pp" if spec.change_unit is ChangeUnit.PP else "pts" if spec.change_unit is ChangeUnit.PTS else ""
    return f"{effect:+.1f} {unit}".rstrip()


#: Eight heights of a text sparkline, lowest first.
SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
#: The least range of scores a sparkline spans, so that a wobble of a point or two stays small.
SPARK_MIN_SPAN = 10.0


def sparkline(values: Sequence[float | None]) -> str:
    """Block characters from the lowest value up (spanning at least ``SPARK_MIN_SPAN``); a space
    where there is no value."""
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    low = min(known)
    span = max(max(known) - low, SPARK_MIN_SPAN)
    top = len(SPARK_BLOCKS) - 1
    return "".join(" " if v is None else SPARK_BLOCKS[round((v - low) / span * top)] for v in values)
