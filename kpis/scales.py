"""Satisfaction scales: a vendor's raw score to "positive or not" and a 0..1 score.

The one place the KPI definitions' rules live: positive is Zendesk ``good``, 4-5 on a 1-5
scale, Freshdesk codes above 100, Help Scout ``great``; neutral counts as not positive. The 0..1
score (for CSSS) is good = 1 / bad = 0, (s - 1) / 4 on 1..5, and the scale's points evenly
spread from 0 to 1 otherwise. Connectors call :func:`normalize`; nothing else interprets scores.
"""

from __future__ import annotations

from kpis.records import RatingScale

# Freshdesk survey codes: https://developers.freshdesk.com/api/#satisfaction-ratings
_FRESHDESK_7 = {"-103": 0, "-102": 1, "-101": 2, "100": 3, "101": 4, "102": 5, "103": 6}
_FRESHDESK_3 = {"-103": 0, "100": 1, "103": 2}
_HELPSCOUT = {"not good": 0, "okay": 1, "great": 2}


def normalize(scale: RatingScale, raw: str | int | float) -> tuple[bool, float]:
    """(positive, score 0..1) of a received rating; ValueError for a score not on the scale."""
    text = str(raw).strip().lower()
    if scale is RatingScale.GOOD_BAD:
        if text not in ("good", "bad"):
            raise ValueError(f"{raw!r} is not a good/bad rating")
        return text == "good", 1.0 if text == "good" else 0.0
    if scale is RatingScale.ONE_TO_FIVE:
        value = float(text)
        if value not in (1, 2, 3, 4, 5):
            raise ValueError(f"{raw!r} is not on the 1-5 scale")
        return value >= 4, (value - 1) / 4
    points = {
        RatingScale.FRESHDESK_7: _FRESHDESK_7,
        RatingScale.FRESHDESK_3: _FRESHDESK_3,
        RatingScale.HELPSCOUT_3: _HELPSCOUT,
    }[scale]
    key = text.replace("_", " ") if scale is RatingScale.HELPSCOUT_3 else str(int(float(text)))
    if key not in points:
        raise ValueError(f"{raw!r} is not a {scale.value} rating")
    top = max(points.values())
    point = points[key]
    positive = point == top if scale is not RatingScale.FRESHDESK_7 else int(key) > 100
    return positive, point / top
