"""Contracts, milestones, payments, completion and performance evaluation (绩效评价).

The money rules: contract amount ≤ winning price ≤ budget ceiling; milestone shares sum to
100%; a payment needs an accepted milestone, stays within the milestone's share and the
contract's remaining amount, and is dated inside the contract period. Payments lock the
contract row, so two racing for the last of the amount can't both succeed; CHECK constraints
on the paid totals are the backstop.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.db.engine import dialect_name
from matchmaker.models import (
    Bid,
    Contract,
    Milestone,
    Organization,
    Payment,
    PerformanceEvaluation,
    Project,
    Region,
)
from matchmaker.models.procurement import ContractStatus, MilestoneStatus, ProjectStatus
from matchmaker.services import audit
from matchmaker.services.authz import Capability, Scope, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.matching import procurement as matching_procurement
from matchmaker.services.notifications import notify, org_admin_ids
from matchmaker.services.oversight.findings import schedule_scan
from matchmaker.services.procurement import expect_state, load_in_scope
from matchmaker.services.projects import MAX_SERVICE_DAYS, PROJECT_FIELDS
from matchmaker.services.projects import readable as readable_projects

FULL_SHARE_BP = 10000
MAX_MILESTONES = 24


@dataclass(frozen=True, slots=True)
class MilestoneSpec:
    title: str
    share_bp: int
    due_date: dt.date
    planned_activities: int
    planned_service_hours: int
    planned_beneficiaries: int


def split_amount(amount_fen: int, shares_bp: list[int]) -> list[int]:
    """Each milestone's amount; the last takes the rounding remainder so the sum is exact."""
    amounts = [amount_fen * s // FULL_SHARE_BP for s in shares_bp]
    amounts[-1] = amount_fen - sum(amounts[:-1])
    return amounts


def scope_clause(scope: Scope) -> Any:
    """Contracts the scope reaches: by the project's region or by the organization."""
    region_part = Contract.project_id.in_(
        select(Project.id)
        .join(Region, Region.id == Project.region_id)
        .where(scope.region_clause(Region.path))
    )
    if scope.unrestricted:
        return region_part
    if scope.organization_ids and scope.region_paths:
        return region_part | scope.organization_clause(Contract.organization_id)
    if scope.organization_ids:
        return scope.organization_clause(Contract.organization_id)
    return region_part


def contracts_statement(sc: ServiceContext, *, project_id: int | None = None) -> Select[Any]:
    scope = require(sc.actor, Capability.CONTRACT_READ)
    stmt = select(Contract).where(scope_clause(scope))
    if project_id is not None:
        stmt = stmt.where(Contract.project_id == project_id)
    return stmt


async def get_contract(sc: ServiceContext, contract_id: int) -> Contract | None:
    if sc.actor.scope(Capability.CONTRACT_READ).is_empty:
        return None
    row: Contract | None = await sc.session.scalar(
        contracts_statement(sc).where(Contract.id == contract_id)
    )
    return row


async def create_contract(
    sc: ServiceContext,
    *,
    project_id: int,
    amount_fen: int,
    start_date: dt.date,
    end_date: dt.date,
    milestones: list[MilestoneSpec],
) -> Contract:
    """Sign the contract from the award: AWARDED → IN_PROGRESS (bureau officer)."""
    scope = require(sc.actor, Capability.CONTRACT_MANAGE)
    session = sc.session
    project, path = await load_in_scope(session, project_id, scope, for_update=True)
    expect_state(project, ProjectStatus.AWARDED)
    bid = await session.get(Bid, project.awarded_bid_id) if project.awarded_bid_id else None
    if bid is None:
        raise DomainError(ErrorCode.INVALID_STATE, "The project has no awarded bid", "projectId")
    if not 0 < amount_fen <= bid.price_fen <= project.budget_ceiling_fen:
        raise invalid(
            "amountFen",
            "The amount is above zero and at most the winning price (itself within the budget)",
            ErrorCode.INVALID_CONTRACT_AMOUNT,
        )
    if end_date < start_date:
        raise invalid("endDate", "The contract ends before it starts")
    if (end_date - start_date).days + 1 > MAX_SERVICE_DAYS:
        raise invalid(
            "endDate", "The contract period is at most 3 years", ErrorCode.SERVICE_PERIOD_TOO_LONG
        )
    if not 1 <= len(milestones) <= MAX_MILESTONES:
        raise invalid(
            "milestones", f"Give 1 to {MAX_MILESTONES} milestones", ErrorCode.INVALID_MILESTONES
        )
    for m in milestones:
        if not 1 <= len(m.title.strip()) <= 200:
            raise invalid("milestones", "Each milestone has a title", ErrorCode.INVALID_MILESTONES)
        if m.share_bp <= 0:
            raise invalid(
                "milestones", "Each milestone's share is above zero", ErrorCode.INVALID_MILESTONES
            )
        if not start_date <= m.due_date <= end_date:
            raise invalid(
                "milestones",
                "Milestones fall due inside the contract period",
                ErrorCode.INVALID_MILESTONES,
            )
        if min(m.planned_activities, m.planned_service_hours, m.planned_beneficiaries) < 0:
            raise invalid(
                "milestones", "Deliverables can't be negative", ErrorCode.INVALID_MILESTONES
            )
    if sum(m.share_bp for m in milestones) != FULL_SHARE_BP:
        raise invalid(
            "milestones", "Milestone shares must sum to 100%", ErrorCode.INVALID_MILESTONES
        )
    ordered = sorted(milestones, key=lambda m: m.due_date)
    contract = Contract(
        project_id=project.id,
        organization_id=bid.organization_id,
        bid_id=bid.id,
        amount_fen=amount_fen,
        paid_fen=0,
        start_date=start_date,
        end_date=end_date,
        signed_by_id=sc.actor.account_id,
    )
    session.add(contract)
    await session.flush()
    for i, (m, amount) in enumerate(
        zip(ordered, split_amount(amount_fen, [m.share_bp for m in ordered]), strict=True),
        start=1,
    ):
        session.add(
            Milestone(
                contract_id=contract.id,
                sequence=i,
                title=m.title.strip(),
                share_bp=m.share_bp,
                amount_fen=amount,
                paid_fen=0,
                due_date=m.due_date,
                planned_activities=m.planned_activities,
                planned_service_hours=m.planned_service_hours,
                planned_beneficiaries=m.planned_beneficiaries,
            )
        )
    project.status = ProjectStatus.IN_PROGRESS
    await session.flush()
    await audit.record(
        sc,
        action="contract.create",
        subject_type="Contract",
        subject_id=contract.id,
        after={
            "project_id": project.id,
            "organization_id": contract.organization_id,
            "amount_fen": amount_fen,
            "start_date": start_date,
            "end_date": end_date,
            "milestones": [
                {"title": m.title, "share_bp": m.share_bp, "due_date": m.due_date} for m in ordered
            ],
            "project_status": project.status.value,
        },
        region_path=path,
    )
    return contract


async def _locked_contract(session: AsyncSession, contract_id: int) -> Contract | None:
    stmt = select(Contract).where(Contract.id == contract_id)
    if dialect_name(session) == "postgresql":
        stmt = stmt.with_for_update()
    return await session.scalar(stmt.execution_options(populate_existing=True))


async def record_payment(
    sc: ServiceContext,
    *,
    milestone_id: int,
    amount_fen: int,
    paid_on: dt.date,
    voucher_number: str,
) -> Payment:
    """Record money paid against an accepted milestone (bureau officer)."""
    scope = require(sc.actor, Capability.PAYMENT_RECORD)
    session = sc.session
    # Scoped in the lookup itself: a milestone of another region gets exactly the answer of a
    # missing one (same code, field and message), and its contract is never locked.
    contract_id = await session.scalar(
        select(Milestone.contract_id)
        .join(Contract, Contract.id == Milestone.contract_id)
        .where(Milestone.id == milestone_id, scope_clause(scope))
    )
    if contract_id is None:
        raise not_found("Milestone")
    # The contract row lock serialises every payment of the contract.
    contract = await _locked_contract(session, contract_id)
    assert contract is not None
    project, path = await load_in_scope(session, contract.project_id, scope)
    milestone = await session.scalar(
        select(Milestone)
        .where(Milestone.id == milestone_id)
        .execution_options(populate_existing=True)
    )
    assert milestone is not None
    voucher_number = voucher_number.strip()
    if not 1 <= len(voucher_number) <= 64:
        raise invalid("voucherNumber", "The voucher number is 1 to 64 characters")
    if amount_fen <= 0:
        raise invalid("amountFen", "The amount must be above zero")
    if milestone.status not in (MilestoneStatus.ACCEPTED, MilestoneStatus.PAID):
        raise invalid(
            "milestoneId",
            "The milestone's report has not been accepted",
            ErrorCode.MILESTONE_NOT_ACCEPTED,
        )
    if amount_fen > milestone.amount_fen - milestone.paid_fen:
        raise invalid(
            "amountFen",
            "The payment is above what remains of the milestone's share",
            ErrorCode.PAYMENT_EXCEEDS_LIMIT,
        )
    if amount_fen > contract.amount_fen - contract.paid_fen:
        raise invalid(
            "amountFen",
            "The payment is above what remains of the contract",
            ErrorCode.PAYMENT_EXCEEDS_LIMIT,
        )
    if not contract.start_date <= paid_on <= contract.end_date:
        raise invalid(
            "paidOn",
            "Payments are dated inside the contract period",
            ErrorCode.PAYMENT_OUTSIDE_PERIOD,
        )
    if paid_on > clock.today_shanghai():
        raise invalid("paidOn", "A payment can't be dated in the future")
    if await session.scalar(
        select(Payment.id).where(
            Payment.contract_id == contract.id, Payment.voucher_number == voucher_number
        )
    ):
        raise invalid("voucherNumber", "This voucher is recorded already", ErrorCode.CONFLICT)
    payment = Payment(
        contract_id=contract.id,
        milestone_id=milestone.id,
        amount_fen=amount_fen,
        paid_on=paid_on,
        voucher_number=voucher_number,
        recorded_by_id=sc.actor.account_id,
    )
    session.add(payment)
    contract.paid_fen += amount_fen
    milestone.paid_fen += amount_fen
    if milestone.paid_fen == milestone.amount_fen:
        milestone.status = MilestoneStatus.PAID
    await session.flush()
    await schedule_scan(session)  # the audit scan sees the payment (docs/oversight.md)
    await audit.record(
        sc,
        action="payment.record",
        subject_type="Payment",
        subject_id=payment.id,
        after={
            "contract_id": contract.id,
            "milestone_id": milestone.id,
            "amount_fen": amount_fen,
            "paid_on": paid_on,
            "voucher_number": voucher_number,
            "contract_paid_fen": contract.paid_fen,
        },
        region_path=path,
    )
    await notify(
        session,
        await org_admin_ids(session, contract.organization_id),
        code="payment.recorded",
        params={
            "project": project.title,
            "sequence": milestone.sequence,
            "amount": f"{amount_fen / 100:.2f}",
        },
        text="收到拨款",
        body=f"「{project.title}」第 {milestone.sequence} 期拨款 {amount_fen / 100:.2f} 元已登记。",
        subject_type="Payment",
        subject_id=payment.id,
        dedupe=f"payment.recorded:{payment.id}",
    )
    return payment


async def complete_project(sc: ServiceContext, *, project_id: int) -> Project:
    """IN_PROGRESS → COMPLETED once every milestone is accepted (bureau officer)."""
    scope = require(sc.actor, Capability.CONTRACT_MANAGE)
    session = sc.session
    project, path = await load_in_scope(session, project_id, scope, for_update=True)
    expect_state(project, ProjectStatus.IN_PROGRESS)
    contract = await session.scalar(select(Contract).where(Contract.project_id == project.id))
    assert contract is not None
    open_milestones = await session.scalar(
        select(func.count())
        .select_from(Milestone)
        .where(
            Milestone.contract_id == contract.id,
            Milestone.status.not_in([MilestoneStatus.ACCEPTED, MilestoneStatus.PAID]),
        )
    )
    if open_milestones:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "Every milestone must be accepted before the project completes",
            "projectId",
        )
    before = audit.snapshot(project, PROJECT_FIELDS)
    project.status = ProjectStatus.COMPLETED
    project.completed_at = clock.now()
    await session.flush()
    await audit.record(
        sc,
        action="project.complete",
        subject_type="Project",
        subject_id=project.id,
        before=before,
        after=audit.snapshot(project, PROJECT_FIELDS),
        region_path=path,
    )
    return project


