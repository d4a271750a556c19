from __future__ import annotations

import strawberry

from matchmaker.models import Organization as OrganizationRow
from matchmaker.models import SocialWorker as SocialWorkerRow
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Connection, connection, decode_id, selected_node_fields
from matchmaker.schema.types.enums import (
    OrganizationGrade,
    OrganizationKind,
    ServiceCategory,
    WorkerLevel,
)
from matchmaker.schema.types.organization import Organization, page_converter
from matchmaker.schema.types.social_worker import SocialWorker, StaffInvitation
from matchmaker.services import organizations as org_service
from matchmaker.services import regions as region_service
from matchmaker.services import social_workers as worker_service
from matchmaker.services.pagination import paginate, paginate_rows

#: A path no region has: an unknown region filter matches nothing rather than everything.
_NO_REGION = "/nonexistent/"


async def _under_path(info: Info, region_id: strawberry.ID | None) -> str | None:
    if region_id is None:
        return None
    region = await region_service.get(
        info.context.session, decode_id(region_id, "Region", "regionId")
    )
    return region.path if region else _NO_REGION


@strawberry.type
class OrganizationQueries:
    @strawberry.field(
        description="Organizations in your scope. `regionId`: based in that region's subtree."
    )
    async def organizations(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        region_id: strawberry.ID | None = None,
        category: ServiceCategory | None = None,
        min_grade: OrganizationGrade | None = None,
        kind: OrganizationKind | None = None,
        text: str | None = None,
        include_inactive: bool = False,
    ) -> Connection[Organization]:
        ctx = info.context
        stmt = org_service.organizations_statement(
            ctx.service,
            under_path=await _under_path(info, region_id),
            category=category,
            min_grade=min_grade,
            kind=kind,
            text=text,
            include_inactive=include_inactive,
        )
        wanted = selected_node_fields(info)
        with_staff, with_region = "staffCount" in wanted, "region" in wanted
        stmt = org_service.page_rows(stmt, staff_count=with_staff, base_region=with_region)
        page = await paginate_rows(ctx.session, stmt, OrganizationRow.id, first=first, after=after)
        return connection(page, page_converter(staff_count=with_staff, region=with_region))

    @strawberry.field(
        description="Social workers in your scope. `regionId`: living in that subtree or employed "
        "by an organization based there."
    )
    async def social_workers(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        region_id: strawberry.ID | None = None,
        min_level: WorkerLevel | None = None,
        specialty: ServiceCategory | None = None,
        organization_id: strawberry.ID | None = None,
        text: str | None = None,
        include_inactive: bool = False,
    ) -> Connection[SocialWorker]:
        ctx = info.context
        stmt = worker_service.social_workers_statement(
            ctx.service,
            under_path=await _under_path(info, region_id),
            min_level=min_level,
            specialty=specialty,
            organization_id=decode_id(organization_id, "Organization", "organizationId")
            if organization_id is not None
            else None,
            text=text,
            include_inactive=include_inactive,
        )
        page = await paginate(ctx.session, stmt, SocialWorkerRow.id, first=first, after=after)
        return connection(page, SocialWorker.from_row)

    @strawberry.field(
        description="Organizations where you are an admin or a social worker (empty if none)."
    )
    async def my_organizations(self, info: Info) -> list[Organization]:
        rows = await org_service.my_organizations(info.context.service)
        return [Organization.from_row(r) for r in rows]

    @strawberry.field(
        description="Invitations to join an organization's staff waiting for your answer."
    )
    async def my_staff_invitations(self, info: Info) -> list[StaffInvitation]:
        rows = await worker_service.my_invitations(info.context.service)
        return [StaffInvitation.from_invitation(r) for r in rows]
