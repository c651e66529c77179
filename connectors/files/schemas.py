"""The column schema of each importable file, and the validation of one row into records.

Every problem with a row raises ``ValueError`` with a message naming the column; the connector
adds the file and line number. Times: ISO 8601 date-times (``2026-11-03T14:05:00Z``; no offset
means UTC) or dates (midnight UTC).
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any

from kpis.imported_records import Account, RetentionSpend, Review, SurveyAnswer
from kpis.records import Rating, RatingScale, RatingState, SurveyKind
from kpis.scales import normalize

SOURCE = "file"
_CSAT_SCALES = {s.value: s for s in RatingScale}
_TRUE, _FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n"}


def _text(row: dict[str, Any], column: str, *, required: bool = False) -> str | None:
    value = row.get(column)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError(f"{column} is missing")
        return None
    return str(value).strip()


def _number(row: dict[str, Any], column: str, *, required: bool = False) -> float | None:
    text = _text(row, column, required=required)
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a number") from None


def _moment(row: dict[str, Any], column: str, *, required: bool = False) -> datetime | None:
    text = _text(row, column, required=required)
    if text is None:
        return None
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0), tzinfo=timezone.utc)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a date (YYYY-MM-DD) or date-time (ISO 8601)") from None
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return moment.replace(microsecond=0)


def _flag(row: dict[str, Any], column: str, default: bool) -> bool:
    text = _text(row, column)
    if text is None:
        return default
    if text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    raise ValueError(f"{column} {text!r} is not true or false")


def _namespace(row: dict[str, Any], instance: str) -> tuple[str, str]:
    """An answer about a helpdesk ticket lives in that helpdesk's namespace (``helpdesk`` column,
    e.g. ``zendesk:acme``), so that it joins its ticket and is attributed to its agent and team."""
    helpdesk = _text(row, "helpdesk")
    if helpdesk is None:
        return SOURCE, instance
    source, _, name = helpdesk.partition(":")
    if not source or not name:
        raise ValueError(f"helpdesk {helpdesk!r} must be source:instance, e.g. zendesk:acme")
    return source, name


def survey_records(row: dict[str, Any], instance: str, line: int) -> list[Rating | SurveyAnswer]:
    """A row of a surveys file: ``kind`` nps (0-10), ces (scale_min..scale_max, default 1-7) or csat."""
    kind = (_text(row, "kind", required=True) or "").lower()
    source, namespace = _namespace(row, instance)
    vendor_id = f"import:{instance}:{_text(row, 'id') or f'line-{line}'}"
    answered = _moment(row, "answered_at", required=True)
    common = dict(ticket_id=_text(row, "ticket_id"), agent_id=_text(row, "agent_id"), team_id=_text(row, "team_id"))
    if kind == "csat":
        scale_name = (_text(row, "scale") or "1-5").lower()
        if scale_name not in _CSAT_SCALES:
            raise ValueError(f"scale {scale_name!r} is not one of {', '.join(_CSAT_SCALES)}")
        scale = _CSAT_SCALES[scale_name]
        raw = _text(row, "value", required=True)
        positive, score = normalize(scale, raw)
        return [Rating(source, namespace, vendor_id, state=RatingState.RECEIVED, scale=scale, offered_at=answered,
                       rated_at=answered, score_raw=raw, positive=positive, score=score,
                       comment=_text(row, "comment"), reason=_text(row, "reason"), updated_at=answered, **common)]
    if kind not in ("nps", "ces"):
        raise ValueError(f"kind {kind!r} is not nps, ces or csat")
    value = _number(row, "value", required=True)
    if kind == "nps":
        low, high, better = 0.0, 10.0, True
        if value != int(value):
            raise ValueError(f"value {value:g} is not a whole number from 0 to 10")
    else:
        low, high = _number(row, "scale_min"), _number(row, "scale_max")
        low, high = 1.0 if low is None else low, 7.0 if high is None else high
        better = _flag(row, "higher_is_better", True)
        if high <= low:
            raise ValueError("scale_max must be above scale_min")
    if not low <= value <= high:
        raise ValueError(f"value {value:g} is outside {low:g}..{high:g}")
    return [SurveyAnswer(source, namespace, vendor_id, SurveyKind(kind), value, answered, low, high,
                         higher_is_better=better, respondent_id=_text(row, "respondent_id"),
                         comment=_text(row, "comment"), **common)]


def account_records(row: dict[str, Any], instance: str, line: int) -> list[Account]:
    """A row of an accounts file: id, name, started_at, ended_at (empty while a customer), monthly_revenue.

    With a ``helpdesk`` column (``zendesk:acme``) the account is that helpdesk's organisation whose
    id is ``id`` (Zendesk organization, Freshdesk company, Intercom company) and lives in its
    namespace, as a survey answer does: its tickets are the ones naming that organisation."""
    source, namespace = _namespace(row, instance)
    started = _moment(row, "started_at", required=True)
    ended = _moment(row, "ended_at")
    if ended is not None and ended < started:
        raise ValueError("ended_at is before started_at")
    revenue = _number(row, "monthly_revenue")
    if revenue is not None and revenue < 0:
        raise ValueError("monthly_revenue is negative")
    return [Account(source, namespace, _text(row, "id", required=True), started, ended, _text(row, "name"), revenue)]


def spend_records(row: dict[str, Any], instance: str, line: int) -> list[RetentionSpend]:
    """A row of a retention spend file: spent_at, amount, optional id and note."""
    amount = _number(row, "amount", required=True)
    if amount < 0:
        raise ValueError("amount is negative")
    vendor_id = _text(row, "id") or f"line-{line}"
    return [RetentionSpend(SOURCE, instance, vendor_id, _moment(row, "spent_at", required=True), amount,
                           _text(row, "note"))]


#: The review columns that are category scores: one of these, ``category_<name>`` for any other
#: category, or (JSON Lines) a ``categories`` object.
STANDARD_CATEGORIES = ("accuracy", "tone", "solution", "process")
_CATEGORY_PREFIX = "category_"


def review_records(row: dict[str, Any], instance: str, line: int) -> list[Review]:
    """A row of a reviews file: ticket_id, reviewer, reviewed_at, score (scale_min..scale_max, default
    0-100), per-category scores on the same scale, optional agent_id, comment and helpdesk."""
    source, namespace = _namespace(row, instance)
    ticket = _text(row, "ticket_id", required=True)
    reviewer = _text(row, "reviewer", required=True)
    reviewed = _moment(row, "reviewed_at", required=True)
    low, high = _number(row, "scale_min"), _number(row, "scale_max")
    low, high = 0.0 if low is None else low, 100.0 if high is None else high
    if high <= low:
        raise ValueError("scale_max must be above scale_min")
    score = _number(row, "score", required=True)
    categories = {}
    nested = row.get("categories")
    if nested is not None and not isinstance(nested, dict):
        raise ValueError("categories must be an object of category: score")
    columns = {k: v for k, v in row.items() if k in STANDARD_CATEGORIES or k.startswith(_CATEGORY_PREFIX)}
    candidates = {**columns, **(nested or {})}
    for column, value in candidates.items():
        name = str(column).strip().lower().removeprefix(_CATEGORY_PREFIX)
        number = _number({name: value}, name)
        if number is not None:
            categories[name] = number
    for name, value in (("score", score), *categories.items()):
        if not low <= value <= high:
            raise ValueError(f"{name} {value:g} is outside the scale {low:g}..{high:g}")
    agent = _text(row, "agent_id")
    return [Review(source, namespace, f"{ticket}:{reviewer}", ticket, reviewer, reviewed, score, low, high,
                   categories=categories, agent_id=agent, agent_named=agent is not None,
                   comment=_text(row, "comment"), updated_at=reviewed)]
