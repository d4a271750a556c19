from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable
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
)
from matchmaker.schema.dataloaders.regions import region_by_id
from matchmaker.schema.relay import Node, node_resolver
from matchmaker.schema.types.enums import OrganizationGrade, OrganizationKind, ServiceCategory
from matchmaker.schema.types.region import Region, load_region
from matchmaker.services import organizations as org_service
from matchmaker.services.errors import DomainError
from matchmaker.services.validation import mask_phone

if TYPE_CHECKING:
    from matchmaker.schema.types.social_worker import SocialWorker


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
    #: Filled by list resolvers for the whole page (see ``prefetch_page``), so the hot fields
    #: below resolve synchronously; single objects fall back to the per-request loaders.
    prefetched_region: strawberry.Private[Region | None] = None
    prefetched_staff_count: strawberry.Private[int | None] = None

    @classmethod
    def from_row(cls, row: models.Organization) -> Self:
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
            prefetched_staff_count=row.staff_count,
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

    # graphql-core awaits what a resolver returns when it is awaitable, so these resolvers are
    # sync on a prefetched page (no per-field coroutine) and async only when loading alone.
    @strawberry.field(
        graphql_type=Region,
        description="The base region (where the organization is registered).",
    )
    def region(self, info: Info) -> Region | Awaitable[Region]:
        if self.prefetched_region is not None:
            return self.prefetched_region
        return _required_region(info, self.region_pk)

    @strawberry.field(description="Regions the organization serves.")
    async def service_regions(self, info: Info) -> list[Region]:
        rows = await info.context.loader(service_regions_by_organization).load(self.pk)
        return [Region.from_row(r) for r in rows]

    @strawberry.field(graphql_type=int, description="Number of active social workers on the staff.")
    def staff_count(self, info: Info) -> int | Awaitable[int]:
        if self.prefetched_staff_count is not None:
            return self.prefetched_staff_count
        loaded: Awaitable[int] = info.context.loader(staff_count_by_organization).load(self.pk)
        return loaded

    @strawberry.field(description="The staff you may read (empty when you may read none).")
    async def staff(
        self, info: Info, include_inactive: bool = False
    ) -> list[Annotated[SocialWorker, strawberry.lazy("matchmaker.schema.types.social_worker")]]:
        from matchmaker.schema.types.social_worker import SocialWorker

        batch = all_staff_by_organization if include_inactive else active_staff_by_organization
        rows = await info.context.loader(batch).load(self.pk)
        return [SocialWorker.from_row(r) for r in rows]


async def _required_region(info: Info, pk: int) -> Region:
    region = await load_region(info, pk)
    assert region is not None  # a foreign key
    return region


async def prefetch_page(info: Info, items: list[Organization], wanted: set[str]) -> None:
    """Load the page's regions in one batch, when the query asks (staff counts usually come
    with the page itself: ``with_staff_count``)."""
    if not items:
        return
    if "region" in wanted:
        ids = list({o.region_pk for o in items})
        rows = await region_by_id(info.context, ids)
        regions = {pk: Region.from_row(row) for pk, row in zip(ids, rows, strict=True) if row}
        for org in items:
            org.prefetched_region = regions.get(org.region_pk)
    missing = [o for o in items if o.prefetched_staff_count is None]
    if "staffCount" in wanted and missing:
        counts = await staff_count_by_organization(info.context, [o.pk for o in missing])
        for org, count in zip(missing, counts, strict=True):
            org.prefetched_staff_count = count


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
