from __future__ import annotations

import strawberry

from matchmaker.models import AuditEvent as AuditEventRow
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Connection, connection
from matchmaker.schema.types.audit import AuditChainReport, AuditEvent
from matchmaker.services import audit as audit_service
from matchmaker.services.pagination import paginate


@strawberry.type
class AuditQueries:
    @strawberry.field(description="Audit events in the caller's scope, newest first (auditors).")
    async def audit_events(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        action: str | None = None,
        subject_type: str | None = None,
    ) -> Connection[AuditEvent]:
        ctx = info.context
        stmt = audit_service.events_statement(ctx.service)
        if action:
            stmt = stmt.where(AuditEventRow.action == action)
        if subject_type:
            stmt = stmt.where(AuditEventRow.subject_type == subject_type)
        page = await paginate(
            ctx.session, stmt, AuditEventRow.id, first=first, after=after, descending=True
        )
        return connection(page, AuditEvent.from_row)

    @strawberry.field(
        description="Walk the chain against the last verified (signed) head; report the first "
        "row that fails, or a failed verification nobody has acknowledged yet "
        "(docs/architecture.md, 'Audit log')."
    )
    async def verify_audit_chain(self, info: Info) -> AuditChainReport:
        report = await audit_service.verify(info.context.service)
        return AuditChainReport(
            ok=report.ok,
            checked=report.checked,
            first_broken_id=report.first_broken_id,
            reason=report.reason,
        )
