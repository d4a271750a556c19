"""Sealed bids (投标) and their opening (开标).

Sealing is enforced here and nowhere else: :func:`bids_statement` never loads another
organization's bid before the opening, and :func:`may_read_sealed` is the one decision about
the sealed fields (price, technical proposal, volunteer plan, team) for any row that is loaded.
Audit events about bids carry the fact and the ids, never the sealed content, until opening.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.db.engine import dialect_name
from matchmaker.models import (
    Bid,
    BidTeamMember,
    Organization,
    Project,
    Region,
    SocialWorker,
    SocialWorkerMembership,
)
from matchmaker.models.enums import WorkerLevel
from matchmaker.models.organizations import MembershipStatus
from matchmaker.models.procurement import BidStatus, ProcurementMethod, ProjectStatus
from matchmaker.services import audit
from matchmaker.services.authz import Actor, Capability, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.matching import procurement as matching_procurement
from matchmaker.services.notifications import notify, org_admin_ids
from matchmaker.services.oversight.findings import schedule_scan
from matchmaker.services.procurement import (
    deadline_key,
    expect_state,
    load_in_scope,
    region_path_of,
)
from matchmaker.services.social_workers import registration_valid

__all__ = ["deadline_key", "may_read_sealed", "open_bids", "submit_bid", "withdraw_bid"]

MIN_OPEN_TENDER_BIDS = 3
MAX_TEAM = 50
MAX_TEXT = 20000


@dataclass(frozen=True, slots=True)
class TeamSpec:
    social_worker_id: int
    role: str


def may_read_sealed(actor: Actor, bid: Bid, project_path: str) -> bool:
    """Whether ``actor`` may read the bid's price, proposal, volunteer plan and team.

    The bidding organization's own admins and social workers always may. Everyone else —
    community staff, the bureau, evaluators, auditors, platform admins — only once the bid has
    been opened, and only within their scope.
    """
    scope = actor.scope(Capability.BID_READ)
    if bid.organization_id in scope.organization_ids:
        return True
    if bid.opened_at is None:
        return False
    return scope.is_global or (bool(scope.region_paths) and scope.covers_region(project_path))


def bids_statement(sc: ServiceContext, *, project_id: int | None = None) -> Select[Any]:
    """Bids the caller may see: its organizations' own, and opened bids in its regions."""
    scope = require(sc.actor, Capability.BID_READ)
    own = Bid.organization_id.in_(scope.organization_ids) if scope.organization_ids else None
    opened_in_region: Any = None
    if scope.is_global or scope.region_paths:
        opened_in_region = and_(
            Bid.opened_at.is_not(None),
            Bid.project_id.in_(
                select(Project.id)
                .join(Region, Region.id == Project.region_id)
                .where(scope.region_clause(Region.path))
            ),
        )
    clauses = [c for c in (own, opened_in_region) if c is not None]
    stmt = select(Bid).where(or_(*clauses))
    if project_id is not None:
        stmt = stmt.where(Bid.project_id == project_id)
    return stmt


async def get_readable(sc: ServiceContext, bid_id: int) -> Bid | None:
    if sc.actor.scope(Capability.BID_READ).is_empty:
        return None
    bid: Bid | None = await sc.session.scalar(bids_statement(sc).where(Bid.id == bid_id))
    return bid


