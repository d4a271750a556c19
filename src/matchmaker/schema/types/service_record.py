from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Node, node_resolver, to_global_id
from matchmaker.schema.types.activity import Activity, load_activity
from matchmaker.schema.types.micro_wish import MicroWish, load_micro_wish
from matchmaker.schema.types.participant import Participant, load_participant
from matchmaker.schema.types.volunteering_enums import RecordSource, RecordStatus
from matchmaker.services import hours as hours_service


@strawberry.type(
    description="An entry of the hours ledger (志愿服务记录). Approved entries never change: a "
    "correction is a REVERSAL (negative minutes) plus a CORRECTION."
)
class ServiceRecord(Node):
    starts_at: dt.datetime
    ends_at: dt.datetime
    minutes: int
    source: RecordSource
    status: RecordStatus
    description: str
    needs_review: bool
    decision_note: str | None
    decided_at: dt.datetime | None
    version: int
    activity_pk: strawberry.Private[int | None]
    micro_wish_pk: strawberry.Private[int | None]
    volunteer_pk: strawberry.Private[int]
    reverses_pk: strawberry.Private[int | None]
    corrects_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.ServiceRecord) -> Self:
        return cls(
            pk=row.id,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            minutes=row.minutes,
            source=row.source,
            status=row.status,
            description=row.description,
            needs_review=row.needs_review,
            decision_note=row.decision_note,
            decided_at=row.decided_at,
            version=row.version,
            activity_pk=row.activity_id,
            micro_wish_pk=row.micro_wish_id,
            volunteer_pk=row.volunteer_id,
            reverses_pk=row.reverses_id,
            corrects_pk=row.corrects_id,
        )

    @strawberry.field(description="Hours as a decimal string (minutes / 60, one decimal).")
    def hours(self) -> str:
        return f"{self.minutes / 60:.1f}"

    @strawberry.field
    def reverses_id(self) -> strawberry.ID | None:
        return (
            None
            if self.reverses_pk is None
            else strawberry.ID(to_global_id("ServiceRecord", self.reverses_pk))
        )

    @strawberry.field
    def corrects_id(self) -> strawberry.ID | None:
        return (
            None
            if self.corrects_pk is None
            else strawberry.ID(to_global_id("ServiceRecord", self.corrects_pk))
        )

    @strawberry.field(description="The activity served; null for a micro-wish's entry.")
    async def activity(self, info: Info) -> Activity | None:
        if self.activity_pk is None:
            return None
        return await load_activity(info, self.activity_pk)

    @strawberry.field(
        description="The confirmed micro-wish the time was given to (source MICRO_WISH and its "
        "corrections); its public, masked fields."
    )
    async def micro_wish(self, info: Info) -> MicroWish | None:
        if self.micro_wish_pk is None:
            return None
        return await load_micro_wish(info, self.micro_wish_pk)

    @strawberry.field
    async def participant(self, info: Info) -> Participant | None:
        return await load_participant(info, self.volunteer_pk)


@node_resolver("ServiceRecord")
async def resolve_service_record(info: Info, pk: int) -> ServiceRecord | None:
    row = await hours_service.get_record(info.context.service, pk)
    return ServiceRecord.from_row(row) if row else None
