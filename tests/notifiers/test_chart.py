"""The digest chart: landscape, legible in Slack's phone preview, and alt text that says what it shows."""

from __future__ import annotations

import struct
from datetime import date, timedelta

from matplotlib.collections import PolyCollection
from matplotlib.text import Text

from kpis.results import MetricValue
from notifiers.chart import Panel, trend_chart, trend_figure

DAYS = [date(2026, 11, 2) + timedelta(days=i) for i in range(14)]
WEEKS = [date(2026, 9, 21) + timedelta(days=7 * i) for i in range(8)]


def csat(value, n=40):
    return MetricValue("csat", value, n=n, ci_low=value - 8, ci_high=min(100.0, value + 6), insufficient_data=n < 10)


def frt(minutes):
    return MetricValue("first_reply_time_median_business", minutes, n=30, insufficient_data=False)


def panels():
    current_csat = [csat(80.0 + i) for i in range(13)] + [csat(83.0, n=41)]
    current_frt = [frt(90.0 + 30 * i) for i in range(13)] + [None]  # the last day: nothing measured
    return [Panel("csat", current_csat, target=80.0),
            Panel("first_reply_time_median_business", current_frt, target=240.0)]


def texts(figure):
    figure.canvas.draw()
    return [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]


def test_the_chart_is_a_landscape_png_with_alt_text_naming_each_panel_its_last_value_and_target():
    chart = trend_chart("Billing: CSAT and first reply", DAYS, panels(), filename="billing-2026-11-15.png")
    assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", chart.png[16:24])  # IHDR
    assert (width, height) == (1280, 800)  # 6.4 x 4 inches at 200 dpi: wider than tall
    assert chart.alt_text == (
        "Billing: CSAT and first reply: line charts of values over the 7 days to each day from 2 Nov 2026 to"
        " 15 Nov 2026. CSAT per day: between 80% and 92%, 83% on 15 Nov 2026 (n=41); target 80%."
        " First reply (median, business) per day: between 1.5h and 7.5h, no value on 15 Nov 2026; target 4.0h."
    )


def test_every_text_is_at_least_10_points_in_slacks_phone_preview():
    figure = trend_figure(DAYS, panels())
    found = texts(figure)
    assert len(found) > 10  # titles, ticks of both axes, the last value
    # Shown 360 CSS px wide (96 px to the inch), the 1280 px image is scaled by 360 / 1280; a text of
    # s points is s * 200 / 72 px in the PNG, so s * 200 / 72 * 360 / 1280 px = that * 72 / 96 points.
    for text in found:
        preview = text.get_fontsize() * 200 / 72 * 360 / 1280 * 72 / 96
        assert preview >= 10, (text.get_text(), text.get_fontsize())


def test_the_rate_has_its_interval_shaded_the_targets_drawn_and_the_last_day_labelled():
    figure = trend_figure(DAYS, panels())
    words = [t.get_text() for t in texts(figure)]
    assert "83%, n=41" in words  # the last point's value and its n
    assert "CSAT % · target 80%" in words and "Reply, business hours (h) · target 4.0h" in words
    assert "15 Nov" in words  # the last day named on the axis
    csat_axes, frt_axes = figure.axes
    assert [c for c in csat_axes.collections if isinstance(c, PolyCollection)]  # the 95% interval
    assert not [c for c in frt_axes.collections if isinstance(c, PolyCollection)]  # a median has none here
    dashed = [line for line in frt_axes.lines if line.get_linestyle() == "--"]
    assert [line.get_ydata()[0] for line in dashed] == [4.0]  # 240 minutes, plotted in hours


def test_a_weekly_chart_has_one_point_per_week_and_names_the_weeks():
    weekly = [Panel("csat", [csat(70.0 + 3 * i) for i in range(8)]),
              Panel("first_reply_time_median_business", [frt(300.0 - 20 * i) for i in range(8)])]
    figure = trend_figure(WEEKS, weekly, every="weekly")
    words = [t.get_text() for t in texts(figure)]
    assert {"21 Sep", "9 Nov", "91%, n=40"} <= set(words)
    assert len(figure.axes[0].lines[0].get_xdata()) == 8
    chart = trend_chart("Billing: weekly", WEEKS, weekly, filename="b.png", every="weekly")
    assert "CSAT per week: between 70% and 91%, 91% in the week of 9 Nov 2026 (n=40)." in chart.alt_text


def test_a_target_far_from_the_data_is_named_but_not_drawn_over_it():
    # A 24-hour SLA over medians of about an hour: a line there would flatten the data to the floor.
    quick = [Panel("first_reply_time_median_business", [frt(60.0 + i) for i in range(14)], target=1440.0)]
    figure = trend_figure(DAYS, quick)
    words = [t.get_text() for t in texts(figure)]
    assert "Reply, business hours (min) · target 24.0h" in words
    assert "73 min" in words  # the last day (60 + 13 minutes), in the axis's unit
    assert not [line for line in figure.axes[0].lines if line.get_linestyle() == "--"]


def test_periods_without_values_keep_their_place_on_the_axis():
    # A store synced six weeks ago: the first months of the trend have nothing to draw.
    months = [date(2026, m, 1) for m in range(4, 12)]
    sparse = [Panel("csat", [None] * 6 + [csat(87.0), csat(84.0, n=670)]),
              Panel("first_reply_time_median_business", [None] * 6 + [frt(94.0), frt(88.0)])]
    figure = trend_figure(months, sparse, every="monthly")
    words = [t.get_text() for t in texts(figure)]
    assert {"Apr", "Aug", "Nov", "84%, n=670", "88 min"} <= set(words)  # first, middle and last month named
    left, right = figure.axes[0].get_xlim()
    assert left < 0 and right > 7