@dataclass(frozen=True, slots=True)
class CriterionScore:
    name: str
    score: int
    max: int


async def evaluate_performance(
    sc: ServiceContext,
    *,
    project_id: int,
    criteria: list[CriterionScore],
    comments: str,
) -> PerformanceEvaluation:
    """The final performance evaluation: COMPLETED → EVALUATED (bureau officer).

    The score is the sum of the criteria, whose maxima sum to 100.
    """
    scope = require(sc.actor, Capability.PERFORMANCE_EVALUATE)
    session = sc.session
    project, path = await load_in_scope(session, project_id, scope, for_update=True)
    expect_state(project, ProjectStatus.COMPLETED)
    if not 1 <= len(criteria) <= 20:
        raise invalid("criteria", "Give 1 to 20 criteria")
    for c in criteria:
        if not c.name.strip() or not 0 <= c.score <= c.max or c.max <= 0:
            raise invalid("criteria", "Each criterion has a name and a score from 0 to its max")
    if sum(c.max for c in criteria) != 100:
        raise invalid("criteria", "The criteria maxima sum to 100", ErrorCode.INVALID_WEIGHTS)
    if len(comments) > 5000:
        raise invalid("comments", "Comments are at most 5000 characters")
    contract = await session.scalar(select(Contract).where(Contract.project_id == project.id))
    assert contract is not None
    evaluation = PerformanceEvaluation(
        project_id=project.id,
        contract_id=contract.id,
        organization_id=contract.organization_id,
        score=sum(c.score for c in criteria),
        criteria=[{"name": c.name.strip(), "score": c.score, "max": c.max} for c in criteria],
        comments=comments.strip(),
        evaluated_by_id=sc.actor.account_id,
    )
    session.add(evaluation)
    project.status = ProjectStatus.EVALUATED
    contract.status = ContractStatus.COMPLETED
    await session.flush()
    await audit.record(
        sc,
        action="project.evaluate",
        subject_type="PerformanceEvaluation",
        subject_id=evaluation.id,
        after={
            "project_id": project.id,
            "organization_id": evaluation.organization_id,
            "score": evaluation.score,
            "criteria": evaluation.criteria,
            "project_status": project.status.value,
        },
        region_path=path,
    )
    await matching_procurement.on_performance_evaluated(
        session,
        sc.settings,
        project_id=project.id,
        organization_id=evaluation.organization_id,
        score=evaluation.score,
        at=clock.now(),
    )
    return evaluation


