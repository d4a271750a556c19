"""Community projects: drafting, approval, publishing and the project state machine.

Every transition is one function here (or in bids/evaluation/contracts for the later ones),
each checking the caller's capability and scope, the current state, and its own rules, and
appending an audit event. Reads come in two shapes: the public view (published projects, to
anyone) and the pipeline view (every state, for the regional roles in scope).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.models import (
    Bid,
    EvaluationCriterion,
    Need,
    Organization,
    Project,
    ProjectNeed,
    Region,
    SocialWorker,
    SocialWorkerMembership,
)
from matchmaker.models.enums import RegionLevel, ServiceCategory, WorkerLevel
from matchmaker.models.organizations import MembershipStatus
from matchmaker.models.procurement import (
    BidStatus,
    FundingSource,
    ProcurementMethod,
    ProjectStatus,
)
from matchmaker.queue.outbox import schedule
from matchmaker.services import audit
from matchmaker.services.authz import Capability, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.notifications import notify
from matchmaker.services.procurement import (
    PUBLISHED_STATES,
    deadline_key,
    expect_state,
    load_in_scope,
)
from matchmaker.services.validation import check_text_filter

MAX_SERVICE_DAYS = 3 * 366  # "up to 3 years"
MIN_PRICE_WEIGHT = 10
MAX_TITLE = 200
MAX_CRITERIA = 20

PROJECT_FIELDS = Project.AUDITED


async def _audit(
    sc: ServiceContext,
    action: str,
    project: Project,
    path: str,
    *,
    before: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    after = audit.snapshot(project, PROJECT_FIELDS)
    if extra:
        after.update(audit.jsonable(extra))
    await audit.record(
        sc,
        action=action,
        subject_type="Project",
        subject_id=project.id,
        before=before,
        after=after,
        region_path=path,
    )


# --- validation -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CriterionSpec:
    name: str
    weight: int


@dataclass(slots=True)
class ProjectSpec:
    """Everything a community designs; validated as a whole by :func:`validate_spec`."""

    title: str
    description: str
    category: ServiceCategory
    target_groups: list[str]
    beneficiary_target: int
    funding_source: FundingSource
    budget_ceiling_fen: int
    procurement_method: ProcurementMethod
    service_start: dt.date
    service_end: dt.date
    min_grade: int
    worker_requirements: dict[WorkerLevel, int]
    volunteer_plan: str
    price_weight: int
    criteria: list[CriterionSpec]
    need_ids: list[int]


def validate_spec(spec: ProjectSpec) -> None:
    spec.title = spec.title.strip()
    if not 1 <= len(spec.title) <= MAX_TITLE:
        raise invalid("title", f"Title must be 1 to {MAX_TITLE} characters")
    if spec.budget_ceiling_fen <= 0:
        raise invalid(
            "budgetCeilingFen", "The budget ceiling must be above zero", ErrorCode.INVALID_BUDGET
        )
    if spec.beneficiary_target < 0:
        raise invalid("beneficiaryTarget", "The beneficiary target can't be negative")
    if spec.service_end < spec.service_start:
        raise invalid("serviceEnd", "The service period ends before it starts")
    if (spec.service_end - spec.service_start).days + 1 > MAX_SERVICE_DAYS:
        raise invalid(
            "serviceEnd",
            "The service period is at most 3 years",
            ErrorCode.SERVICE_PERIOD_TOO_LONG,
        )
    if not 0 <= spec.min_grade <= 5:
        raise invalid(
            "minGrade", "The minimum grade is 0 (none) to 5 (5A)", ErrorCode.INVALID_REQUIREMENTS
        )
    for level, count in spec.worker_requirements.items():
        if level is WorkerLevel.NONE:
            raise invalid(
                "workerRequirements",
                "Worker requirements name a certification level",
                ErrorCode.INVALID_REQUIREMENTS,
            )
        if not 1 <= count <= 100:
            raise invalid(
                "workerRequirements",
                "Each required level needs 1 to 100 workers",
                ErrorCode.INVALID_REQUIREMENTS,
            )
    if not 0 <= spec.price_weight <= 100:
        raise invalid("priceWeight", "Weights are 0 to 100", ErrorCode.INVALID_WEIGHTS)
    if spec.price_weight < MIN_PRICE_WEIGHT:
        raise invalid(
            "priceWeight",
            f"The price weight is at least {MIN_PRICE_WEIGHT} for services",
            ErrorCode.PRICE_WEIGHT_TOO_LOW,
        )
    if not spec.criteria or len(spec.criteria) > MAX_CRITERIA:
        raise invalid(
            "criteria",
            f"Give 1 to {MAX_CRITERIA} technical criteria",
            ErrorCode.INVALID_WEIGHTS,
        )
    names = set()
    for c in spec.criteria:
        if not c.name.strip() or len(c.name) > 200 or c.weight <= 0:
            raise invalid(
                "criteria",
                "Each criterion has a name and a positive weight",
                ErrorCode.INVALID_WEIGHTS,
            )
        names.add(c.name.strip())
    if len(names) != len(spec.criteria):
        raise invalid("criteria", "Criterion names must differ", ErrorCode.INVALID_WEIGHTS)
    total = spec.price_weight + sum(c.weight for c in spec.criteria)
    if total != 100:
        raise invalid(
            "criteria",
            f"The price weight and criteria weights sum to {total}, not 100",
            ErrorCode.INVALID_WEIGHTS,
        )
    if len(spec.target_groups) > 20 or any(
        not g.strip() or "," in g or len(g) > 50 for g in spec.target_groups
    ):
        raise invalid("targetGroups", "Up to 20 target groups of 1–50 characters, no commas")
    if len(set(spec.need_ids)) > 50:
        raise invalid("needIds", "A project cites at most 50 needs")


async def _apply_spec(
    sc: ServiceContext, project: Project, spec: ProjectSpec, community_path: str
) -> None:
    session = sc.session
    need_ids = sorted(set(spec.need_ids))
    if need_ids:
        found = set(
            await session.scalars(
                select(Need.id)
                .join(Region, Region.id == Need.region_id)
                .where(Need.id.in_(need_ids), Region.path.startswith(community_path))
            )
        )
        if found != set(need_ids):
            raise invalid("needIds", "Cite needs recorded for this project's community")
    project.title = spec.title
    project.description = spec.description.strip()
    project.category = spec.category
    project.target_groups = [g.strip() for g in spec.target_groups]
    project.beneficiary_target = spec.beneficiary_target
    project.funding_source = spec.funding_source
    project.budget_ceiling_fen = spec.budget_ceiling_fen
    project.procurement_method = spec.procurement_method
    project.service_start = spec.service_start
    project.service_end = spec.service_end
    project.min_grade = spec.min_grade
    project.worker_requirements = {
        lvl.value: n for lvl, n in sorted(spec.worker_requirements.items())
    }
    project.volunteer_plan = spec.volunteer_plan.strip()
    project.price_weight = spec.price_weight
    if project.id is None:
        session.add(project)
    await session.flush()
    for old in await session.scalars(
        select(EvaluationCriterion).where(EvaluationCriterion.project_id == project.id)
    ):
        await session.delete(old)
    for old_link in await session.scalars(
        select(ProjectNeed).where(ProjectNeed.project_id == project.id)
    ):
        await session.delete(old_link)
    await session.flush()
    for i, c in enumerate(spec.criteria, start=1):
        session.add(
            EvaluationCriterion(
                project_id=project.id, position=i, name=c.name.strip(), weight=c.weight
            )
        )
    for need_id in need_ids:
        session.add(ProjectNeed(project_id=project.id, need_id=need_id))
    await session.flush()


# --- drafting and approval --------------------------------------------------------------------


async def create_project(sc: ServiceContext, *, region_id: int, spec: ProjectSpec) -> Project:
    """A community's new project, as a DRAFT."""
    scope = require(sc.actor, Capability.PROJECT_MANAGE)
    region = await sc.session.scalar(
        select(Region).where(Region.id == region_id, scope.region_clause(Region.path))
    )
    if region is None:
        raise invalid("regionId", "Community not found in your scope", ErrorCode.NOT_FOUND)
    if region.level is not RegionLevel.COMMUNITY:
        raise invalid("regionId", "Projects belong to a community")
    validate_spec(spec)
    project = Project(
        region_id=region.id,
        status=ProjectStatus.DRAFT,
        created_by_id=sc.actor.account_id,
    )
    await _apply_spec(sc, project, spec, region.path)
    await _audit(sc, "project.create", project, region.path)
    return project


