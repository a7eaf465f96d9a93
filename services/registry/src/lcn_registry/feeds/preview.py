"""A dry run of a delivery (ADR 0022): read, mapped and validated exactly as an import would, nothing written."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import get_args

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_registry.feeds import mappings, repository, service
from lcn_registry.feeds.models import ImportJob
from lcn_registry.feeds.schemas import FeedMapping, PreviewPublic, PreviewRow, RecordResult
from lcn_registry.feeds.wire import Outcome
from lcn_shared.deliveries import RawRow


async def preview(
    session: AsyncSession,
    *,
    feed_source: str,
    rows: list[RawRow],
    mapping: FeedMapping | None,
    mapping_version: int | None,
    limit: int,
) -> PreviewPublic:
    """What an import of `rows` would do now, and the first `limit` records as the registry reads them."""
    # A job that is never stored: the batch's rules (mapping, validation, duplicates) are the import's own.
    now = datetime.now(UTC)
    job = ImportJob(job_id=uuid.uuid4(), feed_source=feed_source, mode="upsert", created_by="preview", created_at=now)
    batch = service.Batch(job=job, now=now)
    parsed = service.validate_rows(batch, rows, mapping)
    existing = await repository.records(session, feed_source, [item.record["external_id"] for item in parsed])
    outcomes: dict[int, Outcome] = {result.position: "rejected" for result in batch.results}
    for item in parsed:
        stored = existing.get(item.record["external_id"])
        outcomes[item.position] = (
            "added" if stored is None else "unchanged" if service.unchanged_record(stored, item) else "updated"
        )
    results = batch.results + [
        RecordResult(position=item.position, external_id=item.record["external_id"], outcome=outcomes[item.position])
        for item in parsed
    ]
    reasons = {result.position: result.reason for result in batch.results}
    tally = Counter(outcomes.values())
    return PreviewPublic(
        feed_source=feed_source,
        mapping_version=mapping_version,
        received=len(rows),
        counts={name: tally.get(name, 0) for name in get_args(Outcome)},
        hint=mappings.hint(rows, results, mapping, feed_source=feed_source),
        rows=[_row(row, mapping, outcomes[row.position], reasons.get(row.position)) for row in rows[:limit]],
    )


def _row(row: RawRow, mapping: FeedMapping | None, outcome: Outcome, reason: str | None) -> PreviewRow:
    """One record as delivered, as mapped and as read, with what an import would do with it."""
    if row.data is None:
        return PreviewRow(
            position=row.position, external_id=None, outcome=outcome, reason=reason, raw=None, mapped=None, record=None
        )
    mapped, record, _ = mappings.read_record(row.data, mapping)
    external_id = mapped.get("external_id")
    return PreviewRow.model_validate(
        {
            "position": row.position,
            "external_id": external_id if isinstance(external_id, str) else None,
            "outcome": outcome,
            "reason": reason,
            "raw": row.data,
            "mapped": mapped,
            "record": record if outcome != "rejected" else None,
        }
    )
