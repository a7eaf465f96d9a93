"""HTTP endpoints for organisations and their memberships of communities."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response, status

from lcn_registry.communities import service as communities
from lcn_registry.communities.models import Community
from lcn_registry.communities.router import CommunityId, IfMatch, redirecting
from lcn_registry.matching import service as matching
from lcn_registry.organisations import repository, service
from lcn_registry.organisations.schemas import (
    LeadHandover,
    MemberPublic,
    MembershipOfOrganisation,
    MembershipPut,
    MembersPublic,
    OrganisationCommunitiesPublic,
    OrganisationCreate,
    OrganisationPublic,
    OrganisationsPublic,
)
from lcn_shared.auth import Principal, Role, require
from lcn_shared.concurrency import etag, expected_version
from lcn_shared.contracts.vocabulary import OrganisationType
from lcn_shared.db import SessionDep
from lcn_shared.problems import problem_responses

router = APIRouter(tags=["organisations"])
PROBLEMS = problem_responses(308, 401, 403, 404, 409, 413, 422)
# Membership changes are changes of the community: they take its ETag, like a PATCH.
MEMBERSHIP_PROBLEMS = problem_responses(308, 401, 403, 404, 409, 412, 413, 422, 428)
Writer = Annotated[Principal, Depends(require(Role.PARTNER, Role.COORDINATOR))]
Coordinator = Annotated[Principal, Depends(require(Role.COORDINATOR))]
# Opaque (lcn_shared.cursors): room for a 200-character name in any script.
Cursor = Annotated[str | None, Query(max_length=2048, description="`next_cursor` of the previous page.")]


@router.get("/organisations", response_model=OrganisationsPublic, responses=problem_responses(400, 422))
async def list_organisations(
    session: SessionDep,
    name: Annotated[str | None, Query(max_length=200, description="Part of the name.")] = None,
    type: Annotated[OrganisationType | None, Query()] = None,  # noqa: A002  (the API's field name)
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> OrganisationsPublic:
    """Organisations by name; `next_cursor` continues the same filters (another cursor is a 400)."""
    rows, next_cursor = await service.list_organisations(
        session, name=name, type_=type.value if type else None, cursor=cursor, limit=limit
    )
    return OrganisationsPublic(data=[OrganisationPublic.model_validate(row) for row in rows], next_cursor=next_cursor)


@router.post(
    "/organisations", status_code=status.HTTP_201_CREATED, response_model=OrganisationPublic, responses=PROBLEMS
)
async def create_organisation(data: OrganisationCreate, session: SessionDep, _: Writer) -> OrganisationPublic:
    """Register a partner organisation; 409 names the existing one when the name is known."""
    return OrganisationPublic.model_validate(await service.create_organisation(session, data=data))


@router.get("/organisations/{organisation_id}", response_model=OrganisationPublic, responses=PROBLEMS)
async def get_organisation(organisation_id: UUID, session: SessionDep) -> OrganisationPublic:
    """One organisation."""
    return OrganisationPublic.model_validate(await service.get_organisation(session, organisation_id=organisation_id))


@router.put("/organisations/{organisation_id}", response_model=OrganisationPublic, responses=PROBLEMS)
async def put_organisation(
    organisation_id: UUID, data: OrganisationCreate, session: SessionDep, principal: Coordinator
) -> OrganisationPublic:
    """Create or update an organisation under a given id (a partner key's organisation); a new name
    reaches its communities' events and matching keys."""
    organisation = await service.put_organisation(
        session, organisation_id=organisation_id, data=data, actor=principal.actor
    )
    return OrganisationPublic.model_validate(organisation)


@router.get(
    "/organisations/{organisation_id}/communities",
    response_model=OrganisationCommunitiesPublic,
    responses=problem_responses(400, 404, 422),
)
async def organisation_communities(
    organisation_id: UUID,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> OrganisationCommunitiesPublic:
    """The communities an organisation takes part in, with its role, by name."""
    rows, next_cursor = await service.communities_of(
        session, organisation_id=organisation_id, cursor=cursor, limit=limit
    )
    return OrganisationCommunitiesPublic(
        organisation_id=organisation_id,
        next_cursor=next_cursor,
        data=[
            MembershipOfOrganisation(
                community_id=community.community_id,
                name=community.name,
                landsdeel=community.landsdeel,
                status=community.status,
                role=membership.role,
                can_edit=membership.can_edit,
            )
            for membership, community in rows
        ],
    )


@router.get("/communities/{community_id}/organisations", response_model=MembersPublic, responses=PROBLEMS)
async def community_organisations(community_id: CommunityId, session: SessionDep) -> MembersPublic:
    """A community's organisations, leads first."""
    await communities.get_community(session, community_id=community_id)
    rows = await repository.members(session, community_id)
    return MembersPublic(
        community_id=community_id,
        data=[
            MemberPublic(
                organisation_id=organisation.organisation_id,
                name=organisation.name,
                type=organisation.type,
                role=membership.role,
                can_edit=membership.can_edit,
                origin=membership.origin,
                since=membership.created_at,
            )
            for membership, organisation in rows
        ],
    )


def _changed(community: Community) -> Response:
    """204 with the community's new ETag, for the caller's next change."""
    return Response(status_code=204, headers={"ETag": etag(community.version)})


@router.put(
    "/communities/{community_id}/organisations/{organisation_id}", status_code=204, responses=MEMBERSHIP_PROBLEMS
)
async def put_membership(
    community_id: UUID,
    organisation_id: UUID,
    data: MembershipPut,
    session: SessionDep,
    principal: Writer,
    request: Request,
    if_match: IfMatch = None,
) -> Response:
    """Add an organisation to the community, or change its role or edit right (the lead or a coordinator).
    `role: lead` is refused with 409: the lead is handed over with `POST /v1/communities/{id}/lead`."""
    async with redirecting(session, community_id, request):
        community = await service.set_membership(
            session,
            community_id=community_id,
            organisation_id=organisation_id,
            data=data,
            expected_version=expected_version(if_match),
            principal=principal,
        )
    await matching.reindex(session, [community_id])  # partners are blocking keys
    return _changed(community)


@router.delete(
    "/communities/{community_id}/organisations/{organisation_id}", status_code=204, responses=MEMBERSHIP_PROBLEMS
)
async def delete_membership(
    community_id: UUID,
    organisation_id: UUID,
    session: SessionDep,
    principal: Writer,
    request: Request,
    if_match: IfMatch = None,
) -> Response:
    """Take an organisation out of the community (the lead or a coordinator); the lead itself leaves only after
    handing over (409)."""
    async with redirecting(session, community_id, request):
        community = await service.remove_membership(
            session,
            community_id=community_id,
            organisation_id=organisation_id,
            expected_version=expected_version(if_match),
            principal=principal,
        )
    await matching.reindex(session, [community_id])  # partners are blocking keys
    return _changed(community)


@router.post("/communities/{community_id}/lead", status_code=204, responses=MEMBERSHIP_PROBLEMS)
async def hand_over_lead(
    community_id: UUID,
    data: LeadHandover,
    session: SessionDep,
    principal: Writer,
    request: Request,
    if_match: IfMatch = None,
) -> Response:
    """Hand the lead (penvoerder) over to another organisation (the lead or a coordinator). It joins if it is not a
    member; the previous lead stays as a partner who may edit. Recorded as `lead-handed-over` in the history."""
    async with redirecting(session, community_id, request):
        community = await service.hand_over_lead(
            session,
            community_id=community_id,
            organisation_id=data.organisation_id,
            expected_version=expected_version(if_match),
            principal=principal,
        )
    await matching.reindex(session, [community_id])  # partners are blocking keys
    return _changed(community)