# --- track record -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrackRecord:
    organization_id: int
    evaluations: int
    average_score: float | None
    milestones_accepted: int
    milestones_on_time: int
    contracts: int
    contracted_fen: int

    @property
    def on_time_rate(self) -> float | None:
        if not self.milestones_accepted:
            return None
        return self.milestones_on_time / self.milestones_accepted


async def track_record_summary(session: AsyncSession, organization_id: int) -> TrackRecord:
    """Evaluations and milestone punctuality of an organization: no authorization (matching)."""
    n_eval, avg = (
        await session.execute(
            select(func.count(), func.avg(PerformanceEvaluation.score)).where(
                PerformanceEvaluation.organization_id == organization_id
            )
        )
    ).one()
    accepted = list(
        (
            await session.execute(
                select(Milestone.due_date, Milestone.accepted_at)
                .join(Contract, Contract.id == Milestone.contract_id)
                .where(
                    Contract.organization_id == organization_id,
                    Milestone.accepted_at.is_not(None),
                )
            )
        ).all()
    )
    on_time = len(
        [
            1
            for due, at in accepted
            if at is not None and at.astimezone(clock.SHANGHAI).date() <= due
        ]
    )
    n_contracts, contracted = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(Contract.amount_fen), 0)).where(
                Contract.organization_id == organization_id
            )
        )
    ).one()
    return TrackRecord(
        organization_id=organization_id,
        evaluations=int(n_eval),
        average_score=round(float(avg), 2) if avg is not None else None,
        milestones_accepted=len(accepted),
        milestones_on_time=on_time,
        contracts=int(n_contracts),
        contracted_fen=int(contracted),
    )


