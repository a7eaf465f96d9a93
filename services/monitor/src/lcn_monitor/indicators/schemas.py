"""Indicators as the API reads and writes them: the three kinds of definition, baselines, targets, observations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StrictFloat, model_validator

from lcn_monitor.figures import ReportField
from lcn_monitor.scopes import ScopeText
from lcn_shared.contracts.vocabulary import CommunityKind, Landsdeel, Topsector

KEY_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"
IndicatorKey = Annotated[str, Field(pattern=KEY_PATTERN, description="Lower-case letters, digits and hyphens.")]
# Figures far beyond any indicator's (EUR 300m is the largest target) are input errors.
MAX_VALUE = 1e13
Value = Annotated[StrictFloat, Field(ge=-MAX_VALUE, le=MAX_VALUE, allow_inf_nan=False)]
Note = Annotated[str, Field(min_length=2, max_length=500, description="Where the number comes from.")]
PlausibleDate = Annotated[date, Field(ge=date(1990, 1, 1), le=date(2100, 12, 31))]
Unit = Literal["count", "eur", "ratio"]
Direction = Literal["higher", "lower"]
Aggregation = Literal["count", "cumulative", "per_period", "ratio"]
RegistryMeasure = Literal["communities_started_since", "landsdelen_covered", "organisations_reached"]
STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegistryDefinition(BaseModel):
    """A figure derived from the registry's communities as the monitor's read model holds them."""

    model_config = STRICT

    source: Literal["registry"]
    measure: RegistryMeasure = Field(
        description="`communities_started_since`: active communities started on or after `since` (all active ones "
        "without it); `landsdelen_covered`: landsdelen with an active community on one of their `spearheads` (any "
        "active community where a landsdeel has none); `organisations_reached`: organisations in active communities."
    )
    since: PlausibleDate | None = None
    kinds: list[CommunityKind] = Field(default_factory=list, max_length=10, description="Only these kinds (any).")
    spearheads: dict[Landsdeel, list[Topsector]] = Field(
        default_factory=dict, description="Per landsdeel, the top sectors that are its regional spearheads."
    )

    @model_validator(mode="after")
    def _measure_fields(self) -> Self:
        """`since` belongs to started-since, `spearheads` to landsdelen-covered."""
        if self.since is not None and self.measure != "communities_started_since":
            raise ValueError("`since` applies to communities_started_since only")
        if self.spearheads and self.measure != "landsdelen_covered":
            raise ValueError("`spearheads` applies to landsdelen_covered only")
        return self


class ReportsDefinition(BaseModel):
    """A figure summed from the latest approved revision of each counted report."""

    model_config = STRICT

    source: Literal["reports"]
    fields: list[ReportField] = Field(min_length=1, max_length=7, description="The report fields added together.")
    kinds: list[CommunityKind] = Field(
        default_factory=list, max_length=10, description="Only reports on communities of these kinds (any)."
    )

    @model_validator(mode="after")
    def _distinct_fields(self) -> Self:
        """Each field is added once."""
        if len(set(self.fields)) != len(self.fields):
            raise ValueError("name each field once")
        return self


class RatioDefinition(BaseModel):
    """One indicator's figure divided by another's, in the same scope."""

    model_config = STRICT

    source: Literal["ratio"]
    numerator: IndicatorKey
    denominator: IndicatorKey


Definition = Annotated[RegistryDefinition | ReportsDefinition | RatioDefinition, Discriminator("source")]
AGGREGATIONS: dict[str, tuple[str, ...]] = {
    "registry": ("count",),
    "reports": ("cumulative", "per_period"),
    "ratio": ("ratio",),
}


class IndicatorBase(BaseModel):
    """What an indicator is."""

    name_nl: str = Field(min_length=2, max_length=200)
    name_en: str = Field(min_length=2, max_length=200)
    description: str | None = Field(None, max_length=2000)
    unit: Unit
    direction: Direction = "higher"
    tolerance: Annotated[StrictFloat, Field(ge=0, le=1)] = Field(
        0.1, description="How far behind its trajectory, as a share of baseline to target, still counts as at risk."
    )


class IndicatorCreate(IndicatorBase):
    """A new indicator; the aggregation must suit the definition's source."""

    model_config = STRICT

    key: IndicatorKey
    aggregation: Aggregation
    definition: Definition

    @model_validator(mode="after")
    def _aggregation_fits(self) -> Self:
        """Registry figures count, report figures add up per period or cumulatively, ratios divide."""
        check_aggregation(self.definition.source, self.aggregation, self.unit)
        return self


