from __future__ import annotations

import strawberry

from matchmaker.models import Volunteer as VolunteerRow
from matchmaker.models import VolunteerTeam as VolunteerTeamRow
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Connection, connection, decode_id
from matchmaker.schema.types.enums import ServiceCategory
from matchmaker.schema.types.volunteer import Volunteer, volunteer_node, volunteer_nodes
from matchmaker.schema.types.volunteer_team import VolunteerTeam
from matchmaker.services import regions as region_service
from matchmaker.services import volunteer_teams as team_service
from matchmaker.services import volunteers as volunteer_service
from matchmaker.services.pagination import paginate

NO_PATH = "/nonexistent/"


async def _subtree_path(info: Info, region_id: strawberry.ID | None) -> str | None:
    if region_id is None:
        return None
    region = await region_service.get(
        info.context.session, decode_id(region_id, "Region", "regionId")
    )
    return region.path if region else NO_PATH


@strawberry.type
class VolunteerQueries:
    @strawberry.field(description="Your own volunteer profile, or null.")
    async def my_volunteer_profile(self, info: Info) -> Volunteer | None:
        row = await volunteer_service.my_profile(info.context.service)
        return await volunteer_node(info, row)

    @strawberry.field(
        description=(
            "Volunteers you may read: community staff, bureau officers and auditors by home "
            "region subtree; a volunteer sees themself. `text` matches the real name or the "
            "volunteer number."
        )
    )
    async def volunteers(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        region_id: strawberry.ID | None = None,
        skill: str | None = None,
        interest: ServiceCategory | None = None,
        min_star_level: int | None = None,
        text: str | None = None,
        is_active: bool | None = None,
    ) -> Connection[Volunteer]:
        ctx = info.context
        stmt = volunteer_service.volunteers_statement(
            ctx.service,
            under_path=await _subtree_path(info, region_id),
            skill=skill,
            interest=interest,
            min_star_level=min_star_level,
            text=text,
            is_active=is_active,
        )
        page = await paginate(ctx.session, stmt, VolunteerRow.id, first=first, after=after)
        nodes = {n.pk: n for n in await volunteer_nodes(info, page.items)}
        return connection(page, lambda row: nodes[row.id])

    @strawberry.field(
        description=(
            "Volunteer teams you may read: by region subtree, your organization's, or the teams "
            "you belong to."
        )
    )
    async def volunteer_teams(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        region_id: strawberry.ID | None = None,
        organization_id: strawberry.ID | None = None,
        text: str | None = None,
        is_active: bool | None = None,
    ) -> Connection[VolunteerTeam]:
        ctx = info.context
        stmt = team_service.teams_statement(
            ctx.service,
            under_path=await _subtree_path(info, region_id),
            organization_id=decode_id(organization_id, "Organization", "organizationId")
            if organization_id
            else None,
            text=text,
            is_active=is_active,
        )
        page = await paginate(ctx.session, stmt, VolunteerTeamRow.id, first=first, after=after)
        return connection(page, VolunteerTeam.from_row)