async def _team_problem(
    session: AsyncSession, project: Project, organization_id: int, team: list[TeamSpec]
) -> None:
    if len(team) > MAX_TEAM:
        raise invalid("team", f"At most {MAX_TEAM} team members", ErrorCode.INVALID_TEAM)
    ids = [t.social_worker_id for t in team]
    if len(set(ids)) != len(ids):
        raise invalid("team", "A social worker is listed twice", ErrorCode.INVALID_TEAM)
    for t in team:
        if not 1 <= len(t.role.strip()) <= 100:
            raise invalid("team", "Each team member has a role (1–100 characters)")
    workers = {
        w.id: w
        for w in await session.scalars(
            select(SocialWorker)
            .join(
                SocialWorkerMembership, SocialWorkerMembership.social_worker_id == SocialWorker.id
            )
            .where(
                SocialWorker.id.in_(ids),
                SocialWorker.is_active.is_(True),
                SocialWorkerMembership.organization_id == organization_id,
                SocialWorkerMembership.status == MembershipStatus.ACTIVE,
            )
        )
    }
    if set(workers) != set(ids):
        raise invalid(
            "team",
            "The team may only list the organization's own active social workers",
            ErrorCode.INVALID_TEAM,
        )
    # Only a registration valid today qualifies (the bureau records it: docs/procurement.md).
    today = clock.today_shanghai()
    registered = [
        w for w in workers.values() if registration_valid(w.registration_expires_on, today)
    ]
    for level_name, needed in (project.worker_requirements or {}).items():
        level = WorkerLevel(level_name)
        have = sum(1 for w in registered if w.level.rank >= level.rank)
        if have < needed:
            raise invalid(
                "team",
                f"The project needs {needed} social workers at level {level.value} or above",
                ErrorCode.NOT_QUALIFIED,
            )


async def submit_bid(
    sc: ServiceContext,
    *,
    project_id: int,
    organization_id: int,
    price_fen: int,
    technical_proposal: str,
    volunteer_plan: str,
    team: list[TeamSpec],
) -> Bid:
    """Submit the organization's bid, or replace it, until the deadline (organization admin)."""
    scope = require(sc.actor, Capability.BID_SUBMIT)
    if organization_id not in scope.organization_ids:
        raise not_found("Organization")
    session = sc.session
    # Lock the project: the deadline, the state and the sibling bids are read consistently.
    stmt = select(Project).where(Project.id == project_id)
    if dialect_name(session) == "postgresql":
        stmt = stmt.with_for_update()
    project = await session.scalar(stmt.execution_options(populate_existing=True))
    if project is None or project.status not in (
        ProjectStatus.OPEN_FOR_BIDS,
        ProjectStatus.BIDS_OPENED,
        ProjectStatus.FAILED,
    ):
        raise not_found("Project")
    _check_before_deadline(project)
    org = await session.get(Organization, organization_id)
    if org is None or not org.is_active:
        raise not_found("Organization")
    if price_fen <= 0:
        raise invalid("priceFen", "The price must be above zero")
    if price_fen > project.budget_ceiling_fen:
        raise invalid(
            "priceFen", "The price is above the budget ceiling", ErrorCode.BID_ABOVE_CEILING
        )
    technical_proposal = technical_proposal.strip()
    if not 1 <= len(technical_proposal) <= MAX_TEXT:
        raise invalid("technicalProposal", f"The proposal is 1 to {MAX_TEXT} characters")
    if len(volunteer_plan) > MAX_TEXT:
        raise invalid("volunteerPlan", f"The volunteer plan is at most {MAX_TEXT} characters")
    if org.grade < project.min_grade:
        raise invalid(
            "organizationId",
            f"The project needs an organization graded {project.min_grade}A or above",
            ErrorCode.NOT_QUALIFIED,
        )
    await _team_problem(session, project, organization_id, team)
    # Two bids sharing a legal representative are disqualified at the opening, not refused
    # here: a refusal would tell the second organization that the first has bid.
    now = clock.now()
    bid = await session.scalar(
        select(Bid).where(Bid.project_id == project.id, Bid.organization_id == organization_id)
    )
    replacing = bid is not None and bid.status is BidStatus.SUBMITTED
    if bid is None:
        bid = Bid(project_id=project.id, organization_id=organization_id)
        session.add(bid)
    bid.price_fen = price_fen
    bid.technical_proposal = technical_proposal
    bid.volunteer_plan = volunteer_plan.strip()
    bid.status = BidStatus.SUBMITTED
    bid.submitted_at = now
    bid.submitted_by_id = sc.actor.account_id
    bid.withdrawn_at = None
    bid.opened_at = None
    await session.flush()
    for old in await session.scalars(select(BidTeamMember).where(BidTeamMember.bid_id == bid.id)):
        await session.delete(old)
    await session.flush()
    for t in team:
        session.add(
            BidTeamMember(bid_id=bid.id, social_worker_id=t.social_worker_id, role=t.role.strip())
        )
    await session.flush()
    # Sealed: the event says that a bid came, not who made it or what it offered (audit reads
    # also withhold the event, and so its actor, until the opening: audit.readable).
    await audit.record(
        sc,
        action="bid.replace" if replacing else "bid.submit",
        subject_type="Bid",
        subject_id=bid.id,
        after={"project_id": project.id, "sealed": True},
        region_path=await region_path_of(session, project),
    )
    await matching_procurement.on_bid_submitted(
        session,
        sc.settings,
        organization_id=organization_id,
        project_id=project.id,
        team_worker_ids=[t.social_worker_id for t in team],
        at=now,
    )
    return bid


