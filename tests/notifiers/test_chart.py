"""The digest chart: a PNG sized for a phone, and alt text that says what it shows."""

from __future__ import annotations

import struct
from datetime import date, timedelta

from kpis.results import MetricValue
from notifiers.chart import Panel, trend_chart

DAYS = [date(2026, 11, 2) + timedelta(days=i) for i in range(14)]


def csat(value, n=20):
    return MetricValue("csat", value, n=n, insufficient_data=n < 10)


def frt(minutes):
    return MetricValue("first_reply_time_median", minutes, n=30, insufficient_data=False)


def test_chart_is_a_phone_sized_png_with_alt_text_describing_each_panel():
    current_csat = [csat(80.0 + i) for i in range(13)] + [csat(70.0, n=4)]  # the last day: too few
    current_frt = [frt(90.0 + 30 * i) for i in range(13)] + [None]  # the last day: nothing measured
    chart = trend_chart(
        "Billing: daily CSAT and first reply", DAYS,
        [Panel("csat", current_csat, [csat(85.0)] * 14), Panel("first_reply_time_median", current_frt, [frt(60.0)] * 14)],
        filename="billing-2026-11-15.png",
    )
    assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", chart.png[16:24])  # IHDR
    assert width >= 900 and height > width  # tall: two panels stacked, readable on a phone
    assert chart.alt_text == (
        "Billing: daily CSAT and first reply: line charts of daily values from 2 Nov 2026 to 15 Nov 2026, solid,"
        " against the 14 days before, dashed. CSAT per day: between 70% and 92%, 70% on 15 Nov 2026."
        " First reply (median) per day: between 1.5h and 7.5h, no value on 15 Nov 2026."
    )
