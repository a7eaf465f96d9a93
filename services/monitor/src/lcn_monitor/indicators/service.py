"""Managing indicators: definitions, baselines, targets and observations, each change versioned and in the history.

An indicator and its baselines, targets and observations are one aggregate: every change to any of them moves
the indicator's version on, so one `If-Match` guards them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.indicators import repository
from lcn_monitor.indicators.models import Baseline, Indicator, IndicatorChange, Observation, Target
from lcn_monitor.indicators.schemas import (
    BaselineIn,
    IndicatorCreate,
    IndicatorPublic,
    IndicatorUpdate,
    ObservationIn,
    RatioDefinition,
    TargetIn,
    check_aggregation,
)
from lcn_monitor.periods import repository as periods
from lcn_shared.auth import Principal
from lcn_shared.problems import Conflict, NotFound, PreconditionFailed, UnprocessableContent

Part = Baseline | Target | Observation


def _jsonable(value: Any) -> Any:
    """A value as the history stores it."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _record(
    session: AsyncSession,
    indicator: Indicator,
    *,
    part: str,
    scope: str | None,
    change: str,
    changes: Mapping[str, tuple[Any, Any]],
    principal: Principal,
    now: datetime,
) -> None:
    """Stage one history entry: field -> (old, new)."""
    session.add(
        IndicatorChange(
            indicator_key=indicator.key,
            part=part,
            scope=scope,
            change=change,
            changes={name: {"old": _jsonable(old), "new": _jsonable(new)} for name, (old, new) in changes.items()},
            actor=principal.actor,
            changed_at=now,
        )
    )


async def get_indicator(session: AsyncSession, *, key: str) -> Indicator:
    """One indicator; NotFound when there is none."""
    indicator = await repository.get(session, key)
    if indicator is None:
        raise NotFound(f"No indicator {key!r}.")
    return indicator


async def _changing(session: AsyncSession, *, key: str, expected_version: int | None, now: datetime) -> Indicator:
    """The indicator, locked and checked against `If-Match`, with its version moved on."""
    indicator = await repository.get(session, key, for_update=True)
    if indicator is None:
        raise NotFound(f"No indicator {key!r}.")
    if expected_version is not None and expected_version != indicator.version:
        raise PreconditionFailed(f"Indicator {key!r} is at version {indicator.version}; fetch it and retry.")
    indicator.version += 1
    indicator.updated_at = now
    session.add(indicator)
    return indicator


async def _check_ratio(session: AsyncSession, *, key: str, definition: RatioDefinition) -> None:
    """A ratio divides two existing indicators that are not ratios themselves."""
    parts = {definition.numerator, definition.denominator}
    if key in parts:
        raise UnprocessableContent("A ratio cannot divide by or into itself.")
    found = {
        indicator.key: indicator for indicator in await repository.all_indicators(session) if indicator.key in parts
    }
    missing = sorted(parts - set(found))
    if missing:
        raise UnprocessableContent(f"No indicator {', '.join(missing)} to make the ratio of.")
    if any(indicator.source == "ratio" for indicator in found.values()):
        raise UnprocessableContent("A ratio divides registry or report indicators, not other ratios.")


