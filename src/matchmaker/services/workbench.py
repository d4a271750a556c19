"""The workbench (工作台): what each of the caller's roles must do now (docs/workbench.md).

Each section belongs to one role and is present only when the caller holds that role. Every
count is an SQL aggregate inside one statement per section (scalar subqueries in a single
``SELECT``), scoped here by the same capabilities and clauses as the list it links to, so the
number on a card is the length of the list behind it and the statement count does not grow
with the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, func, select

from matchmaker import clock
from matchmaker.models import (
    Activity,
    Bid,
    Contract,
    MicroWish,
    Milestone,
    Need,
    OutboxJob,
    ProgressReport,
    Project,
    ProjectNeed,
    Region,
    Shift,
)
from matchmaker.models.enums import JobStatus, Role
from matchmaker.models.micro_wishes import MicroWishStatus
from matchmaker.models.procurement import (
    BidStatus,
    MilestoneStatus,
    ProjectStatus,
    ReportStatus,
)
from matchmaker.models.volunteering import ActivityStatus, RecordStatus
from matchmaker.services import hours, projects
from matchmaker.services.activities import organizer_clause
from matchmaker.services.authz import Capability, Scope, require_authenticated
from matchmaker.services.context import ServiceContext

#: A milestone whose report is due within this many days (or overdue) is on the workbench.
DUE_WITHIN_DAYS = 14
#: The nightly job whose last run the platform admin sees (jobs/maintenance.py).
CHAIN_JOB = "verify_audit_chain"


@dataclass(frozen=True, slots=True)
class CommunityStaffWork:
    needs_without_project: int
    #: Drafts (returned ones included) waiting to be finished and submitted.
    projects_awaiting_action: int
    reports_to_review: int
    hours_to_approve: int
    shifts_today: int
    micro_wishes_to_confirm: int


@dataclass(frozen=True, slots=True)
class SocialWorkerWork:
    shifts_today: int
    #: Places held (confirmed) and offered across today's shifts: the fill rate's two halves.
    places_filled_today: int
    places_today: int
    hours_to_approve: int
    reports_due: int

    @property
    def fill_rate(self) -> float | None:
        return self.places_filled_today / self.places_today if self.places_today else None


@dataclass(frozen=True, slots=True)
class OrgAdminWork:
    open_projects_qualified: int
    bids_before_deadline: int
    milestones_due: int


@dataclass(frozen=True, slots=True)
class BureauOfficerWork:
    approvals: int
    #: Completed projects waiting for their performance evaluation.
    evaluations: int
    #: Accepted milestones not yet paid.
    payments_due: int


@dataclass(frozen=True, slots=True)
class ChainCheck:
    at: dt.datetime | None
    ok: bool
    reason: str | None


@dataclass(frozen=True, slots=True)
class PlatformAdminWork:
    failed_jobs: int
    last_chain_check: ChainCheck | None


@dataclass(frozen=True, slots=True)
class Workbench:
    community_staff: CommunityStaffWork | None = None
    social_worker: SocialWorkerWork | None = None
    org_admin: OrgAdminWork | None = None
    bureau_officer: BureauOfficerWork | None = None
    platform_admin: PlatformAdminWork | None = None


def _count(stmt: Select[Any] | Select[int, int, int]) -> Any:
    """``(SELECT count(*) FROM (stmt))`` as a column of the section's one statement."""
    return select(func.count()).select_from(stmt.order_by(None).subquery()).scalar_subquery()


def _today_window() -> tuple[dt.datetime, dt.datetime]:
    """Today in Beijing, as a UTC half-open interval."""
    start = dt.datetime.combine(clock.today_shanghai(), dt.time(), tzinfo=clock.SHANGHAI)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)


def _shifts_today(sc: ServiceContext, scope: Scope) -> Select[int, int, int]:
    """Today's live shifts of published activities the caller organizes."""
    start, end = _today_window()
    return (
        select(Shift.id, Shift.capacity, Shift.confirmed_count)
        .join(Activity, Activity.id == Shift.activity_id)
        .where(
            organizer_clause(scope, sc.actor),
            Activity.status == ActivityStatus.PUBLISHED,
            Shift.is_cancelled.is_(False),
            Shift.starts_at >= start,
            Shift.starts_at < end,
        )
    )


def _hours_to_approve(sc: ServiceContext) -> Select[Any]:
    return hours.records_statement(sc, status=RecordStatus.PENDING, to_decide=True)


def _milestones_due(scope: Scope) -> Select[Any]:
    """Milestones of the organization's active contracts with no report yet, due soon."""
    horizon = clock.today_shanghai() + dt.timedelta(days=DUE_WITHIN_DAYS)
    return (
        select(Milestone.id)
        .join(Contract, Contract.id == Milestone.contract_id)
        .where(
            scope.organization_clause(Contract.organization_id),
            Milestone.status == MilestoneStatus.PENDING,
            Milestone.due_date <= horizon,
        )
    )


def _projects_in(scope: Scope, *states: ProjectStatus) -> Select[Any]:
    return (
        select(Project.id)
        .join(Region, Region.id == Project.region_id)
        .where(scope.region_clause(Region.path), Project.status.in_(states))
    )


