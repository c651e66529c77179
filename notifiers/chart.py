"""The digest chart: daily KPIs over the last 14 days against the 14 days before, as a PNG.

Drawn for a phone: one panel per KPI stacked vertically, large type, a few date labels, the
previous period dashed and grey, and days whose sample is too small drawn hollow (shown, not to
be trusted). Every point is an engine value for one day; the chart computes nothing. The alt
text describes what the picture shows, for screen readers.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from kpis.catalogue import KPIS, Kind
from kpis.format import minutes
from kpis.results import MetricValue
from notifiers.when import day_text

#: Slack's limit on a file's alt text: https://docs.slack.dev/reference/methods/files.getUploadURLExternal
MAX_ALT_TEXT = 1000


@dataclass(frozen=True)
class Panel:
    key: str
    #: One value per day of the chart (``None``: nothing for that row that day).
    current: Sequence[MetricValue | None]
    #: The same number of days just before, aligned day by day.
    previous: Sequence[MetricValue | None]


@dataclass(frozen=True)
class Chart:
    png: bytes
    alt_text: str
    title: str
    filename: str


def trend_chart(title: str, days: Sequence[date], panels: Sequence[Panel], *, filename: str,
                every: str = "daily") -> Chart:
    """A PNG of ``panels`` over ``days`` (the current period), each against its previous period.

    ``every`` "weekly" or "monthly": one point per week (``days``: their Mondays) or month (their
    1sts), and no previous period (``Panel.previous`` empty): the trend is the comparison."""
    figure, axes = stacked_figure(title, len(panels), width=6.4, row_height=3.1, extra=0.6, title_size=15)
    x = list(range(len(days)))
    for ax, panel in zip(axes, panels):
        scale, unit = _scale(panel)
        current = [_value(m, scale) for m in panel.current]
        previous = [_value(m, scale) for m in panel.previous]
        if previous:
            ax.plot(x, previous, linestyle="--", color="#9a9a9a", linewidth=2, label=f"{len(days)} days before")
        ax.plot(x, current, color="#1f5fbf", linewidth=2.5, label=f"last {len(days)} {_unit(every)}s")
        trusted = [v if m is not None and not m.insufficient_data else math.nan for v, m in zip(current, panel.current)]
        thin = [v if m is not None and m.insufficient_data else math.nan for v, m in zip(current, panel.current)]
        ax.plot(x, trusted, linestyle="none", marker="o", markersize=6, color="#1f5fbf")
        ax.plot(x, thin, linestyle="none", marker="o", markersize=6, markerfacecolor="white", color="#1f5fbf",
                label="too few to judge")
        ax.set_title(f"{KPIS[panel.key].label}{unit}", fontsize=13, loc="left")
        ax.tick_params(labelsize=11)
        ax.grid(True, alpha=0.3)
        step = max(1, len(days) // 5) if every == "daily" else 1
        ax.set_xticks(x[::step], [f"{d:%b}" if every == "monthly" else f"{d.day} {d:%b}" for d in days[::step]])
        if KPIS[panel.key].kind is Kind.RATE:
            seen = [v for v in current + previous if not math.isnan(v)]
            ax.set_ylim(bottom=max(0, min(seen or [0]) - 10), top=102)
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=10, frameon=False)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return Chart(png=out.getvalue(), alt_text=alt_text(title, days, panels, every), title=title, filename=filename)


def _point_text(every: str, first_day: date) -> str:
    """A point's name: "15 Nov 2026", "the week of 9 Nov 2026", "November 2026"."""
    if every == "monthly":
        return f"{first_day:%B %Y}"
    return ("the week of " if every == "weekly" else "") + day_text(first_day, weekday=False)


def _unit(every: str) -> str:
    return {"weekly": "week", "monthly": "month"}.get(every, "day")


def stacked_figure(title: str, rows: int, *, width: float, row_height: float, extra: float, title_size: int):  # noqa: ANN201
    """A titled figure of ``rows`` panels stacked vertically, and their axes."""
    # Imported here: matplotlib takes a moment to load and only the charts need it. The Figure
    # API with the Agg canvas draws off-screen without pyplot's global state.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, row_height * rows + extra), dpi=150, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(title, fontsize=title_size, fontweight="bold")
    return figure, figure.subplots(rows, 1, squeeze=False)[:, 0]


def _scale(panel: Panel) -> tuple[float, str]:
    """Times are plotted in hours once they run past two hours, else in minutes."""
    if KPIS[panel.key].kind is not Kind.TIME:
        return 1.0, " (%)" if KPIS[panel.key].unit == "%" else ""
    values = [m.value for m in (*panel.current, *panel.previous) if m is not None and m.value is not None]
    return (60.0, " (hours)") if values and max(values) > 120 else (1.0, " (minutes)")


def _value(metric: MetricValue | None, scale: float) -> float:
    if metric is None or metric.value is None:
        return math.nan  # a gap in the line
    return metric.value / scale


def _text(key: str, value: float) -> str:
    return minutes(value) if KPIS[key].kind is Kind.TIME else f"{value:.0f}%" if KPIS[key].unit == "%" else f"{value:g}"


def alt_text(title: str, days: Sequence[date], panels: Sequence[Panel], every: str = "daily") -> str:
    """What the chart shows, in words: each panel's range and its last day's (week's, month's) value."""
    first, last = days[0], days[-1]
    unit = _unit(every)
    against = f", solid, against the {len(days)} days before, dashed." if every == "daily" else "."
    sentences = [
        f"{title}: line charts of {every} values from {_point_text(every, first)} to"
        f" {_point_text(every, last)}{against}"
    ]
    for panel in panels:
        label = KPIS[panel.key].label
        values = [m.value for m in panel.current if m is not None and m.value is not None]
        if not values:
            sentences.append(f"{label}: no values in this period.")
            continue
        last_metric = panel.current[-1]
        when = ("on " if every == "daily" else "in ") + _point_text(every, last)
        last_text = (
            f"{_text(panel.key, last_metric.value)} {when}"
            if last_metric is not None and last_metric.value is not None
            else f"no value {when}"
        )
        sentences.append(
            f"{label} per {unit}: between {_text(panel.key, min(values))} and {_text(panel.key, max(values))}, {last_text}."
        )
    return clipped_alt(" ".join(sentences))


def clipped_alt(text: str) -> str:
    """``text`` cut to Slack's alt text limit."""
    return text if len(text) <= MAX_ALT_TEXT else text[: MAX_ALT_TEXT - 1] + "…"
