"""The scorecard trend as a small PNG for Slack: one sparkline per agent over the last windows.

Drawn for a phone: a row per agent, its name and current score on the left, the line of its
composite score over the windows (oldest left) with the last point marked. The chart computes
nothing; the alt text says the same in words, for screen readers.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from kpis.scorecard import Scorecard
from kpis.windows import Window
from notifiers.chart import Chart, clipped_alt, stacked_figure

#: Agents drawn in one image (a team's scorecard lists more in text).
MAX_ROWS = 12


def scorecard_chart(title: str, cards: Sequence[Scorecard], windows: Sequence[Window], *, filename: str) -> Chart:
    shown = list(cards)[:MAX_ROWS]
    figure, axes = stacked_figure(title, len(shown), width=5.0, row_height=0.55, extra=0.9, title_size=12)
    x = list(range(len(windows)))
    for ax, card in zip(axes, shown):
        values = [math.nan if v is None else v for v in card.trend]
        ax.plot(x, values, color="#1f5fbf", linewidth=2)
        if not math.isnan(values[-1]):
            ax.plot([x[-1]], [values[-1]], marker="o", markersize=4, color="#1f5fbf")
        score = "–" if card.score is None else f"{card.score:.0f}"
        ax.set_ylabel(f"{card.name}  {score}", rotation=0, ha="right", va="center", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlim(-0.2, len(windows) - 0.8)
        for side in ("top", "right", "left", "bottom"):
            ax.spines[side].set_visible(False)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return Chart(png=out.getvalue(), alt_text=alt_text(title, shown, windows), title=title, filename=filename)


def alt_text(title: str, cards: Sequence[Scorecard], windows: Sequence[Window]) -> str:
    sentences = [f"{title}: composite scorecard per agent over {len(windows)} windows, "
                 f"{windows[0].label()} first, {windows[-1].label()} last."]
    for card in cards:
        trend = ", ".join("none" if v is None else f"{v:.0f}" for v in card.trend)
        sentences.append(f"{card.name}: {trend}.")
    return clipped_alt(" ".join(sentences))
