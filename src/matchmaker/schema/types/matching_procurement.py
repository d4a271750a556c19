"""GraphQL types of the procurement matching directions (docs/matching.md): recommended
organizations, projects and social workers, and invitations to bid. Reasons are the shared
:class:`~matchmaker.schema.types.matching.MatchReason`."""

from __future__ import annotations

import datetime as dt

import strawberry

from matchmaker.models import OrganizationInvitation as InvitationRow
from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.procurement import organization_name_by_id
from matchmaker.schema.relay import to_global_id
from matchmaker.schema.types.matching import MatchReason, reasons_to_gql
from matchmaker.schema.types.organization import Organization
from matchmaker.schema.types.project import Project
from matchmaker.schema.types.social_worker import SocialWorker
from matchmaker.services.matching.procurement import Recommendations


def _impression(pk: int | None) -> strawberry.ID | None:
    return None if pk is None else strawberry.ID(str(pk))


@strawberry.type(description="An organization recommended for a project.")
class RecommendedOrganization:
    rank: int
    score: float
    reasons: list[MatchReason]
    organization: Organization = strawberry.field(
        description="Its public profile; the contact phone is masked as on `Organization`."
    )


@strawberry.type(
    description="Organizations to invite to bid, best first, re-ranked so that qualified small "
    "and new organizations keep a minimum share of every top-k prefix (FA*IR)."
)
class OrganizationRecommendations:
    items: list[RecommendedOrganization]
    model_version: str | None = strawberry.field(description="Null for a cold start.")
    cold_start: bool
    impression_id: strawberry.ID | None


@strawberry.type(description="An open project recommended to an organization.")
class RecommendedProject:
    rank: int
    score: float
    reasons: list[MatchReason]
    project: Project


@strawberry.type(description="Open projects for the organization to bid on, best first.")
class ProjectRecommendations:
    items: list[RecommendedProject]
    model_version: str | None
    cold_start: bool
    impression_id: strawberry.ID | None


@strawberry.type(description="A social worker of the organization recommended for the team.")
class RecommendedSocialWorker:
    rank: int
    score: float
    reasons: list[MatchReason]
    social_worker: SocialWorker = strawberry.field(
        description="As on `SocialWorker` (the organization's own staff)."
    )


@strawberry.type(
    description="The organization's social workers for a project's team, best first; workers "
    "whose registration is not valid come after all the others."
)
class SocialWorkerRecommendations:
    items: list[RecommendedSocialWorker]
    model_version: str | None
    cold_start: bool
    impression_id: strawberry.ID | None


def organization_recommendations(result: Recommendations) -> OrganizationRecommendations:
    return OrganizationRecommendations(
        items=[
            RecommendedOrganization(
                rank=i.rank,
                score=i.score,
                reasons=reasons_to_gql(i.reasons),
                organization=Organization.from_row(i.row),
            )
            for i in result.items
        ],
        model_version=result.model_version,
        cold_start=result.cold_start,
        impression_id=_impression(result.impression_id),
    )


def project_recommendations(result: Recommendations) -> ProjectRecommendations:
    return ProjectRecommendations(
        items=[
            RecommendedProject(
                rank=i.rank,
                score=i.score,
                reasons=reasons_to_gql(i.reasons),
                project=Project.from_row(i.row),
            )
            for i in result.items
        ],
        model_version=result.model_version,
        cold_start=result.cold_start,
        impression_id=_impression(result.impression_id),
    )


def social_worker_recommendations(result: Recommendations) -> SocialWorkerRecommendations:
    return SocialWorkerRecommendations(
        items=[
            RecommendedSocialWorker(
                rank=i.rank,
                score=i.score,
                reasons=reasons_to_gql(i.reasons),
                social_worker=SocialWorker.from_row(i.row),
            )
            for i in result.items
        ],
        model_version=result.model_version,
        cold_start=result.cold_start,
        impression_id=_impression(result.impression_id),
    )


@strawberry.type(description="An organization invited to bid on (or to look at) a project.")
class OrganizationInvitation:
    organization_id: strawberry.ID
    project_id: strawberry.ID
    created_at: dt.datetime
    from_recommendation: bool = strawberry.field(
        description="Whether the organization was picked from `recommendedOrganizations`."
    )
    organization_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: InvitationRow) -> OrganizationInvitation:
        return cls(
            organization_id=strawberry.ID(to_global_id("Organization", row.organization_id)),
            project_id=strawberry.ID(to_global_id("Project", row.project_id)),
            created_at=row.created_at,
            from_recommendation=row.impression_item_id is not None,
            organization_pk=row.organization_id,
        )

    @strawberry.field
    async def organization_name(self, info: Info) -> str | None:
        name: str | None = await info.context.loader(organization_name_by_id).load(
            self.organization_pk
        )
        return name
