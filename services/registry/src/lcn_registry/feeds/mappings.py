"""A source's mapping (ADR 0022): its own column names, separators and value spellings onto the feed record.

Every change stores a new version; an import job reads all its batches through the version current when it
was opened, and says which one it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from pydantic import ValidationError
from sqlalchemy import text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_registry.feeds.models import FeedMappingVersion, ImportJob
from lcn_registry.feeds.schemas import (
    FEED_FIELDS,
    LEAD_PARTNER,
    LIST_FIELDS,
    LIST_SEPARATOR,
    PARTNER_PATTERN,
    FeedMapping,
    FeedRecord,
    RecordResult,
)
from lcn_shared.auth import Principal
from lcn_shared.contracts.vocabulary import fold
from lcn_shared.deliveries import DELIMITER_NAMES, RawRow
from lcn_shared.problems import PreconditionFailed

REQUIRED_FIELDS = tuple(name for name, info in FeedRecord.model_fields.items() if info.is_required())
# Two PUTs of one source's mapping take turns, so each gets the next version or a 412.
MAPPING_LOCK = text("SELECT pg_advisory_xact_lock(hashtext('lcn:registry:feed-mapping:' || :source))")


def rejection_reason(error: ValidationError) -> str:
    """A validation error as one readable line per field."""
    return "; ".join(
        f"{'.'.join(str(part) for part in item['loc']) or 'record'}: {item['msg'].removeprefix('Value error, ')}"
        for item in error.errors()
    )


def read_record(
    data: dict[str, Any], mapping: FeedMapping | None
) -> tuple[dict[str, Any], dict[str, Any] | None, str | None]:
    """A delivered record through the mapping, then validated: (mapped, the record as JSON, why it was rejected)."""
    mapped = apply_mapping(mapping, data)
    try:
        return mapped, FeedRecord.model_validate(mapped).model_dump(mode="json"), None
    except ValidationError as error:
        return mapped, None, rejection_reason(error)


def apply_mapping(mapping: FeedMapping | None, data: dict[str, Any]) -> dict[str, Any]:
    """The record under the registry's names: columns renamed, lists split, the lead added, spellings replaced."""
    if mapping is None or not (mapping.columns or mapping.separators or mapping.values):
        return data
    targets = set(mapping.columns.values())
    # A column the mapping names is read as its target; another column of the target's name gives way to it.
    mapped = {name: value for name, value in data.items() if name not in mapping.columns and name not in targets}
    mapped |= {target: data[column] for column, target in mapping.columns.items() if column in data}
    for name, separator in mapping.separators.items():
        if isinstance(mapped.get(name), str):
            mapped[name] = [part.strip() for part in mapped[name].split(separator) if part.strip()]
    if LEAD_PARTNER in mapped:
        _add_lead(mapped, mapped.pop(LEAD_PARTNER))
    for name in mapping.values:
        if name in mapped:
            mapped[name] = _respelled(mapped[name], _folded_aliases(mapping, name), listed=name in LIST_FIELDS)
    return mapped


def _folded_aliases(mapping: FeedMapping, name: str) -> dict[str, str]:
    """A field's aliases keyed by their folded spelling (case, accents and punctuation ignored)."""
    return _fold_keys(tuple(mapping.values[name].items()))


