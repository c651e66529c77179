"""Settings of one sample helpdesk instance (TOML section ``[connectors.sample.<instance>]``)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class SampleSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    #: Tickets in the whole synthetic history.
    tickets: int = Field(6000, ge=1)
    #: Days of history, ending at the anchor.
    days: int = Field(42, ge=1)
    teams: int = Field(5, ge=1, le=50)
    agents: int = Field(30, ge=1)
    seed: int = Field(7, ge=0)
    #: The synthetic helpdesk's "now". ``None``: the first sync's clock, remembered in the cursors
    #: so that resumed and repeated syncs regenerate the same data.
    anchor: datetime | None = None
    #: Tickets per page (ratings and survey answers follow the same ticket ranges).
    page_size: int = Field(1000, ge=1)
    #: A pool of this many tags, 1-4 of them on each ticket in place of the team's topic tag
    #: (0: the topic tag only). For the breakdown benchmarks.
    tag_pool: int = Field(0, ge=0)

    @field_validator("anchor")
    @classmethod
    def _whole_utc_seconds(cls, value: datetime | None) -> datetime | None:
        return None if value is None else to_whole_utc(value)

    @model_validator(mode="after")
    def _every_team_has_an_agent(self) -> SampleSettings:
        if self.agents < self.teams:
            raise ValueError(f"agents ({self.agents}) must be at least teams ({self.teams})")
        return self

    def fingerprint(self) -> str:
        """What the generated data depends on besides the anchor; kept in cursors so that a
        changed setting restarts the streams instead of mixing two different helpdesks."""
        shape = f"{self.tickets}/{self.days}/{self.teams}/{self.agents}/{self.seed}/{self.page_size}"
        if self.tag_pool:
            shape += f"/tags{self.tag_pool}"
        return hashlib.sha256(shape.encode()).hexdigest()[:12]


def to_whole_utc(value: datetime) -> datetime:
    """A naive datetime is taken as UTC; sub-second parts are dropped (records use whole seconds)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).replace(microsecond=0)
