"""Clock arithmetic for the synthetic helpdesk: business hours and the ticket arrival curve.

Everything here works on numpy arrays of epoch seconds (UTC) so that a thousand tickets cost a
handful of vector operations.
"""

from __future__ import annotations

import numpy as np

MINUTE, HOUR, DAY = 60, 3_600, 86_400
WEEK = 7 * DAY
#: 1970-01-05 00:00 UTC was a Monday: business time is counted in whole weeks from it.
_MONDAY = 4 * DAY
#: Support works Monday to Friday, 08:00 to 18:00 UTC.
_OPENS, _CLOSES = 8 * HOUR, 18 * HOUR
_BUSINESS_DAY = _CLOSES - _OPENS
_BUSINESS_WEEK = 5 * _BUSINESS_DAY

#: Relative ticket arrivals per UTC hour: quiet nights, a morning ramp, a business-hours plateau.
HOUR_WEIGHT = np.array(
    [0.15, 0.12, 0.10, 0.10, 0.12, 0.18, 0.30, 0.55, 0.85, 1.00, 1.05, 1.05,
     0.95, 1.00, 1.05, 1.00, 0.90, 0.75, 0.60, 0.48, 0.40, 0.32, 0.25, 0.20]
)
#: Relative arrivals Monday..Sunday: Monday catches up on the weekend, weekends are quiet.
WEEKDAY_WEIGHT = np.array([1.18, 1.10, 1.05, 1.00, 0.92, 0.38, 0.32])


def business_seconds(t: np.ndarray) -> np.ndarray:
    """Business seconds elapsed since the reference Monday at each instant ``t``.

    The difference of two values is the business time between two instants, which is how
    helpdesks compute the ``_business`` twins of their durations.
    """
    weeks, rest = np.divmod(t - _MONDAY, WEEK)
    day, second = np.divmod(rest, DAY)
    today = np.where(day < 5, np.clip(second - _OPENS, 0, _BUSINESS_DAY), 0)
    return weeks * _BUSINESS_WEEK + np.minimum(day, 5) * _BUSINESS_DAY + today


def from_business_seconds(b: np.ndarray) -> np.ndarray:
    """The instant at which ``b`` business seconds have elapsed (inverse of business_seconds).

    Agents work in business hours, so work is drawn in business time and placed on the calendar
    with this: a ticket arriving on Saturday gets its answer on Monday morning.
    """
    weeks, rest = np.divmod(b, _BUSINESS_WEEK)
    day, second = np.divmod(rest, _BUSINESS_DAY)
    return _MONDAY + weeks * WEEK + day * DAY + _OPENS + second


def after(start: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``t`` moved to a whole number of minutes (at least one) after ``start``.

    Helpdesks report durations in whole minutes; keeping events on that grid makes
    ``solved_at == created_at + full_resolution_minutes`` exact and every timestamp whole seconds.
    """
    return start + np.maximum(1, np.ceil((t - start) / MINUTE)) * MINUTE


class ArrivalCurve:
    """Where in time ticket ``i`` of ``n`` is created: the inverse of the cumulative arrival rate.

    Mapping the ticket index through the inverse curve keeps creation times increasing with the
    ticket id (as in a real helpdesk) and lets any page be generated without the pages before it.
    """

    def __init__(self, anchor: int, days: int, rng: np.random.Generator) -> None:
        start = anchor - days * DAY
        hours = np.arange(np.ceil(start / HOUR) * HOUR, anchor, HOUR)
        self.edges = np.unique(np.concatenate([[start], hours, [anchor]])).astype(float)
        left = self.edges[:-1]
        hour_of_day = ((left % DAY) // HOUR).astype(int)
        weekday = (((left - _MONDAY) // DAY) % 7).astype(int)
        day_number = ((left - start) // DAY).astype(int)
        # Busy and quiet days, and noisy hours, so that the volume chart is not a ruler.
        day_noise = rng.lognormal(0.0, 0.12, days + 1)[day_number]
        hour_noise = rng.lognormal(0.0, 0.2, len(left))
        rate = HOUR_WEIGHT[hour_of_day] * WEEKDAY_WEIGHT[weekday] * day_noise * hour_noise
        cumulative = np.concatenate([[0.0], np.cumsum(rate * np.diff(self.edges))])
        self.cumulative = cumulative / cumulative[-1]

    def times(self, quantiles: np.ndarray) -> np.ndarray:
        return np.interp(quantiles, self.cumulative, self.edges)
