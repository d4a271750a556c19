from __future__ import annotations

import base64
import binascii
import datetime as dt
import re

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.errors import Payload, mutate
from matchmaker.schema.relay import gid, gids
from matchmaker.schema.types.bid import Bid, bid_views
from matchmaker.schema.types.contract import Contract
from matchmaker.schema.types.enums import ServiceCategory, WorkerLevel
from matchmaker.schema.types.evaluator import Evaluator
from matchmaker.schema.types.need import Need
from matchmaker.schema.types.payment import Payment
from matchmaker.schema.types.performance_evaluation import PerformanceEvaluation
from matchmaker.schema.types.procurement_enums import Fen, FundingSource, ProcurementMethod
from matchmaker.schema.types.progress_report import ProgressReport
from matchmaker.schema.types.project import Project
from matchmaker.services import bids as bid_service
from matchmaker.services import contracts as contract_service
from matchmaker.services import evaluation as evaluation_service
from matchmaker.services import evaluator_panel as evaluator_service
from matchmaker.services import needs as need_service
from matchmaker.services import projects as project_service
from matchmaker.services import reports as report_service
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import ErrorCode, invalid, not_found

SCORE_RE = re.compile(r"^\d{1,3}(\.\d{1,2})?$")


# --- inputs -----------------------------------------------------------------------------------


@strawberry.input
class RecordNeedInput:
    region_id: strawberry.ID = strawberry.field(description="The community.")
    category: ServiceCategory
    target_group: str
    description: str
    people_affected: int


@strawberry.input
class WorkerRequirementInput:
    level: WorkerLevel
    count: int


@strawberry.input
class CriterionInput:
    name: str
    weight: int


@strawberry.input(description="Everything a community designs about a project.")
class ProjectSpecInput:
    title: str
    category: ServiceCategory
    funding_source: FundingSource
    budget_ceiling_fen: Fen
    procurement_method: ProcurementMethod
    service_start: dt.date
    service_end: dt.date
    price_weight: int
    criteria: list[CriterionInput]
    description: str = ""
    target_groups: list[str] = strawberry.field(default_factory=list)
    beneficiary_target: int = 0
    min_grade: int = 0
    worker_requirements: list[WorkerRequirementInput] = strawberry.field(default_factory=list)
    volunteer_plan: str = ""
    need_ids: list[strawberry.ID] = strawberry.field(default_factory=list)


@strawberry.input
class CreateProjectInput:
    region_id: strawberry.ID = strawberry.field(description="The community.")
    project: ProjectSpecInput


@strawberry.input
class UpdateProjectInput:
    project_id: strawberry.ID
    version: int
    project: ProjectSpecInput


@strawberry.input
class ProjectIdInput:
    project_id: strawberry.ID


@strawberry.input
class ProjectReasonInput:
    project_id: strawberry.ID
    reason: str


@strawberry.input
class PublishProjectInput:
    project_id: strawberry.ID
    bid_deadline: dt.datetime


@strawberry.input
class RepublishProjectInput:
    project_id: strawberry.ID
    bid_deadline: dt.datetime
    procurement_method: ProcurementMethod | None = None


@strawberry.input
class TeamMemberInput:
    social_worker_id: strawberry.ID
    role: str


@strawberry.input
class SubmitBidInput:
    project_id: strawberry.ID
    organization_id: strawberry.ID
    price_fen: Fen
    technical_proposal: str
    volunteer_plan: str = ""
    team: list[TeamMemberInput] = strawberry.field(default_factory=list)


@strawberry.input
class WithdrawBidInput:
    bid_id: strawberry.ID


@strawberry.input
class AssignEvaluatorInput:
    project_id: strawberry.ID
    account_id: strawberry.ID


@strawberry.input
class RemoveEvaluatorInput:
    evaluator_id: strawberry.ID
    reason: str


@strawberry.input
class ScoreInput:
    bid_id: strawberry.ID
    criterion_id: strawberry.ID
    score: str = strawberry.field(description='Points as a decimal string, e.g. "8.50".')


@strawberry.input
class SubmitScoresInput:
    project_id: strawberry.ID
    scores: list[ScoreInput]


@strawberry.input
class MilestoneInput:
    title: str
    share_bp: int = strawberry.field(description="Share in basis points (10000 = 100%).")
    due_date: dt.date
    planned_activities: int = 0
    planned_service_hours: int = 0
    planned_beneficiaries: int = 0