class IndicatorUpdate(BaseModel):
    """A merge patch of an indicator: absent fields stay (its key and source never change)."""

    model_config = STRICT

    name_nl: str | None = Field(None, min_length=2, max_length=200)
    name_en: str | None = Field(None, min_length=2, max_length=200)
    description: str | None = Field(None, max_length=2000)
    unit: Unit | None = None
    direction: Direction | None = None
    tolerance: Annotated[StrictFloat, Field(ge=0, le=1)] | None = None
    aggregation: Aggregation | None = None
    definition: Definition | None = None


def check_aggregation(source: str, aggregation: str, unit: str) -> None:
    """ValueError when the aggregation does not suit the source, or a ratio's unit is not `ratio`."""
    if aggregation not in AGGREGATIONS[source]:
        raise ValueError(f"a {source} indicator aggregates as {' or '.join(AGGREGATIONS[source])}")
    if (source == "ratio") != (unit == "ratio"):
        raise ValueError("a ratio indicator, and only one, has the unit `ratio`")


class BaselineIn(BaseModel):
    """Where the indicator stood at a date in a scope."""

    model_config = STRICT

    value: Value
    on: PlausibleDate
    source_note: Note


class TrajectoryPoint(BaseModel):
    """An intermediate point the indicator should pass on its way to a target."""

    model_config = STRICT

    on: PlausibleDate
    value: Value


class TargetIn(BaseModel):
    """Where the indicator should be by the target's date; the trajectory, when not a straight line."""

    model_config = STRICT

    value: Value
    source_note: Note
    trajectory: list[TrajectoryPoint] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _points_in_order(self) -> Self:
        """Trajectory points come in date order, one per date."""
        dates = [point.on for point in self.trajectory]
        if dates != sorted(set(dates)):
            raise ValueError("trajectory points are in date order, one per date")
        return self


class ObservationIn(BaseModel):
    """A figure for a period reported for the scope as a whole (a programme's own total)."""

    model_config = STRICT

    value: Value
    source_note: Note


class BaselinePublic(BaseModel):
    """A baseline."""

    scope: str
    value: float
    on: date
    source_note: str


class TargetPublic(BaseModel):
    """A target."""

    scope: str
    due_on: date
    value: float
    source_note: str
    trajectory: list[TrajectoryPoint]


class ObservationPublic(BaseModel):
    """An observation."""

    scope: str
    period: str
    value: float
    source_note: str


class IndicatorPublic(IndicatorBase):
    """An indicator with its baselines, targets and observations."""

    key: str
    source: str
    aggregation: str
    definition: dict[str, Any]
    version: int
    baselines: list[BaselinePublic]
    targets: list[TargetPublic]
    observations: list[ObservationPublic]
    created_at: datetime
    updated_at: datetime


class IndicatorsPublic(BaseModel):
    """Every indicator (there are a few dozen at most: one page)."""

    data: list[IndicatorPublic]
    next_cursor: str | None = Field(None, description="Always null: every indicator fits on one page.")


class IndicatorChangePublic(BaseModel):
    """One entry of an indicator's history."""

    change_id: int
    part: str
    scope: str | None
    change: str
    changes: dict[str, Any]
    actor: str
    changed_at: datetime


class IndicatorChangesPublic(BaseModel):
    """A page of an indicator's history, newest first."""

    data: list[IndicatorChangePublic]
    next_cursor: str | None


ScopePath = ScopeText
