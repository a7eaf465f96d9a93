"""Feed imports: jobs, per-record results, incremental matching, lineage and snapshot withdrawal."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_registry.communities import repository as communities_repository
from lcn_registry.communities import service as communities
from lcn_registry.communities.models import CommunityChange
from lcn_registry.feeds import mappings, repository
from lcn_registry.feeds.models import ImportJob, SourceRecord
from lcn_registry.feeds.schemas import FeedMapping, RecordResult
from lcn_registry.feeds.settings import FeedSettings
from lcn_registry.feeds.wire import COUNTED, ImportMode
from lcn_registry.matching import profiles
from lcn_registry.matching import repository as matching_repository
from lcn_registry.matching import service as matching
from lcn_registry.matching.scoring import Profile
from lcn_registry.matching.survivorship import SourceView, golden_partners, golden_values
from lcn_registry.organisations import repository as organisations_repository
from lcn_registry.organisations import service as organisations
from lcn_shared.auth import Principal, Role
from lcn_shared.contracts import FeedImportCompleted
from lcn_shared.db import WriteBehind
from lcn_shared.deliveries import RawRow
from lcn_shared.messaging.outbox import record_event
from lcn_shared.problems import Conflict, Forbidden, NotFound


@dataclass
class Parsed:
    """A valid record of a delivery."""

    position: int
    raw: dict[str, Any]
    record: dict[str, Any]
    content_hash: str


@dataclass
class Batch:
    """What one delivered batch does, gathered so that it is written in a few round trips."""

    job: ImportJob
    now: datetime
    results: list[RecordResult] = field(default_factory=list)
    affected: set[UUID] = field(default_factory=set)

    @property
    def origin(self) -> str:
        """Where this batch's changes come from."""
        return f"feed:{self.job.feed_source}"


def authorise_source(principal: Principal, feed_source: str) -> None:
    """A feed key delivers only for its own source; coordinators and admins for any."""
    if principal.role is Role.FEED and principal.feed_source != feed_source:
        raise Forbidden(f"This key speaks for {principal.feed_source!r}, not {feed_source!r}.")


