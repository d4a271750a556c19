from __future__ import annotations

import datetime as dt
from typing import Self, cast

import strawberry
from strawberry.scalars import JSON

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.audit import event_actor_by_id, region_name_by_path
from matchmaker.schema.relay import Node, node_resolver
from matchmaker.schema.types.enums import Role
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

    @strawberry.field(
        description="The actor's display name as the app shows an account to others (a "
        "volunteer's masked, docs/domain.md); null for the system (jobs, the seed)."
    )
    async def actor_name(self, info: Info) -> str | None:
        if self.actor_account_id is None:
            return None
        actor = await info.context.loader(event_actor_by_id).load(self.actor_account_id)
        return actor.display_name if actor else None

    @strawberry.field(description="The roles the actor's account holds now; empty for the system.")
    async def actor_roles(self, info: Info) -> list[Role]:
        if self.actor_account_id is None:
            return []
        actor = await info.context.loader(event_actor_by_id).load(self.actor_account_id)
        return list(actor.roles) if actor else []

    @strawberry.field(description="The name of the region at `regionPath` (e.g. 历下区).")
    async def region_name(self, info: Info) -> str | None:
        if not self.region_path:
            return None
        name: str | None = await info.context.loader(region_name_by_path).load(self.region_path)
        return name

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