async def track_record(sc: ServiceContext, *, organization_id: int) -> TrackRecord:
    """An organization's track record, to its admins and the regional roles."""
    scope = require(sc.actor, Capability.TRACK_RECORD_READ)
    org = await sc.session.scalar(
        select(Organization)
        .join(Region, Region.id == Organization.region_id)
        .where(
            Organization.id == organization_id,
            scope.organization_clause(Organization.id) | scope.region_clause(Region.path),
        )
    )
    if org is None:
        raise not_found("Organization")
    return await track_record_summary(sc.session, organization_id)


def payments_statement(sc: ServiceContext, *, contract_id: int | None = None) -> Select[Any]:
    scope = require(sc.actor, Capability.CONTRACT_READ)
    stmt = select(Payment).where(
        Payment.contract_id.in_(select(Contract.id).where(scope_clause(scope)))
    )
    if contract_id is not None:
        stmt = stmt.where(Payment.contract_id == contract_id)
    return stmt


async def get_milestone(sc: ServiceContext, milestone_id: int) -> Milestone | None:
    if sc.actor.scope(Capability.CONTRACT_READ).is_empty:
        return None
    row: Milestone | None = await sc.session.scalar(
        select(Milestone).where(
            Milestone.id == milestone_id,
            Milestone.contract_id.in_(contracts_statement(sc).with_only_columns(Contract.id)),
        )
    )
    return row


async def get_payment(sc: ServiceContext, payment_id: int) -> Payment | None:
    if sc.actor.scope(Capability.CONTRACT_READ).is_empty:
        return None
    row: Payment | None = await sc.session.scalar(
        payments_statement(sc).where(Payment.id == payment_id)
    )
    return row


async def get_performance_evaluation(
    sc: ServiceContext, evaluation_id: int
) -> PerformanceEvaluation | None:
    """Performance evaluations are public, like the project they conclude."""
    row: PerformanceEvaluation | None = await sc.session.scalar(
        select(PerformanceEvaluation).where(
            PerformanceEvaluation.id == evaluation_id,
            PerformanceEvaluation.project_id.in_(
                readable_projects(sc).with_only_columns(Project.id)
            ),
        )
    )
    return row