async def update_project(
    sc: ServiceContext, *, project_id: int, version: int, spec: ProjectSpec
) -> Project:
    """Edit a DRAFT (a returned project comes back as a DRAFT)."""
    scope = require(sc.actor, Capability.PROJECT_MANAGE)
    project, path = await load_in_scope(sc.session, project_id, scope, for_update=True)
    _check_version(project, version)
    expect_state(project, ProjectStatus.DRAFT)
    validate_spec(spec)
    before = audit.snapshot(project, PROJECT_FIELDS)
    await _apply_spec(sc, project, spec, path)
    await _audit(sc, "project.update", project, path, before=before)
    return project


def _check_version(project: Project, version: int) -> None:
    if project.version != version:
        raise DomainError(
            ErrorCode.STALE_VERSION, "The project was changed by someone else", "version"
        )


async def submit_project(sc: ServiceContext, *, project_id: int) -> Project:
    """DRAFT → PENDING_APPROVAL (community staff)."""
    scope = require(sc.actor, Capability.PROJECT_MANAGE)
    project, path = await load_in_scope(sc.session, project_id, scope, for_update=True)
    expect_state(project, ProjectStatus.DRAFT)
    project.status = ProjectStatus.PENDING_APPROVAL
    project.submitted_at = clock.now()
    project.return_reason = None
    await sc.session.flush()
    await _audit(sc, "project.submit", project, path)
    return project


