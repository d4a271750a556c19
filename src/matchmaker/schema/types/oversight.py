"""GraphQL types of oversight: the spending summary and findings (docs/oversight.md)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Self, cast

import strawberry
from strawberry.scalars import JSON

from matchmaker.models.oversight import Finding as FindingRow
from matchmaker.models.oversight import FindingSeverity, FindingStatus
from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders import oversight as oversight_loaders
from matchmaker.schema.relay import Node, from_global_id, node_resolver, to_global_id
from matchmaker.schema.types.procurement_enums import Fen
from matchmaker.services import oversight as oversight_service
from matchmaker.services.oversight import evidence as evidence_service
from matchmaker.services.oversight import summary as summary_service

strawberry.enum(
    FindingStatus, description="An auditor's decision on a finding: OPEN until decided."
)
strawberry.enum(
    FindingSeverity, description="How serious the rule's condition is (docs/oversight.md, Rules)."
)


@strawberry.enum(description="What an auditor decides about a finding.")
class FindingDecision(StrEnum):
    CONFIRM = "CONFIRM"
    DISMISS = "DISMISS"


@strawberry.type(description="Money and output of one slice of the summary.")
class SpendingBreakdown:
    key: str = strawberry.field(
        description="The slice: a region's global id, a ServiceCategory or a FundingSource."
    )
    label: str = strawberry.field(description="The region's name, or the same code as `key`.")
    projects: int
    budgeted_fen: Fen
    contracted_fen: Fen
    paid_fen: Fen
    approved_service_minutes: int

    @classmethod
    def from_row(cls, b: summary_service.Breakdown) -> Self:
        return cls(
            key=to_global_id("Region", b.region_id) if b.region_id is not None else b.key,
            label=b.label,
            projects=b.projects,
            budgeted_fen=Fen(b.budgeted_fen),
            contracted_fen=Fen(b.contracted_fen),
            paid_fen=Fen(b.paid_fen),
            approved_service_minutes=b.approved_service_minutes,
        )


@strawberry.type(description="Payments made in one calendar month.")
class SpendingMonth:
    month: str = strawberry.field(description='"YYYY-MM" of the payment date.')
    paid_fen: Fen


@strawberry.type(description="How many projects are in one state.")
class ProjectStateCount:
    status: str = strawberry.field(description="A ProjectStatus value.")
    count: int


@strawberry.type(
    description="Competition among tenders: projects whose bids were opened (failed ones "
    "included). Only opened bids count; valid = opened and neither withdrawn nor disqualified."
)
class CompetitionFigures:
    tenders: int
    open_tender_share: float | None = strawberry.field(
        description="Share of tenders run as OPEN_TENDER (0–1); null without tenders."
    )
    single_bid_share: float | None = strawberry.field(
        description="Share of tenders with exactly one valid bid, by count (0–1)."
    )
    single_bid_value_share: float | None = strawberry.field(
        description="The same share weighted by the tenders' budget ceilings (0–1)."
    )
    median_valid_bids: float | None
    failed_tenders: int = strawberry.field(description="Tenders now FAILED (流标).")


@strawberry.type(
    description="Concentration of awarded value (winning bid prices) among organizations."
)
class ConcentrationFigures:
    awarded_fen: Fen
    organizations: int
    hhi: int | None = strawberry.field(
        description="Herfindahl–Hirschman index, 0–10000: the sum of squared percentage shares."
    )
    hhi_flagged: bool = strawberry.field(
        description="True when the HHI is above the flag (MATCHMAKER_OVERSIGHT_HHI_FLAG, 2500)."
    )
    top_organization_id: strawberry.ID | None
    top_organization_name: str | None
    top_organization_share: float | None
    small_or_new_share: float | None = strawberry.field(
        description="Share of awarded value won by small or new organizations (as in matching)."
    )


@strawberry.type(
    description="Spending, output and competition of a region (docs/oversight.md, 'Figures')."
)
class SpendingSummary:
    region_ids: list[strawberry.ID] = strawberry.field(
        description="The regions covered: the one asked for, or the caller's whole scope."
    )
    year: int | None = strawberry.field(
        description="Projects whose service starts in this year; null for every year."
    )
    projects: int
    budgeted_fen: Fen = strawberry.field(
        description="Budget ceilings of approved projects that are not cancelled."
    )
    contracted_fen: Fen
    paid_fen: Fen = strawberry.field(description="Sum of the recorded payments.")
    outstanding_fen: Fen = strawberry.field(description="contracted − paid.")
    approved_service_minutes: int = strawberry.field(
        description="Approved volunteer minutes on the projects' activities (reversals count "
        "negatively)."
    )
    activities_held: int = strawberry.field(description="From accepted progress reports.")
    beneficiaries: int = strawberry.field(description="From accepted progress reports.")
    cost_per_beneficiary_fen: Fen | None
    cost_per_service_hour_fen: Fen | None
    projects_by_state: list[ProjectStateCount]
    competition: CompetitionFigures
    concentration: ConcentrationFigures
    by_region: list[SpendingBreakdown] = strawberry.field(
        description="One slice per child region (or per scope region when several): drill down."
    )
    by_category: list[SpendingBreakdown]
    by_funding_source: list[SpendingBreakdown]
    by_month: list[SpendingMonth]

    @classmethod
    def from_summary(cls, s: summary_service.SpendingSummary) -> Self:
        c, k = s.competition, s.concentration
        return cls(
            region_ids=[strawberry.ID(to_global_id("Region", r)) for r in s.region_ids],
            year=s.year,
            projects=s.projects,
            budgeted_fen=Fen(s.budgeted_fen),
            contracted_fen=Fen(s.contracted_fen),
            paid_fen=Fen(s.paid_fen),
            outstanding_fen=Fen(s.outstanding_fen),
            approved_service_minutes=s.approved_service_minutes,
            activities_held=s.activities_held,
            beneficiaries=s.beneficiaries,
            cost_per_beneficiary_fen=Fen(v)
            if (v := s.cost_per_beneficiary_fen) is not None
            else None,
            cost_per_service_hour_fen=Fen(v)
            if (v := s.cost_per_service_hour_fen) is not None
            else None,
            projects_by_state=[
                ProjectStateCount(status=k_, count=n)
                for k_, n in sorted(s.projects_by_state.items())
            ],
            competition=CompetitionFigures(
                tenders=c.tenders,
                open_tender_share=c.open_tender_share,
                single_bid_share=c.single_bid_share,
                single_bid_value_share=c.single_bid_value_share,
                median_valid_bids=c.median_valid_bids,
                failed_tenders=c.failed_tenders,
            ),
            concentration=ConcentrationFigures(
                awarded_fen=Fen(k.awarded_fen),
                organizations=k.organizations,
                hhi=k.hhi,
                hhi_flagged=k.flagged,
                top_organization_id=strawberry.ID(
                    to_global_id("Organization", k.top_organization_id)
                )
                if k.top_organization_id is not None
                else None,
                top_organization_name=k.top_organization_name,
                top_organization_share=k.top_share,
                small_or_new_share=k.small_or_new_share,
            ),
            by_region=[SpendingBreakdown.from_row(b) for b in s.by_region],
            by_category=[SpendingBreakdown.from_row(b) for b in s.by_category],
            by_funding_source=[SpendingBreakdown.from_row(b) for b in s.by_funding_source],
            by_month=[SpendingMonth(month=m.month, paid_fen=Fen(m.paid_fen)) for m in s.by_month],
        )


@strawberry.type(description="What a finding is about.")
class FindingSubject:
    type: str = strawberry.field(
        description="Payment, Milestone, Contract, Project or ServiceRecord."
    )
    id: strawberry.ID = strawberry.field(description="The subject's global id (for node(id:)).")
    label: str = strawberry.field(description="A short label: project title, voucher, volunteer.")


@strawberry.type(description="A project a finding is about, by its title.")
class FindingProject:
    id: strawberry.ID = strawberry.field(description="The project's global id.")
    title: str


@strawberry.type(
    description="What one audit rule found about one subject. Kept, with its decision, when "
    "the condition no longer holds (docs/oversight.md)."
)
class Finding(Node):
    rule: str = strawberry.field(description="The rule's code (docs/oversight.md, 'Rules').")
    rule_title: str
    severity: FindingSeverity
    status: FindingStatus
    subject: FindingSubject
    region_path: str
    evidence: JSON = strawberry.field(
        description="The rule's evidence: a JSON object whose keys are documented per rule."
    )
    money_fen: Fen = strawberry.field(description="The money at stake (0 when not about money).")
    priority: float = strawberry.field(
        description="Rule weight × log10(10 + money at stake in yuan): the queue's order."
    )
    holds: bool = strawberry.field(
        description="False once a later scan no longer sees the condition."
    )
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    note: str | None
    decided_at: dt.datetime | None

    @strawberry.field(description="The name of the subject's region (its community).")
    async def region_name(self, info: Info) -> str | None:
        name: str | None = await info.context.loader(oversight_loaders.region_name_by_path).load(
            self.region_path
        )
        return name

    @strawberry.field(
        description="The projects the finding is about (its subject when a project, and the "
        "projects its evidence names), with their titles; those outside your scope are left out."
    )
    async def evidence_projects(self, info: Info) -> list[FindingProject]:
        subject_type = self.subject.type
        _, subject_pk = from_global_id(str(self.subject.id))
        ids = evidence_service.evidence_project_ids(subject_type, subject_pk, self.evidence)
        loader = info.context.loader(oversight_loaders.project_title_by_id)
        titles = await loader.load_many(ids)
        return [
            FindingProject(id=strawberry.ID(to_global_id("Project", pk)), title=title)
            for pk, title in zip(ids, titles, strict=True)
            if title is not None
        ]

    @classmethod
    def from_row(cls, row: FindingRow) -> Self:
        spec = oversight_service.RULES.get(row.rule)
        return cls(
            pk=row.id,
            rule=row.rule,
            rule_title=spec.title if spec else row.rule,
            severity=row.severity,
            status=row.status,
            subject=FindingSubject(
                type=row.subject_type,
                id=strawberry.ID(to_global_id(row.subject_type, row.subject_id)),
                label=row.subject_label,
            ),
            region_path=row.region_path,
            evidence=cast(JSON, row.evidence),
            money_fen=Fen(row.money_fen),
            priority=round(oversight_service.finding_priority(row), 3),
            holds=row.holds,
            first_seen_at=row.first_seen_at,
            last_seen_at=row.last_seen_at,
            note=row.note,
            decided_at=row.decided_at,
        )


@node_resolver("Finding")
async def resolve_finding(info: Info, pk: int) -> Finding | None:
    row = await oversight_service.get_finding(info.context.service, pk)
    return Finding.from_row(row) if row else None
