"""A volunteer's own team memberships and invitations (docs/volunteering.md, Volunteer teams)."""

from __future__ import annotations

import strawberry

from matchmaker.schema.context import Info
from matchmaker.schema.types.volunteer_team import TeamMembershipStatus, VolunteerTeamMembership
from matchmaker.services import volunteer_teams as team_service


@strawberry.type
class VolunteerTeamQueries:
    @strawberry.field(
        description=(
            "Your teams and invitations as a volunteer, newest first (at most 200); filter "
            "by status, e.g. INVITED for the invitations waiting for your answer."
        )
    )
    async def my_team_memberships(
        self,
        info: Info,
        status: TeamMembershipStatus | None = None,  # type: ignore[valid-type]
    ) -> list[VolunteerTeamMembership]:
        views = await team_service.my_memberships(info.context.service, status=status)
        return [VolunteerTeamMembership.from_view(v) for v in views]