async def approve_project(sc: ServiceContext, *, project_id: int) -> Project:
    """The bureau approves funding; the community may then publish (bureau officer)."""
    scope = require(sc.actor, Capability.PROJECT_APPROVE)
    project, path = await load_in_scope(sc.session, project_id, scope, for_update=True)
    expect_state(project, ProjectStatus.PENDING_APPROVAL)
    if project.approved_at is not None:
        raise DomainError(ErrorCode.INVALID_STATE, "The project is approved already", "status")
    project.approved_at = clock.now()
    project.approved_by_id = sc.actor.account_id
    await sc.session.flush()
    await _audit(sc, "project.approve", project, path)
    await notify(
        sc,
        [project.created_by_id],
        code="project.approved",
        params={"project": project.title},
        text="项目已获批准",
        body=f"「{project.title}」已通过审批，可以发布招标。",
        subject_type="Project",
        subject_id=project.id,
        dedupe=f"project.approved:{project.id}:{project.approved_at.isoformat()}",
    )
    return project


async def return_project(sc: ServiceContext, *, project_id: int, reason: str) -> Project:
    """PENDING_APPROVAL → DRAFT with a reason (bureau officer)."""
    scope = require(sc.actor, Capability.PROJECT_APPROVE)
    reason = reason.strip()
    if not 1 <= len(reason) <= 2000:
        raise invalid("reason", "Say why the project is returned (1–2000 characters)")
    project, path = await load_in_scope(sc.session, project_id, scope, for_update=True)
    expect_state(project, ProjectStatus.PENDING_APPROVAL)
    before = audit.snapshot(project, PROJECT_FIELDS)
    project.status = ProjectStatus.DRAFT
    project.return_reason = reason
    project.approved_at = None
    project.approved_by_id = None
    await sc.session.flush()
    await _audit(sc, "project.return", project, path, before=before, extra={"reason": reason})
    await notify(
        sc,
        [project.created_by_id],
        code="project.returned",
        params={"project": project.title, "reason": reason},
        text="项目被退回",
        body=f"「{project.title}」被退回修改：{reason}",
        subject_type="Project",
        subject_id=project.id,
        dedupe=f"project.returned:{project.id}:{project.version}",
    )
    return project


