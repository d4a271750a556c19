from __future__ import annotations

import strawberry

from matchmaker.models import MicroWish as MicroWishRow
from matchmaker.models import Region as RegionRow
from matchmaker.models.micro_wishes import MicroWishStatus
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Connection, connection, decode_id
from matchmaker.schema.types.enums import ServiceCategory
from matchmaker.schema.types.micro_wish import MicroWish, wishes_from_rows
from matchmaker.schema.types.micro_wish_counts import MicroWishCounts
from matchmaker.schema.types.micro_wish_matching import (
    MicroWishRecommendations,
    WishClaimerRecommendations,
    claimer_recommendations,
    wish_recommendations,
)
from matchmaker.services import micro_wish_counts
from matchmaker.services import micro_wishes as service
from matchmaker.services.matching import micro_wishes as wish_matching
from matchmaker.services.pagination import Page, paginate


async def _connection(info: Info, page: Page[MicroWishRow]) -> Connection[MicroWish]:
    typed = {w.pk: w for w in await wishes_from_rows(info.context.service, page.items)}
    return connection(page, lambda row: typed[row.id])


@strawberry.type
class MicroWishQueries:
    @strawberry.field(
        description="The micro-wish board (public, masked), newest first. `regionId` limits "
        "to a subtree, `category` to one service category (docs/micro_wishes.md)."
    )
    async def micro_wishes(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        region_id: strawberry.ID | None = None,
        status: MicroWishStatus | None = None,
        category: ServiceCategory | None = None,
    ) -> Connection[MicroWish]:
        ctx = info.context
        region_path = None
        if region_id is not None:
            region = await ctx.session.get(RegionRow, decode_id(region_id, "Region", "regionId"))
            region_path = region.path if region else "/nonexistent/"
        stmt = service.wishes_statement(
            ctx.service, region_path=region_path, status=status, category=category
        )
        page = await paginate(
            ctx.session, stmt, MicroWishRow.id, first=first, after=after, descending=True
        )
        return await _connection(info, page)

    @strawberry.field(
        description="Wishes you hold: as a volunteer, a team's manager or an organization's admin."
    )
    async def my_micro_wish_claims(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[MicroWish]:
        ctx = info.context
        stmt = service.my_claims_statement(
            ctx.service, volunteer_id=await service.my_volunteer_id(ctx.service)
        )
        page = await paginate(
            ctx.session, stmt, MicroWishRow.id, first=first, after=after, descending=True
        )
        return await _connection(info, page)

    @strawberry.field(
        description="Micro-wish figures by community and month (wishes recorded in the month: "
        "claimed, fulfilled, confirmed, share confirmed, median hours to claim and to fulfil): "
        "auditors and bureau officers for their region subtree, community staff for their "
        "communities; `regionId` narrows to a region inside (docs/micro_wishes.md, Counting)."
    )
    async def micro_wish_counts(
        self, info: Info, region_id: strawberry.ID | None = None, year: int | None = None
    ) -> MicroWishCounts:
        report = await micro_wish_counts.counts(
            info.context.service,
            region_id=decode_id(region_id, "Region", "regionId") if region_id else None,
            year=year,
        )
        return MicroWishCounts.of(report)

    @strawberry.field(
        description="The public home's visible result: wishes most recently fulfilled or "
        "confirmed, newest first (at most 20), masked like the board."
    )
    async def recent_micro_wish_results(
        self, info: Info, first: int = 6, region_id: strawberry.ID | None = None
    ) -> list[MicroWish]:
        ctx = info.context
        rows = await micro_wish_counts.recent_results(
            ctx.service,
            first=first,
            region_id=decode_id(region_id, "Region", "regionId") if region_id else None,
        )
        return await wishes_from_rows(ctx.service, rows)

    @strawberry.field(
        description="Volunteers and teams of the street to ask about an open wish (the "
        "community's staff), best first, with reasons; volunteers who turned recommendations "
        "off never appear (docs/matching.md, Micro-wishes)."
    )
    async def recommended_wish_claimers(
        self, info: Info, wish_id: strawberry.ID, first: int = 20
    ) -> WishClaimerRecommendations:
        result = await wish_matching.recommended_claimers(
            info.context.service, wish_id=decode_id(wish_id, "MicroWish", "wishId"), first=first
        )
        return await claimer_recommendations(info, result)

    @strawberry.field(
        description="Your feed of open wishes nearby (volunteers), best first, with reasons; "
        "not personalized when you turned `personalizedFeed` off."
    )
    async def recommended_micro_wishes(
        self, info: Info, first: int = 20
    ) -> MicroWishRecommendations:
        result = await wish_matching.recommended_wishes(info.context.service, first=first)
        return await wish_recommendations(info, result)
