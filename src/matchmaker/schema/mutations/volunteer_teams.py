"""Team membership with consent: invitations, answers, joining by code, leaving
(docs/volunteering.md, Volunteer teams). Creating and running teams is in ``volunteers.py``."""

from __future__ import annotations

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.errors import Payload, mutate
from matchmaker.schema.mutations.volunteers import VolunteerTeamPayload
from matchmaker.schema.relay import gid
from matchmaker.schema.types.volunteer_team import VolunteerTeamMembership
from matchmaker.services import volunteer_teams as team_service
from matchmaker.services.context import ServiceContext


@strawberry.input
class InviteVolunteerTeamMemberInput:
    team_id: strawberry.ID
    volunteer_number: str = strawberry.field(
        description="The public number (志愿者编号) the volunteer gave you."
    )


@strawberry.input
class RespondToTeamInvitationInput:
    membership_id: strawberry.ID
    accept: bool


@strawberry.input
class JoinVolunteerTeamInput:
    code: str = strawberry.field(description="The team's join code, as its manager shows it.")


@strawberry.input
class VolunteerTeamIdInput:
    team_id: strawberry.ID


@strawberry.type
class VolunteerTeamMembershipPayload(Payload):
    membership: VolunteerTeamMembership | None = None

    @classmethod
    async def of(
        cls, info: Info, view: team_service.MembershipView
    ) -> VolunteerTeamMembershipPayload:
        return cls(membership=VolunteerTeamMembership.from_view(view))


async def _view(
    sc: ServiceContext, membership: models.TeamMembership
) -> team_service.MembershipView:
    """The membership as its reader sees it, read in the mutation's savepoint."""
    return await team_service.get_membership(sc, membership.id)


@strawberry.type
class VolunteerTeamMutations:
    @strawberry.mutation(
        description=(
            "Invite a volunteer by their public number. They are notified and accept or "
            "decline; until then you see the number and the invitation's status only."
        )
    )
    async def invite_volunteer_team_member(
        self, info: Info, input: InviteVolunteerTeamMemberInput
    ) -> VolunteerTeamMembershipPayload:
        async def action(sc: ServiceContext) -> team_service.MembershipView:
            membership, _ = await team_service.invite_member(
                sc,
                team_id=gid(input.team_id, "VolunteerTeam", "teamId"),
                volunteer_number=input.volunteer_number,
            )
            return await _view(sc, membership)

        return await mutate(info, VolunteerTeamMembershipPayload, action)

    @strawberry.mutation(description="Accept or decline an invitation to a team (volunteers).")
    async def respond_to_team_invitation(
        self, info: Info, input: RespondToTeamInvitationInput
    ) -> VolunteerTeamMembershipPayload:
        async def action(sc: ServiceContext) -> team_service.MembershipView:
            membership = await team_service.respond_to_invitation(
                sc,
                membership_id=gid(input.membership_id, "VolunteerTeamMembership", "membershipId"),
                accept=input.accept,
            )
            return await _view(sc, membership)

        return await mutate(info, VolunteerTeamMembershipPayload, action)

    @strawberry.mutation(description="Join a team with its code (volunteers).")
    async def join_volunteer_team(
        self, info: Info, input: JoinVolunteerTeamInput
    ) -> VolunteerTeamMembershipPayload:
        async def action(sc: ServiceContext) -> team_service.MembershipView:
            membership = await team_service.join_by_code(sc, code=input.code)
            return await _view(sc, membership)

        return await mutate(info, VolunteerTeamMembershipPayload, action)

    @strawberry.mutation(description="Leave a team: it no longer sees your profile (volunteers).")
    async def leave_volunteer_team(
        self, info: Info, input: VolunteerTeamIdInput
    ) -> VolunteerTeamMembershipPayload:
        async def action(sc: ServiceContext) -> team_service.MembershipView:
            membership = await team_service.leave_team(
                sc, team_id=gid(input.team_id, "VolunteerTeam", "teamId")
            )
            return await _view(sc, membership)

        return await mutate(info, VolunteerTeamMembershipPayload, action)

    @strawberry.mutation(description="A new join code for a team you manage; the old one stops.")
    async def rotate_volunteer_team_join_code(
        self, info: Info, input: VolunteerTeamIdInput
    ) -> VolunteerTeamPayload:
        return await mutate(
            info,
            VolunteerTeamPayload,
            lambda sc: team_service.rotate_join_code(
                sc, team_id=gid(input.team_id, "VolunteerTeam", "teamId")
            ),
        )
