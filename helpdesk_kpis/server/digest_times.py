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
from kpis.periods import WEEKDAYS, Cadence

OVERALL = "overall"


@dataclass(frozen=True, order=True)
class DigestSlot:
    """When digests are posted: a local time, and for weekly and monthly ones their day."""

    at: str  # "HH:MM", local
    every: Cadence = "daily"
    on: str = ""  # weekly: "mon".."sun"; monthly: "1".."28"

    @property
    def job_id(self) -> str:
        return f"digest-{self.at}" if self.every == "daily" else f"digest-{self.at}-{self.every}-{self.on}"

    @property
    def label(self) -> str:
        return self.at if self.every == "daily" else f"{self.at} {self.every} ({self.on})"


@dataclass(frozen=True)
class DueDigest:
    slot: DigestSlot
    scheduled: datetime  # the latest time it was due, at or before now (aware, local zone)

    @property
    def day(self) -> date:
        """The day the digest reports on: the one before its scheduled local date."""
        return self.scheduled.date() - timedelta(days=1)


    @property
    def at(self) -> str:
        return self.slot.at


def digest_times(config: FileConfig) -> dict[DigestSlot, list[str]]:
    """Each slot -> the digests posted then (team names, and "overall" for the leads')."""
    by_time: dict[DigestSlot, list[str]] = defaultdict(list)
    for team in config.teams:
        by_time[DigestSlot(team.digest_time or config.digest.time, team.digest, team.digest_day or "")].append(team.name)
    if config.digest.leads_channel:
        digest = config.digest
        by_time[DigestSlot(digest.time, digest.leads_digest, digest.leads_digest_day or "")].append(OVERALL)
    return dict(sorted(by_time.items()))


def trigger(slot: DigestSlot | str, config: FileConfig) -> CronTrigger:
    slot = DigestSlot(slot) if isinstance(slot, str) else slot
    hour, minute = (int(part) for part in slot.at.split(":"))
    zone = config.reporting.zone
    if slot.every == "weekly":
        return CronTrigger(hour=hour, minute=minute, day_of_week=WEEKDAYS.index(slot.on), timezone=zone)
    if slot.every == "monthly":
        return CronTrigger(hour=hour, minute=minute, day=int(slot.on), timezone=zone)
    return CronTrigger(hour=hour, minute=minute, day_of_week=config.digest.days, timezone=zone)


def latest_due(slot: DigestSlot | str, config: FileConfig, now: datetime) -> DueDigest | None:
    """The latest time at or before ``now`` that the digests at ``at`` were due (a digest day), if
    it is within ``catch_up_hours`` and on the same local day as ``now``; else None."""
    zone: ZoneInfo = config.reporting.zone
    local_now = now.astimezone(zone)
    start_of_day = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    slot = DigestSlot(slot) if isinstance(slot, str) else slot
    fire = trigger(slot, config).get_next_fire_time(None, start_of_day)
    if fire is None or fire > local_now or fire.date() != local_now.date():
        return None
    if local_now - fire > timedelta(hours=config.digest.catch_up_hours):
        return None
    return DueDigest(slot, fire)


def due_now(config: FileConfig, now: datetime) -> list[tuple[DueDigest, list[str]]]:
    """Digests whose time today has passed and may still be caught up (a starting scheduler posts
    them; the sent log makes those already posted post nothing twice)."""
    found = []
    for slot, names in digest_times(config).items():
        due = latest_due(slot, config, now)
        if due is not None:
            found.append((due, names))
    return found
