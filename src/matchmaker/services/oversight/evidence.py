"""The evidence chain of one project on one page (docs/oversight.md, "Evidence chain").

need → project → bids (opened only) → award → contract → milestones → payments → progress
reports with their evidence files → the hours ledger of the project's activities, with the open
findings on any of those subjects. Scoped like ``spendingSummary`` (the project's community in
the caller's regions, else NOT_FOUND); a fixed number of statements whatever the project's size.
Volunteers appear with masked names (张*), as everywhere an official reads the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select

from matchmaker.models import (
    Activity,
    Bid,
    Contract,
    EvidenceFile,
    Finding,
    Milestone,
    Need,
    Organization,
    Payment,
    ProgressReport,
    Project,
    Region,
    ServiceRecord,
    Volunteer,
)
from matchmaker.models.enums import ServiceCategory
from matchmaker.models.oversight import FindingStatus
from matchmaker.models.procurement import (
    BidStatus,
    ContractStatus,
    MilestoneStatus,
    ProjectNeed,
    ReportStatus,
)
from matchmaker.models.volunteering import RecordStatus
from matchmaker.services.authz import Capability, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import not_found
from matchmaker.services.validation import mask_name


@dataclass(frozen=True, slots=True)
class ChainNeed:
    id: int
    category: ServiceCategory
    target_group: str
    description: str
    people_affected: int


@dataclass(frozen=True, slots=True)
class ChainBid:
    id: int
    organization_id: int
    organization_name: str
    price_fen: int
    status: BidStatus
    submitted_at: dt.datetime
    opened_at: dt.datetime
    total_score_centi: int | None
    rank: int | None
    disqualified_reason: str | None
    awarded: bool


@dataclass(frozen=True, slots=True)
class ChainContract:
    id: int
    organization_id: int
    organization_name: str
    amount_fen: int
    start_date: dt.date
    end_date: dt.date
    status: ContractStatus


@dataclass(frozen=True, slots=True)
class ChainMilestone:
    id: int
    sequence: int
    title: str
    amount_fen: int
    due_date: dt.date
    status: MilestoneStatus
    accepted_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ChainPayment:
    id: int
    milestone_id: int
    amount_fen: int
    paid_on: dt.date
    voucher_number: str


@dataclass(frozen=True, slots=True)
class ChainFile:
    id: int
    report_id: int
    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass(slots=True)
class ChainReport:
    id: int
    milestone_id: int
    status: ReportStatus
    activities_held: int
    beneficiaries_served: int
    volunteer_minutes: int
    submitted_at: dt.datetime
    reviewed_at: dt.datetime | None
    files: list[ChainFile] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ChainVolunteer:
    volunteer_id: int
    name_masked: str
    minutes: int
    records: int


@dataclass(slots=True)
class ChainActivity:
    id: int
    title: str
    approved_minutes: int = 0
    approved_records: int = 0
    volunteers: list[ChainVolunteer] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ChainTotals:
    budget_ceiling_fen: int
    contracted_fen: int
    paid_fen: int
    outstanding_fen: int
    milestones_accepted: int
    accepted_beneficiaries: int
    reported_minutes: int
    approved_minutes: int
    approved_records: int
    volunteers: int


@dataclass(slots=True)
class EvidenceChain:
    project: Project
    region_name: str
    region_path: str
    needs: list[ChainNeed]
    bids: list[ChainBid]
    sealed: bool
    contract: ChainContract | None
    milestones: list[ChainMilestone]
    payments: list[ChainPayment]
    reports: list[ChainReport]
    activities: list[ChainActivity]
    findings: list[Finding]
    findings_visible: bool
    totals: ChainTotals

    @property
    def awarded_bid(self) -> ChainBid | None:
        return next((b for b in self.bids if b.awarded), None)


async def evidence_chain(sc: ServiceContext, project_id: int) -> EvidenceChain:
    """The chain of ``project_id`` in the caller's regions (NOT_FOUND outside them)."""
    scope = require(sc.actor, Capability.OVERSIGHT_READ)
    session = sc.session
    row = (
        await session.execute(
            select(Project, Region.name, Region.path)
            .join(Region, Region.id == Project.region_id)
            .where(Project.id == project_id, scope.region_clause(Region.path))
        )
    ).one_or_none()
    if row is None:
        raise not_found("Project")
    project, region_name, region_path = row

    needs = [
        ChainNeed(n.id, n.category, n.target_group, n.description, n.people_affected)
        for n in await session.scalars(
            select(Need)
            .join(ProjectNeed, ProjectNeed.need_id == Need.id)
            .where(ProjectNeed.project_id == project.id)
            .order_by(Need.id)
        )
    ]

    # Bids only once opened: before the opening nothing of a bid is shown (not even its bidder).
    bid_rows = await session.execute(
        select(Bid, Organization.name)
        .join(Organization, Organization.id == Bid.organization_id)
        .where(Bid.project_id == project.id, Bid.opened_at.is_not(None))
        .order_by(Bid.rank.is_(None), Bid.rank, Bid.price_fen, Bid.id)
    )
    bids = [
        ChainBid(
            id=b.id,
            organization_id=b.organization_id,
            organization_name=name,
            price_fen=b.price_fen,
            status=b.status,
            submitted_at=b.submitted_at,
            opened_at=b.opened_at,
            total_score_centi=b.total_score_centi,
            rank=b.rank,
            disqualified_reason=b.disqualified_reason,
            awarded=b.id == project.awarded_bid_id,
        )
        for b, name in bid_rows.all()
        if b.opened_at is not None
    ]

    contract_row = (
        await session.execute(
            select(Contract, Organization.name)
            .join(Organization, Organization.id == Contract.organization_id)
            .where(Contract.project_id == project.id)
        )
    ).one_or_none()
    contract = (
        ChainContract(
            id=contract_row[0].id,
            organization_id=contract_row[0].organization_id,
            organization_name=contract_row[1],
            amount_fen=contract_row[0].amount_fen,
            start_date=contract_row[0].start_date,
            end_date=contract_row[0].end_date,
            status=contract_row[0].status,
        )
        if contract_row
        else None
    )
    contract_id = contract.id if contract else -1

    milestones = [
        ChainMilestone(m.id, m.sequence, m.title, m.amount_fen, m.due_date, m.status, m.accepted_at)
        for m in await session.scalars(
            select(Milestone)
            .where(Milestone.contract_id == contract_id)
            .order_by(Milestone.sequence)
        )
    ]
    payments = [
        ChainPayment(p.id, p.milestone_id, p.amount_fen, p.paid_on, p.voucher_number)
        for p in await session.scalars(
            select(Payment)
            .where(Payment.contract_id == contract_id)
            .order_by(Payment.paid_on, Payment.id)
        )
    ]
    report_stmt = (
        select(ProgressReport)
        .join(Milestone, Milestone.id == ProgressReport.milestone_id)
        .where(Milestone.contract_id == contract_id)
    )
    reports = {
        r.id: ChainReport(
            id=r.id,
            milestone_id=r.milestone_id,
            status=r.status,
            activities_held=r.activities_held,
            beneficiaries_served=r.beneficiaries_served,
            volunteer_minutes=r.volunteer_minutes,
            submitted_at=r.submitted_at,
            reviewed_at=r.reviewed_at,
        )
        for r in await session.scalars(report_stmt.order_by(ProgressReport.id))
    }
    # File metadata only: the bytes stay behind the scoped /files/{id} route.
    files = await session.execute(
        select(
            EvidenceFile.id,
            EvidenceFile.report_id,
            EvidenceFile.filename,
            EvidenceFile.content_type,
            EvidenceFile.size,
            EvidenceFile.sha256,
        )
        .join(ProgressReport, ProgressReport.id == EvidenceFile.report_id)
        .join(Milestone, Milestone.id == ProgressReport.milestone_id)
        .where(Milestone.contract_id == contract_id)
        .order_by(EvidenceFile.id)
    )
    for f in files.all():
        assert f.report_id is not None  # joined to its report above
        reports[f.report_id].files.append(
            ChainFile(f.id, f.report_id, f.filename, f.content_type, f.size, f.sha256)
        )

    activities = {
        a.id: ChainActivity(id=a.id, title=a.title)
        for a in await session.execute(
            select(Activity.id, Activity.title)
            .where(Activity.project_id == project.id)
            .order_by(Activity.id)
        )
    }
    # The approved ledger (reversals are approved negative records, as in the ledger).
    ledger = await session.execute(
        select(
            ServiceRecord.activity_id,
            ServiceRecord.volunteer_id,
            Volunteer.real_name,
            func.sum(ServiceRecord.minutes),
            func.count(),
        )
        .join(Activity, Activity.id == ServiceRecord.activity_id)
        .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
        .where(Activity.project_id == project.id, ServiceRecord.status == RecordStatus.APPROVED)
        .group_by(ServiceRecord.activity_id, ServiceRecord.volunteer_id, Volunteer.real_name)
        .order_by(ServiceRecord.activity_id, ServiceRecord.volunteer_id)
    )
    volunteer_ids: set[int] = set()
    for activity_id, volunteer_id, real_name, minutes, count in ledger.all():
        activity = activities[activity_id]
        activity.volunteers.append(
            ChainVolunteer(volunteer_id, mask_name(real_name), int(minutes or 0), int(count))
        )
        activity.approved_minutes += int(minutes or 0)
        activity.approved_records += int(count)
        volunteer_ids.add(volunteer_id)

    findings_visible = sc.actor.can(Capability.FINDING_READ)
    findings: list[Finding] = []
    if findings_visible:
        findings = await _open_findings(
            sc, project, contract_id, milestones, payments, list(reports), bids
        )

    paid = sum(p.amount_fen for p in payments)
    contracted = contract.amount_fen if contract else 0
    totals = ChainTotals(
        budget_ceiling_fen=project.budget_ceiling_fen,
        contracted_fen=contracted,
        paid_fen=paid,
        outstanding_fen=contracted - paid,
        milestones_accepted=sum(1 for m in milestones if m.accepted_at is not None),
        accepted_beneficiaries=sum(
            r.beneficiaries_served for r in reports.values() if r.status is ReportStatus.ACCEPTED
        ),
        reported_minutes=sum(
            r.volunteer_minutes for r in reports.values() if r.status is ReportStatus.ACCEPTED
        ),
        approved_minutes=sum(a.approved_minutes for a in activities.values()),
        approved_records=sum(a.approved_records for a in activities.values()),
        volunteers=len(volunteer_ids),
    )
    return EvidenceChain(
        project=project,
        region_name=region_name,
        region_path=region_path,
        needs=needs,
        bids=bids,
        sealed=project.opened_at is None,
        contract=contract,
        milestones=milestones,
        payments=payments,
        reports=list(reports.values()),
        activities=list(activities.values()),
        findings=findings,
        findings_visible=findings_visible,
        totals=totals,
    )


