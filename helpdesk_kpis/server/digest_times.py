"""When each digest is due, and which digest a late or caught-up run posts.

A digest job may run late: the process was down at its time, or busy. It then posts the digest
of the time it was due for -- the day before that time's local date -- never "yesterday" as seen
from whenever it happens to run, and only within ``[digest] catch_up_hours`` of that time and on
the same local day; after that it is missed, and says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from helpdesk_kpis.settings.models import FileConfig

OVERALL = "overall"


@dataclass(frozen=True)
class DueDigest:
    at: str  # "HH:MM", local
    scheduled: datetime  # the latest time it was due, at or before now (aware, local zone)

    @property
    def day(self) -> date:
        """The day the digest reports on: the one before its scheduled local date."""
        return self.scheduled.date() - timedelta(days=1)


def digest_times(config: FileConfig) -> dict[str, list[str]]:
    """Local time "HH:MM" -> the digests posted then (team names, and "overall" for the leads')."""
    by_time: dict[str, list[str]] = defaultdict(list)
    for team in config.teams:
        by_time[team.digest_time or config.digest.time].append(team.name)
    if config.digest.leads_channel:
        by_time[config.digest.time].append(OVERALL)
    return dict(sorted(by_time.items()))


def trigger(at: str, config: FileConfig) -> CronTrigger:
    hour, minute = (int(part) for part in at.split(":"))
    return CronTrigger(hour=hour, minute=minute, day_of_week=config.digest.days, timezone=config.reporting.zone)


def latest_due(at: str, config: FileConfig, now: datetime) -> DueDigest | None:
    """The latest time at or before ``now`` that the digests at ``at`` were due (a digest day), if
    it is within ``catch_up_hours`` and on the same local day as ``now``; else None."""
    zone: ZoneInfo = config.reporting.zone
    local_now = now.astimezone(zone)
    start_of_day = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    fire = trigger(at, config).get_next_fire_time(None, start_of_day)
    if fire is None or fire > local_now or fire.date() != local_now.date():
        return None
    if local_now - fire > timedelta(hours=config.digest.catch_up_hours):
        return None
    return DueDigest(at, fire)


def due_now(config: FileConfig, now: datetime) -> list[tuple[DueDigest, list[str]]]:
    """Digests whose time today has passed and may still be caught up (a starting scheduler posts
    them; the sent log makes those already posted post nothing twice)."""
    found = []
    for at, names in digest_times(config).items():
        due = latest_due(at, config, now)
        if due is not None:
            found.append((due, names))
    return found
