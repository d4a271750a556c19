from __future__ import annotations

from typing import Any, Self

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.regions import region_by_id
from matchmaker.schema.relay import Node, node_resolver
from matchmaker.schema.types.enums import RegionLevel
from matchmaker.services import regions as region_service
from matchmaker.services.pagination import PageRow


@strawberry.type(description="An administrative division (行政区划) with its national code.")
class Region(Node):
    code: str
    name: str
    level: RegionLevel
    path: str
    latitude: float | None
    longitude: float | None
    parent_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.Region | PageRow, prefix: str = "") -> Self:
        """From an ORM instance, or from a page row whose region columns are named
        ``<prefix><column>`` (a region joined into another list's rows)."""

        def value(column: str) -> Any:
            return getattr(row, prefix + column)

        return cls(
            pk=value("id"),
            code=value("code"),
            name=value("name"),
            level=value("level"),
            path=value("path"),
            latitude=value("latitude"),
            longitude=value("longitude"),
            parent_pk=value("parent_id"),
        )

    @strawberry.field
    async def parent(self, info: Info) -> Region | None:
        if self.parent_pk is None:
            return None
        row = await info.context.loader(region_by_id).load(self.parent_pk)
        return Region.from_row(row) if row else None


@node_resolver("Region")
async def resolve_region(info: Info, pk: int) -> Region | None:
    row = await region_service.get(info.context.session, pk)
    return Region.from_row(row) if row else None


async def load_region(info: Info, pk: int | None) -> Region | None:
    if pk is None:
        return None
    row = await info.context.loader(region_by_id).load(pk)
    return Region.from_row(row) if row else None