def content_hash(record: dict[str, Any]) -> str:
    """The identity of a record's content: the same record, however formatted, hashes the same."""
    return hashlib.sha256(json.dumps(record, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


async def open_job(session: AsyncSession, *, feed_source: str, mode: ImportMode, principal: Principal) -> ImportJob:
    """Start a delivery; batches follow, then completion."""
    authorise_source(principal, feed_source)
    mapping = await mappings.current(session, feed_source)
    job = ImportJob(
        job_id=uuid.uuid4(),
        feed_source=feed_source,
        mode=mode,
        mapping_version=mapping.version if mapping is not None else None,
        counts=dict.fromkeys(COUNTED, 0),
        created_by=principal.actor,
        created_at=datetime.now(UTC),
    )
    session.add(job)
    await session.flush()
    return job


async def open_job_of(
    session: AsyncSession, *, feed_source: str, job_id: UUID, principal: Principal, states: tuple[str, ...] = ("open",)
) -> ImportJob:
    """An open job of this source (or one in `states`), locked for the batch."""
    authorise_source(principal, feed_source)
    job = await repository.job(session, job_id, for_update=True)
    if job is None or job.feed_source != feed_source:
        raise NotFound(f"No import job {job_id} for {feed_source}.")
    if job.state == "held" and "held" not in states:
        raise Conflict(
            f"Import job {job_id} is held: complete it with ?confirm_withdrawals=true, or cancel it.",
            job_state=job.state,
        )
    if job.state not in states:
        raise Conflict(f"Import job {job_id} is {job.state}; open a new job.", job_state=job.state)
    return job


async def import_rows(session: AsyncSession, *, job: ImportJob, rows: list[RawRow]) -> list[RecordResult]:
    """Import one batch of a job: validate, classify, match, link, refresh golden records, record results."""
    await repository.lock_imports(session)
    batch = Batch(job=job, now=datetime.now(UTC))
    parsed = validate_rows(batch, rows, await mappings.mapping_of(session, job.feed_source, job.mapping_version))
    existing = await repository.records(session, job.feed_source, [item.record["external_id"] for item in parsed])
    fresh = [item for item in parsed if item.record["external_id"] not in existing]
    await _touch_or_update(
        session, batch, [item for item in parsed if item.record["external_id"] in existing], existing
    )
    await _add_new(session, batch, fresh)
    await matching.refresh_golden(session, batch.affected, actor=job.created_by, origin=batch.origin)
    await _record_results(session, batch, len(rows))
    return sorted(batch.results, key=lambda result: result.position)


def validate_rows(batch: Batch, rows: list[RawRow], mapping: FeedMapping | None) -> list[Parsed]:
    """Valid records, read through the source's mapping; every other row is rejected with its reason
    (the rest of the batch still imports)."""
    parsed, seen = [], set()
    for row in rows:
        if row.data is None:
            batch.results.append(
                RecordResult(position=row.position, external_id=None, outcome="rejected", reason=row.error)
            )
            continue
        mapped, record, reason = mappings.read_record(row.data, mapping)
        if record is not None and record["external_id"] in seen:
            record, reason = None, "external_id appears twice in this batch; the first one was imported"
        if record is None:
            external_id = mapped.get("external_id")
            batch.results.append(
                RecordResult(
                    position=row.position,
                    external_id=external_id if isinstance(external_id, str) else None,
                    outcome="rejected",
                    reason=reason,
                )
            )
            continue
        seen.add(record["external_id"])
        parsed.append(Parsed(row.position, row.data, record, content_hash(record)))
    return parsed


def unchanged_record(stored: SourceRecord, item: Parsed) -> bool:
    """A delivered record that the source already said, in the same words, and still says."""
    return stored.content_hash == item.content_hash and stored.state == "active"


async def _touch_or_update(
    session: AsyncSession, batch: Batch, known: list[Parsed], existing: dict[str, SourceRecord]
) -> None:
    """Known records: unchanged ones are only marked seen; changed or returning ones refresh their community."""
    unchanged = []
    for item in known:
        stored = existing[item.record["external_id"]]
        if unchanged_record(stored, item):
            unchanged.append(stored.external_id)
            batch.results.append(_result(item, "unchanged", stored.community_id))
            continue
        stored.raw, stored.record, stored.content_hash = item.raw, item.record, item.content_hash
        stored.state, stored.withdrawn_at = "active", None
        stored.last_seen_at, stored.last_job_id = batch.now, batch.job.job_id
        session.add(stored)
        batch.affected.add(stored.community_id)
        batch.results.append(_result(item, "updated", stored.community_id))
    await repository.touch(session, batch.job.feed_source, unchanged, batch.job.job_id, batch.now)


async def _add_new(session: AsyncSession, batch: Batch, fresh: list[Parsed]) -> None:
    """New records: link to a matching golden record, or found a new one (queued for review if uncertain)."""
    record_profiles = [profiles.of_record(item.record) for item in fresh]
    matches = await matching.match_records(session, feed_source=batch.job.feed_source, profiles=record_profiles)
    founding = [
        (item, profile)
        for item, profile, match in zip(fresh, record_profiles, matches, strict=True)
        if match.decision != "link"
    ]
    # The bulk inserts from here on run while the next rows are computed.
    writes = WriteBehind(session)
    created = await _found_communities(session, writes, batch, founding)
    source_rows, reviews = [], []
    for item, match in zip(fresh, matches, strict=True):
        if match.decision == "link":
            assert match.candidate_id is not None
            community_id, link = match.candidate_id, "linked"
            batch.affected.add(community_id)
        else:
            community_id = created[item.record["external_id"]]
            link = "review" if match.decision == "review" else "new-community"
        if match.decision == "review" and match.candidate_id is not None and match.score is not None:
            reviews.append(matching.review_row(community_id, match, batch.now))
        source_rows.append(_source_row(batch, item, community_id, match.explain()))
        batch.results.append(_result(item, "added", community_id, link))
    await repository.insert_records(writes, source_rows)
    await writes.drain()
    await matching_repository.add_reviews(session, reviews)


async def _found_communities(
    session: AsyncSession, writes: WriteBehind, batch: Batch, founding: list[tuple[Parsed, Profile]]
) -> dict[str, UUID]:
    """One new golden record per record, with memberships, history, match keys and `registered` events,
    written with one bulk insert per table (a 10,000-record feed founds 10,000 communities)."""
    if not founding:
        return {}
    partners = await organisations.ensure_organisations(
        session, (partner for item, _ in founding for partner in item.record["partners"])
    )
    created: dict[str, UUID] = {}
    community_rows, memberships, registrations = [], [], []
    for item, _ in founding:
        view = SourceView(batch.job.feed_source, item.record["external_id"], item.record, batch.now)
        values, provenance = golden_values([view], manual_fields=set())
        row = communities.new_community_row(
            {**values, "status": item.record.get("status") or "active", "synthetic": item.record["synthetic"]},
            owner_organisation_id=None,
            now=batch.now,
        )
        row["provenance"] = provenance
        created[item.record["external_id"]] = row["community_id"]
        members = []
        for key, partner in golden_partners([view]).items():
            organisation = partners[key]
            memberships.append(
                organisations.feed_membership_row(row["community_id"], organisation.organisation_id, partner, batch.now)
            )
            members.append(organisations.member(organisation, partner["role"], can_edit=False))
        community_rows.append(row)
        registration = communities.Registration(row=row, members=members, values=values, actor=batch.job.created_by)
        registrations.append(registration)
    await communities_repository.insert_many(writes, community_rows)
    history, keys = communities.registration_rows(session, registrations, origin=batch.origin)
    await organisations_repository.insert_memberships(writes, memberships)
    await communities_repository.add_history(writes, history)
    await matching_repository.add_keys(writes, keys)
    return created


def _source_row(batch: Batch, item: Parsed, community_id: UUID, match: dict[str, Any]) -> dict[str, Any]:
    """The lineage row of a new record."""
    return {
        "feed_source": batch.job.feed_source,
        "external_id": item.record["external_id"],
        "community_id": community_id,
        "raw": item.raw,
        "record": item.record,
        "content_hash": item.content_hash,
        "state": "active",
        "match": match,
        "first_seen_at": batch.now,
        "last_seen_at": batch.now,
        "last_job_id": batch.job.job_id,
    }


def _result(item: Parsed, outcome: str, community_id: UUID, link: str | None = None) -> RecordResult:
    """One record's result."""
    return RecordResult.model_validate(
        {
            "position": item.position,
            "external_id": item.record["external_id"],
            "outcome": outcome,
            "community_id": community_id,
            "link": link,
        }
    )


async def _record_results(session: AsyncSession, batch: Batch, received: int) -> None:
    """Store the batch's per-record results and add them to the job's counts."""
    await repository.add_results(
        session, [{"job_id": batch.job.job_id, **result.model_dump()} for result in batch.results]
    )
    tally: Counter[str] = Counter(result.outcome for result in batch.results)
    tally.update(result.link for result in batch.results if result.link in ("linked", "review"))
    tally["new_communities"] += sum(result.link in ("new-community", "review") for result in batch.results)
    batch.job.counts = {name: batch.job.counts.get(name, 0) + tally.get(name, 0) for name in COUNTED}
    batch.job.received += received
    session.add(batch.job)


async def complete_job(session: AsyncSession, *, job: ImportJob, confirm_withdrawals: bool = False) -> ImportJob:
    """Finish the delivery: a snapshot withdraws what it did not deliver; emit `feed.import-completed`.

    A snapshot that would withdraw too much is held instead (nothing withdrawn) until completed again with
    `confirm_withdrawals`; a held job asked again without it stays held."""
    await repository.lock_imports(session)
    now = datetime.now(UTC)
    if job.mode == "snapshot" and not confirm_withdrawals:
        if job.state == "held" or await _hold_if_excessive(session, job, now):
            return job
    if job.mode == "snapshot":
        seen_by = job.held_at or now
        withdrawn = await repository.withdraw_unseen(session, job.feed_source, job.job_id, now, seen_by=seen_by)
        versions = await communities_repository.get_many(session, sorted({record.community_id for record in withdrawn}))
        for record in withdrawn:
            session.add(_withdrawal(record, job, now, version=versions[record.community_id].version))
        await matching.refresh_golden(
            session,
            {record.community_id for record in withdrawn},
            actor=job.created_by,
            origin=f"feed:{job.feed_source}",
        )
        job.counts = {**job.counts, "withdrawn": len(withdrawn)}
    job.state, job.completed_at = "completed", now
    session.add(job)
    completed = FeedImportCompleted(
        job_id=job.job_id, feed_source=job.feed_source, mode=job.mode, counts=job.counts, completed_at=now
    )
    record_event(session, completed, occurred_at=now)
    return job


async def _hold_if_excessive(session: AsyncSession, job: ImportJob, now: datetime) -> bool:
    """Hold the snapshot when it would withdraw all of the source's records, or more than the set share."""
    active, unseen = await repository.snapshot_counts(session, job.feed_source, job.job_id, seen_by=now)
    reason = hold_reason(
        unseen=unseen,
        # The share is of the records the source had: a snapshot that renumbers every record is caught
        # even though its new records outnumber the old.
        before=active - job.counts.get("added", 0),
        received=job.received,
        valid=job.received - job.counts.get("rejected", 0),
        limit=FeedSettings().snapshot_withdraw_limit,
    )
    if reason is None:
        return False
    job.state, job.held_at, job.held_withdrawals, job.hold_reason = "held", now, unseen, reason
    session.add(job)
    return True


def hold_reason(*, unseen: int, before: int, received: int, valid: int, limit: float) -> str | None:
    """Why a snapshot withdrawing `unseen` of the `before` records the source had is held; None: it is not."""
    if unseen == 0:
        return None
    if received == 0:
        return f"The snapshot is empty: it would withdraw all {before} records of this source."
    if valid == 0:
        return (
            f"No record of the snapshot was valid ({received} rejected): it would withdraw all {before} "
            "records of this source. Check the job's rejected results first."
        )
    if unseen >= before:
        return f"The snapshot would withdraw all {before} records of this source."
    if unseen > limit * before:
        return (
            f"The snapshot would withdraw {unseen} of {before} records of this source ({unseen / before:.0%}), "
            f"more than the limit of {limit:.0%}."
        )
    return None


async def cancel_job(session: AsyncSession, *, job: ImportJob) -> ImportJob:
    """Abandon an open or held job: nothing more is imported or withdrawn; batches already delivered stay."""
    job.state = "cancelled"
    session.add(job)
    return job


def may_read_source(principal: Principal | None, feed_source: str) -> bool:
    """A source's jobs and raw records are for its own key, a coordinator or an admin."""
    if principal is None:
        return False
    if principal.role is Role.FEED:
        return principal.feed_source == feed_source
    return principal.role in (Role.COORDINATOR, Role.ADMIN)


def _withdrawal(record: SourceRecord, job: ImportJob, now: datetime, *, version: int) -> CommunityChange:
    """History entry at the community's current version: a source no longer lists it (the community stays)."""
    return CommunityChange(
        **communities.history_row(
            record.community_id,
            version=version,
            change="source-withdrawn",
            actor=job.created_by,
            origin=f"feed:{job.feed_source}",
            changes={"source": {"feed_source": record.feed_source, "external_id": record.external_id}},
            changed_at=now,
        )
    )
