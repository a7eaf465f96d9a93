"""Good practices: written by their community's partners, curated by coordinators, read by everyone once curated.

A practice starts `submitted`; a coordinator publishes, features or hides it (hiding says why). Published and
featured practices are public. The others are seen only by coordinators and by the partners who lead or may edit
the community the practice counts under (its survivor). A partner's edit of a hidden practice puts it up for
curation again (`submitted`); an edit of a public one keeps it public and shows as `changed_since_curation`.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.engine import RowMapping
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.communities import repository as communities_repository
from lcn_monitor.communities import service as communities
from lcn_monitor.communities.models import CommunityView
from lcn_monitor.indicators import repository as indicators
from lcn_monitor.practices import repository
from lcn_monitor.practices.models import CODE_COLUMNS, PUBLIC_STATES, Practice, PracticeChange
from lcn_monitor.practices.repository import PracticeFilter, Viewer
from lcn_monitor.practices.schemas import (
    CurationIn,
    FacetValue,
    PracticeCreate,
    PracticeFacets,
    PracticeFilterParams,
    PracticePublic,
    PracticeUpdate,
)
from lcn_shared.auth import Principal, Role
from lcn_shared.contracts.vocabulary import LearningFunction, ProblemCategory, SuccessFactor, TargetGroup, Term
from lcn_shared.cursors import cursor_text
from lcn_shared.problems import Forbidden, NotFound, PreconditionFailed, UnprocessableContent

TEXTS = ("title", "summary", "lessons_learned")
CONTENT = (*TEXTS, "link", *CODE_COLUMNS, "indicator_keys")
# Per list column: the facet's (and filter's) parameter name and its vocabulary.
FACETS: dict[str, tuple[str, type[Term]]] = {
    "problem_categories": ("problem_category", ProblemCategory),
    "success_factors": ("success_factor", SuccessFactor),
    "learning_functions": ("learning_function", LearningFunction),
    "target_groups": ("target_group", TargetGroup),
}


def is_coordinator(principal: Principal | None) -> bool:
    """Coordinators and admins curate, and see every practice."""
    return principal is not None and principal.role in (Role.COORDINATOR, Role.ADMIN)


def viewer_of(principal: Principal | None) -> Viewer:
    """The eyes a listing reads with."""
    if is_coordinator(principal):
        return Viewer(sees_all=True)
    if principal is not None and principal.role is Role.PARTNER:
        return Viewer(organisation_id=principal.organisation_id)
    return Viewer()


def public_view(row: RowMapping) -> PracticePublic:
    """A practice (with the community it counts under) as the API shows it."""
    curated = row["curated_version"]
    return PracticePublic.model_validate(
        dict(row) | {"changed_since_curation": curated is not None and row["version"] > curated}
    )


def _jsonable(value: Any) -> Any:
    """A value as the history stores it."""
    return value.isoformat() if isinstance(value, datetime) else value


def _record(
    session: AsyncSession,
    practice: Practice,
    *,
    change: str,
    changes: Mapping[str, tuple[Any, Any]],
    principal: Principal,
    now: datetime,
) -> None:
    """Stage one history entry at the practice's (new) version: field -> (old, new)."""
    entry = PracticeChange(
        practice_id=practice.practice_id,
        version=practice.version,
        change=change,
        changes={name: {"old": _jsonable(old), "new": _jsonable(new)} for name, (old, new) in changes.items()},
        actor=principal.actor,
        changed_at=now,
    )
    repository.add(session, entry)


def _content(data: PracticeCreate | PracticeUpdate, *, given_only: bool) -> dict[str, Any]:
    """The body's fields as the table stores them: codes, trimmed texts."""
    values: dict[str, Any] = data.model_dump(mode="json", exclude_unset=given_only)
    return {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}


async def _check_indicators(session: AsyncSession, keys: list[str]) -> None:
    """Every linked indicator exists (a 422 naming the ones that do not)."""
    unknown = sorted(set(keys) - await indicators.known_keys(session, keys))
    if unknown:
        raise UnprocessableContent(
            f"No indicator {', '.join(unknown)}; see /v1/indicators.",
            errors=[{"loc": ["body", "indicator_keys"], "invalid": unknown, "msg": "unknown indicator"}],
        )


async def _writable_community(session: AsyncSession, *, community_id: UUID, principal: Principal) -> CommunityView:
    """The community a practice is written for, when the principal may write for it: a 422 when the monitor does
    not know it (it is named in the body), 403 when the principal may not edit it."""
    try:
        return await communities.editable_community(session, community_id=community_id, principal=principal)
    except NotFound as error:
        raise UnprocessableContent(
            str(error), errors=[{"loc": ["body", "community_id"], "msg": "unknown community"}]
        ) from error


