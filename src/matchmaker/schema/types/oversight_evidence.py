"""GraphQL types of the evidence chain and the projects behind a figure (docs/oversight.md)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Self

import strawberry

from matchmaker.models.enums import ServiceCategory
from matchmaker.models.procurement import (
    BidStatus,
    ContractStatus,
    FundingSource,
    MilestoneStatus,
    ProcurementMethod,
    ProjectStatus,
    ReportStatus,
)
from matchmaker.schema.relay import to_global_id
from matchmaker.schema.types.oversight import Finding
from matchmaker.schema.types.procurement_enums import Fen
from matchmaker.services.oversight import evidence as ev
from matchmaker.services.oversight import summary as summary_service


def _gid(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(to_global_id(type_name, pk))


@strawberry.type(description="A project behind a figure of spendingSummary, with its money.")
class SpendingProject:
    id: strawberry.ID = strawberry.field(description="The project's global id.")
    title: str
    status: ProjectStatus
    category: str = strawberry.field(description="A ServiceCategory value.")
    funding_source: str = strawberry.field(description="A FundingSource value.")
    region_name: str = strawberry.field(description="The project's community.")
    organization_name: str | None = strawberry.field(description="The contracted organization.")
    budget_ceiling_fen: Fen
    budgeted_fen: Fen = strawberry.field(description="The ceiling when it counts as budgeted.")
    contracted_fen: Fen
    paid_fen: Fen
    approved_service_minutes: int
    beneficiaries: int = strawberry.field(description="From accepted progress reports.")

    @classmethod
    def from_row(cls, p: summary_service.ProjectFigures) -> Self:
        return cls(
            id=_gid("Project", p.project_id),
            title=p.title,
            status=p.status,
            category=p.category,
            funding_source=p.funding_source,
            region_name=p.region_name,
            organization_name=p.organization_name,
            budget_ceiling_fen=Fen(p.budget_ceiling_fen),
            budgeted_fen=Fen(p.budgeted_fen),
            contracted_fen=Fen(p.contracted_fen),
            paid_fen=Fen(p.paid_fen),
            approved_service_minutes=p.approved_service_minutes,
            beneficiaries=p.beneficiaries,
        )


@strawberry.type(description="The projects behind a figure: how many, and the first of them.")
class SpendingProjectList:
    total: int = strawberry.field(description="Every project matching, however many are listed.")
    projects: list[SpendingProject] = strawberry.field(
        description="The first `first`, by contracted value then budget."
    )


@strawberry.type(description="A need the project was made from.")
class ChainNeed:
    id: strawberry.ID
    category: ServiceCategory
    target_group: str
    description: str
    people_affected: int


@strawberry.type(description="An opened bid (sealed bids are never shown).")
class ChainBid:
    id: strawberry.ID
    organization_id: strawberry.ID
    organization_name: str
    price_fen: Fen
    status: BidStatus
    submitted_at: dt.datetime
    opened_at: dt.datetime
    total_score: float | None = strawberry.field(description="0–100, when evaluated.")
    rank: int | None
    disqualified_reason: str | None
    awarded: bool


@strawberry.type(description="The project's contract.")
class ChainContract:
    id: strawberry.ID
    organization_id: strawberry.ID
    organization_name: str
    amount_fen: Fen
    start_date: dt.date
    end_date: dt.date
    status: ContractStatus


@strawberry.type(description="A milestone of the contract.")
class ChainMilestone:
    id: strawberry.ID
    sequence: int
    title: str
    amount_fen: Fen
    due_date: dt.date
    status: MilestoneStatus
    accepted_at: dt.datetime | None


@strawberry.type(description="A recorded payment.")
class ChainPayment:
    id: strawberry.ID
    milestone_id: strawberry.ID
    amount_fen: Fen
    paid_on: dt.date
    voucher_number: str


@strawberry.type(description="An evidence file of a progress report (download: /files/{pk}).")
class ChainFile:
    id: strawberry.ID
    pk: int = strawberry.field(description="The number in the download route /files/{pk}.")
    filename: str
    content_type: str
    size: int
    sha256: str


@strawberry.type(description="A progress report with its evidence files.")
class ChainReport:
    id: strawberry.ID
    milestone_id: strawberry.ID
    status: ReportStatus
    activities_held: int
    beneficiaries_served: int
    volunteer_minutes: int
    submitted_at: dt.datetime
    reviewed_at: dt.datetime | None
    files: list[ChainFile]


@strawberry.type(description="A volunteer's approved hours on one activity (name masked).")
class ChainVolunteer:
    name_masked: str
    minutes: int
    records: int


@strawberry.type(description="An activity of the project with its approved hours ledger.")
class ChainActivity:
    id: strawberry.ID
    title: str
    approved_minutes: int = strawberry.field(description="Reversals count negatively.")
    approved_records: int
    volunteers: list[ChainVolunteer]


@strawberry.type(description="Totals of the chain.")
class ChainTotals:
    budget_ceiling_fen: Fen
    contracted_fen: Fen
    paid_fen: Fen
    outstanding_fen: Fen
    milestones_accepted: int
    accepted_beneficiaries: int
    reported_minutes: int = strawberry.field(description="From accepted progress reports.")
    approved_minutes: int = strawberry.field(description="From the approved hours ledger.")
    approved_records: int
    volunteers: int


@strawberry.type(
    description="One project's evidence chain: need → project → bids → award → contract → "
    "milestones → payments → reports → hours, with the open findings on any of them "
    "(docs/oversight.md, 'Evidence chain')."
)
class EvidenceChain:
    project_id: strawberry.ID
    title: str
    status: ProjectStatus
    category: ServiceCategory
    funding_source: FundingSource
    procurement_method: ProcurementMethod
    region_name: str
    region_path: str
    budget_ceiling_fen: Fen
    service_start: dt.date
    service_end: dt.date
    published_at: dt.datetime | None
    bid_deadline: dt.datetime | None
    opened_at: dt.datetime | None
    awarded_at: dt.datetime | None
    sealed: bool = strawberry.field(
        description="True before the opening: no bid of the project is shown."
    )
    needs: list[ChainNeed]
    bids: list[ChainBid]
    contract: ChainContract | None
    milestones: list[ChainMilestone]
    payments: list[ChainPayment]
    reports: list[ChainReport]
    activities: list[ChainActivity]
    totals: ChainTotals
    findings_visible: bool = strawberry.field(
        description="False for callers who may not read findings (community staff)."
    )
    open_findings: list[Finding] = strawberry.field(
        description="OPEN findings on the project, its bids, contract, milestones, payments, "
        "reports or its activities' service records."
    )

    @classmethod
    def from_chain(cls, c: ev.EvidenceChain) -> Self:
        p, t = c.project, c.totals
        return cls(
            project_id=_gid("Project", p.id),
            title=p.title,
            status=p.status,
            category=p.category,
            funding_source=p.funding_source,
            procurement_method=p.procurement_method,
            region_name=c.region_name,
            region_path=c.region_path,
            budget_ceiling_fen=Fen(p.budget_ceiling_fen),
            service_start=p.service_start,
            service_end=p.service_end,
            published_at=p.published_at,
            bid_deadline=p.bid_deadline,
            opened_at=p.opened_at,
            awarded_at=p.awarded_at,
            sealed=c.sealed,
            needs=[
                ChainNeed(
                    id=_gid("Need", n.id),
                    category=n.category,
                    target_group=n.target_group,
                    description=n.description,
                    people_affected=n.people_affected,
                )
                for n in c.needs
            ],
            bids=[
                ChainBid(
                    id=_gid("Bid", b.id),
                    organization_id=_gid("Organization", b.organization_id),
                    organization_name=b.organization_name,
                    price_fen=Fen(b.price_fen),
                    status=b.status,
                    submitted_at=b.submitted_at,
                    opened_at=b.opened_at,
                    total_score=b.total_score_centi / 100
                    if b.total_score_centi is not None
                    else None,
                    rank=b.rank,
                    disqualified_reason=b.disqualified_reason,
                    awarded=b.awarded,
                )
                for b in c.bids
            ],
            contract=ChainContract(
                id=_gid("Contract", c.contract.id),
                organization_id=_gid("Organization", c.contract.organization_id),
                organization_name=c.contract.organization_name,
                amount_fen=Fen(c.contract.amount_fen),
                start_date=c.contract.start_date,
                end_date=c.contract.end_date,
                status=c.contract.status,
            )
            if c.contract
            else None,
            milestones=[
                ChainMilestone(
                    id=_gid("Milestone", m.id),
                    sequence=m.sequence,
                    title=m.title,
                    amount_fen=Fen(m.amount_fen),
                    due_date=m.due_date,
                    status=m.status,
                    accepted_at=m.accepted_at,
                )
                for m in c.milestones
            ],
            payments=[
                ChainPayment(
                    id=_gid("Payment", x.id),
                    milestone_id=_gid("Milestone", x.milestone_id),
                    amount_fen=Fen(x.amount_fen),
                    paid_on=x.paid_on,
                    voucher_number=x.voucher_number,
                )
                for x in c.payments
            ],
            reports=[
                ChainReport(
                    id=_gid("ProgressReport", r.id),
                    milestone_id=_gid("Milestone", r.milestone_id),
                    status=r.status,
                    activities_held=r.activities_held,
                    beneficiaries_served=r.beneficiaries_served,
                    volunteer_minutes=r.volunteer_minutes,
                    submitted_at=r.submitted_at,
                    reviewed_at=r.reviewed_at,
                    files=[
                        ChainFile(
                            id=_gid("EvidenceFile", f.id),
                            pk=f.id,
                            filename=f.filename,
                            content_type=f.content_type,
                            size=f.size,
                            sha256=f.sha256,
                        )
                        for f in r.files
                    ],
                )
                for r in c.reports
            ],
            activities=[
                ChainActivity(
                    id=_gid("Activity", a.id),
                    title=a.title,
                    approved_minutes=a.approved_minutes,
                    approved_records=a.approved_records,
                    volunteers=[
                        ChainVolunteer(
                            name_masked=v.name_masked, minutes=v.minutes, records=v.records
                        )
                        for v in a.volunteers
                    ],
                )
                for a in c.activities
            ],
            totals=ChainTotals(
                budget_ceiling_fen=Fen(t.budget_ceiling_fen),
                contracted_fen=Fen(t.contracted_fen),
                paid_fen=Fen(t.paid_fen),
                outstanding_fen=Fen(t.outstanding_fen),
                milestones_accepted=t.milestones_accepted,
                accepted_beneficiaries=t.accepted_beneficiaries,
                reported_minutes=t.reported_minutes,
                approved_minutes=t.approved_minutes,
                approved_records=t.approved_records,
                volunteers=t.volunteers,
            ),
            findings_visible=c.findings_visible,
            open_findings=[Finding.from_row(f) for f in c.findings],
        )


@strawberry.enum(description="Which oversight export (docs/oversight.md, 'Exports').")
class OversightExportKind(StrEnum):
    SPENDING = "spending"
    PROJECTS = "projects"
    FINDINGS = "findings"
    EVIDENCE = "evidence"
