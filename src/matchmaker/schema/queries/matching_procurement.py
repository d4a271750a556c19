"""Matching queries of the procurement directions (docs/matching.md)."""

from __future__ import annotations

import strawberry

from matchmaker.schema.context import Info
from matchmaker.schema.relay import decode_id
from matchmaker.schema.types.matching_procurement import (
    OrganizationInvitation,
    OrganizationRecommendations,
    ProjectRecommendations,
    SocialWorkerRecommendations,
    organization_recommendations,
    project_recommendations,
    social_worker_recommendations,
)
from matchmaker.services.matching import procurement as service


@strawberry.type
class MatchingProcurementQueries:
    @strawberry.field(
        description="Organizations to invite to bid on a project in your regions (community "
        "staff, bureau officers), before its bids are opened; with reasons. `first` ≤ 50."
    )
    async def recommended_organizations(
        self, info: Info, project_id: strawberry.ID, first: int = 20
    ) -> OrganizationRecommendations:
        result = await service.recommended_organizations(
            info.context.service,
            project_id=decode_id(project_id, "Project", "projectId"),
            first=first,
        )
        return organization_recommendations(result)

    @strawberry.field(
        description="Open projects your organization qualifies for and has not bid on yet, best "
        "first, with reasons (its admins). `first` ≤ 50."
    )
    async def recommended_projects(
        self, info: Info, organization_id: strawberry.ID, first: int = 20
    ) -> ProjectRecommendations:
        result = await service.recommended_projects(
            info.context.service,
            organization_id=decode_id(organization_id, "Organization", "organizationId"),
            first=first,
        )
        return project_recommendations(result)

    @strawberry.field(
        description="Your organization's active social workers for a project's team (its "
        "admins): while the project is open for bids, or once your organization runs it. "
        "Without `organizationId`: the organization running the project if you administer it, "
        "else your only organization."
    )
    async def recommended_social_workers(
        self,
        info: Info,
        project_id: strawberry.ID,
        first: int = 20,
        organization_id: strawberry.ID | None = None,
    ) -> SocialWorkerRecommendations:
        result = await service.recommended_social_workers(
            info.context.service,
            project_id=decode_id(project_id, "Project", "projectId"),
            organization_id=decode_id(organization_id, "Organization", "organizationId")
            if organization_id is not None
            else None,
            first=first,
        )
        return social_worker_recommendations(result)

    @strawberry.field(
        description="Organizations invited to a project in your regions (community staff, "
        "bureau officers)."
    )
    async def project_invitations(
        self, info: Info, project_id: strawberry.ID
    ) -> list[OrganizationInvitation]:
        rows = await service.invitations_of_project(
            info.context.service, project_id=decode_id(project_id, "Project", "projectId")
        )
        return [OrganizationInvitation.from_row(r) for r in rows]