async def create_indicator(
    session: AsyncSession, *, data: IndicatorCreate, principal: Principal, now: datetime
) -> Indicator:
    """A new indicator; Conflict when its key is taken."""
    if await repository.get(session, data.key) is not None:
        raise Conflict(f"Indicator {data.key!r} exists; change it with PATCH.")
    if isinstance(data.definition, RatioDefinition):
        await _check_ratio(session, key=data.key, definition=data.definition)
    indicator = Indicator(
        **data.model_dump(mode="json", exclude={"definition"}),
        source=data.definition.source,
        definition=data.definition.model_dump(mode="json"),
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(indicator)
    fields = data.model_dump(mode="json")
    _record(
        session,
        indicator,
        part="indicator",
        scope=None,
        change="created",
        changes={name: (None, value) for name, value in fields.items()},
        principal=principal,
        now=now,
    )
    await session.flush()
    return indicator


async def update_indicator(
    session: AsyncSession,
    *,
    key: str,
    data: IndicatorUpdate,
    expected_version: int | None,
    principal: Principal,
    now: datetime,
) -> Indicator:
    """Apply a merge patch; the definition keeps its source, and the aggregation must still suit it."""
    indicator = await _changing(session, key=key, expected_version=expected_version, now=now)
    given = data.model_dump(mode="json", exclude_unset=True)
    if "definition" in given and data.definition is not None:
        if data.definition.source != indicator.source:
            raise UnprocessableContent(f"Indicator {key!r} is a {indicator.source} indicator; its source stays.")
        if isinstance(data.definition, RatioDefinition):
            await _check_ratio(session, key=key, definition=data.definition)
    given = {name: value for name, value in given.items() if value is not None or name == "description"}
    changed = {
        name: (getattr(indicator, name), value) for name, value in given.items() if getattr(indicator, name) != value
    }
    try:
        check_aggregation(
            indicator.source, given.get("aggregation", indicator.aggregation), given.get("unit", indicator.unit)
        )
    except ValueError as error:
        raise UnprocessableContent(str(error)) from error
    for name, (_, value) in changed.items():
        setattr(indicator, name, value)
    _record(
        session,
        indicator,
        part="indicator",
        scope=None,
        change="changed",
        changes=changed,
        principal=principal,
        now=now,
    )
    await session.flush()
    return indicator


def _differences(stored: Part | None, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Field -> (old, new) for the values that change (all of them for a new part)."""
    return {
        name: (getattr(stored, name) if stored is not None else None, value)
        for name, value in values.items()
        if stored is None or _jsonable(getattr(stored, name)) != _jsonable(value)
    }


async def _put_part(
    session: AsyncSession,
    indicator: Indicator,
    *,
    part: str,
    scope: str,
    stored: Part | None,
    new: Part,
    values: Mapping[str, Any],
    principal: Principal,
    now: datetime,
) -> Part:
    """Create or overwrite one baseline, target or observation, and record what changed."""
    changes = _differences(stored, values)
    if stored is None:
        session.add(new)
        kept: Part = new
    else:
        for name, value in values.items():
            setattr(stored, name, value)
        stored.updated_at = now
        session.add(stored)
        kept = stored
    change = "created" if stored is None else "changed"
    _record(session, indicator, part=part, scope=scope, change=change, changes=changes, principal=principal, now=now)
    await session.flush()
    return kept


async def put_baseline(
    session: AsyncSession,
    *,
    key: str,
    scope: str,
    data: BaselineIn,
    expected_version: int | None,
    principal: Principal,
    now: datetime,
) -> Indicator:
    """Set the indicator's baseline in a scope."""
    indicator = await _changing(session, key=key, expected_version=expected_version, now=now)
    values = data.model_dump()
    stored = await repository.baseline(session, key, scope)
    new = Baseline(indicator_key=key, scope=scope, updated_at=now, **values)
    await _put_part(
        session,
        indicator,
        part="baseline",
        scope=scope,
        stored=stored,
        new=new,
        values=values,
        principal=principal,
        now=now,
    )
    return indicator


async def put_target(
    session: AsyncSession,
    *,
    key: str,
    scope: str,
    due_on: date,
    data: TargetIn,
    expected_version: int | None,
    principal: Principal,
    now: datetime,
) -> Indicator:
    """Set the indicator's target for a date in a scope; trajectory points lie before that date."""
    if any(point.on >= due_on for point in data.trajectory):
        raise UnprocessableContent(f"Trajectory points lie before the target's date, {due_on}.")
    indicator = await _changing(session, key=key, expected_version=expected_version, now=now)
    values = data.model_dump(mode="json", exclude={"value", "source_note"}) | {
        "value": data.value,
        "source_note": data.source_note,
    }
    stored = await repository.target(session, key, scope, due_on)
    new = Target(indicator_key=key, scope=scope, due_on=due_on, updated_at=now, **values)
    await _put_part(
        session,
        indicator,
        part="target",
        scope=scope,
        stored=stored,
        new=new,
        values={"due_on": due_on, **values} if stored is None else values,
        principal=principal,
        now=now,
    )
    return indicator


async def put_observation(
    session: AsyncSession,
    *,
    key: str,
    scope: str,
    period_id: str,
    data: ObservationIn,
    expected_version: int | None,
    principal: Principal,
    now: datetime,
) -> Indicator:
    """Set the figure a programme reported for a scope as a whole for a period (report indicators only)."""
    indicator = await _changing(session, key=key, expected_version=expected_version, now=now)
    if indicator.source != "reports":
        raise UnprocessableContent(
            f"Indicator {key!r} comes from the {indicator.source}; only report figures are observed."
        )
    if await periods.get(session, period_id) is None:
        raise UnprocessableContent(f"No reporting period {period_id!r}.")
    values = data.model_dump()
    stored = await repository.observation(session, key, scope, period_id)
    new = Observation(indicator_key=key, scope=scope, period_id=period_id, updated_at=now, **values)
    await _put_part(
        session,
        indicator,
        part="observation",
        scope=scope,
        stored=stored,
        new=new,
        values={"period_id": period_id, **values} if stored is None else values,
        principal=principal,
        now=now,
    )
    return indicator


async def remove_part(
    session: AsyncSession,
    *,
    key: str,
    part: str,
    scope: str,
    identity: tuple[Any, ...],
    expected_version: int | None,
    principal: Principal,
    now: datetime,
) -> Indicator:
    """Remove a baseline (identity ()), a target (its date) or an observation (its period); NotFound if absent."""
    indicator = await _changing(session, key=key, expected_version=expected_version, now=now)
    models: dict[str, type[Part]] = {"baseline": Baseline, "target": Target, "observation": Observation}
    stored = await session.get(models[part], (key, scope, *identity))
    if stored is None:
        raise NotFound(f"Indicator {key!r} has no such {part} in {scope}.")
    removed = {
        name: (value, None) for name, value in stored.model_dump().items() if name not in ("indicator_key", "scope")
    }
    await session.delete(stored)
    _record(session, indicator, part=part, scope=scope, change="removed", changes=removed, principal=principal, now=now)
    await session.flush()
    return indicator


async def indicator_views(session: AsyncSession, *, keys: list[str] | None = None) -> list[IndicatorPublic]:
    """Indicators with their baselines, targets and observations (four queries, whatever the number)."""
    indicators = [
        indicator for indicator in await repository.all_indicators(session) if keys is None or indicator.key in keys
    ]
    wanted = [indicator.key for indicator in indicators]
    grouped: dict[str, dict[str, list[Any]]] = {
        key: {"baselines": [], "targets": [], "observations": []} for key in wanted
    }
    for baseline in await repository.baselines(session, wanted):
        grouped[baseline.indicator_key]["baselines"].append(baseline.model_dump())
    for target in await repository.targets(session, wanted):
        grouped[target.indicator_key]["targets"].append(target.model_dump())
    for observation in await repository.observations(session, wanted):
        grouped[observation.indicator_key]["observations"].append(
            observation.model_dump() | {"period": observation.period_id}
        )
    return [IndicatorPublic.model_validate(indicator.model_dump() | grouped[indicator.key]) for indicator in indicators]
