from __future__ import annotations

import strawberry

from matchmaker.models.oversight import FindingStatus
from matchmaker.schema.context import Info
from matchmaker.schema.errors import UserError, run_mutation
from matchmaker.schema.relay import decode_id, to_global_id
from matchmaker.schema.types.oversight import Finding, FindingDecision
from matchmaker.services import oversight as oversight_service
from matchmaker.services.context import ServiceContext


@strawberry.input
class DecideFindingInput:
    finding_id: strawberry.ID
    decision: FindingDecision
    note: str = strawberry.field(
        description="What was checked and why (1 to 1000 characters); kept in the audit log."
    )


@strawberry.type
class DecideFindingPayload:
    finding: Finding | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RunAuditScanPayload:
    job_id: strawberry.ID | None = strawberry.field(
        default=None, description="The queued scan job (its findings appear when it has run)."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


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
        async def action(sc: ServiceContext) -> Finding:
            row = await oversight_service.decide(
                sc,
                finding_id=decode_id(input.finding_id, "Finding", "findingId"),
                decision=_DECISIONS[input.decision],
                note=input.note,
            )
            return Finding.from_row(row)

        finding, errors = await run_mutation(info, action)
        return DecideFindingPayload(finding=finding, errors=errors)

    @strawberry.mutation(
        description="Queue an audit scan now (auditors, platform admins). The scan also runs "
        "nightly and after bid openings, awards and payments (docs/oversight.md)."
    )
    async def run_audit_scan(self, info: Info) -> RunAuditScanPayload:
        job_id, errors = await run_mutation(info, oversight_service.request_scan)
        return RunAuditScanPayload(
            job_id=strawberry.ID(to_global_id("Job", job_id)) if job_id is not None else None,
            errors=errors,
        )
