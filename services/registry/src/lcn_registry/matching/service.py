"""Entity resolution: matching new records to golden records, survivorship, merges and reviews."""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from rapidfuzz import fuzz, process
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_registry.communities import repository as communities_repository
from lcn_registry.communities import service as communities
from lcn_registry.communities.models import Community, CommunityRedirect
from lcn_registry.feeds import repository as feeds
from lcn_registry.matching import repository
from lcn_registry.matching.blocking import always_used, block_keys, index_rows
from lcn_registry.matching.models import MatchReview
from lcn_registry.matching.profiles import PROFILE_FIELDS
from lcn_registry.matching.repository import ReviewPosition
from lcn_registry.matching.schemas import Registered
from lcn_registry.matching.scoring import Profile, Score, compare
from lcn_registry.matching.survivorship import SourceView, golden_partners, golden_values, manual_fields
from lcn_registry.organisations import repository as organisations_repository
from lcn_registry.organisations import service as organisations
from lcn_registry.organisations.models import Membership, Organisation
from lcn_shared.contracts import CommunityMerged
from lcn_shared.cursors import page_of, read_cursor
from lcn_shared.envelope import Envelope
from lcn_shared.messaging.outbox import record_event
from lcn_shared.problems import Conflict, NotFound, UnprocessableContent

# Candidates whose names share too little are not scored in full (a cheap C-level prefilter).
NAME_PREFILTER = 50
MAX_SCORED_CANDIDATES = 8


@dataclass(frozen=True)
class Match:
    """The best candidate for a new record and what to do with it."""

    decision: str
    candidate_id: UUID | None = None
    score: Score | None = None

    def explain(self) -> dict[str, Any]:
        """How the record was linked, for its lineage."""
        candidate = str(self.candidate_id) if self.candidate_id else None
        explained: dict[str, Any] = {"decision": self.decision, "candidate_id": candidate}
        return explained | ({"score": self.score.explain()} if self.score else {})


async def match_records(session: AsyncSession, *, feed_source: str, profiles: Sequence[Profile]) -> list[Match]:
    """The best existing golden record for each new record of a source, found through blocking."""
    keys_of = [block_keys(profile) for profile in profiles]
    blocks = await repository.candidates(session, set().union(*keys_of) if keys_of else set())
    candidate_ids = {community_id for members in blocks.values() for community_id in members}
    # One record per source in a golden record: communities this source already describes are taken.
    taken = await repository.holding_source(session, feed_source, candidate_ids)
    known = await repository.community_profiles(session, candidate_ids - taken)
    ranked = [_ranked(profile, keys, blocks, known) for profile, keys in zip(profiles, keys_of, strict=True)]
    return _assign(ranked)


def _ranked(
    profile: Profile, keys: set[str], blocks: dict[str, list[UUID]], known: dict[UUID, Profile]
) -> list[tuple[Score, UUID]]:
    """The record's scored candidates from its blocks, strongest first."""
    pool = {community_id for key in keys for community_id in blocks.get(key, []) if community_id in known}
    if not pool:
        return []
    precise = {community_id for key in keys if always_used(key) for community_id in blocks.get(key, [])} & pool
    names = {community_id: known[community_id].core_name for community_id in pool}
    similar = process.extract(
        profile.core_name, names, scorer=fuzz.token_set_ratio, score_cutoff=NAME_PREFILTER, limit=MAX_SCORED_CANDIDATES
    )
    scored = [
        (compare(profile, known[community_id]), community_id) for community_id in precise | {hit[2] for hit in similar}
    ]
    return sorted(scored, key=lambda pair: -pair[0].weight)


def _assign(ranked: list[list[tuple[Score, UUID]]]) -> list[Match]:
    """Decide each record, strongest evidence first, so that two records of one delivery never link
    to the same golden record: the weaker one falls back to its next candidate."""
    matches = [Match("distinct")] * len(ranked)
    linked: set[UUID] = set()
    for index in sorted(range(len(ranked)), key=lambda i: -ranked[i][0][0].weight if ranked[i] else 0.0):
        for score, community_id in ranked[index]:
            decision = score.decision()
            if decision == "link" and community_id in linked:
                continue
            if decision == "link":
                linked.add(community_id)
            matches[index] = Match(decision, community_id if decision != "distinct" else None, score)
            break
    return matches


