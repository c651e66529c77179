"""The digest chart: CSAT and first reply over the last 14 days (or 8 weeks, or 8 months), as a PNG.

Drawn for Slack's preview on a phone: landscape, the two panels one above the other on a shared
time axis (side by side, type that large leaves no room for the lines), and every text at least :data:`MIN_PREVIEW_POINTS` at the preview's width (:func:`preview_points`). A rate is drawn
with its 95% interval shaded (the engine's Wilson bounds) and its n at the last point, so a week
of few ratings reads as uncertain instead of swinging from 0 to 100%; a target (an alert
threshold, or the first-reply SLA) is a dashed line; the last point is labelled with its value.
Every point is an engine value; the chart computes nothing. The alt text says what it shows.
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
#: Width (CSS px) an image in a thread previews at on a phone: about a phone's width less margins.
PREVIEW_WIDTH_PX = 360
#: Smallest text, in points as a reader sees it in that preview.
MIN_PREVIEW_POINTS = 10
#: The figure: landscape (8:5), drawn at a fixed dpi (1280 x 800 px).
FIGURE_INCHES = (6.4, 4.0)
DPI = 200
#: Type sizes (points on the figure): the smallest is MIN_PREVIEW_POINTS at the preview width.
TEXT_SIZE = 18
TITLE_SIZE = 18
CURRENT, PREVIOUS, TARGET = "#1f5fbf", "#9a9a9a", "#c0392b"


@dataclass(frozen=True)
class Panel:
    key: str
    #: One value per point of the chart (``None``: nothing for that row then).
    current: Sequence[MetricValue | None]
    #: The same number of points just before, aligned point by point (empty: none drawn).
    previous: Sequence[MetricValue | None] = ()
    #: A target in the KPI's unit (percent, minutes), drawn as a dashed line; ``None``: none.
    target: float | None = None


@dataclass(frozen=True)
class Chart:
    png: bytes
    alt_text: str
    title: str
    filename: str


def preview_points(size: float, width_inches: float = FIGURE_INCHES[0]) -> float:
    """How large a text of ``size`` points on the figure looks in the preview: the figure's width
    shown as PREVIEW_WIDTH_PX CSS px (96 to the inch)."""
    return size * PREVIEW_WIDTH_PX / (width_inches * 96)


def trend_chart(title: str, days: Sequence[date], panels: Sequence[Panel], *, filename: str,
                every: str = "daily") -> Chart:
    """A PNG of ``panels`` over ``days`` (each point's first day), one above the other.

    ``every`` "daily": the points are days (of 7-day rolling values when the caller made them
    so); "weekly" or "monthly": one point per week (``days``: their Mondays) or month (their 1sts)."""
    figure = trend_figure(days, panels, every=every)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return Chart(png=out.getvalue(), alt_text=alt_text(title, days, panels, every), title=title, filename=filename)


def trend_figure(days: Sequence[date], panels: Sequence[Panel], *, every: str = "daily"):  # noqa: ANN201
    """The matplotlib Figure of :func:`trend_chart` (the title is the Slack file's, not drawn)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=FIGURE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(panels), 1, squeeze=False, sharex=True)[:, 0]
    x = list(range(len(days)))
    for ax, panel in zip(axes, panels):
        scale, unit = _scale(panel)
        current = [_value(m, scale) for m in panel.current]
        if panel.previous:
            ax.plot(x, [_value(m, scale) for m in panel.previous], linestyle=":", color=PREVIOUS, linewidth=2)
        if KPIS[panel.key].kind is Kind.RATE:
            low = [math.nan if m is None or m.ci_low is None else m.ci_low for m in panel.current]
            high = [math.nan if m is None or m.ci_high is None else m.ci_high for m in panel.current]
            ax.fill_between(x, low, high, color=CURRENT, alpha=0.18, linewidth=0)
        ax.plot(x, current, color=CURRENT, linewidth=2.5, marker="o" if every != "daily" else None, markersize=5)
        title = _short_label(panel.key) + unit
        if panel.target is not None:
            if _in_view(panel.target / scale, current):
                ax.axhline(panel.target / scale, color=TARGET, linestyle="--", linewidth=1.8)
            title += f" · target {_text(panel.key, panel.target)}"
        ax.set_title(title, fontsize=TITLE_SIZE, loc="left")
        _label_last(ax, x, current, panel, scale)
        ax.tick_params(labelsize=TEXT_SIZE)
        ax.grid(True, alpha=0.3)
        ax.locator_params(axis="y", nbins=4)
        ticks = sorted({0, len(x) // 2, len(x) - 1}) if x else []  # first, middle, and the last day named
        ax.set_xticks(ticks, [_tick(every, days[i]) for i in ticks])
        ax.set_xlim(-0.4, len(x) - 0.6)  # every point's place, measured or not (a store synced lately)
        if KPIS[panel.key].kind is Kind.RATE:
            seen = [v for v in current + [panel.target or math.nan] if not math.isnan(v)]
            ax.set_ylim(bottom=max(0, min(seen or [0]) - 15), top=102)
    return figure


def _in_view(target: float, values: Sequence[float]) -> bool:
    """Whether a target line fits without flattening the data: within the data's range widened by
    that range (a 24-hour SLA over 1-hour medians is named in the title, not drawn)."""
    seen = [v for v in values if not math.isnan(v)]
    if not seen:
        return False
    low, high = min(seen), max(seen)
    span = max(high - low, abs(high) * 0.5)
    return low - span <= target <= high + span


def _label_last(ax, x: Sequence[int], values: Sequence[float], panel: Panel, scale: float) -> None:  # noqa: ANN001
    """The last point's value (with its n for a rate) written beside it, in the axis's unit."""
    metric = panel.current[-1] if panel.current else None
    if metric is None or metric.value is None:
        return
    text = _text(panel.key, metric.value)
    if KPIS[panel.key].kind is Kind.TIME:
        text = f"{metric.value / 60:.1f}h" if scale == 60 else f"{metric.value:.0f} min"
    if KPIS[panel.key].kind is Kind.RATE and metric.n is not None:
        text += f", n={metric.n:,}"
    ax.annotate(text, (x[-1], values[-1]), xytext=(6, 0), textcoords="offset points", fontsize=TEXT_SIZE,
                color=CURRENT, va="center", ha="left", fontweight="bold")


def _short_label(key: str) -> str:
    """"CSAT", "Reply", "Reply, business hours": short enough for a title in type this large."""
    business = key.endswith("_business")
    spec = KPIS[key.removesuffix("_business")] if business else KPIS[key]
    return (spec.short_label or spec.label) + (", business hours" if business else "")


def _tick(every: str, day: date) -> str:
    return f"{day:%b}" if every == "monthly" else f"{day.day} {day:%b}"


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
        return 1.0, " %" if KPIS[panel.key].unit == "%" else ""
    values = [m.value for m in (*panel.current, *panel.previous) if m is not None and m.value is not None]
    return (60.0, " (h)") if values and max(values) > 120 else (1.0, " (min)")


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
    against = f", against the {len(days)} days before, dotted." if any(p.previous for p in panels) else "."
    what = "values over the 7 days to each day" if every == "daily" else f"{every} values"
    sentences = [
        f"{title}: line charts of {what} from {_point_text(every, first)} to {_point_text(every, last)}{against}"
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
        if last_metric is not None and last_metric.value is not None and KPIS[panel.key].kind is Kind.RATE:
            last_text += f" (n={last_metric.n or 0:,})"
        target = f"; target {_text(panel.key, panel.target)}" if panel.target is not None else ""
        sentences.append(
            f"{label} per {unit}: between {_text(panel.key, min(values))} and {_text(panel.key, max(values))},"
            f" {last_text}{target}."
        )
    return clipped_alt(" ".join(sentences))


def clipped_alt(text: str) -> str:
    """``text`` cut to Slack's alt text limit."""
    return text if len(text) <= MAX_ALT_TEXT else text[: MAX_ALT_TEXT - 1] + "…"
