"""Matching mutations of the procurement directions (docs/matching.md)."""

from __future__ import annotations

import strawberry

from matchmaker.schema.context import Info
from matchmaker.schema.errors import Payload, mutate
from matchmaker.schema.relay import gid, gids
from matchmaker.schema.types.matching_procurement import OrganizationInvitation
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import invalid
from matchmaker.services.matching import procurement as service
from matchmaker.services.matching.procurement import MAX_INVITES_PER_CALL


@strawberry.input
class InviteOrganizationsInput:
    project_id: strawberry.ID
    organization_ids: list[strawberry.ID] = strawberry.field(
        description=f"1 to {MAX_INVITES_PER_CALL} organizations."
    )


@strawberry.type
class InviteOrganizationsPayload(Payload):
    invitations: list[OrganizationInvitation] = strawberry.field(
        default_factory=list,
        description="Every invitation of the listed organizations, new and earlier ones.",
    )
    invited_count: int = strawberry.field(
        default=0, description="How many were invited by this call (the others were already)."
    )

    @classmethod
    async def of(cls, info: Info, result: service.InvitationResult) -> InviteOrganizationsPayload:
        return cls(
            invitations=[OrganizationInvitation.from_row(r) for r in result.invitations],
            invited_count=len(result.new_organization_ids),
        )


@strawberry.type
class MatchingProcurementMutations:
    @strawberry.mutation(
        description="Invite organizations to bid on a project open for bids (community staff, "
        "bureau officers in its region). For an invited tender this records the invitation "
        "list; otherwise it is an invitation to look. The organizations' admins are notified "
        "once; each organization takes a limited number of invitations per month."
    )
    async def invite_organizations(
        self, info: Info, input: InviteOrganizationsInput
    ) -> InviteOrganizationsPayload:
        async def action(sc: ServiceContext) -> service.InvitationResult:
            if len(input.organization_ids) > MAX_INVITES_PER_CALL:
                # Refused before decoding: a long list is never walked.
                raise invalid(
                    "organizationIds", f"Invite 1 to {MAX_INVITES_PER_CALL} organizations"
                )
            return await service.invite_organizations(
                sc,
                project_id=gid(input.project_id, "Project", "projectId"),
                organization_ids=gids(input.organization_ids, "Organization", "organizationIds"),
            )

        return await mutate(info, InviteOrganizationsPayload, action)