async def reindex(session: AsyncSession, community_ids: Iterable[UUID]) -> None:
    """Re-file golden records after their names, sites, places or partners changed."""
    ids = list(set(community_ids))
    if not ids:
        return
    await repository.remove_keys(session, ids)
    known = await repository.community_profiles(session, ids)
    await repository.add_keys(
        session, [row for community_id, profile in known.items() for row in index_rows(community_id, profile)]
    )


def source_views(records: Iterable[Any]) -> dict[UUID, list[SourceView]]:
    """Active source records grouped by community, as survivorship reads them."""
    grouped: dict[UUID, list[SourceView]] = defaultdict(list)
    for record in records:
        grouped[record.community_id].append(
            SourceView(record.feed_source, record.external_id, record.record, record.last_seen_at)
        )
    return grouped


async def refresh_golden(session: AsyncSession, community_ids: Iterable[UUID], *, actor: str, origin: str) -> None:
    """Re-derive golden records from their active sources and record their events; re-file those whose
    matching profile changed (most linked records change nothing the blocking keys depend on)."""
    ids = sorted(set(community_ids))
    if not ids:
        return
    rows = await communities_repository.get_many(session, ids, for_update=True)
    views = source_views(await feeds.active_records_of(session, ids))
    present = await organisations_repository.members_of(session, list(rows))
    refile = set()
    for community in rows.values():
        values, provenance = golden_values(
            views.get(community.community_id, []), manual_fields=manual_fields(community.provenance)
        )
        members = [
            organisations.member(organisation, membership.role, can_edit=membership.can_edit)
            for membership, organisation in present[community.community_id]
        ]
        updated = await communities.apply_values(
            session, community, values, members=members, actor=actor, origin=origin, provenance=provenance
        )
        if updated.keys() & PROFILE_FIELDS:
            refile.add(community.community_id)
    refile |= await _sync_memberships(session, rows, views, present, actor=actor, origin=origin)
    await reindex(session, refile)


async def _sync_memberships(
    session: AsyncSession,
    rows: dict[UUID, Community],
    views: dict[UUID, list[SourceView]],
    present: dict[UUID, list[tuple[Membership, Organisation]]],
    *,
    actor: str,
    origin: str,
) -> set[UUID]:
    """Make feed-given memberships follow the sources' partner lists (API-given ones are left alone);
    return the communities whose partners changed."""
    wanted = {community_id: golden_partners(views.get(community_id, [])) for community_id in rows}
    known = await organisations.ensure_organisations(
        session, (partner for partners in wanted.values() for partner in partners.values())
    )
    touched: set[UUID] = set()
    for community_id, community in rows.items():
        current = {
            organisation.name_key: (membership, organisation) for membership, organisation in present[community_id]
        }
        changes: list[tuple[Any, str, str | None, str | None]] = []
        settled = organisations.settle_lead(wanted[community_id], current)  # one lead; an API-set one stays
        promoted: Membership | None = None  # the new lead, written once the old one stepped down
        for key, partner in settled.items():
            if key not in current:
                row = organisations.feed_membership_row(
                    community_id, known[key].organisation_id, partner, datetime.now(UTC)
                )
                if partner["role"] == "lead":
                    promoted = Membership(**row)
                else:
                    session.add(Membership(**row))
                changes.append((known[key], "added", partner["role"], None))
                continue
            membership, organisation = current[key]
            if membership.origin.startswith("feed:") and membership.role != partner["role"]:
                changes.append((organisation, "changed", partner["role"], membership.role))
                if partner["role"] == "lead":
                    promoted = membership
                else:
                    membership.role, membership.can_edit = partner["role"], False
                    session.add(membership)
        for key, (membership, organisation) in current.items():
            if membership.origin.startswith("feed:") and key not in settled:
                await session.delete(membership)
                changes.append((organisation, "removed", None, membership.role))
        if promoted is not None:
            await session.flush()  # the database holds one lead per community: the old one steps down first
            promoted.role, promoted.can_edit = "lead", True
            session.add(promoted)
        # Each event carries the members as they are after its own change.
        members = {
            organisation.organisation_id: organisations.member(
                organisation, membership.role, can_edit=membership.can_edit
            )
            for membership, organisation in present[community_id]
        }
        for organisation, change, role, previous_role in changes:
            if role is None:
                members.pop(organisation.organisation_id, None)
            else:
                # A feed's membership may edit only as its lead (as `feed_membership_row` and the steps above set it).
                members[organisation.organisation_id] = organisations.member(organisation, role, can_edit=False)
            await organisations.record_membership_change(
                session,
                community=community,
                organisation=organisation,
                change=change,
                role=role,
                previous_role=previous_role,
                members=list(members.values()),
                actor=actor,
                origin=origin,
            )
        if changes:
            touched.add(community_id)
    return touched