@strawberry.input
class CreateContractInput:
    project_id: strawberry.ID
    amount_fen: Fen
    start_date: dt.date
    end_date: dt.date
    milestones: list[MilestoneInput]


@strawberry.input
class EvidenceFileInput:
    filename: str
    content_type: str
    content_base64: str


@strawberry.input(
    description="A person the report says was served: the name with the resident ID number or "
    "the phone. Only a keyed hash of them is stored (docs/oversight.md)."
)
class BeneficiaryInput:
    name: str
    id_number: str | None = None
    phone: str | None = None


@strawberry.input
class SubmitProgressReportInput:
    milestone_id: strawberry.ID
    narrative: str
    activities_held: int
    beneficiaries_served: int
    files: list[EvidenceFileInput] = strawberry.field(default_factory=list)
    beneficiaries: list[BeneficiaryInput] | None = strawberry.field(
        default=None,
        description="Optional list of the people served (at most beneficiariesServed of them).",
    )


@strawberry.input
class ReportIdInput:
    report_id: strawberry.ID


@strawberry.input
class ReturnProgressReportInput:
    report_id: strawberry.ID
    reason: str


@strawberry.input
class RecordPaymentInput:
    milestone_id: strawberry.ID
    amount_fen: Fen
    paid_on: dt.date
    voucher_number: str


@strawberry.input
class PerformanceCriterionInput:
    name: str
    score: int
    max: int


@strawberry.input
class EvaluatePerformanceInput:
    project_id: strawberry.ID
    criteria: list[PerformanceCriterionInput]
    comments: str = ""


# --- payloads ---------------------------------------------------------------------------------


@strawberry.type
class NeedPayload(Payload):
    need: Need | None = None

    @classmethod
    async def of(cls, info: Info, row: models.Need) -> NeedPayload:
        return cls(need=Need.from_row(row))


@strawberry.type
class ProjectPayload(Payload):
    project: Project | None = None

    @classmethod
    async def of(cls, info: Info, row: models.Project) -> ProjectPayload:
        return cls(project=Project.from_row(row))


@strawberry.type
class BidPayload(Payload):
    bid: Bid | None = None

    @classmethod
    async def of(cls, info: Info, row: models.Bid) -> BidPayload:
        return cls(bid=(await bid_views(info, [row]))[0])


@strawberry.type
class EvaluatorPayload(Payload):
    evaluator: Evaluator | None = None

    @classmethod
    async def of(cls, info: Info, row: models.Evaluator) -> EvaluatorPayload:
        return cls(evaluator=Evaluator.from_row(row))


@strawberry.type
class ScoresPayload(Payload):
    saved: int = 0

    @classmethod
    async def of(cls, info: Info, rows: list[models.Score]) -> ScoresPayload:
        return cls(saved=len(rows))


@strawberry.type
class ContractPayload(Payload):
    contract: Contract | None = None

    @classmethod
    async def of(cls, info: Info, row: models.Contract) -> ContractPayload:
        return cls(contract=Contract.from_row(row))


@strawberry.type
class ProgressReportPayload(Payload):
    report: ProgressReport | None = None

    @classmethod
    async def of(cls, info: Info, row: models.ProgressReport) -> ProgressReportPayload:
        return cls(report=ProgressReport.from_row(row))


@strawberry.type
class PaymentPayload(Payload):
    payment: Payment | None = None

    @classmethod
    async def of(cls, info: Info, row: models.Payment) -> PaymentPayload:
        return cls(payment=Payment.from_row(row))


@strawberry.type
class PerformanceEvaluationPayload(Payload):
    evaluation: PerformanceEvaluation | None = None

    @classmethod
    async def of(
        cls, info: Info, row: models.PerformanceEvaluation
    ) -> PerformanceEvaluationPayload:
        return cls(evaluation=PerformanceEvaluation.from_row(row))


# --- conversions ------------------------------------------------------------------------------


