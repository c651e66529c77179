"""``[scorecard]``: the weights of the agent scorecard's composite and the data each part needs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kpis.scorecard import DEFAULT_SCORECARD_WEIGHTS, ScorecardConfig

COMPONENTS = tuple(DEFAULT_SCORECARD_WEIGHTS)


class ScorecardSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    #: Component -> weight (renormalised over the components with enough data).
    weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_SCORECARD_WEIGHTS))
    #: A component whose n is below this is left out; unset: ``[reporting] min_sample``.
    min_sample: int | None = Field(default=None, ge=1)

    @field_validator("weights")
    @classmethod
    def _known_components(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = [k for k in value if k not in COMPONENTS]
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: scorecard components are {', '.join(COMPONENTS)}")
        if not value or any(w < 0 for w in value.values()) or not any(value.values()):
            raise ValueError("give at least one component a positive weight (weights may not be negative)")
        return {k: w for k, w in value.items() if w > 0}

    def scorecard_config(self, reporting_min_sample: int) -> ScorecardConfig:
        """What the KPI core takes (``min_sample`` unset: the reporting one)."""
        return ScorecardConfig(weights=dict(self.weights), min_sample=self.min_sample or reporting_min_sample)