async def merge_communities(
    session: AsyncSession, *, survivor_id: UUID, merged_id: UUID, actor: str, reason: str
) -> Community:
    """Fold `merged_id` into `survivor_id`: its sources, partners and history move; its id redirects."""
    if survivor_id == merged_id:
        raise UnprocessableContent(
            "A community cannot be merged into itself.",
            errors=[{"loc": ["body", "duplicate_id"], "msg": "is the community of the path", "type": "merge_self"}],
        )
    rows = await communities_repository.get_many(session, [survivor_id, merged_id], for_update=True)
    for community_id in (merged_id, survivor_id):
        if community_id not in rows:
            await _refuse_merged_away(session, community_id, survivor_id=survivor_id)
    survivor, merged = rows[survivor_id], rows[merged_id]
    now = datetime.now(UTC)
    await feeds.move_records(session, merged_id, survivor_id)
    await organisations_repository.move_memberships(session, merged_id, survivor_id)
    await communities_repository.move_history(session, merged_id, survivor_id)
    await repository.remove_keys(session, [merged_id])
    await repository.supersede_reviews(session, merged_id, decided_by=actor, now=now)
    await session.delete(merged)
    await session.flush()
    await communities_repository.add_redirect(
        session, CommunityRedirect(merged_community_id=merged_id, community_id=survivor_id, merged_at=now)
    )
    changes = {"merged_community_id": str(merged_id), "merged_name": merged.name, "reason": reason}
    communities.record_change(session, survivor, change="merged", actor=actor, origin="merge", changes=changes)
    members = (await communities.members_of(session, [survivor_id]))[survivor_id]
    merged_event = CommunityMerged(
        community_id=survivor_id,
        version=survivor.version,
        merged_community_id=merged_id,
        merged_at=now,
        reason=reason,
        state=communities.state_of(survivor, members),
    )
    record_event(session, merged_event, occurred_at=now)
    await refresh_golden(session, [survivor_id], actor=actor, origin="merge")
    await reindex(session, [survivor_id])  # it took over the merged record's partners
    return survivor


async def _refuse_merged_away(session: AsyncSession, community_id: UUID, *, survivor_id: UUID) -> None:
    """A 409 when the community was merged away already (a repeated merge says so), else a 404."""
    target = await communities_repository.redirect_target(session, community_id)
    if target is None:
        raise NotFound(f"No community {community_id}.")
    if community_id != survivor_id and target == survivor_id:
        raise Conflict(f"Community {community_id} was already merged into this one.", merged_into=str(target))
    raise Conflict(f"Community {community_id} was already merged into {target}.", merged_into=str(target))


async def decide_review(session: AsyncSession, *, review_id: UUID, accept: bool, actor: str) -> MatchReview:
    """A coordinator's decision: accepted pairs merge (the older record survives), rejected ones stay apart."""
    review = await repository.review(session, review_id, for_update=True)
    if review is None:
        raise NotFound(f"No review {review_id}.")
    if review.state != "open":
        raise Conflict(f"Review {review_id} is already {review.state}.")
    if accept:
        # The existing golden record keeps its id; the newer one redirects to it.
        await merge_communities(
            session, survivor_id=review.candidate_id, merged_id=review.community_id, actor=actor, reason="review"
        )
    review.state = "accepted" if accept else "rejected"
    review.decided_at, review.decided_by = datetime.now(UTC), actor
    session.add(review)
    return review