def _spec(p: ProjectSpecInput) -> project_service.ProjectSpec:
    requirements: dict[WorkerLevel, int] = {}
    for r in p.worker_requirements:
        if r.level in requirements:
            raise invalid(
                "workerRequirements", "A level is listed twice", ErrorCode.INVALID_REQUIREMENTS
            )
        requirements[r.level] = r.count
    return project_service.ProjectSpec(
        title=p.title,
        description=p.description,
        category=p.category,
        target_groups=list(p.target_groups),
        beneficiary_target=p.beneficiary_target,
        funding_source=p.funding_source,
        budget_ceiling_fen=p.budget_ceiling_fen,
        procurement_method=p.procurement_method,
        service_start=p.service_start,
        service_end=p.service_end,
        min_grade=p.min_grade,
        worker_requirements=requirements,
        volunteer_plan=p.volunteer_plan,
        price_weight=p.price_weight,
        criteria=[project_service.CriterionSpec(name=c.name, weight=c.weight) for c in p.criteria],
        need_ids=gids(p.need_ids, "Need", "needIds"),
    )


def _score_centi(text: str) -> int:
    text = text.strip()
    if not SCORE_RE.match(text):
        raise invalid("scores", 'A score is a decimal with up to 2 places, e.g. "8.50"')
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def evidence_file_spec(f: EvidenceFileInput) -> report_service.FileSpec:
    """The decoded file of an upload input (also a micro-wish's photos)."""
    # Base64 is 4/3 of the bytes: refuse oversized uploads before decoding them.
    if len(f.content_base64) > (report_service.MAX_FILE_BYTES * 4) // 3 + 8:
        raise invalid("files", f"{f.filename} is larger than 10 MB", ErrorCode.FILE_TOO_LARGE)
    try:
        data = base64.b64decode(f.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise invalid("files", f"{f.filename} is not valid base64") from None
    return report_service.FileSpec(filename=f.filename, content_type=f.content_type, data=data)


# --- mutations --------------------------------------------------------------------------------


@strawberry.type
class ProcurementMutations:
    @strawberry.mutation(description="Record a residents' need for a community (community staff).")
    async def record_need(self, info: Info, input: RecordNeedInput) -> NeedPayload:
        return await mutate(
            info,
            NeedPayload,
            lambda sc: need_service.record_need(
                sc,
                region_id=gid(input.region_id, "Region", "regionId"),
                category=input.category,
                target_group=input.target_group,
                description=input.description,
                people_affected=input.people_affected,
            ),
        )

    @strawberry.mutation(description="Draft a project for a community (community staff).")
    async def create_project(self, info: Info, input: CreateProjectInput) -> ProjectPayload:
        return await mutate(
            info,
            ProjectPayload,
            lambda sc: project_service.create_project(
                sc,
                region_id=gid(input.region_id, "Region", "regionId"),
                spec=_spec(input.project),
            ),
        )

    @strawberry.mutation(description="Edit a DRAFT project (community staff).")
    async def update_project(self, info: Info, input: UpdateProjectInput) -> ProjectPayload:
        return await mutate(
            info,
            ProjectPayload,
            lambda sc: project_service.update_project(
                sc,
                project_id=gid(input.project_id, "Project", "projectId"),
                version=input.version,
                spec=_spec(input.project),
            ),
        )

    @strawberry.mutation(description="DRAFT → PENDING_APPROVAL (community staff).")
    async def submit_project(self, info: Info, input: ProjectIdInput) -> ProjectPayload:
        return await mutate(
            info,
            ProjectPayload,
            lambda sc: project_service.submit_project(
                sc, project_id=gid(input.project_id, "Project", "projectId")
            ),
        )

    @strawberry.mutation(description="Approve funding of a pending project (bureau officer).")
    async def approve_project(self, info: Info, input: ProjectIdInput) -> ProjectPayload:
        return await mutate(
            info,
            ProjectPayload,
            lambda sc: project_service.approve_project(
                sc, project_id=gid(input.project_id, "Project", "projectId")
            ),
        )

    @strawberry.mutation(description="PENDING_APPROVAL → DRAFT with a reason (bureau officer).")
    async def return_project(self, info: Info, input: ProjectReasonInput) -> ProjectPayload:
        return await mutate(
            info,
            ProjectPayload,
            lambda sc: project_service.return_project(
                sc,
                project_id=gid(input.project_id, "Project", "projectId"),
                reason=input.reason,
            ),
        )

    @strawberry.mutation(
        description="Approved project → OPEN_FOR_BIDS with a bid deadline (community staff)."
    )
    async def publish_project(self, info: Info, input: PublishProjectInput) -> ProjectPayload:
        return await mutate(
            info,
            ProjectPayload,
            lambda sc: project_service.publish_project(
                sc,
                project_id=gid(input.project_id, "Project", "projectId"),
                bid_deadline=input.bid_deadline,
            ),
        )

    @strawberry.mutation(
        description="FAILED (流标) → OPEN_FOR_BIDS again, optionally by another method (bureau)."
    )
    async def republish_project(self, info: Info, input: RepublishProjectInput) -> ProjectPayload:
        return await mutate(
            info,
            ProjectPayload,
            lambda sc: project_service.republish_project(
                sc,
                project_id=gid(input.project_id, "Project", "projectId"),
                bid_deadline=input.bid_deadline,
                procurement_method=input.procurement_method,
            ),
        )

    @strawberry.mutation(description="Cancel a project before its award (bureau officer).")
    async def cancel_project(self, info: Info, input: ProjectReasonInput) -> ProjectPayload:
        return await mutate(
            info,
            ProjectPayload,
            lambda sc: project_service.cancel_project(
                sc,
                project_id=gid(input.project_id, "Project", "projectId"),
                reason=input.reason,
            ),
        )

    @strawberry.mutation(
        description="Submit or replace your organization's sealed bid before the deadline "
        "(organization admin)."
    )
    async def submit_bid(self, info: Info, input: SubmitBidInput) -> BidPayload:
        return await mutate(
            info,
            BidPayload,
            lambda sc: bid_service.submit_bid(
                sc,
                project_id=gid(input.project_id, "Project", "projectId"),
                organization_id=gid(input.organization_id, "Organization", "organizationId"),
                price_fen=input.price_fen,
                technical_proposal=input.technical_proposal,
                volunteer_plan=input.volunteer_plan,
                team=[
                    bid_service.TeamSpec(
                        social_worker_id=gid(t.social_worker_id, "SocialWorker", "team"),
                        role=t.role,
                    )
                    for t in input.team
                ],
            ),
        )

    @strawberry.mutation(description="Withdraw your organization's bid before the deadline.")
    async def withdraw_bid(self, info: Info, input: WithdrawBidInput) -> BidPayload:
        return await mutate(
            info,
            BidPayload,
            lambda sc: bid_service.withdraw_bid(sc, bid_id=gid(input.bid_id, "Bid", "bidId")),
        )

    @strawberry.mutation(
        description="Open the bids after the deadline if the opening job has not (bureau)."
    )
    async def open_bids(self, info: Info, input: ProjectIdInput) -> ProjectPayload:
        async def action(sc: ServiceContext) -> models.Project:
            pid = gid(input.project_id, "Project", "projectId")
            await bid_service.open_bids(sc, project_id=pid)
            project = await project_service.get_readable(sc, pid)
            if project is None:
                raise not_found("Project")
            return project

        return await mutate(info, ProjectPayload, action)

    @strawberry.mutation(description="Put an account on the evaluation panel (bureau officer).")
    async def assign_evaluator(self, info: Info, input: AssignEvaluatorInput) -> EvaluatorPayload:
        return await mutate(
            info,
            EvaluatorPayload,
            lambda sc: evaluation_service.assign_evaluator(
                sc,
                project_id=gid(input.project_id, "Project", "projectId"),
                account_id=gid(input.account_id, "Account", "accountId"),
            ),
        )

    @strawberry.mutation(
        description=(
            "Take an evaluator off a panel with a reason, discarding their scores (bureau "
            "officer; before the award). Seat someone else with assignEvaluator."
        )
    )
    async def remove_evaluator(self, info: Info, input: RemoveEvaluatorInput) -> ProjectPayload:
        return await mutate(
            info,
            ProjectPayload,
            lambda sc: evaluator_service.remove_evaluator(
                sc,
                evaluator_id=gid(input.evaluator_id, "Evaluator", "evaluatorId"),
                reason=input.reason,
            ),
        )

    @strawberry.mutation(description="Score opened bids per technical criterion (evaluators).")
    async def submit_scores(self, info: Info, input: SubmitScoresInput) -> ScoresPayload:
        async def action(sc: ServiceContext) -> list[models.Score]:
            specs = [
                evaluation_service.ScoreSpec(
                    bid_id=gid(s.bid_id, "Bid", "scores"),
                    criterion_id=gid(s.criterion_id, "EvaluationCriterion", "scores"),
                    score_centi=_score_centi(s.score),
                )
                for s in input.scores
            ]
            return await evaluation_service.submit_scores(
                sc, project_id=gid(input.project_id, "Project", "projectId"), scores=specs
            )

        return await mutate(info, ScoresPayload, action)

    @strawberry.mutation(description="Award to the top-ranked bid (bureau officer).")
    async def confirm_award(self, info: Info, input: ProjectIdInput) -> ProjectPayload:
        return await mutate(
            info,
            ProjectPayload,
            lambda sc: evaluation_service.confirm_award(
                sc, project_id=gid(input.project_id, "Project", "projectId")
            ),
        )

    @strawberry.mutation(
        description="Sign the contract from the award; the project starts (bureau officer)."
    )
    async def create_contract(self, info: Info, input: CreateContractInput) -> ContractPayload:
        return await mutate(
            info,
            ContractPayload,
            lambda sc: contract_service.create_contract(
                sc,
                project_id=gid(input.project_id, "Project", "projectId"),
                amount_fen=input.amount_fen,
                start_date=input.start_date,
                end_date=input.end_date,
                milestones=[
                    contract_service.MilestoneSpec(
                        title=m.title,
                        share_bp=m.share_bp,
                        due_date=m.due_date,
                        planned_activities=m.planned_activities,
                        planned_service_hours=m.planned_service_hours,
                        planned_beneficiaries=m.planned_beneficiaries,
                    )
                    for m in input.milestones
                ],
            ),
        )

    @strawberry.mutation(
        description="Report on a milestone with evidence files as base64 (organization)."
    )
    async def submit_progress_report(
        self, info: Info, input: SubmitProgressReportInput
    ) -> ProgressReportPayload:
        return await mutate(
            info,
            ProgressReportPayload,
            lambda sc: report_service.submit_report(
                sc,
                milestone_id=gid(input.milestone_id, "Milestone", "milestoneId"),
                narrative=input.narrative,
                activities_held=input.activities_held,
                beneficiaries_served=input.beneficiaries_served,
                files=[evidence_file_spec(f) for f in input.files],
                beneficiaries=[
                    report_service.BeneficiarySpec(b.name, b.id_number, b.phone)
                    for b in input.beneficiaries or []
                ],
            ),
        )

    @strawberry.mutation(description="Accept a report; its milestone becomes payable.")
    async def accept_progress_report(
        self, info: Info, input: ReportIdInput
    ) -> ProgressReportPayload:
        return await mutate(
            info,
            ProgressReportPayload,
            lambda sc: report_service.accept_report(
                sc, report_id=gid(input.report_id, "ProgressReport", "reportId")
            ),
        )

    @strawberry.mutation(description="Return a report with a reason (community staff).")
    async def return_progress_report(
        self, info: Info, input: ReturnProgressReportInput
    ) -> ProgressReportPayload:
        return await mutate(
            info,
            ProgressReportPayload,
            lambda sc: report_service.return_report(
                sc,
                report_id=gid(input.report_id, "ProgressReport", "reportId"),
                reason=input.reason,
            ),
        )

    @strawberry.mutation(description="Record a payment against an accepted milestone (bureau).")
    async def record_payment(self, info: Info, input: RecordPaymentInput) -> PaymentPayload:
        return await mutate(
            info,
            PaymentPayload,
            lambda sc: contract_service.record_payment(
                sc,
                milestone_id=gid(input.milestone_id, "Milestone", "milestoneId"),
                amount_fen=input.amount_fen,
                paid_on=input.paid_on,
                voucher_number=input.voucher_number,
            ),
        )

    @strawberry.mutation(description="IN_PROGRESS → COMPLETED once every milestone is accepted.")
    async def complete_project(self, info: Info, input: ProjectIdInput) -> ProjectPayload:
        return await mutate(
            info,
            ProjectPayload,
            lambda sc: contract_service.complete_project(
                sc, project_id=gid(input.project_id, "Project", "projectId")
            ),
        )

    @strawberry.mutation(description="Final performance evaluation: COMPLETED → EVALUATED.")
    async def evaluate_performance(
        self, info: Info, input: EvaluatePerformanceInput
    ) -> PerformanceEvaluationPayload:
        return await mutate(
            info,
            PerformanceEvaluationPayload,
            lambda sc: contract_service.evaluate_performance(
                sc,
                project_id=gid(input.project_id, "Project", "projectId"),
                criteria=[
                    contract_service.CriterionScore(name=c.name, score=c.score, max=c.max)
                    for c in input.criteria
                ],
                comments=input.comments,
            ),
        )