def _check_before_deadline(project: Project) -> None:
    if project.status is not ProjectStatus.OPEN_FOR_BIDS:
        raise DomainError(ErrorCode.INVALID_STATE, "The project is not open for bids", "status")
    deadline = project.bid_deadline
    if deadline is None or clock.now() >= deadline:
        raise DomainError(ErrorCode.BID_DEADLINE_PASSED, "The bid deadline has passed", "projectId")


async def withdraw_bid(sc: ServiceContext, *, bid_id: int) -> Bid:
    """Withdraw the organization's bid before the deadline (organization admin)."""
    scope = require(sc.actor, Capability.BID_SUBMIT)
    session = sc.session
    bid = await session.scalar(
        select(Bid).where(Bid.id == bid_id, scope.organization_clause(Bid.organization_id))
    )
    if bid is None or bid.organization_id not in scope.organization_ids:
        raise not_found("Bid")
    stmt = select(Project).where(Project.id == bid.project_id)
    if dialect_name(session) == "postgresql":
        stmt = stmt.with_for_update()
    project = await session.scalar(stmt.execution_options(populate_existing=True))
    assert project is not None
    _check_before_deadline(project)
    if bid.status is not BidStatus.SUBMITTED:
        raise DomainError(ErrorCode.INVALID_STATE, "The bid is not live", "bidId")
    bid.status = BidStatus.WITHDRAWN
    bid.withdrawn_at = clock.now()
    await session.flush()
    await audit.record(
        sc,
        action="bid.withdraw",
        subject_type="Bid",
        subject_id=bid.id,
        after={"project_id": project.id, "sealed": True},
        region_path=await region_path_of(session, project),
    )
    return bid


# --- opening ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpeningResult:
    project_id: int
    opened: int
    status: ProjectStatus
    did_open: bool


