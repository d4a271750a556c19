from __future__ import annotations

import strawberry

from matchmaker.schema.context import Info
from matchmaker.schema.errors import UserError, run_mutation
from matchmaker.schema.relay import decode_id
from matchmaker.schema.types.enums import RegionLevel
from matchmaker.schema.types.region import Region
from matchmaker.services import regions as region_service
from matchmaker.services.context import ServiceContext


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
class RegionPayload:
    region: Region | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class ImportRegionsInput:
    csv: str = strawberry.field(description="`code,name,level,parent_code[,latitude,longitude]`")


@strawberry.type
class ImportRegionsPayload:
    created: int = 0
    unchanged: int = 0
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RegionMutations:
    @strawberry.mutation(description="Add a region under its parent (platform admins).")
    async def create_region(self, info: Info, input: CreateRegionInput) -> RegionPayload:
        async def action(sc: ServiceContext):  # type: ignore[no-untyped-def]
            return await region_service.create_region(
                sc,
                code=input.code,
                name=input.name,
                level=input.level,
                parent_id=decode_id(input.parent_id, "Region", "parentId")
                if input.parent_id
                else None,
                latitude=input.latitude,
                longitude=input.longitude,
            )

        row, errors = await run_mutation(info, action)
        return RegionPayload(region=Region.from_row(row) if row else None, errors=errors)

    @strawberry.mutation
    async def rename_region(self, info: Info, input: RenameRegionInput) -> RegionPayload:
        async def action(sc: ServiceContext):  # type: ignore[no-untyped-def]
            return await region_service.rename_region(
                sc,
                region_id=decode_id(input.region_id, "Region", "regionId"),
                name=input.name,
                version=input.version,
            )

        row, errors = await run_mutation(info, action)
        return RegionPayload(region=Region.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(description="Import regions from CSV, all or nothing (platform admins).")
    async def import_regions(self, info: Info, input: ImportRegionsInput) -> ImportRegionsPayload:
        report, errors = await run_mutation(
            info, lambda sc: region_service.import_csv(sc, text=input.csv)
        )
        if report is None:
            return ImportRegionsPayload(errors=errors)
        return ImportRegionsPayload(created=report.created, unchanged=report.unchanged)
