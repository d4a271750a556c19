from __future__ import annotations

from typing import Self

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.volunteers import member_count_by_team, members_by_team
from matchmaker.schema.relay import Node, node_resolver, to_global_id
from matchmaker.schema.types.region import Region, load_region
from matchmaker.schema.types.volunteer import Volunteer, volunteer_nodes
from matchmaker.services import volunteer_teams as team_service


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

    @strawberry.field(description="Members, masked for you as on `Volunteer`.")
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
    return VolunteerTeam.from_row(row)