async def _community_staff(sc: ServiceContext) -> CommunityStaffWork:
    needs_scope = sc.actor.scope(Capability.NEED_MANAGE)
    projects_scope = sc.actor.scope(Capability.PROJECT_MANAGE)
    review_scope = sc.actor.scope(Capability.REPORT_REVIEW)
    wish_scope = sc.actor.scope(Capability.MICRO_WISH_MANAGE)
    needs = (
        select(Need.id)
        .join(Region, Region.id == Need.region_id)
        .where(
            needs_scope.region_clause(Region.path),
            ~exists().where(ProjectNeed.need_id == Need.id),
        )
    )
    reports = (
        select(ProgressReport.id)
        .join(Milestone, Milestone.id == ProgressReport.milestone_id)
        .join(Contract, Contract.id == Milestone.contract_id)
        .join(Project, Project.id == Contract.project_id)
        .join(Region, Region.id == Project.region_id)
        .where(
            review_scope.region_clause(Region.path),
            ProgressReport.status == ReportStatus.SUBMITTED,
        )
    )
    wishes = select(MicroWish.id).where(
        wish_scope.region_clause(MicroWish.region_path),
        MicroWish.status == MicroWishStatus.FULFILLED,
    )
    row = (
        await sc.session.execute(
            select(
                _count(needs),
                _count(_projects_in(projects_scope, ProjectStatus.DRAFT)),
                _count(reports),
                _count(_hours_to_approve(sc)),
                _count(_shifts_today(sc, sc.actor.scope(Capability.ACTIVITY_MANAGE))),
                _count(wishes),
            )
        )
    ).one()
    return CommunityStaffWork(*(int(n or 0) for n in row))


async def _social_worker(sc: ServiceContext) -> SocialWorkerWork:
    shifts = _shifts_today(sc, sc.actor.scope(Capability.ACTIVITY_MANAGE)).subquery()
    row = (
        await sc.session.execute(
            select(
                select(func.count()).select_from(shifts).scalar_subquery(),
                select(func.coalesce(func.sum(shifts.c.confirmed_count), 0)).scalar_subquery(),
                select(func.coalesce(func.sum(shifts.c.capacity), 0)).scalar_subquery(),
                _count(_hours_to_approve(sc)),
                _count(_milestones_due(sc.actor.scope(Capability.REPORT_SUBMIT))),
            )
        )
    ).one()
    return SocialWorkerWork(*(int(n or 0) for n in row))


async def _org_admin(sc: ServiceContext) -> OrgAdminWork:
    scope = sc.actor.scope(Capability.BID_SUBMIT)
    qualified = 0
    # One organization per org-admin grant: a constant number of statements per caller.
    for organization_id in scope.organization_ids:
        stmt = await projects.qualifying_open_statement(sc, organization_id=organization_id)
        qualified += int(
            await sc.session.scalar(
                select(func.count()).select_from(stmt.with_only_columns(Project.id).subquery())
            )
            or 0
        )
    bids = (
        select(Bid.id)
        .join(Project, Project.id == Bid.project_id)
        .where(
            scope.organization_clause(Bid.organization_id),
            Bid.status == BidStatus.SUBMITTED,
            Project.status == ProjectStatus.OPEN_FOR_BIDS,
            Project.bid_deadline > clock.now(),
        )
    )
    row = (
        await sc.session.execute(
            select(_count(bids), _count(_milestones_due(sc.actor.scope(Capability.REPORT_SUBMIT))))
        )
    ).one()
    return OrgAdminWork(qualified, int(row[0] or 0), int(row[1] or 0))


async def _bureau_officer(sc: ServiceContext) -> BureauOfficerWork:
    payments_scope = sc.actor.scope(Capability.PAYMENT_RECORD)
    payments = (
        select(Milestone.id)
        .join(Contract, Contract.id == Milestone.contract_id)
        .join(Project, Project.id == Contract.project_id)
        .join(Region, Region.id == Project.region_id)
        .where(
            payments_scope.region_clause(Region.path),
            Milestone.status == MilestoneStatus.ACCEPTED,
        )
    )
    row = (
        await sc.session.execute(
            select(
                _count(
                    _projects_in(
                        sc.actor.scope(Capability.PROJECT_APPROVE), ProjectStatus.PENDING_APPROVAL
                    )
                ),
                _count(
                    _projects_in(
                        sc.actor.scope(Capability.PERFORMANCE_EVALUATE), ProjectStatus.COMPLETED
                    )
                ),
                _count(payments),
            )
        )
    ).one()
    return BureauOfficerWork(*(int(n or 0) for n in row))


async def _platform_admin(sc: ServiceContext) -> PlatformAdminWork:
    failed = int(
        await sc.session.scalar(
            select(func.count()).select_from(OutboxJob).where(OutboxJob.status == JobStatus.FAILED)
        )
        or 0
    )
    last = await sc.session.scalar(
        select(OutboxJob)
        .where(
            OutboxJob.name == CHAIN_JOB,
            OutboxJob.status.in_((JobStatus.DONE, JobStatus.FAILED)),
        )
        .order_by(OutboxJob.finished_at.desc(), OutboxJob.id.desc())
        .limit(1)
    )
    check = None
    if last is not None:
        result = last.result or {}
        ok = last.status is JobStatus.DONE and bool(result.get("ok"))
        reason = result.get("reason") if last.status is JobStatus.DONE else last.last_error
        check = ChainCheck(at=last.finished_at, ok=ok, reason=reason)
    return PlatformAdminWork(failed_jobs=failed, last_chain_check=check)


async def workbench(sc: ServiceContext) -> Workbench:
    """The caller's workbench: one section per role held, each scoped by that role's reach."""
    require_authenticated(sc.actor)
    has = sc.actor.has_role
    return Workbench(
        community_staff=await _community_staff(sc) if has(Role.COMMUNITY_STAFF) else None,
        social_worker=await _social_worker(sc) if has(Role.SOCIAL_WORKER) else None,
        org_admin=await _org_admin(sc) if has(Role.ORG_ADMIN) else None,
        bureau_officer=await _bureau_officer(sc) if has(Role.BUREAU_OFFICER) else None,
        platform_admin=await _platform_admin(sc) if has(Role.PLATFORM_ADMIN) else None,
    )
