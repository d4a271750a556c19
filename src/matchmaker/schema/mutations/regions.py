from __future__ import annotations

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.errors import Payload, mutate
from matchmaker.schema.relay import gid, opt_gid
from matchmaker.schema.types.enums import RegionLevel
from matchmaker.schema.types.region import Region
from matchmaker.services import regions as region_service


@strawberry.input
class CreateRegionInput:
    code: str
    name: str
    level: RegionLevel
    parent_id: strawberry.ID | None = None
    latitude: float | None = None
    longitude: float | None = None


@strawberry.input
class RenameRegionInput:
    region_id: strawberry.ID
    name: str
    version: int


@strawberry.type
class RegionPayload(Payload):
    region: Region | None = None

    @classmethod
    async def of(cls, info: Info, row: models.Region) -> RegionPayload:
        return cls(region=Region.from_row(row))


@strawberry.input
class ImportRegionsInput:
    csv: str = strawberry.field(description="`code,name,level,parent_code[,latitude,longitude]`")


@strawberry.type
class ImportRegionsPayload(Payload):
    created: int = 0
    unchanged: int = 0

    @classmethod
    async def of(cls, info: Info, report: region_service.ImportReport) -> ImportRegionsPayload:
        return cls(created=report.created, unchanged=report.unchanged)


@strawberry.type
class RegionMutations:
    @strawberry.mutation(description="Add a region under its parent (platform admins).")
    async def create_region(self, info: Info, input: CreateRegionInput) -> RegionPayload:
        return await mutate(
            info,
            RegionPayload,
            lambda sc: region_service.create_region(
                sc,
                code=input.code,
                name=input.name,
                level=input.level,
                parent_id=opt_gid(input.parent_id, "Region", "parentId"),
                latitude=input.latitude,
                longitude=input.longitude,
            ),
        )

    @strawberry.mutation
    async def rename_region(self, info: Info, input: RenameRegionInput) -> RegionPayload:
        return await mutate(
            info,
            RegionPayload,
            lambda sc: region_service.rename_region(
                sc,
                region_id=gid(input.region_id, "Region", "regionId"),
                name=input.name,
                version=input.version,
            ),
        )

    @strawberry.mutation(description="Import regions from CSV, all or nothing (platform admins).")
    async def import_regions(self, info: Info, input: ImportRegionsInput) -> ImportRegionsPayload:
        return await mutate(
            info, ImportRegionsPayload, lambda sc: region_service.import_csv(sc, text=input.csv)
        )
