from __future__ import annotations

import datetime as dt
from typing import Self, cast

import strawberry
from strawberry.scalars import JSON

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Node, node_resolver
from matchmaker.services import audit as audit_service


@strawberry.type(description="One entry of the append-only, hash-chained audit log.")
class AuditEvent(Node):
    at: dt.datetime
    actor_account_id: int | None
    action: str
    subject_type: str
    subject_id: int | None
    region_path: str | None
    before: JSON | None
    after: JSON | None
    request_id: str | None
    prev_hash: str
    hash: str

    @classmethod
    def from_row(cls, row: models.AuditEvent) -> Self:
        return cls(
            pk=row.id,
            at=row.at,
            actor_account_id=row.actor_account_id,
            action=row.action,
            subject_type=row.subject_type,
            subject_id=row.subject_id,
            region_path=row.region_path,
            before=cast(JSON | None, row.before),
            after=cast(JSON | None, row.after),
            request_id=row.request_id,
            prev_hash=row.prev_hash,
            hash=row.hash,
        )


@strawberry.type(description="Result of walking the audit chain.")
class AuditChainReport:
    ok: bool
    checked: int
    first_broken_id: int | None
    reason: str | None


@node_resolver("AuditEvent")
async def resolve_audit_event(info: Info, pk: int) -> AuditEvent | None:
    row = await audit_service.get_event(info.context.service, pk)
    return AuditEvent.from_row(row) if row else None
