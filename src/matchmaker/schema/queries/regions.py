from __future__ import annotations

import strawberry

from matchmaker.models import Region as RegionRow
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Connection, connection, decode_id
from matchmaker.schema.types.enums import RegionLevel
from matchmaker.schema.types.region import Region
from matchmaker.services import regions as region_service
from matchmaker.services.pagination import paginate


@strawberry.type
class RegionQueries:
    @strawberry.field(description="Regions (public). `under` limits to a subtree by region id.")
    async def regions(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        parent_id: strawberry.ID | None = None,
        under: strawberry.ID | None = None,
        level: RegionLevel | None = None,
        text: str | None = None,
        roots: bool = False,
    ) -> Connection[Region]:
        ctx = info.context
        under_path = None
        if under is not None:
            root = await region_service.get(ctx.session, decode_id(under, "Region", "under"))
            under_path = root.path if root else "/nonexistent/"
        stmt = region_service.regions_statement(
            parent_id=decode_id(parent_id, "Region", "parentId") if parent_id else None,
            level=level,
            under_path=under_path,
            text=text,
            roots=roots,
        )
        page = await paginate(ctx.session, stmt, RegionRow.id, first=first, after=after)
        return connection(page, Region.from_row)

    @strawberry.field(description="One region by its national code.")
    async def region_by_code(self, info: Info, code: str) -> Region | None:
        row = await region_service.get_by_code(info.context.session, code.strip())
        return Region.from_row(row) if row else None