async def create_practice(
    session: AsyncSession, *, data: PracticeCreate, principal: Principal, now: datetime
) -> Practice:
    """A new practice, `submitted` for curation, of a community the principal may write for."""
    await _writable_community(session, community_id=data.community_id, principal=principal)
    await _check_indicators(session, data.indicator_keys)
    content = _content(data, given_only=False)
    practice = Practice(
        practice_id=uuid.uuid4(),
        **content,
        curation="submitted",
        version=1,
        created_by=principal.actor,
        created_at=now,
        updated_by=principal.actor,
        updated_at=now,
    )
    repository.add(session, practice)
    fields = {name: (None, value) for name, value in content.items() if value not in (None, [])}
    changes = fields | {"curation": (None, "submitted")}
    _record(session, practice, change="created", changes=changes, principal=principal, now=now)
    await session.flush()
    return practice


async def _changing(
    session: AsyncSession, *, practice_id: UUID, expected_version: int | None, principal: Principal
) -> Practice:
    """The practice, locked, when the principal may edit it and `If-Match` names its version."""
    practice = await repository.get(session, practice_id, for_update=True)
    if practice is None:
        raise NotFound(f"No practice {practice_id}.")
    await communities.editable_community(session, community_id=practice.community_id, principal=principal)
    if expected_version is not None and expected_version != practice.version:
        raise PreconditionFailed(f"Practice {practice_id} is at version {practice.version}; fetch it and retry.")
    return practice


def _moved_on(practice: Practice, *, principal: Principal, now: datetime) -> None:
    """One version further, by the principal, now."""
    practice.version += 1
    practice.updated_by = principal.actor
    practice.updated_at = now


async def update_practice(
    session: AsyncSession,
    *,
    practice_id: UUID,
    data: PracticeUpdate,
    expected_version: int | None,
    principal: Principal,
    now: datetime,
) -> Practice:
    """Apply a merge patch; nothing changes (no version, no history) when the patch repeats what is there."""
    practice = await _changing(session, practice_id=practice_id, expected_version=expected_version, principal=principal)
    given = _content(data, given_only=True)
    if "indicator_keys" in given:
        await _check_indicators(session, given["indicator_keys"])
    stored = {name: getattr(practice, name) for name in given}
    changed = {name: (stored[name], value) for name, value in given.items() if stored[name] != value}
    if not changed:
        return practice
    if practice.curation == "hidden" and not is_coordinator(principal):
        # The editors answered the coordinator's note: the practice is up for curation again.
        changed["curation"] = (practice.curation, "submitted")
    for name, (_, value) in changed.items():
        setattr(practice, name, value)
    _moved_on(practice, principal=principal, now=now)
    repository.add(session, practice)
    _record(session, practice, change="edited", changes=changed, principal=principal, now=now)
    await session.flush()
    return practice


async def curate(
    session: AsyncSession,
    *,
    practice_id: UUID,
    data: CurationIn,
    expected_version: int | None,
    principal: Principal,
    now: datetime,
) -> Practice:
    """A coordinator publishes, features or hides the practice (with a note; hiding needs one)."""
    if not is_coordinator(principal):
        raise Forbidden("Only coordinators curate practices.")
    practice = await _changing(session, practice_id=practice_id, expected_version=expected_version, principal=principal)
    note = data.note.strip() if data.note is not None else None
    changed = {"curation": (practice.curation, data.state), "curation_note": (practice.curation_note, note)}
    practice.curation, practice.curation_note = data.state, note
    _moved_on(practice, principal=principal, now=now)
    practice.curated_by, practice.curated_at, practice.curated_version = principal.actor, now, practice.version
    repository.add(session, practice)
    _record(session, practice, change="curated", changes=changed, principal=principal, now=now)
    await session.flush()
    return practice


async def may_edit(session: AsyncSession, *, community_id: UUID, principal: Principal | None) -> bool:
    """True when the principal is a coordinator or a partner that leads (or may edit) the survivor community."""
    if is_coordinator(principal):
        return True
    if principal is None:
        return False
    community = await communities.resolve_community(session, community_id=community_id)
    return communities.may_edit(community, principal)


async def readable(session: AsyncSession, *, practice_id: UUID, principal: Principal | None) -> RowMapping:
    """The practice when the caller may see it; NotFound otherwise, so that hidden ids tell nothing."""
    row = await repository.view(session, practice_id)
    if row is None or (
        row["curation"] not in PUBLIC_STATES
        and not await may_edit(session, community_id=row["community_id"], principal=principal)
    ):
        raise NotFound(f"No practice {practice_id}.")
    return row


