"""Organisations and memberships as the API reads and writes them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from lcn_registry.matching.normalise import normalise_website
from lcn_shared.contracts.vocabulary import MembershipRole, OrganisationType


class OrganisationCreate(BaseModel):
    """A partner organisation."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=200)
    type: OrganisationType
    website: str | None = Field(None, max_length=300)

    _website = field_validator("website")(lambda website: normalise_website(website))


class OrganisationPublic(BaseModel):
    """An organisation as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    organisation_id: UUID
    name: str
    type: str
    website: str | None
    created_at: datetime
    updated_at: datetime


class OrganisationsPublic(BaseModel):
    """A page of organisations."""

    data: list[OrganisationPublic]
    next_cursor: str | None


class MembershipPut(BaseModel):
    """An organisation's role in a community, and whether it may edit the community."""

    model_config = ConfigDict(extra="forbid")

    role: MembershipRole = Field(description="`lead` is refused (409): the lead is handed over with `POST .../lead`.")
    can_edit: StrictBool = Field(False, description="Lets a non-lead partner change the community; leads always may.")


class LeadHandover(BaseModel):
    """The organisation that becomes the community's lead (penvoerder)."""

    model_config = ConfigDict(extra="forbid")

    organisation_id: UUID = Field(description="A known organisation; it joins the community if it is not a member.")


class MemberPublic(BaseModel):
    """An organisation in a community."""

    organisation_id: UUID
    name: str
    type: str
    role: str
    can_edit: bool
    origin: str
    since: datetime


class MembersPublic(BaseModel):
    """A community's organisations, all of them: they are part of the community's state (every community event
    carries them whole), so the list is bounded by nature and `next_cursor` is always null."""

    community_id: UUID
    data: list[MemberPublic]
    next_cursor: None = Field(None, description="Always null: a community's members come in one page.")


class MembershipOfOrganisation(BaseModel):
    """A community an organisation takes part in."""

    community_id: UUID
    name: str
    landsdeel: str
    status: str
    role: str
    can_edit: bool


class OrganisationCommunitiesPublic(BaseModel):
    """A page of an organisation's communities; `next_cursor` is null on the last page."""

    organisation_id: UUID
    data: list[MembershipOfOrganisation]
    next_cursor: str | None
