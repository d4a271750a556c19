from __future__ import annotations

import strawberry

from matchmaker.models import Finding as FindingRow
from matchmaker.models.enums import ServiceCategory
from matchmaker.models.oversight import FindingStatus
from matchmaker.models.procurement import FundingSource
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Connection, connection, decode_id
from matchmaker.schema.types.oversight import Finding, SpendingSummary
from matchmaker.schema.types.oversight_evidence import (
    EvidenceChain,
    SpendingProject,
    SpendingProjectList,
)
from matchmaker.services import oversight as oversight_service
from matchmaker.services.authz import Capability
from matchmaker.services.errors import invalid
from matchmaker.services.oversight import evidence as evidence_service
from matchmaker.services.oversight import summary as summary_service
from matchmaker.services.pagination import paginate

#: The most projects one spendingProjects call lists (the export has them all).
MAX_SPENDING_PROJECTS = 500


@strawberry.type
class OversightQueries:
    @strawberry.field(
        description="Spending, output, competition and concentration figures (auditors and "
        "bureau officers in their regions, community staff for their communities). `regionId`: "
        "that region's subtree (in scope, else NOT_FOUND); omitted: the caller's whole scope. "
        "`year`: projects whose service starts in that year. Definitions: docs/oversight.md."
    )
    async def spending_summary(
        self, info: Info, region_id: strawberry.ID | None = None, year: int | None = None
    ) -> SpendingSummary:
        summary = await oversight_service.spending_summary(
            info.context.service,
            region_id=decode_id(region_id, "Region", "regionId") if region_id else None,
            year=year,
        )
        return SpendingSummary.from_summary(summary)

    @strawberry.field(
        description="Findings of the audit scan whose subject lies in the caller's regions "
        "(auditors, bureau officers), highest priority first. Filters: `rule` code, `status`, "
        "`regionId` (a region in scope, else NOT_FOUND), `holds`."
    )
    async def findings(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        rule: str | None = None,
        status: FindingStatus | None = None,
        region_id: strawberry.ID | None = None,
        holds: bool | None = None,
    ) -> Connection[Finding]:
        sc = info.context.service
        path = (
            await oversight_service.region_path_in_scope(
                sc, decode_id(region_id, "Region", "regionId"), Capability.FINDING_READ
            )
            if region_id
            else None
        )
        stmt = oversight_service.findings_statement(
            sc, rule=rule, status=status, region_path=path, holds=holds
        )
        page = await paginate(
            sc.session, stmt, FindingRow.queue_key, first=first, after=after, descending=True
        )
        return connection(page, Finding.from_row)

    @strawberry.field(
        description="The projects behind a figure of spendingSummary: same scope, `regionId` "
        "and `year`, optionally one `category` (ServiceCategory) or `fundingSource` "
        "(FundingSource). `first` (default 100, at most 500) by contracted value."
    )
    async def spending_projects(
        self,
        info: Info,
        region_id: strawberry.ID | None = None,
        year: int | None = None,
        category: ServiceCategory | None = None,
        funding_source: FundingSource | None = None,
        first: int = 100,
    ) -> SpendingProjectList:
        if not 0 < first <= MAX_SPENDING_PROJECTS:
            raise invalid("first", f"Between 1 and {MAX_SPENDING_PROJECTS}")
        total, rows = await summary_service.spending_projects(
            info.context.service,
            region_id=decode_id(region_id, "Region", "regionId") if region_id else None,
            year=year,
            category=category.value if category else None,
            funding_source=funding_source.value if funding_source else None,
            limit=first,
        )
        return SpendingProjectList(
            total=total, projects=[SpendingProject.from_row(r) for r in rows]
        )

    @strawberry.field(
        description="One project's evidence chain on one page (auditors and bureau officers in "
        "their regions, community staff for their communities; NOT_FOUND outside): need → "
        "project → opened bids → award → contract → milestones → payments → progress reports "
        "and evidence files → the hours ledger, with the open findings (docs/oversight.md)."
    )
    async def evidence_chain(self, info: Info, project_id: strawberry.ID) -> EvidenceChain:
        chain = await evidence_service.evidence_chain(
            info.context.service, decode_id(project_id, "Project", "projectId")
        )
        return EvidenceChain.from_chain(chain)
