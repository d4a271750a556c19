from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Node, node_resolver
from matchmaker.schema.types.enums import AccountStatus, Role
from matchmaker.schema.types.region import Region, load_region
from matchmaker.services import accounts as account_service
from matchmaker.services.authz import Capability
from matchmaker.services.validation import mask_phone

if TYPE_CHECKING:
    from matchmaker.schema.types.organization import Organization


@strawberry.type(description="A role held by an account, with its scope.")
class RoleGrant(Node):
    role: Role
    region_pk: strawberry.Private[int | None]
    organization_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.RoleGrant) -> Self:
        return cls(
            pk=row.id, role=row.role, region_pk=row.region_id, organization_pk=row.organization_id
        )

    @strawberry.field
    async def region(self, info: Info) -> Region | None:
        return await load_region(info, self.region_pk)

    @strawberry.field(description="Global id of the organization this grant is scoped to.")
    def organization_id(self) -> strawberry.ID | None:
        from matchmaker.schema.relay import to_global_id

        if self.organization_pk is None:
            return None
        return strawberry.ID(to_global_id("Organization", self.organization_pk))

    @strawberry.field(
        description="The organization this grant is scoped to, when you may read it. The "
        "grant's holder always may: the grant itself gives them the organization."
    )
    async def organization(
        self, info: Info
    ) -> Annotated[Organization, strawberry.lazy("matchmaker.schema.types.organization")] | None:
        from matchmaker.schema.types.organization import load_organization

        return await load_organization(info, self.organization_pk)


@strawberry.type(description="A login account. The phone number is masked except to its owner.")
class Account(Node):
    username: str | None
    display_name: str
    status: AccountStatus
    locale: str
    phone_raw: strawberry.Private[str | None]
    is_self: strawberry.Private[bool]

    @classmethod
    def from_row(cls, row: models.Account, *, viewer_id: int | None) -> Self:
        return cls(
            pk=row.id,
            username=row.username,
            display_name=row.display_name,
            status=row.status,
            locale=row.locale,
            phone_raw=row.phone,
            is_self=viewer_id == row.id,
        )

    @strawberry.field(description="Full number for its owner, masked (138****1234) for others.")
    def phone(self) -> str | None:
        return self.phone_raw if self.is_self else mask_phone(self.phone_raw)

    @strawberry.field
    async def grants(self, info: Info) -> list[RoleGrant]:
        ctx = info.context
        if not self.is_self and not ctx.actor.can(Capability.ACCOUNT_MANAGE):
            return []
        rows = await account_service.grants_of(ctx.session, self.pk)
        return [RoleGrant.from_row(r) for r in rows]


@node_resolver("Account")
async def resolve_account(info: Info, pk: int) -> Account | None:
    row = await account_service.get_readable(info.context.service, pk)
    return Account.from_row(row, viewer_id=info.context.actor.account_id) if row else None
