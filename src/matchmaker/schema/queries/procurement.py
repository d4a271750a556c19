from __future__ import annotations

import strawberry

from matchmaker.models import Bid as BidRow
from matchmaker.models import Contract as ContractRow
from matchmaker.models import Need as NeedRow
from matchmaker.models import Payment as PaymentRow
from matchmaker.models import ProgressReport as ReportRow
from matchmaker.models import Project as ProjectRow
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Connection, Edge, PageInfo, connection, decode_id
from matchmaker.schema.types.bid import Bid, bid_views
from matchmaker.schema.types.contract import Contract
from matchmaker.schema.types.enums import ServiceCategory
from matchmaker.schema.types.need import Need
from matchmaker.schema.types.payment import Payment
from matchmaker.schema.types.procurement_candidates import EvaluatorCandidate
from matchmaker.schema.types.procurement_enums import ProjectStatus
from matchmaker.schema.types.progress_report import ProgressReport
from matchmaker.schema.types.project import AwardAnnouncement, Project, load_announcement
from matchmaker.schema.types.track_record import TrackRecord
from matchmaker.services import bids as bid_service
from matchmaker.services import contracts as contract_service
from matchmaker.services import evaluation as evaluation_service
from matchmaker.services import evaluator_panel
from matchmaker.services import needs as need_service
from matchmaker.services import projects as project_service
from matchmaker.services import regions as region_service
from matchmaker.services import reports as report_service
from matchmaker.services.pagination import encode_cursor, paginate
from matchmaker.services.procurement import PUBLISHED_STATES