async def _open_findings(
    sc: ServiceContext,
    project: Project,
    contract_id: int,
    milestones: list[ChainMilestone],
    payments: list[ChainPayment],
    report_ids: list[int],
    bids: list[ChainBid],
) -> list[Finding]:
    """Open findings (in the caller's finding scope) on any subject of the chain: one
    statement; service records are matched through the project's activities."""
    scope = require(sc.actor, Capability.FINDING_READ)
    records = select(ServiceRecord.id).join(Activity, Activity.id == ServiceRecord.activity_id)
    subjects = [
        and_(Finding.subject_type == "Project", Finding.subject_id == project.id),
        and_(Finding.subject_type == "Contract", Finding.subject_id == contract_id),
        and_(
            Finding.subject_type == "Milestone",
            Finding.subject_id.in_([m.id for m in milestones]),
        ),
        and_(Finding.subject_type == "Payment", Finding.subject_id.in_([p.id for p in payments])),
        and_(Finding.subject_type == "ProgressReport", Finding.subject_id.in_(report_ids)),
        and_(Finding.subject_type == "Bid", Finding.subject_id.in_([b.id for b in bids])),
        and_(
            Finding.subject_type == "ServiceRecord",
            Finding.subject_id.in_(records.where(Activity.project_id == project.id)),
        ),
    ]
    rows = await sc.session.scalars(
        select(Finding)
        .where(
            scope.region_clause(Finding.region_path),
            Finding.status == FindingStatus.OPEN,
            or_(*subjects),
        )
        .order_by(Finding.queue_key.desc())
    )
    return list(rows)


