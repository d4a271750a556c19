from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Node, node_resolver
from matchmaker.schema.types.enums import ServiceCategory
from matchmaker.schema.types.region import Region, load_region
from matchmaker.services import needs as need_service


@strawberry.type(description="A residents' need (居民需求) recorded by community staff.")
class Need(Node):
    category: ServiceCategory
    target_group: str
    description: str
    people_affected: int
    created_at: dt.datetime
    region_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Need) -> Self:
        return cls(
            pk=row.id,
            category=row.category,
            target_group=row.target_group,
            description=row.description,
            people_affected=row.people_affected,
            created_at=row.created_at,
            region_pk=row.region_id,
        )

    @strawberry.field(description="The community.")
    async def region(self, info: Info) -> Region | None:
        return await load_region(info, self.region_pk)


@node_resolver("Need")
async def resolve_need(info: Info, pk: int) -> Need | None:
    row = await need_service.get_readable(info.context.service, pk)
    return Need.from_row(row) if row else None
