"""HTTP endpoint of bulk report deliveries: many reports in one JSON, NDJSON or CSV body (docs/reports.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse

from lcn_monitor.reports import deliveries
from lcn_monitor.reports.delivery_schemas import ROW_FIELDS, DeliveryPublic, row_schema
from lcn_monitor.reports.schemas import SOURCE_PATTERN
from lcn_shared.auth import Principal, Role, require
from lcn_shared.clock import ClockDep
from lcn_shared.db import SessionDep
from lcn_shared.deliveries import MEDIA_TYPES, delivery_format, read_delivery
from lcn_shared.idempotency import answer_once, fingerprint
from lcn_shared.problems import problem_responses

router = APIRouter(prefix="/reports", tags=["reports"])
DELIVERIES_PATH = "/reports/deliveries"
PROBLEMS = problem_responses(400, 401, 403, 413, 415, 422)
Deliverer = Annotated[Principal, Depends(require(Role.FEED, Role.PARTNER, Role.COORDINATOR))]
# Each row is checked on its own: one that is no ReportRow is rejected with its reason in `results` while the
# others are taken, so the body takes any item (a 200 that rejects it, never a 422 for the whole delivery).
ROW_ITEM = {
    "anyOf": [row_schema(), {}],
    "description": "A ReportRow. Any other item is taken too and comes back rejected with its reason.",
}
ROW_LIST = {"type": "array", "items": ROW_ITEM}
TEXT_BODIES = {
    "ndjson": "One ReportRow as a JSON object per line.",
    "csv": f"A header row naming ReportRow fields ({', '.join(ROW_FIELDS)}), then one report per row: comma-, "
    "semicolon- or tab-separated, UTF-8 (a BOM is fine) or Windows-1252. Figures are whole numbers written with "
    "digits only; an empty cell is not reported.",
}
DELIVERY_BODY = {
    "requestBody": {
        "required": True,
        "description": 'The reports, each a ReportRow: a JSON array (or `{"records": [...]}`), NDJSON or CSV. A row '
        "that does not fit, or may not be delivered, is rejected on its own with its reason; the others are taken.",
        "content": {
            media_type: {
                "schema": {
                    "anyOf": [
                        ROW_LIST,
                        {"type": "object", "required": ["records"], "properties": {"records": ROW_LIST}},
                    ]
                }
                if row_format == "json"
                else {"description": TEXT_BODIES[row_format]}
            }
            for media_type, row_format in MEDIA_TYPES.items()
        },
    }
}


@router.post("/deliveries", response_model=DeliveryPublic, responses=PROBLEMS, openapi_extra=DELIVERY_BODY)
async def deliver_reports(
    request: Request,
    session: SessionDep,
    principal: Deliverer,
    clock: ClockDep,
    content_type: Annotated[str | None, Header()] = None,
    source: Annotated[
        str | None,
        Query(
            pattern=SOURCE_PATTERN,
            description="The source to deliver as: a coordinator names any (default `direct`); a feed key delivers "
            "as its own feed source, a partner as `direct`.",
        ),
    ] = None,
    idempotency_key: Annotated[
        str | None, Header(description="Makes a retried POST safe: the same key replays the first answer.")
    ] = None,
) -> JSONResponse:
    """Deliver many reports at once (a programme's half-year file): per source, community and period a new report
    is added and submitted, a changed one updated (an approved one corrected) and submitted, an equal one left
    unchanged; every row's result comes back. Delivering the same file again changes nothing."""
    delivering = deliveries.delivering_source(principal, source)
    body = await request.body()

    async def act() -> JSONResponse:
        answer = await deliveries.deliver(
            session,
            rows=read_delivery(body, content_type),
            text_cells=delivery_format(content_type) == "csv",
            source=delivering,
            principal=principal,
            now=clock.now(),
        )
        return JSONResponse(answer.model_dump(mode="json"))

    request_fingerprint = fingerprint(
        "POST", f"{request.url.path}?source={delivering}", f"{content_type}".encode() + b"\0" + body
    )
    return await answer_once(
        session, principal=principal.key_id, key=idempotency_key, request_fingerprint=request_fingerprint, act=act
    )
