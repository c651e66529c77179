"""What every connector's mapping needs: vendor items to records with one clear error, and
vendor timestamps to the whole-second UTC datetimes the store keeps."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any, TypeVar

from connectors.errors import MalformedResponse

T = TypeVar("T")

#: The three-digit hour some vendor docs print ("2015-08-28T010:08:16Z"), read as its number.
_LOOSE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,3}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")


def records_of(items: Iterable[Any], build: Callable[[Any], T | list[T] | None], *, service: str, what: str) -> list[T]:
    """Map a page's items (each to a record, several, or none); one that cannot be read stops the
    sync with a clear line (its id and why)."""
    records: list[T] = []
    for item in items:
        try:
            record = build(item)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            ident = item.get("id") if isinstance(item, dict) else None
            reason = f"{service} sent a {what} that cannot be read (id {ident}: {type(error).__name__} {error})"
            raise MalformedResponse(f"{reason}; stopped: everything synced so far is kept", reason=reason) from None
        if isinstance(record, list):
            records.extend(record)
        elif record is not None:
            records.append(record)
    return records


def utc_from_iso(value: Any) -> datetime | None:
    """An ISO 8601 time (``Z``, an offset, or none meaning UTC) as an aware UTC datetime, whole
    seconds; ``None`` for nothing. Raises ValueError for text that is no time at all."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        match = _LOOSE.match(text)
        if match is None:
            raise ValueError(f"{text!r} is not an ISO 8601 time") from None
        year, month, day, hour, minute, second, zone = match.groups()
        parsed = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
        if zone and zone != "Z":
            parsed = datetime.fromisoformat(parsed.isoformat() + (zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).replace(microsecond=0)


def utc_from_epoch(value: Any) -> datetime | None:
    """UNIX seconds as an aware UTC datetime; ``None`` for nothing (or 0, which vendors send for unset)."""
    if value in (None, "", 0):
        return None
    return datetime.fromtimestamp(int(value), tz=timezone.utc)


def minutes_between(start: datetime | None, end: datetime | None) -> float | None:
    """Minutes from ``start`` to ``end``; ``None`` when either is missing or ``end`` comes first."""
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 60


def optional_id(value: Any) -> str | None:
    """A vendor id as text; ``None`` for nothing (vendors send 0 or "" for "unassigned" too)."""
    return None if value in (None, "", 0, "0") else str(value)