async def publish_project(
    sc: ServiceContext, *, project_id: int, bid_deadline: dt.datetime
) -> Project:
    """Approved PENDING_APPROVAL → OPEN_FOR_BIDS, scheduling the opening at the deadline."""
    scope = require(sc.actor, Capability.PROJECT_MANAGE)
    project, path = await load_in_scope(sc.session, project_id, scope, for_update=True)
    expect_state(project, ProjectStatus.PENDING_APPROVAL)
    if project.approved_at is None:
        raise DomainError(
            ErrorCode.INVALID_STATE, "The bureau has not approved the project yet", "status"
        )
    await _open_for_bids(sc, project, path, bid_deadline)
    return project


async def _open_for_bids(
    sc: ServiceContext, project: Project, path: str, bid_deadline: dt.datetime
) -> None:
    if bid_deadline.tzinfo is None:
        raise invalid("bidDeadline", "Give the deadline with a time zone")
    now = clock.now()
    min_days = sc.settings.open_tender_min_days
    if project.procurement_method is ProcurementMethod.OPEN_TENDER:
        if bid_deadline < now + dt.timedelta(days=min_days):
            raise invalid(
                "bidDeadline",
                f"An open tender's bid deadline is at least {min_days} days after publishing",
                ErrorCode.BID_DEADLINE_TOO_SOON,
            )
    elif bid_deadline <= now:
        raise invalid(
            "bidDeadline", "The bid deadline is in the past", ErrorCode.BID_DEADLINE_TOO_SOON
        )
    if bid_deadline.date() > project.service_start:
        raise invalid("bidDeadline", "The bid deadline falls after the service starts")
    before = audit.snapshot(project, PROJECT_FIELDS)
    republish = project.status is ProjectStatus.FAILED
    project.status = ProjectStatus.OPEN_FOR_BIDS
    project.bid_deadline = bid_deadline.astimezone(dt.UTC)
    project.published_at = now
    project.opened_at = None
    project.opened_by_id = None
    project.opened_by_job_id = None
    await sc.session.flush()
    await schedule(
        sc.session,
        "open_bids",
        {"project_id": project.id},
        key=deadline_key(project.id, project.bid_deadline),
        run_at=project.bid_deadline,
    )
    await _audit(
        sc, "project.republish" if republish else "project.publish", project, path, before=before
    )


async def republish_project(
    sc: ServiceContext,
    *,
    project_id: int,
    bid_deadline: dt.datetime,
    procurement_method: ProcurementMethod | None,
) -> Project:
    """FAILED (流标) → OPEN_FOR_BIDS again, optionally switching method (bureau officer)."""
    scope = require(sc.actor, Capability.PROJECT_APPROVE)
    project, path = await load_in_scope(sc.session, project_id, scope, for_update=True)
    expect_state(project, ProjectStatus.FAILED)
    if procurement_method is not None:
        project.procurement_method = procurement_method
    # The failed round's bids are closed (kept for the record); organizations bid afresh.
    for bid in await sc.session.scalars(select(Bid).where(Bid.project_id == project.id)):
        bid.status = BidStatus.WITHDRAWN
    await _open_for_bids(sc, project, path, bid_deadline)
    return project


CANCELLABLE = (
    ProjectStatus.DRAFT,
    ProjectStatus.PENDING_APPROVAL,
    ProjectStatus.OPEN_FOR_BIDS,
    ProjectStatus.BIDS_OPENED,
    ProjectStatus.FAILED,
)


async def cancel_project(sc: ServiceContext, *, project_id: int, reason: str) -> Project:
    """Any state before the award → CANCELLED, with a reason (bureau officer)."""
    scope = require(sc.actor, Capability.PROJECT_APPROVE)
    reason = reason.strip()
    if not 1 <= len(reason) <= 2000:
        raise invalid("reason", "Say why the project is cancelled (1–2000 characters)")
    project, path = await load_in_scope(sc.session, project_id, scope, for_update=True)
    expect_state(project, *CANCELLABLE)
    before = audit.snapshot(project, PROJECT_FIELDS)
    project.status = ProjectStatus.CANCELLED
    project.cancel_reason = reason
    for bid in await sc.session.scalars(
        select(Bid).where(Bid.project_id == project.id, Bid.status == BidStatus.SUBMITTED)
    ):
        bid.status = BidStatus.WITHDRAWN
    await sc.session.flush()
    await _audit(sc, "project.cancel", project, path, before=before, extra={"reason": reason})
    return project