@lru_cache(maxsize=256)
def _fold_keys(aliases: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Aliases by folded spelling, computed once per mapping version and field."""
    return {fold(spelling): code for spelling, code in aliases}


def _respelled(value: Any, aliases: dict[str, str], *, listed: bool) -> Any:
    """A value (or each value of a list) replaced by the code its spelling is an alias of."""
    if listed and isinstance(value, str):
        value = [part for part in LIST_SEPARATOR.split(value.strip()) if part]
    if isinstance(value, list):
        return [aliases.get(fold(item), item) if isinstance(item, str) else item for item in value]
    return aliases.get(fold(value), value) if isinstance(value, str) else value


def _add_lead(mapped: dict[str, Any], lead: Any) -> None:
    """The lead partner (penvoerder) first among the partners, once (also when the partners list names it)."""
    if not isinstance(lead, str) or not lead.strip():
        return
    partners = mapped.get("partners") or []
    if isinstance(partners, str):
        partners = [part for part in LIST_SEPARATOR.split(partners.strip()) if part]
    if isinstance(partners, list):
        others = [partner for partner in partners if fold(_partner_name(partner)) != fold(lead)]
        mapped["partners"] = [{"name": lead.strip(), "role": "lead"}, *others]


def _partner_name(partner: Any) -> str:
    """The name of a partner written as a cell (`Name [type] (role)`) or an object."""
    if isinstance(partner, dict):
        return str(partner.get("name", ""))
    found = PARTNER_PATTERN.match(str(partner).strip())
    return found.group("name") if found else str(partner)


def hint(
    rows: Sequence[RawRow], results: Sequence[RecordResult], mapping: FeedMapping | None, *, feed_source: str
) -> str | None:
    """When every record of a delivery was rejected: what is probably wrong with the file (or nothing)."""
    if not results or any(result.outcome != "rejected" for result in results):
        return None
    columns = next((list(row.data) for row in rows if row.data), [])
    reasons = {result.reason for result in results}
    if len(columns) == 1 and (delimiter := _delimiter_in(columns[0])) is not None:
        return (
            f"the file looks {DELIMITER_NAMES[delimiter]}-separated: its header was read as one column "
            f"{columns[0][:80]!r}; send it as it is written (the registry detects the separator) or fix its quoting"
        )
    named = set(apply_mapping(mapping, dict.fromkeys(columns, "x")))
    missing = [name for name in REQUIRED_FIELDS if name not in named]
    unknown = [column for column in columns if column not in FEED_FIELDS and column not in (mapping or _EMPTY).columns]
    if columns and missing and unknown:
        listed = ", ".join(unknown[:6]) + (", ..." if len(unknown) > 6 else "")
        if mapping is None:
            return (
                f"no mapping: the columns {listed} are not the registry's field names ({', '.join(missing)} are "
                f"missing); store a mapping with PUT /v1/feeds/{feed_source}/mapping, or rename the columns"
            )
        return f"the mapping names no column for {', '.join(missing)}; the file's unmapped columns are {listed}"
    if len(reasons) == 1 and (reason := reasons.pop()) is not None:
        return f"every record was rejected for the same reason: {reason}"
    return None


_EMPTY = FeedMapping()


def _delimiter_in(column: str) -> str | None:
    """The separator a one-column header holds, if it holds one."""
    return next((delimiter for delimiter in DELIMITER_NAMES if delimiter in column), None)


async def current(session: AsyncSession, feed_source: str) -> FeedMappingVersion | None:
    """The source's newest mapping version, if it has one."""
    rows = await session.exec(
        select(FeedMappingVersion)
        .where(FeedMappingVersion.feed_source == feed_source)
        .order_by(col(FeedMappingVersion.version).desc())
        .limit(1)
    )
    return rows.first()


async def version(session: AsyncSession, feed_source: str, number: int) -> FeedMappingVersion | None:
    """One version of a source's mapping."""
    return await session.get(FeedMappingVersion, (feed_source, number))


async def mapping_of(session: AsyncSession, feed_source: str, number: int | None) -> FeedMapping | None:
    """The mapping a job's batches are read through (none: the registry's own names)."""
    stored = await version(session, feed_source, number) if number is not None else None
    return FeedMapping.model_validate(stored.mapping) if stored is not None else None


async def versions(
    session: AsyncSession, feed_source: str, *, before: int | None, limit: int
) -> list[FeedMappingVersion]:
    """A page of a source's mapping versions, newest first."""
    query = select(FeedMappingVersion).where(FeedMappingVersion.feed_source == feed_source)
    if before is not None:
        query = query.where(col(FeedMappingVersion.version) < before)
    rows = await session.exec(query.order_by(col(FeedMappingVersion.version).desc()).limit(limit))
    return list(rows.all())


async def store(
    session: AsyncSession,
    *,
    feed_source: str,
    mapping: FeedMapping,
    principal: Principal,
    expected_version: int | None,
    create_only: bool,
) -> FeedMappingVersion:
    """Store a new version; 412 unless the caller saw the current one (or, creating, that there was none)."""
    await session.exec(MAPPING_LOCK.bindparams(source=feed_source))  # type: ignore[call-overload]
    latest = await current(session, feed_source)
    number = latest.version if latest is not None else 0
    if create_only and latest is not None:
        raise PreconditionFailed(f"{feed_source} has a mapping (version {number}); send If-Match with its ETag.")
    if not create_only and latest is None:
        raise PreconditionFailed(f"{feed_source} has no mapping yet; create one with If-None-Match: *.")
    if expected_version is not None and expected_version != number:
        raise PreconditionFailed(f"The mapping is at version {number}, not {expected_version}; fetch it and retry.")
    stored = FeedMappingVersion(
        feed_source=feed_source,
        version=number + 1,
        mapping=mapping.model_dump(mode="json"),
        created_by=principal.actor,
        created_at=datetime.now(UTC),
    )
    session.add(stored)
    await session.flush()
    return stored


async def batch_hint(
    session: AsyncSession, job: ImportJob, rows: Sequence[RawRow], results: Sequence[RecordResult]
) -> str | None:
    """The hint for a delivered batch of a job, read through the job's mapping (looked up only when needed)."""
    if not results or any(result.outcome != "rejected" for result in results):
        return None
    mapping = await mapping_of(session, job.feed_source, job.mapping_version)
    return hint(rows, results, mapping, feed_source=job.feed_source)
