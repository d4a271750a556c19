from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.volunteering import activity_by_id, shifts_by_activity
from matchmaker.schema.relay import Node, node_resolver, to_global_id
from matchmaker.schema.types.enums import ServiceCategory
from matchmaker.schema.types.region import Region, load_region
from matchmaker.schema.types.volunteering_enums import ActivityStatus
from matchmaker.services import activities as activity_service
from matchmaker.services.authz import Capability

if TYPE_CHECKING:
    from matchmaker.schema.types.shift import Shift


@strawberry.type(description="A service activity (服务活动) with its shifts. Public notice.")
class Activity(Node):
    title: str
    description: str
    place_name: str
    latitude: float | None
    longitude: float | None
    checkin_radius_m: int | None
    category: ServiceCategory
    required_skills: list[str]
    min_age: int
    status: ActivityStatus
    cancel_reason: str | None
    version: int
    region_pk: strawberry.Private[int]
    project_pk: strawberry.Private[int | None]
    row: strawberry.Private[models.Activity]

    @classmethod
    def from_row(cls, row: models.Activity) -> Self:
        return cls(
            pk=row.id,
            title=row.title,
            description=row.description,
            place_name=row.place_name,
            latitude=row.latitude,
            longitude=row.longitude,
            checkin_radius_m=row.checkin_radius_m,
            category=row.category,
            required_skills=list(row.required_skills),
            min_age=row.min_age,
            status=row.status,
            cancel_reason=row.cancel_reason,
            version=row.version,
            region_pk=row.region_id,
            project_pk=row.project_id,
            row=row,
        )

    @strawberry.field(
        description="Global id of the project it serves (null: a community activity)."
    )
    def project_id(self) -> strawberry.ID | None:
        if self.project_pk is None:
            return None
        return strawberry.ID(to_global_id("Project", self.project_pk))

    @strawberry.field(description="Whether you organize it (manage shifts, codes, hours).")
    def viewer_is_organizer(self, info: Info) -> bool:
        scope = info.context.actor.scope(Capability.ACTIVITY_MANAGE)
        return activity_service.is_organizer(scope, info.context.actor, self.row)

    @strawberry.field
    async def region(self, info: Info) -> Region | None:
        return await load_region(info, self.region_pk)

    @strawberry.field
    async def shifts(
        self, info: Info
    ) -> list[Annotated[Shift, strawberry.lazy("matchmaker.schema.types.shift")]]:
        from matchmaker.schema.types.shift import Shift

        rows = await info.context.loader(shifts_by_activity).load(self.pk)
        return [Shift.from_row(r) for r in rows]


async def load_activity(info: Info, pk: int) -> Activity | None:
    row = await info.context.loader(activity_by_id).load(pk)
    return Activity.from_row(row) if row else None


@node_resolver("Activity")
async def resolve_activity(info: Info, pk: int) -> Activity | None:
    row = await activity_service.get_activity(info.context.service, pk)
    return Activity.from_row(row) if row else None
