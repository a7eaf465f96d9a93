"""Reports that would count twice: after a merge in the registry (or from two sources), several approved reports
cover one community for one period. One counts (a coordinator's choice, else the survivor's own report, else the
first approved); the conflict is listed until a coordinator has chosen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.figures import FIGURES
from lcn_monitor.progress import repository as counting
from lcn_monitor.reports import repository
from lcn_monitor.reports.models import ConflictChoice
from lcn_monitor.reports.service import record_change
from lcn_shared.auth import Principal
from lcn_shared.problems import NotFound, UnprocessableContent


class RivalReport(BaseModel):
    """One of the approved reports on the community for the period."""

    report_id: UUID
    reported_on: UUID = Field(description="The community id it was made on (a merged-away one, perhaps).")
    source: str
    approved_revision: int
    counts: bool = Field(description="Whether this is the one that counts.")
    figures: dict[str, int | None]


class Conflict(BaseModel):
    """Approved reports that would count twice for one community and period."""

    community_id: UUID = Field(description="The community they count under (the survivor).")
    community_name: str
    period: str
    chosen: bool = Field(description="Whether a coordinator chose the one that counts; else a rule did.")
    reports: list[RivalReport]


class Conflicts(BaseModel):
    """Every conflict (a few at most: one page)."""

    data: list[Conflict]
    next_cursor: str | None = Field(None, description="Always null: every conflict fits on one page.")


class ChoiceIn(BaseModel):
    """The report that counts."""

    model_config = ConfigDict(extra="forbid")

    report_id: UUID


def group(rows: Sequence[dict[str, Any]], chosen: set[tuple[UUID, str]]) -> list[Conflict]:
    """The ranked rows as one conflict per community and period."""
    conflicts: dict[tuple[UUID, str], Conflict] = {}
    for row in rows:
        key = (row["survivor_id"], row["period_id"])
        conflict = conflicts.setdefault(
            key,
            Conflict(
                community_id=row["survivor_id"],
                community_name=row["community_name"],
                period=row["period_id"],
                chosen=key in chosen,
                reports=[],
            ),
        )
        conflict.reports.append(
            RivalReport(
                report_id=row["report_id"],
                reported_on=row["community_id"],
                source=row["source"],
                approved_revision=row["approved_revision"],
                counts=row["rank"] == 1,
                figures={name: row[name] for name in FIGURES},
            )
        )
    return list(conflicts.values())


async def list_conflicts(session: AsyncSession, *, period_id: str | None) -> list[Conflict]:
    """Every community and period with more than one approved report."""
    rows = await counting.conflicts(session, period_id=period_id)
    chosen = {(choice.survivor_id, choice.period_id) for choice in await repository.conflict_choices(session)}
    return group(rows, chosen)


async def choose(
    session: AsyncSession, *, community_id: UUID, period_id: str, report_id: UUID, principal: Principal, now: datetime
) -> Conflict:
    """Make `report_id` the one that counts for the community (its survivor) and period (coordinators)."""
    survivor = await counting.survivor_of(session, community_id)
    if survivor is None:
        raise NotFound(f"The monitor knows no community {community_id}.")
    conflict = next(
        (item for item in await list_conflicts(session, period_id=period_id) if item.community_id == survivor), None
    )
    if conflict is None:
        raise NotFound(f"Community {survivor} has no conflicting reports for {period_id}.")
    if report_id not in {rival.report_id for rival in conflict.reports}:
        raise UnprocessableContent(
            f"Report {report_id} is not one of the approved reports on {survivor} for {period_id}."
        )
    choice = await session.get(ConflictChoice, (survivor, period_id))
    previous = choice.report_id if choice else None
    choice = choice or ConflictChoice(
        survivor_id=survivor, period_id=period_id, report_id=report_id, decided_by="", decided_at=now
    )
    choice.report_id, choice.decided_by, choice.decided_at = report_id, principal.actor, now
    session.add(choice)
    report = await repository.get(session, report_id)
    assert report is not None, "a rival is a stored report"
    record_change(
        session,
        report,
        change="chosen",
        changes={"counts_instead_of": str(previous) if previous else None},
        actor=principal.actor,
        now=now,
    )
    await session.flush()
    (chosen,) = [item for item in await list_conflicts(session, period_id=period_id) if item.community_id == survivor]
    return chosen
