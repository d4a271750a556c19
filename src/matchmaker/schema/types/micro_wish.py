"""The micro-wish type (docs/micro_wishes.md): a public notice with masked details."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Self

import strawberry

from matchmaker import models
from matchmaker.models.micro_wishes import (
    ClaimantType,
    MicroWishKind,
    MicroWishNeed,
    MicroWishStatus,
)
from matchmaker.schema.context import Context, Info
from matchmaker.schema.dataloaders.procurement import evidence_by_micro_wish
from matchmaker.schema.relay import Node, node_resolver
from matchmaker.schema.types.enums import ServiceCategory
from matchmaker.schema.types.progress_report import EvidenceFile, evidence_file
from matchmaker.schema.types.region import Region, load_region
from matchmaker.services import micro_wishes as service
from matchmaker.services.context import ServiceContext

strawberry.enum(MicroWishKind, description="A resident's own wish, or an everyday affair.")
strawberry.enum(MicroWishNeed, description="What the wish needs: someone's time, or goods.")
strawberry.enum(
    MicroWishStatus,
    description="OPEN → CLAIMED → FULFILLED → CONFIRMED; or EXPIRED, WITHDRAWN, ESCALATED.",
)
strawberry.enum(ClaimantType, description="Who claimed a wish.")


@strawberry.type(
    description="Who holds a wish: a team or an organization by name, a volunteer masked (张*)."
)
class MicroWishClaimant:
    type: ClaimantType
    display_name: str


@strawberry.type(
    description="The beneficiary's details: only for the community's staff and the claimant."
)
class MicroWishBeneficiary:
    name: str
    address: str
    description: str


@strawberry.type(
    description="A micro-wish (微心愿) on a community's notice board (docs/micro_wishes.md)."
)
class MicroWish(Node):
    status: MicroWishStatus
    kind: MicroWishKind
    title: str
    category: ServiceCategory
    needs: MicroWishNeed
    deadline: dt.datetime
    public_description: str = strawberry.field(
        description="What everyone reads: no name, no address."
    )
    claimant: MicroWishClaimant | None
    claimed_at: dt.datetime | None
    minutes_given: int | None
    started_at: dt.datetime | None = strawberry.field(
        description="When the volunteer's time began (their service record starts here)."
    )
    fulfilled_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    version: int
    row: strawberry.Private[models.MicroWish]

    @classmethod
    def from_row(cls, row: models.MicroWish, claimant: service.ClaimantView | None) -> Self:
        return cls(
            pk=row.id,
            status=row.status,
            kind=row.kind,
            title=row.title,
            category=row.category,
            needs=row.needs,
            deadline=row.deadline,
            public_description=row.public_description,
            claimant=MicroWishClaimant(type=claimant.type, display_name=claimant.display_name)
            if claimant
            else None,
            claimed_at=row.claimed_at,
            minutes_given=row.minutes_given,
            started_at=row.started_at,
            fulfilled_at=row.fulfilled_at,
            confirmed_at=row.confirmed_at,
            version=row.version,
            row=row,
        )

    @strawberry.field(description="The linked project draft, when escalated.")
    def project_id(self) -> strawberry.ID | None:
        from matchmaker.schema.relay import to_global_id

        pid = self.row.project_id
        return strawberry.ID(to_global_id("Project", pid)) if pid is not None else None

    @strawberry.field(description="The community whose board carries the wish.")
    async def region(self, info: Info) -> Region | None:
        return await load_region(info, self.row.region_id)

    @strawberry.field(
        description="What the claimant reported doing. It may name the resident, so like the "
        "beneficiary it is null unless you are the community's staff or the claimant."
    )
    async def fulfilment_report(self, info: Info) -> str | None:
        if self.row.fulfilment_report is None:
            return None
        if not await info.context.loader(beneficiary_readable).load(self.pk):
            return None
        return self.row.fulfilment_report

    @strawberry.field(
        description="Photos the claimant sent with the fulfilment report (download each from "
        "its `url`): empty unless you are the community's staff or the claimant."
    )
    async def evidence_files(self, info: Info) -> list[EvidenceFile]:
        if not await info.context.loader(evidence_readable).load(self.pk):
            return []
        rows = await info.context.loader(evidence_by_micro_wish).load(self.pk)
        return [evidence_file(r) for r in rows]

    @strawberry.field(description="Null unless you are the community's staff or the claimant.")
    async def beneficiary(self, info: Info) -> MicroWishBeneficiary | None:
        if not await info.context.loader(beneficiary_readable).load(self.pk):
            return None
        details = service.beneficiary(info.context.service, self.row)
        return MicroWishBeneficiary(
            name=details.name, address=details.address, description=details.description
        )


async def beneficiary_readable(ctx: Context, keys: Sequence[int]) -> list[bool]:
    """Batched: whether the caller may read each wish's beneficiary (one statement a page)."""
    readable = await service.beneficiary_readable_ids(ctx.service, list(keys))
    return [k in readable for k in keys]


async def evidence_readable(ctx: Context, keys: Sequence[int]) -> list[bool]:
    """Batched: whether the caller may see each wish's fulfilment photos."""
    readable = await service.evidence_readable_ids(ctx.service, list(keys))
    return [k in readable for k in keys]


async def wish_by_id(ctx: Context, keys: Sequence[int]) -> list[models.MicroWish | None]:
    """Batched: wishes by id (the board is public, so every wish is readable)."""
    rows = await ctx.session.scalars(
        service.wishes_statement(ctx.service).where(models.MicroWish.id.in_(set(keys)))
    )
    by_id = {r.id: r for r in rows}
    return [by_id.get(k) for k in keys]


async def wish_claimant(ctx: Context, keys: Sequence[int]) -> list[service.ClaimantView | None]:
    """Batched: the claimant shown for each wish (names read once for the page)."""
    rows = [r for r in await ctx.loader(wish_by_id).load_many(list(keys)) if r is not None]
    names = await service.claimant_names(ctx.service, rows)
    return [names.get(k) for k in keys]


async def load_micro_wish(info: Info, pk: int) -> MicroWish | None:
    row = await info.context.loader(wish_by_id).load(pk)
    if row is None:
        return None
    return MicroWish.from_row(row, await info.context.loader(wish_claimant).load(pk))


async def wishes_from_rows(sc: ServiceContext, rows: list[models.MicroWish]) -> list[MicroWish]:
    """Types for a page of rows, the claimants' names read in one batch."""
    names = await service.claimant_names(sc, rows)
    return [MicroWish.from_row(r, names.get(r.id)) for r in rows]


async def wish_from_row(sc: ServiceContext, row: models.MicroWish | None) -> MicroWish | None:
    if row is None:
        return None
    return (await wishes_from_rows(sc, [row]))[0]


@node_resolver("MicroWish")
async def resolve_micro_wish(info: Info, pk: int) -> MicroWish | None:
    sc = info.context.service
    return await wish_from_row(sc, await service.get_readable(sc, pk))