async def list_reviews(
    session: AsyncSession, *, state: str | None, cursor: str | None, limit: int
) -> tuple[list[MatchReview], str | None]:
    """A page of the review queue, most likely pairs first, and the cursor of the next page (keyset)."""
    tag = f"reviews|{state}"
    after = read_cursor(cursor, tag=tag, parse=_review_position)
    rows = await repository.reviews(session, state=state, after=after, limit=limit + 1)
    return page_of(rows, limit=limit, position=_review_cursor, tag=tag)


def _review_cursor(review: MatchReview) -> dict[str, Any]:
    """Where a page ends in the queue's order."""
    return {"s": review.score, "t": review.created_at.isoformat(), "id": str(review.review_id)}


def _review_position(position: dict[str, Any]) -> ReviewPosition:
    """The score, time and id a review cursor holds (ValueError or TypeError when one is of the wrong type)."""
    score, created_at = position["s"], datetime.fromisoformat(position["t"])
    if not isinstance(score, int | float) or not math.isfinite(score) or created_at.tzinfo is None:
        raise ValueError(f"{position!r} is no position in the review queue")
    return float(score), created_at, UUID(position["id"])


async def explain_pair(session: AsyncSession, *, community_id: UUID, other_id: UUID) -> dict[str, Any]:
    """The field-by-field score of two golden records."""
    known = await repository.community_profiles(session, [community_id, other_id])
    missing = [str(identifier) for identifier in (community_id, other_id) if identifier not in known]
    if missing:
        raise NotFound(f"No community {', '.join(missing)}.")
    return compare(known[community_id], known[other_id]).explain()


async def review_registered(session: AsyncSession, events: Sequence[tuple[Registered, Envelope]]) -> None:
    """Queue communities registered through the API for review when they look like older ones.

    Runs on the registry's own `community.registered` events, a poll's worth at a time, off the request
    path (their registration filed them under their keys already, so feeds find them at once). A community
    registered through the API is never merged automatically: its registrant was just given its id. A
    coordinator decides instead. Feed registrations were matched while they were imported."""
    await find_duplicates(session, community_ids=[event.community_id for event, _ in events if event.origin == "api"])


async def find_duplicates(session: AsyncSession, *, community_ids: Sequence[UUID]) -> None:
    """Queue each golden record and the older one it most likely duplicates, if any, for review (a pair is
    reviewed once: the newer record against the older one), with one query per step for all of them."""
    new = await repository.community_profiles(session, community_ids)  # one merged away since is left out
    if not new:
        return
    keys = {community_id: block_keys(profile) for community_id, profile in new.items()}
    blocks = await repository.candidates(session, {key for record_keys in keys.values() for key in record_keys})
    pool = {other for members in blocks.values() for other in members}
    known = await repository.community_profiles(session, pool - new.keys()) | new
    order = await repository.registration_order(session, known)
    now, reviews = datetime.now(UTC), []
    for community_id, profile in new.items():
        blocked = {other for key in keys[community_id] for other in blocks.get(key, ())}
        older = {other: known[other] for other in blocked & order.keys() if order[other] < order[community_id]}
        match = _assign([_ranked(profile, keys[community_id], blocks, older)])[0]
        if match.decision != "distinct" and match.candidate_id is not None and match.score is not None:
            reviews.append(review_row(community_id, match, now))
    await repository.add_reviews(session, reviews)


def review_row(community_id: UUID, match: Match, now: datetime) -> dict[str, Any]:
    """A pair for a coordinator: the new golden record and the existing one it may duplicate."""
    assert match.score is not None
    return {
        "review_id": uuid.uuid4(),
        "community_id": community_id,
        "candidate_id": match.candidate_id,
        "score": match.score.probability,
        "explanation": match.score.explain(),
        "state": "open",
        "created_at": now,
    }
