from __future__ import annotations

import datetime as dt

import strawberry

from matchmaker.models import AuditEvent as AuditEventRow
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Connection, connection, opt_gid
from matchmaker.schema.types.audit import AuditChainReport, AuditEvent
from matchmaker.services import audit as audit_service
from matchmaker.services.pagination import paginate


@strawberry.type
class AuditQueries:
    @strawberry.field(
        description="Audit events in the caller's scope, newest first (auditors). Filters: "
        "`actorAccountId` (as `AuditEvent.actorAccountId`), `action` code, `subjectType` and "
        "`subjectId`, `regionId` (a region in scope and its subtree, else NOT_FOUND), "
        "`since`/`until` (Beijing days, both included). See docs/oversight.md."
    )
    async def audit_events(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        action: str | None = None,
        subject_type: str | None = None,
        subject_id: int | None = None,
        actor_account_id: int | None = None,
        region_id: strawberry.ID | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> Connection[AuditEvent]:
        ctx = info.context
        stmt = await audit_service.filtered_events_statement(
            ctx.service,
            audit_service.EventFilter(
                actor_account_id=actor_account_id,
                action=action,
                subject_type=subject_type,
                subject_id=subject_id,
                region_id=opt_gid(region_id, "Region", "regionId"),
                since=since,
                until=until,
            ),
        )
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
