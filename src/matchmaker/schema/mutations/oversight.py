from __future__ import annotations

import strawberry

from matchmaker import models
from matchmaker.models.oversight import FindingStatus
from matchmaker.schema.context import Info
from matchmaker.schema.errors import Payload, mutate
from matchmaker.schema.relay import gid, opt_gid, to_global_id
from matchmaker.schema.types.oversight import Finding, FindingDecision
from matchmaker.schema.types.oversight_evidence import OversightExportKind
from matchmaker.services import oversight as oversight_service
from matchmaker.services.context import ServiceContext
from matchmaker.services.oversight import exports as export_service


@strawberry.input
class DecideFindingInput:
    finding_id: strawberry.ID
    decision: FindingDecision
    note: str = strawberry.field(
        description="What was checked and why (1 to 1000 characters); kept in the audit log."
    )


@strawberry.type
class DecideFindingPayload(Payload):
    finding: Finding | None = None

    @classmethod
    async def of(cls, info: Info, row: models.Finding) -> DecideFindingPayload:
        return cls(finding=Finding.from_row(row))


@strawberry.type
class RunAuditScanPayload(Payload):
    job_id: strawberry.ID | None = strawberry.field(
        default=None, description="The queued scan job (its findings appear when it has run)."
    )

    @classmethod
    async def of(cls, info: Info, job_id: int) -> RunAuditScanPayload:
        return cls(job_id=strawberry.ID(to_global_id("Job", job_id)))


@strawberry.input(description="What to export, with the same filters as its screen.")
class OversightExportInput:
    kind: OversightExportKind
    region_id: strawberry.ID | None = None
    year: int | None = None
    category: str | None = strawberry.field(
        default=None, description="PROJECTS: one ServiceCategory."
    )
    funding_source: str | None = strawberry.field(
        default=None, description="PROJECTS: one FundingSource."
    )
    rule: str | None = strawberry.field(default=None, description="FINDINGS: a rule code.")
    status: FindingStatus | None = strawberry.field(default=None, description="FINDINGS.")
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="EVIDENCE: the project (required)."
    )


@strawberry.type
class OversightExportPayload(Payload):
    url: str | None = strawberry.field(
        default=None, description="Download now (a small scope): an authenticated GET."
    )
    job_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A large scope: the job writing the file; you are notified with its link.",
    )
    rows: int | None = strawberry.field(default=None, description="Rows in the main sheet.")

    @classmethod
    async def of(cls, info: Info, ticket: export_service.ExportTicket) -> OversightExportPayload:
        return cls(
            url=ticket.url,
            job_id=strawberry.ID(to_global_id("Job", ticket.job_id))
            if ticket.job_id is not None
            else None,
            rows=ticket.rows,
        )


_DECISIONS = {
    FindingDecision.CONFIRM: FindingStatus.CONFIRMED,
    FindingDecision.DISMISS: FindingStatus.DISMISSED,
}


@strawberry.type
class OversightMutations:
    @strawberry.mutation(
        description="Confirm or dismiss a finding in your region, with a note (auditors). "
        "Audited; the bureau officers whose region holds the subject are notified. A finding "
        "outside your region is NOT_FOUND; an empty note is INVALID_INPUT on `note`."
    )
    async def decide_finding(self, info: Info, input: DecideFindingInput) -> DecideFindingPayload:
        return await mutate(
            info,
            DecideFindingPayload,
            lambda sc: oversight_service.decide(
                sc,
                finding_id=gid(input.finding_id, "Finding", "findingId"),
                decision=_DECISIONS[input.decision],
                note=input.note,
            ),
        )

    @strawberry.mutation(
        description="Queue an audit scan now (auditors, platform admins). The scan also runs "
        "nightly and after bid openings, awards and payments (docs/oversight.md)."
    )
    async def run_audit_scan(self, info: Info) -> RunAuditScanPayload:
        return await mutate(info, RunAuditScanPayload, oversight_service.request_scan)

    @strawberry.mutation(
        description="Export as .xlsx what an oversight screen shows, in your scope (auditors, "
        "bureau officers, community staff; findings: auditors and bureau officers). At most "
        "MATCHMAKER_OVERSIGHT_EXPORT_DIRECT_MAX_ROWS rows: `url` to download now; more: a "
        "queued job (audited) that notifies you with the file's link (docs/oversight.md)."
    )
    async def request_oversight_export(
        self, info: Info, input: OversightExportInput
    ) -> OversightExportPayload:
        async def action(sc: ServiceContext) -> export_service.ExportTicket:
            request = export_service.ExportRequest(
                kind=input.kind.value,
                region_id=opt_gid(input.region_id, "Region", "regionId"),
                year=input.year,
                category=input.category,
                funding_source=input.funding_source,
                rule=input.rule,
                status=input.status.value if input.status else None,
                project_id=opt_gid(input.project_id, "Project", "projectId"),
            )
            return await export_service.request_export(sc, request)

        return await mutate(info, OversightExportPayload, action)