async def editable(session: AsyncSession, *, practice_id: UUID, principal: Principal) -> Practice:
    """The practice when the caller may edit it (its history is for editors); 404 unknown, 403 someone else's."""
    practice = await repository.get(session, practice_id)
    if practice is None:
        raise NotFound(f"No practice {practice_id}.")
    await communities.editable_community(session, community_id=practice.community_id, principal=principal)
    return practice


async def resolve_filter(session: AsyncSession, *, params: PracticeFilterParams) -> PracticeFilter:
    """The validated filters: the community as its survivor and the indicator must exist (422 otherwise)."""
    problems: list[dict[str, Any]] = []
    survivor_id = None
    if params.community_id is not None:
        community = await communities_repository.survivor(session, params.community_id)
        if community is None:
            problems.append({"parameter": "community_id", "invalid": [str(params.community_id)]})
        else:
            survivor_id = community.community_id
    if params.indicator is not None and not await indicators.known_keys(session, [params.indicator]):
        problems.append({"parameter": "indicator", "invalid": [params.indicator]})
    if problems:
        names = " and ".join(problem["parameter"] for problem in problems)
        raise UnprocessableContent(f"Unknown {names}: no such community or indicator.", errors=problems)
    codes = {
        column: tuple(dict.fromkeys(term.value for term in getattr(params, parameter)))
        for column, (parameter, _) in FACETS.items()
        if getattr(params, parameter)
    }
    return PracticeFilter(
        text=(params.q.strip() or None) if params.q is not None else None,
        survivor_id=survivor_id,
        landsdeel=params.landsdeel.value if params.landsdeel else None,
        topsector=params.topsector.value if params.topsector else None,
        codes=codes,
        indicator=params.indicator,
        curation=params.curation,
    )


def listing_tag(practice_filter: PracticeFilter) -> str:
    """A short digest of the filters (and so the order): a cursor only continues the listing that issued it."""
    canonical = {
        "text": practice_filter.text,
        "community": str(practice_filter.survivor_id),
        "landsdeel": practice_filter.landsdeel,
        "topsector": practice_filter.topsector,
        "codes": {column: sorted(codes) for column, codes in sorted(practice_filter.codes.items())},
        "indicator": practice_filter.indicator,
        "curation": practice_filter.curation,
    }
    digest = hashlib.blake2b(json.dumps(canonical, sort_keys=True).encode(), digest_size=6).hexdigest()
    return f"practices:{digest}"


def cursor_position(row: RowMapping) -> dict[str, Any]:
    """The position after a row: its sort key (a rank, or the creation time) and id."""
    key = row["sort_key"]
    return {"k": key.isoformat() if isinstance(key, datetime) else key, "id": str(row["practice_id"])}


def parse_position(practice_filter: PracticeFilter, position: dict[str, Any]) -> tuple[float | datetime, UUID]:
    """A cursor's (sort key, id) as the order compares them; ValueError/TypeError for anything else."""
    key = position["k"]
    practice_id = UUID(cursor_text(position["id"]))
    if practice_filter.text is not None:
        if isinstance(key, bool) or not isinstance(key, int | float) or not math.isfinite(key):
            raise ValueError(f"{key!r} is no rank")
        return float(key), practice_id
    moment = datetime.fromisoformat(cursor_text(key))
    if moment.tzinfo is None:
        raise ValueError(f"{key!r} has no time zone")
    return moment, practice_id


async def facets(session: AsyncSession, *, practice_filter: PracticeFilter, viewer: Viewer) -> PracticeFacets:
    """Every value of each vocabulary with its count under the filters (zero included)."""
    total, counts = await repository.facet_counts(session, practice_filter, viewer)
    by_parameter = {
        parameter: [
            FacetValue(code=term.value, label=term.label, count=counts[column].get(term.value, 0))
            for term in vocabulary
        ]
        for column, (parameter, vocabulary) in FACETS.items()
    }
    return PracticeFacets.model_validate({"total": total, **by_parameter})


CSV_HEADER = [
    "practice_id",
    "community_id",
    "survivor_id",
    "community_name",
    "landsdeel",
    "title",
    "summary",
    "problem_categories",
    "success_factors",
    "learning_functions",
    "target_groups",
    "lessons_learned",
    "link",
    "indicator_keys",
    "curation",
    "version",
    "created_by",
    "created_at",
    "updated_at",
]


def csv_row(row: RowMapping) -> list[Any]:
    """One practice as a line of the CSV export."""
    return [_jsonable(row[name]) for name in CSV_HEADER]
