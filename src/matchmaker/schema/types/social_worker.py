from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from matchmaker import clock, models
from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.organizations import (
    organization_by_id,
    organization_ids_by_worker,
)
from matchmaker.schema.relay import Node, node_resolver, to_global_id
from matchmaker.schema.types.enums import ServiceCategory, WorkerLevel
from matchmaker.schema.types.organization import Organization
from matchmaker.schema.types.region import Region, load_region
from matchmaker.services import social_workers as worker_service
from matchmaker.services.errors import DomainError
from matchmaker.services.social_workers import Invitation


@strawberry.type(description="A professional social worker (社工).")
class SocialWorker(Node):
    name: str
    level: WorkerLevel
    certificate_number: str | None
    registration_expires_on: dt.date | None = strawberry.field(
        description="Last day of the current registration (registration lasts 3 years)."
    )
    registration_valid: bool = strawberry.field(
        description="Whether the registration is valid today (Asia/Shanghai)."
    )
    specialties: list[ServiceCategory]
    is_active: bool
    version: int
    home_region_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.SocialWorker) -> Self:
        return cls(
            pk=row.id,
            name=row.name,
            level=row.level,
            certificate_number=row.certificate_number,
            registration_expires_on=row.registration_expires_on,
            registration_valid=worker_service.registration_valid(
                row.registration_expires_on, clock.today_shanghai()
            ),
            specialties=[ServiceCategory(s) for s in row.specialties],
            is_active=row.is_active,
            version=row.version,
            home_region_pk=row.home_region_id,
        )

    @strawberry.field
    async def home_region(self, info: Info) -> Region | None:
        return await load_region(info, self.home_region_pk)

    @strawberry.field(description="Employing organizations that you may read.")
    async def organizations(self, info: Info) -> list[Organization]:
        ids = await info.context.loader(organization_ids_by_worker).load(self.pk)
        rows = await info.context.loader(organization_by_id).load_many(ids)
        return [Organization.from_row(r) for r in rows if r is not None]


@node_resolver("SocialWorker")
async def resolve_social_worker(info: Info, pk: int) -> SocialWorker | None:
    try:
        row = await worker_service.get(info.context.service, social_worker_id=pk)
    except DomainError:
        return None
    return SocialWorker.from_row(row)


@strawberry.type(
    description=(
        "An organization's invitation to a social worker to join its staff. The worker is "
        "staff only once they accept (docs/procurement.md); until then the organization can't "
        "read their profile."
    )
)
class StaffInvitation:
    id: strawberry.ID
    organization_id: strawberry.ID
    organization_name: str
    social_worker_id: strawberry.ID = strawberry.field(
        description="The invited worker (removeStaffMember with it withdraws the invitation)."
    )
    social_worker_name: str = strawberry.field(
        description="The name the organization gave (with the phone) to find the worker."
    )
    status: str = strawberry.field(description="PENDING, or ACTIVE once accepted.")
    invited_at: dt.datetime

    @classmethod
    def from_invitation(cls, invitation: Invitation) -> Self:
        m = invitation.membership
        return cls(
            id=strawberry.ID(to_global_id("StaffInvitation", m.id)),
            organization_id=strawberry.ID(to_global_id("Organization", invitation.organization.id)),
            organization_name=invitation.organization.name,
            social_worker_id=strawberry.ID(to_global_id("SocialWorker", m.social_worker_id)),
            social_worker_name=invitation.worker_name,
            status=m.status.value,
            invited_at=m.created_at,
        )
