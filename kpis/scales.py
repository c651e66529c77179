"""Satisfaction scales: a vendor's raw score to "positive or not" and a 0..1 score.

The one place the KPI definitions' rules live: positive is Zendesk ``good``, 4-5 on a 1-5
scale, Freshdesk codes above 100 (Happy on the classic survey), Help Scout ``great``; neutral
counts as not positive. The 0..1 score (for CSSS) is good = 1 / bad = 0, (s - 1) / 4 on 1..5, and
the scale's points evenly spread from 0 to 1 otherwise. Connectors call :func:`normalize`;
nothing else interprets scores.
"""

from __future__ import annotations

from kpis.records import RatingScale

# Freshdesk custom survey codes, per point scale: https://developers.freshdesk.com/api/#satisfaction-ratings
# (the codes a survey accepts are listed by GET /surveys as the default question's accepted_ratings).
_FRESHDESK_7 = {"-103": 0, "-102": 1, "-101": 2, "100": 3, "101": 4, "102": 5, "103": 6}
_FRESHDESK_5 = {"-103": 0, "-102": 1, "100": 2, "102": 3, "103": 4}
_FRESHDESK_3 = {"-103": 0, "100": 1, "103": 2}
_FRESHDESK_2 = {"-103": 0, "103": 1}
# The classic survey answers 1 Happy, 2 Neutral, 3 Unhappy; Freshdesk itself maps them onto the
# custom codes as 103, 100 and -103 when an account moves to custom surveys.
_FRESHDESK_CLASSIC = {"3": 0, "2": 1, "1": 2}
_HELPSCOUT = {"not good": 0, "okay": 1, "great": 2}

_POINTS = {
    RatingScale.FRESHDESK_7: _FRESHDESK_7,
    RatingScale.FRESHDESK_5: _FRESHDESK_5,
    RatingScale.FRESHDESK_3: _FRESHDESK_3,
    RatingScale.FRESHDESK_2: _FRESHDESK_2,
    RatingScale.FRESHDESK_CLASSIC: _FRESHDESK_CLASSIC,
    RatingScale.HELPSCOUT_3: _HELPSCOUT,
}
#: The custom-survey scales by their number of points.
FRESHDESK_BY_POINTS = {
    2: RatingScale.FRESHDESK_2,
    3: RatingScale.FRESHDESK_3,
    5: RatingScale.FRESHDESK_5,
    7: RatingScale.FRESHDESK_7,
}


def freshdesk_codes(scale: RatingScale) -> frozenset[int]:
    """The codes a Freshdesk scale accepts."""
    return frozenset(int(code) for code in _POINTS[scale])


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
    points = _POINTS[scale]
    key = text.replace("_", " ") if scale is RatingScale.HELPSCOUT_3 else str(int(float(text)))
    if key not in points:
        raise ValueError(f"{raw!r} is not a {scale.value} rating")
    top = max(points.values())
    point = points[key]
    if scale is RatingScale.HELPSCOUT_3 or scale is RatingScale.FRESHDESK_CLASSIC:
        positive = point == top
    else:
        positive = int(key) > 100
    return positive, point / top
