from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from matchmaker import models
from matchmaker.models.volunteers import TeamMembershipStatus as TeamMembershipStatusEnum
from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.volunteers import (
    invitations_by_team,
    join_code_by_team,
    member_count_by_team,
    members_by_team,
)
from matchmaker.schema.relay import Node, node_resolver, to_global_id
from matchmaker.schema.types.region import Region, load_region
from matchmaker.schema.types.volunteer import Volunteer, volunteer_nodes
from matchmaker.services import volunteer_teams as team_service

TeamMembershipStatus = strawberry.enum(
    TeamMembershipStatusEnum,
    name="TeamMembershipStatus",
    description="INVITED until the volunteer accepts (ACTIVE) or declines; LEFT when they leave.",
)


@strawberry.type(
    description=(
        "A volunteer's membership of a team, or an invitation to it. The team's managers see "
        "only the public volunteer number until the volunteer accepts (docs/volunteering.md)."
    )
)
class VolunteerTeamMembership(Node):
    status: TeamMembershipStatus  # type: ignore[valid-type]
    volunteer_number: str = strawberry.field(description="The public number (志愿者编号).")
    team_name: str
    team_description: str
    team_is_active: bool
    invited_at: dt.datetime = strawberry.field(description="When it was created.")
    responded_at: dt.datetime | None
    team_pk: strawberry.Private[int]
    team_region_pk: strawberry.Private[int]

    @classmethod
    def from_view(cls, view: team_service.MembershipView) -> Self:
        m, team = view.membership, view.team
        return cls(
            pk=m.id,
            status=m.status,
            volunteer_number=view.volunteer_number,
            team_name=team.name,
            team_description=team.description,
            team_is_active=team.is_active,
            invited_at=m.created_at,
            responded_at=m.responded_at,
            team_pk=team.id,
            team_region_pk=team.region_id,
        )

    @strawberry.field
    def team_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("VolunteerTeam", self.team_pk))

    @strawberry.field(description="The team's region (a street, community or grid).")
    async def team_region(self, info: Info) -> Region | None:
        return await load_region(info, self.team_region_pk)


@node_resolver("VolunteerTeamMembership")
async def resolve_membership(info: Info, pk: int) -> VolunteerTeamMembership | None:
    view = await team_service.get_membership(info.context.service, pk)
    return VolunteerTeamMembership.from_view(view)


@strawberry.type(
    description="A volunteer service team (志愿服务队) of a community or organization."
)
class VolunteerTeam(Node):
    name: str
    description: str
    is_active: bool
    version: int
    region_pk: strawberry.Private[int]
    organization_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.VolunteerTeam) -> Self:
        return cls(
            pk=row.id,
            name=row.name,
            description=row.description,
            is_active=row.is_active,
            version=row.version,
            region_pk=row.region_id,
            organization_pk=row.organization_id,
        )

    @strawberry.field(
        description="Global id of the owning organization; null for a community team."
    )
    def organization_id(self) -> strawberry.ID | None:
        if self.organization_pk is None:
            return None
        return strawberry.ID(to_global_id("Organization", self.organization_pk))

    @strawberry.field
    async def region(self, info: Info) -> Region | None:
        return await load_region(info, self.region_pk)

    @strawberry.field(
        description=(
            "The code a volunteer types to join (joinVolunteerTeam); null unless you manage "
            "the team."
        )
    )
    async def join_code(self, info: Info) -> str | None:
        code: str | None = await info.context.loader(join_code_by_team).load(self.pk)
        return code

    @strawberry.field(
        description=(
            "Open and declined invitations (volunteer numbers only); empty unless you manage "
            "the team."
        )
    )
    async def invitations(self, info: Info) -> list[VolunteerTeamMembership]:
        views = await info.context.loader(invitations_by_team).load(self.pk)
        return [VolunteerTeamMembership.from_view(v) for v in views]

    @strawberry.field(
        description="ACTIVE members (who accepted or joined), masked for you as on `Volunteer`."
    )
    async def members(self, info: Info) -> list[Volunteer]:
        rows = await info.context.loader(members_by_team).load(self.pk)
        return await volunteer_nodes(info, rows)

    @strawberry.field
    async def member_count(self, info: Info) -> int:
        count: int = await info.context.loader(member_count_by_team).load(self.pk)
        return count


@node_resolver("VolunteerTeam")
async def resolve_volunteer_team(info: Info, pk: int) -> VolunteerTeam | None:
    row = await team_service.get_readable(info.context.service, pk)
    return VolunteerTeam.from_row(row) if row else None
