from __future__ import annotations

import strawberry

from matchmaker.models import Finding as FindingRow
from matchmaker.models.oversight import FindingStatus
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Connection, connection, decode_id
from matchmaker.schema.types.oversight import Finding, SpendingSummary
from matchmaker.services import oversight as oversight_service
from matchmaker.services.authz import Capability
from matchmaker.services.pagination import paginate


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