# --- names a finding shows (batched by the schema's loaders) ---------------------------------


async def region_names(session: Any, paths: Sequence[str]) -> dict[str, str]:
    """Region names by path (names of administrative divisions are public)."""
    rows = await session.execute(select(Region.path, Region.name).where(Region.path.in_(paths)))
    return {path: name for path, name in rows.all()}


async def finding_project_titles(sc: ServiceContext, ids: Sequence[int]) -> dict[int, str]:
    """Titles of the projects a finding's evidence names, in the caller's finding scope."""
    scope = require(sc.actor, Capability.FINDING_READ)
    rows = await sc.session.execute(
        select(Project.id, Project.title)
        .join(Region, Region.id == Project.region_id)
        .where(Project.id.in_(ids), scope.region_clause(Region.path))
    )
    return {int(pk): title for pk, title in rows.all()}


def evidence_project_ids(subject_type: str, subject_id: int, evidence: Any) -> list[int]:
    """The projects a finding is about: its subject when a project, and the ``projectId`` /
    ``projectIds`` of its evidence, in order, without repeats."""
    ids: list[int] = [subject_id] if subject_type == "Project" else []
    if isinstance(evidence, dict):
        one = evidence.get("projectId")
        many = evidence.get("projectIds")
        for value in [one, *(many if isinstance(many, list) else [])]:
            if isinstance(value, int) and not isinstance(value, bool) and value not in ids:
                ids.append(value)
    return ids


__all__ = [
    "ChainActivity",
    "ChainBid",
    "ChainContract",
    "ChainFile",
    "ChainMilestone",
    "ChainNeed",
    "ChainPayment",
    "ChainReport",
    "ChainTotals",
    "ChainVolunteer",
    "EvidenceChain",
    "evidence_chain",
    "evidence_project_ids",
    "finding_project_titles",
    "region_names",
]
