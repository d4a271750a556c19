from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Node, node_resolver
from matchmaker.schema.types.service_record import ServiceRecord
from matchmaker.schema.types.volunteering_enums import DisputeStatus, RecordStatus
from matchmaker.services import hours as hours_service


@strawberry.type(description="A volunteer's dispute of a service record, and its resolution.")
class HoursDispute(Node):
    reason: str
    status: DisputeStatus
    record_status_before: RecordStatus
    resolution_note: str | None
    resolved_at: dt.datetime | None
    created_at: dt.datetime
    version: int
    record_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.HoursDispute) -> Self:
        return cls(
            pk=row.id,
            reason=row.reason,
            status=row.status,
            record_status_before=row.record_status_before,
            resolution_note=row.resolution_note,
            resolved_at=row.resolved_at,
            created_at=row.created_at,
            version=row.version,
            record_pk=row.record_id,
        )

    @strawberry.field
    async def record(self, info: Info) -> ServiceRecord | None:
        from matchmaker.schema.dataloaders.volunteering import record_by_id

        row = await info.context.loader(record_by_id).load(self.record_pk)
        return ServiceRecord.from_row(row) if row else None


@node_resolver("HoursDispute")
async def resolve_hours_dispute(info: Info, pk: int) -> HoursDispute | None:
    row = await hours_service.get_dispute(info.context.service, pk)
    return HoursDispute.from_row(row) if row else None
