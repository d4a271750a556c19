from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.organizations import (
    active_staff_by_organization,
    all_staff_by_organization,
    organization_by_id,
    service_regions_by_organization,
    staff_count_by_organization,
    staff_invitations_by_organization,
)
from matchmaker.schema.dataloaders.regions import region_by_id
from matchmaker.schema.prefetch import prefetched
from matchmaker.schema.relay import Node, node_resolver
from matchmaker.schema.types.enums import OrganizationGrade, OrganizationKind, ServiceCategory
from matchmaker.schema.types.region import Region, load_region
from matchmaker.services import organizations as org_service
from matchmaker.services.errors import DomainError
from matchmaker.services.pagination import PageRow
from matchmaker.services.validation import mask_phone

if TYPE_CHECKING:
    from matchmaker.schema.types.social_worker import SocialWorker, StaffInvitation


@strawberry.type(description="A social organization (社会组织).")
class Organization(Node):
    name: str
    credit_code: str = strawberry.field(description="Unified social credit code (18 characters).")
    kind: OrganizationKind
    grade: OrganizationGrade
    categories: list[ServiceCategory]
    legal_representative: str
    contact_name: str
    address: str
    founded_on: dt.date | None
    description: str
    is_active: bool
    version: int
    region_pk: strawberry.Private[int]
    contact_phone_raw: strawberry.Private[str]
    #: Filled for the whole page by the organizations list (``page_converter``): the fields
    #: marked ``prefetched`` read them; single objects fall back to the per-request loaders.
    prefetched_region: strawberry.Private[Region | None] = None
    prefetched_staff_count: strawberry.Private[int | None] = None

    @classmethod
    def from_row(cls, row: models.Organization | PageRow, staff_count: int | None = None) -> Self:
        """From an ORM instance or a page row (``services.organizations.page_rows``)."""
        return cls(
            pk=row.id,
            name=row.name,
            credit_code=row.credit_code,
            kind=row.kind,
            grade=OrganizationGrade.of(row.grade),
            categories=[ServiceCategory(c) for c in row.categories],
            legal_representative=row.legal_representative,
            contact_name=row.contact_name,
            address=row.address,
            founded_on=row.founded_on,
            description=row.description,
            is_active=row.is_active,
            version=row.version,
            region_pk=row.region_id,
            contact_phone_raw=row.contact_phone,
            prefetched_staff_count=staff_count,
        )

    @strawberry.field(
        description="Full number for the organization's admins, the bureau in scope and "
        "platform admins; masked (138****1234) for everyone else."
    )
    async def contact_phone(self, info: Info) -> str:
        actor = info.context.actor
        if org_service.sees_contact(actor, self.pk, None):
            return self.contact_phone_raw
        region = await info.context.loader(region_by_id).load(self.region_pk)
        if region is not None and org_service.sees_contact(actor, self.pk, region.path):
            return self.contact_phone_raw
        return mask_phone(self.contact_phone_raw) or ""

    @strawberry.field(
        description="The base region (where the organization is registered).",
        metadata=prefetched("prefetched_region"),
    )
    async def region(self, info: Info) -> Region:
        region = await load_region(info, self.region_pk)
        assert region is not None  # a foreign key
        return region

    @strawberry.field(description="Regions the organization serves.")
    async def service_regions(self, info: Info) -> list[Region]:
        rows = await info.context.loader(service_regions_by_organization).load(self.pk)
        return [Region.from_row(r) for r in rows]

    @strawberry.field(
        description="Number of active social workers on the staff.",
        metadata=prefetched("prefetched_staff_count"),
    )
    async def staff_count(self, info: Info) -> int:
        count: int = await info.context.loader(staff_count_by_organization).load(self.pk)
        return count

    @strawberry.field(description="The staff you may read (empty when you may read none).")
    async def staff(
        self, info: Info, include_inactive: bool = False
    ) -> list[Annotated[SocialWorker, strawberry.lazy("matchmaker.schema.types.social_worker")]]:
        from matchmaker.schema.types.social_worker import SocialWorker

        batch = all_staff_by_organization if include_inactive else active_staff_by_organization
        rows = await info.context.loader(batch).load(self.pk)
        return [SocialWorker.from_row(r) for r in rows]

    @strawberry.field(
        description="Invitations waiting for the worker's answer (to those who manage the staff)."
    )
    async def staff_invitations(
        self, info: Info
    ) -> list[Annotated[StaffInvitation, strawberry.lazy("matchmaker.schema.types.social_worker")]]:
        from matchmaker.schema.types.social_worker import StaffInvitation

        rows = await info.context.loader(staff_invitations_by_organization).load(self.pk)
        return [StaffInvitation.from_invitation(r) for r in rows]


def page_converter(*, staff_count: bool, region: bool) -> Callable[[PageRow], Organization]:
    """Organizations from ``page_rows`` rows, with what the page selected filled in (one
    Region object per distinct base region), so ``region`` and ``staffCount`` resolve without
    loaders."""
    regions: dict[int, Region] = {}

    def convert(row: PageRow) -> Organization:
        org = Organization.from_row(row, staff_count=row.staff_count if staff_count else None)
        if region:
            base = regions.get(org.region_pk)
            if base is None:
                base = regions[org.region_pk] = Region.from_row(
                    row, prefix=org_service.BASE_REGION_PREFIX
                )
            org.prefetched_region = base
        return org

    return convert


@node_resolver("Organization")
async def resolve_organization(info: Info, pk: int) -> Organization | None:
    try:
        row = await org_service.get(info.context.service, organization_id=pk)
    except DomainError:
        return None
    return Organization.from_row(row)


async def load_organization(info: Info, pk: int | None) -> Organization | None:
    """An organization through the caller's scope: null when they may not read it."""
    if pk is None:
        return None
    row = await info.context.loader(organization_by_id).load(pk)
    return Organization.from_row(row) if row else None
