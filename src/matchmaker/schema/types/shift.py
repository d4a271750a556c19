from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.volunteering import my_signup_by_shift, shift_by_id
from matchmaker.schema.relay import Node, node_resolver
from matchmaker.schema.types.activity import Activity, load_activity
from matchmaker.schema.types.signup import Signup
from matchmaker.services import activities as activity_service


@strawberry.type(description="A time slot of an activity with a number of places.")
class Shift(Node):
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    places_taken: int
    is_cancelled: bool
    activity_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Shift) -> Self:
        return cls(
            pk=row.id,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            capacity=row.capacity,
            places_taken=row.confirmed_count,
            is_cancelled=row.is_cancelled,
            activity_pk=row.activity_id,
        )

    @strawberry.field
    def places_left(self) -> int:
        return max(0, self.capacity - self.places_taken)

    @strawberry.field
    async def activity(self, info: Info) -> Activity | None:
        return await load_activity(info, self.activity_pk)

    @strawberry.field(description="Your own signup on this shift, if any.")
    async def my_signup(self, info: Info) -> Signup | None:
        row = await info.context.loader(my_signup_by_shift).load(self.pk)
        return Signup.from_row(row) if row else None


async def load_shift(info: Info, pk: int | None) -> Shift | None:
    if pk is None:
        return None
    row = await info.context.loader(shift_by_id).load(pk)
    return Shift.from_row(row) if row else None


@node_resolver("Shift")
async def resolve_shift(info: Info, pk: int) -> Shift | None:
    row = await activity_service.get_shift(info.context.service, pk)
    return Shift.from_row(row) if row else None


@strawberry.type(description="The rotating check-in code to show on the organizer's screen.")
class CheckinCode:
    code: str
    valid_until: dt.datetime
    qr_payload: str = strawberry.field(description="The URL a phone opens to check in.")