async def open_bids(
    sc: ServiceContext, *, project_id: int, job_id: int | None = None
) -> OpeningResult:
    """Open every live bid of a project whose deadline has passed (开标), exactly once.

    Run by the deadline job (``job_id``) or by a bureau officer if the job is late. The project
    row is locked, so a second run — a duplicate delivery, a second worker, or the officer —
    waits and then finds the bids opened already and changes nothing.
    """
    session = sc.session
    if job_id is None:
        scope = require(sc.actor, Capability.PROJECT_APPROVE)
        project, path = await load_in_scope(session, project_id, scope, for_update=True)
        if project.status is ProjectStatus.OPEN_FOR_BIDS and (
            project.bid_deadline is None or clock.now() < project.bid_deadline
        ):
            raise DomainError(
                ErrorCode.INVALID_STATE, "Bids are opened at the deadline, not before", "status"
            )
        expect_state(project, ProjectStatus.OPEN_FOR_BIDS)
    else:
        stmt = select(Project).where(Project.id == project_id)
        if dialect_name(session) == "postgresql":
            stmt = stmt.with_for_update()
        found = await session.scalar(stmt.execution_options(populate_existing=True))
        if (
            found is None
            or found.status is not ProjectStatus.OPEN_FOR_BIDS
            or found.bid_deadline is None
            or clock.now() < found.bid_deadline
        ):
            return OpeningResult(
                project_id, 0, found.status if found else ProjectStatus.DRAFT, False
            )
        project = found
        path = await region_path_of(session, project)
    now = clock.now()
    live = list(
        await session.scalars(
            select(Bid)
            .where(Bid.project_id == project.id, Bid.status == BidStatus.SUBMITTED)
            .order_by(Bid.id)
        )
    )
    shared = await _shared_legal_representatives(session, live)
    for bid in live:
        bid.status = BidStatus.DISQUALIFIED if bid.id in shared else BidStatus.OPENED
        bid.opened_at = now
        if bid.id in shared:
            bid.disqualified_reason = SAME_LEGAL_REPRESENTATIVE_REASON
    valid = [b for b in live if b.id not in shared]
    failed = (
        project.procurement_method is ProcurementMethod.OPEN_TENDER
        and len(valid) < MIN_OPEN_TENDER_BIDS
    )
    project.status = ProjectStatus.FAILED if failed else ProjectStatus.BIDS_OPENED
    project.opened_at = now
    project.opened_by_id = sc.actor.account_id if job_id is None else None
    project.opened_by_job_id = job_id
    await session.flush()
    await schedule_scan(session)  # the audit scan sees the opened bids (docs/oversight.md)
    await audit.record(
        sc,
        action="project.bids_opened",
        subject_type="Project",
        subject_id=project.id,
        before={"status": ProjectStatus.OPEN_FOR_BIDS.value},
        after={
            "status": project.status.value,
            "opened_at": now,
            "opened_by_id": project.opened_by_id,
            "opened_by_job_id": job_id,
            # Opened now: the record of what was opened is no longer sealed.
            "bids": [
                {
                    "bid_id": b.id,
                    "organization_id": b.organization_id,
                    "price_fen": b.price_fen,
                    "status": b.status.value,
                }
                for b in live
            ],
        },
        region_path=path,
    )
    recipients: list[int | None] = [project.created_by_id]
    for bid in live:
        recipients.extend(await org_admin_ids(session, bid.organization_id))
    await notify(
        session,
        recipients,
        code="bids.failed" if failed else "bids.opened",
        params={"project": project.title, "valid": len(valid)},
        text="已开标" if not failed else "流标",
        body=f"「{project.title}」已开标，共 {len(valid)} 份有效投标"
        + ("，不足 3 家，项目流标。" if failed else "。"),
        subject_type="Project",
        subject_id=project.id,
        dedupe=f"bids.opened:{project.id}:{now.isoformat()}",
    )
    return OpeningResult(project.id, len(live), project.status, True)


SAME_LEGAL_REPRESENTATIVE_REASON = (
    "SAME_LEGAL_REPRESENTATIVE: another bid on this project comes from an organization with the"
    " same legal representative"
)


async def _shared_legal_representatives(session: AsyncSession, bids: list[Bid]) -> set[int]:
    """The bids whose organization shares its legal representative with another bidder's.

    Checked at the opening, on the representatives registered then (the bureau keeps them:
    docs/procurement.md), so every such bid is disqualified, whoever bid first.
    """
    if len(bids) < 2:
        return set()
    reps = dict(
        (
            await session.execute(
                select(Organization.id, Organization.legal_representative).where(
                    Organization.id.in_({b.organization_id for b in bids})
                )
            )
        ).all()
    )
    by_rep: dict[str, list[int]] = {}
    for b in bids:
        by_rep.setdefault(reps[b.organization_id].strip(), []).append(b.id)
    return {bid_id for ids in by_rep.values() if len(ids) > 1 for bid_id in ids}