# --- reads ------------------------------------------------------------------------------------


def public_statement(
    *,
    status: ProjectStatus | None = None,
    category: ServiceCategory | None = None,
    under_path: str | None = None,
    text: str | None = None,
) -> Select[Any]:
    """Published projects: anyone may list them."""
    stmt = select(Project).where(Project.status.in_(PUBLISHED_STATES))
    if status is not None:
        stmt = stmt.where(Project.status == status)
    if category is not None:
        stmt = stmt.where(Project.category == category)
    if under_path is not None:
        stmt = stmt.where(
            Project.region_id.in_(
                select(Region.id).where(Region.path.startswith(under_path, autoescape=True))
            )
        )
    check_text_filter(text)
    if text:
        stmt = stmt.where(Project.title.contains(text.strip(), autoescape=True))
    return stmt


def pipeline_statement(
    sc: ServiceContext,
    *,
    status: ProjectStatus | None = None,
    pending_approval: bool = False,
) -> Select[Any]:
    """Every project in the caller's regions, drafts included."""
    scope = require(sc.actor, Capability.PROJECT_PIPELINE_READ)
    stmt = select(Project).where(
        Project.region_id.in_(select(Region.id).where(scope.region_clause(Region.path)))
    )
    if status is not None:
        stmt = stmt.where(Project.status == status)
    if pending_approval:
        stmt = stmt.where(
            Project.status == ProjectStatus.PENDING_APPROVAL, Project.approved_at.is_(None)
        )
    return stmt


def readable(sc: ServiceContext) -> Select[Project]:
    """Every project the caller may read: published ones, and the caller's pipeline scope."""
    scope = sc.actor.scope(Capability.PROJECT_PIPELINE_READ)
    published = Project.status.in_(PUBLISHED_STATES)
    if scope.is_empty:
        return select(Project).where(published)
    return select(Project).where(
        or_(
            published,
            Project.region_id.in_(select(Region.id).where(scope.region_clause(Region.path))),
        )
    )


async def get_readable(sc: ServiceContext, project_id: int) -> Project | None:
    return await sc.session.scalar(readable(sc).where(Project.id == project_id))


async def qualifying_open_statement(sc: ServiceContext, *, organization_id: int) -> Select[Any]:
    """Open projects the organization qualifies for by grade (its admins only)."""
    scope = require(sc.actor, Capability.BID_SUBMIT)
    if organization_id not in scope.organization_ids:
        raise not_found("Organization")
    org = await sc.session.get(Organization, organization_id)
    if org is None or not org.is_active:
        raise not_found("Organization")
    levels = list(
        await sc.session.scalars(
            select(SocialWorker.level)
            .join(
                SocialWorkerMembership, SocialWorkerMembership.social_worker_id == SocialWorker.id
            )
            .where(
                SocialWorkerMembership.organization_id == organization_id,
                SocialWorkerMembership.status == MembershipStatus.ACTIVE,
                SocialWorker.is_active.is_(True),
                # Only a registration valid today counts towards the required workers, as at
                # submission (docs/procurement.md).
                SocialWorker.registration_expires_on
                >= clock.now().astimezone(clock.SHANGHAI).date(),
            )
        )
    )

    def at_least(level: WorkerLevel) -> int:
        return sum(1 for lvl in levels if lvl.rank >= level.rank)

    return select(Project).where(
        Project.status == ProjectStatus.OPEN_FOR_BIDS,
        Project.bid_deadline > clock.now(),
        Project.min_grade <= org.grade,
        Project.workers_assistant <= at_least(WorkerLevel.ASSISTANT),
        Project.workers_social_worker <= at_least(WorkerLevel.SOCIAL_WORKER),
        Project.workers_senior <= at_least(WorkerLevel.SENIOR),
    )


async def bid_count(session: AsyncSession, project_id: int) -> int:
    """How many live bids a project has: the one fact about sealed bids anyone may know."""
    n = await session.scalar(
        select(func.count())
        .select_from(Bid)
        .where(
            Bid.project_id == project_id,
            Bid.status != BidStatus.WITHDRAWN,
        )
    )
    return int(n or 0)
