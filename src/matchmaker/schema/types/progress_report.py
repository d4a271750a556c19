from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.procurement import (
    evidence_by_report,
    listed_beneficiaries_by_report,
)
from matchmaker.schema.relay import Node, node_resolver, to_global_id
from matchmaker.schema.types.procurement_enums import ReportStatus
from matchmaker.services import reports as report_service


@strawberry.type(description="An evidence file; download it from `url` (scoped like the report).")
class EvidenceFile:
    id: strawberry.ID
    filename: str
    content_type: str
    size: int
    sha256: str
    url: str


@strawberry.type(description="The organization's report on one milestone.")
class ProgressReport(Node):
    narrative: str
    activities_held: int
    beneficiaries_served: int
    volunteer_minutes: int = strawberry.field(
        description="Approved volunteer minutes from the hours ledger in the milestone's period."
    )
    status: ReportStatus
    submitted_at: dt.datetime
    reviewed_at: dt.datetime | None
    return_reason: str | None
    milestone_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.ProgressReport) -> Self:
        return cls(
            pk=row.id,
            narrative=row.narrative,
            activities_held=row.activities_held,
            beneficiaries_served=row.beneficiaries_served,
            volunteer_minutes=row.volunteer_minutes,
            status=row.status,
            submitted_at=row.submitted_at,
            reviewed_at=row.reviewed_at,
            return_reason=row.return_reason,
            milestone_pk=row.milestone_id,
        )

    @strawberry.field(
        description="How many people the report lists by name (beneficiariesServed is the "
        "count it claims); the list itself is kept as keyed hashes only."
    )
    async def listed_beneficiaries(self, info: Info) -> int:
        count: int = await info.context.loader(listed_beneficiaries_by_report).load(self.pk)
        return count

    @strawberry.field
    def milestone_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Milestone", self.milestone_pk))

    @strawberry.field
    async def files(self, info: Info) -> list[EvidenceFile]:
        rows = await info.context.loader(evidence_by_report).load(self.pk)
        return [evidence_file(r) for r in rows]


def evidence_file(r: models.EvidenceFile) -> EvidenceFile:
    """A stored file's metadata; its bytes come from ``/files/{id}``, scoped by its subject."""
    return EvidenceFile(
        id=strawberry.ID(to_global_id("EvidenceFile", r.id)),
        filename=r.filename,
        content_type=r.content_type,
        size=r.size,
        sha256=r.sha256,
        url=f"/files/{r.id}",
    )


@node_resolver("ProgressReport")
async def resolve_report(info: Info, pk: int) -> ProgressReport | None:
    row = await report_service.get_report(info.context.service, pk)
    return ProgressReport.from_row(row) if row else None