@strawberry.type
class ProcurementQueries:
    @strawberry.field(description="Published projects (public, no login needed).")
    async def published_projects(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: ProjectStatus | None = None,
        category: ServiceCategory | None = None,
        under: strawberry.ID | None = None,
        text: str | None = None,
    ) -> Connection[Project]:
        ctx = info.context
        under_path = None
        if under is not None:
            root = await region_service.get(ctx.session, decode_id(under, "Region", "under"))
            under_path = root.path if root else "/nonexistent/"
        if status is not None and status not in PUBLISHED_STATES:
            status = ProjectStatus.CANCELLED  # matches nothing public
        stmt = project_service.public_statement(
            status=status, category=category, under_path=under_path, text=text
        )
        page = await paginate(
            ctx.session, stmt, ProjectRow.id, first=first, after=after, descending=True
        )
        return connection(page, Project.from_row)

    @strawberry.field(
        description="Every project in your regions, drafts included (community staff, bureau, "
        "auditors). `pendingApproval` lists those waiting for the bureau's approval."
    )
    async def project_pipeline(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: ProjectStatus | None = None,
        pending_approval: bool = False,
    ) -> Connection[Project]:
        ctx = info.context
        stmt = project_service.pipeline_statement(
            ctx.service, status=status, pending_approval=pending_approval
        )
        page = await paginate(
            ctx.session, stmt, ProjectRow.id, first=first, after=after, descending=True
        )
        return connection(page, Project.from_row)

    @strawberry.field(description="Open projects your organization qualifies for (its admins).")
    async def open_projects_for_organization(
        self,
        info: Info,
        organization_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Project]:
        ctx = info.context
        stmt = await project_service.qualifying_open_statement(
            ctx.service,
            organization_id=decode_id(organization_id, "Organization", "organizationId"),
        )
        page = await paginate(ctx.session, stmt, ProjectRow.id, first=first, after=after)
        return connection(page, Project.from_row)

    @strawberry.field(description="Residents' needs in your regions.")
    async def needs(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        region_id: strawberry.ID | None = None,
        category: ServiceCategory | None = None,
    ) -> Connection[Need]:
        ctx = info.context
        stmt = need_service.needs_statement(
            ctx.service,
            region_id=decode_id(region_id, "Region", "regionId") if region_id else None,
            category=category,
        )
        page = await paginate(ctx.session, stmt, NeedRow.id, first=first, after=after)
        return connection(page, Need.from_row)

    @strawberry.field(
        description="Bids you may see: your organization's own, and opened bids in your regions."
    )
    async def bids(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        project_id: strawberry.ID | None = None,
    ) -> Connection[Bid]:
        ctx = info.context
        stmt = bid_service.bids_statement(
            ctx.service,
            project_id=decode_id(project_id, "Project", "projectId") if project_id else None,
        )
        page = await paginate(ctx.session, stmt, BidRow.id, first=first, after=after)
        views = {v.pk: v for v in await bid_views(info, page.items)}
        return connection(page, lambda row: views[row.id])

    @strawberry.field(
        description="Experts you may put on the project's evaluation panel (bureau officer): "
        "active, holding the expert role over the project's region, not on the panel yet and "
        "not tied to a bidding organization. `text` matches display names; `first` ≤ 100."
    )
    async def evaluator_candidates(
        self,
        info: Info,
        project_id: strawberry.ID,
        text: str | None = None,
        first: int | None = None,
    ) -> list[EvaluatorCandidate]:
        rows = await evaluator_panel.evaluator_candidates(
            info.context.service,
            project_id=decode_id(project_id, "Project", "projectId"),
            text=text,
            first=first,
        )
        return [EvaluatorCandidate.from_data(r) for r in rows]

    @strawberry.field(
        description="Projects whose evaluation panel you sit on (community staff, bureau "
        "officers, experts), within your regions, newest first."
    )
    async def my_evaluations(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Project]:
        ctx = info.context
        stmt = evaluator_panel.my_evaluations_statement(ctx.service)
        page = await paginate(
            ctx.session, stmt, ProjectRow.id, first=first, after=after, descending=True
        )
        return connection(page, Project.from_row)

    @strawberry.field(description="Award announcements (中标公示), newest first: public.")
    async def award_announcements(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AwardAnnouncement]:
        ctx = info.context
        page = await paginate(
            ctx.session,
            evaluation_service.announcements_statement(),
            ProjectRow.id,
            first=first,
            after=after,
            descending=True,
        )
        edges = []
        for row in page.items:
            item = await load_announcement(info, row.id, row.title, row.awarded_at)
            if item is not None:
                edges.append(Edge(cursor=encode_cursor(row.id), node=item))
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=page.start_cursor,
                end_cursor=page.end_cursor,
            ),
        )

    @strawberry.field(description="Contracts in your scope (regions, or your organization).")
    async def contracts(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        project_id: strawberry.ID | None = None,
    ) -> Connection[Contract]:
        ctx = info.context
        stmt = contract_service.contracts_statement(
            ctx.service,
            project_id=decode_id(project_id, "Project", "projectId") if project_id else None,
        )
        page = await paginate(ctx.session, stmt, ContractRow.id, first=first, after=after)
        return connection(page, Contract.from_row)

    @strawberry.field(description="Payments on contracts in your scope.")
    async def payments(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        contract_id: strawberry.ID | None = None,
    ) -> Connection[Payment]:
        ctx = info.context
        stmt = contract_service.payments_statement(
            ctx.service,
            contract_id=decode_id(contract_id, "Contract", "contractId") if contract_id else None,
        )
        page = await paginate(ctx.session, stmt, PaymentRow.id, first=first, after=after)
        return connection(page, Payment.from_row)

    @strawberry.field(description="Progress reports on contracts in your scope.")
    async def progress_reports(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        milestone_id: strawberry.ID | None = None,
    ) -> Connection[ProgressReport]:
        ctx = info.context
        stmt = report_service.reports_statement(
            ctx.service,
            milestone_id=decode_id(milestone_id, "Milestone", "milestoneId")
            if milestone_id
            else None,
        )
        page = await paginate(ctx.session, stmt, ReportRow.id, first=first, after=after)
        return connection(page, ProgressReport.from_row)

    @strawberry.field(description="An organization's evaluations and milestone punctuality.")
    async def track_record(self, info: Info, organization_id: strawberry.ID) -> TrackRecord:
        data = await contract_service.track_record(
            info.context.service,
            organization_id=decode_id(organization_id, "Organization", "organizationId"),
        )
        return TrackRecord.from_data(data)
