"""Evaluation and award (评标、定标).

Scores are integers in hundredths of a point. The formula (docs/procurement.md, docs/domain.md):

* price score = lowest valid price / bid price × price weight (rounded half up to 0.01);
* technical score = mean over evaluators of the sum of their criterion scores;
* total = price score + technical score; rank by total, ties to the lower price, then the
  earlier submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.models import (
    Account,
    Bid,
    EvaluationCriterion,
    Evaluator,
    Organization,
    Project,
    Region,
    RoleGrant,
    Score,
)
from matchmaker.models.enums import AccountStatus, Role
from matchmaker.models.procurement import BidStatus, ProjectStatus
from matchmaker.services import audit
from matchmaker.services.accounts import actor_for_account
from matchmaker.services.authz import Capability, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid
from matchmaker.services.matching import procurement as matching_procurement
from matchmaker.services.notifications import notify, org_admin_ids
from matchmaker.services.oversight.findings import schedule_scan
from matchmaker.services.procurement import expect_state, load_in_scope

EVALUATOR_ROLES = (Role.COMMUNITY_STAFF, Role.BUREAU_OFFICER, Role.EXPERT)

#: The one answer, before the opening, for anyone holding a role in an organization — whether
#: or not that organization has bid, which is sealed until then.
PRE_OPENING_CONFLICT = (
    "Until the bids are opened, nobody holding a role in a social organization may be assigned"
)


def price_score_centi(lowest_fen: int, price_fen: int, price_weight: int) -> int:
    """lowest / price × weight, in hundredths, rounded half up — exact integer arithmetic."""
    numerator = lowest_fen * price_weight * 100
    return (2 * numerator + price_fen) // (2 * price_fen)


def mean_centi(values: list[int]) -> int:
    """Mean rounded half up."""
    if not values:
        return 0
    return (2 * sum(values) + len(values)) // (2 * len(values))


@dataclass(frozen=True, slots=True)
class Ranked:
    bid: Bid
    price_score_centi: int
    technical_score_centi: int
    total_score_centi: int
    rank: int


def live_bidder_grants(project_id: int, *columns: Any) -> Select[Any]:
    """``columns`` over the role grants held in organizations with a live (not withdrawn) bid
    on the project: who is tied to a bidder. Sealed until the opening."""
    return (
        select(*columns)
        .select_from(Bid)
        .join(RoleGrant, RoleGrant.organization_id == Bid.organization_id)
        .where(Bid.project_id == project_id, Bid.status != BidStatus.WITHDRAWN)
    )


async def _conflicted_orgs(session: AsyncSession, account_id: int, project_id: int) -> list[int]:
    """Bidding organizations in which the account holds a role grant."""
    rows = await session.scalars(
        live_bidder_grants(project_id, Bid.organization_id).where(
            RoleGrant.account_id == account_id
        )
    )
    return sorted(set(rows))


async def assign_evaluator(sc: ServiceContext, *, project_id: int, account_id: int) -> Evaluator:
    """Put an account on the project's evaluation panel (bureau officer).

    Who may sit on it: an active account holding an evaluator role (community staff, bureau
    officer, expert) whose grant's region contains the project — exactly who can later score
    it, since ``evaluate`` is region-scoped — and who is not tied to a bidder. Whether an
    organization has bid is sealed until the opening (docs/procurement.md), so before it the
    conflict rule is coarser and independent of the bids: nobody holding a role in *any*
    organization, with one error and one message; after it, exactly the people of the live
    bidders. A
    disabled account (the picker offers only active ones) is no assignable account:
    ``NOT_FOUND``, with the same message as a missing one or one without an evaluator role.
    """
    scope = require(sc.actor, Capability.EVALUATOR_ASSIGN)
    session = sc.session
    project, path = await load_in_scope(session, project_id, scope, for_update=True)
    expect_state(project, ProjectStatus.OPEN_FOR_BIDS, ProjectStatus.BIDS_OPENED)
    account = await session.get(Account, account_id)
    candidate = await actor_for_account(session, account_id)
    if (
        account is None
        or account.status is not AccountStatus.ACTIVE
        or not {g.role for g in candidate.grants} & set(EVALUATOR_ROLES)
    ):
        raise invalid(
            "accountId",
            "Evaluators are active community staff, bureau officers or invited experts",
            ErrorCode.NOT_FOUND,
        )
    if not candidate.scope(Capability.EVALUATE).covers_region(path):
        raise invalid(
            "accountId",
            "This person's region does not include the project, so they could not score it",
            ErrorCode.EVALUATOR_OUT_OF_REGION,
        )
    if project.status is ProjectStatus.OPEN_FOR_BIDS:
        if any(g.organization_id is not None for g in candidate.grants):
            raise invalid("accountId", PRE_OPENING_CONFLICT, ErrorCode.EVALUATOR_CONFLICT)
    elif await _conflicted_orgs(session, account_id, project.id):
        raise invalid(
            "accountId",
            "This person holds a role in a bidding organization",
            ErrorCode.EVALUATOR_CONFLICT,
        )
    if await session.scalar(
        select(Evaluator.id).where(
            Evaluator.project_id == project.id, Evaluator.account_id == account_id
        )
    ):
        raise invalid("accountId", "Already on the panel", ErrorCode.CONFLICT)
    evaluator = Evaluator(
        project_id=project.id, account_id=account_id, assigned_by_id=sc.actor.account_id
    )
    session.add(evaluator)
    await session.flush()
    await audit.record(
        sc,
        action="evaluator.assign",
        subject_type="Evaluator",
        subject_id=evaluator.id,
        after={"project_id": project.id, "account_id": account_id},
        region_path=path,
    )
    return evaluator


@dataclass(frozen=True, slots=True)
class ScoreSpec:
    bid_id: int
    criterion_id: int
    score_centi: int


async def submit_scores(
    sc: ServiceContext, *, project_id: int, scores: list[ScoreSpec]
) -> list[Score]:
    """An evaluator's technical scores for the opened bids (replaces earlier ones)."""
    scope = require(sc.actor, Capability.EVALUATE)
    session = sc.session
    project, path = await load_in_scope(session, project_id, scope, for_update=True)
    evaluator = await session.scalar(
        select(Evaluator).where(
            Evaluator.project_id == project.id, Evaluator.account_id == sc.actor.account_id
        )
    )
    if evaluator is None:
        raise DomainError(
            ErrorCode.NOT_AN_EVALUATOR, "You are not on this project's panel", "projectId"
        )
    expect_state(project, ProjectStatus.BIDS_OPENED)
    assert sc.actor.account_id is not None
    if await _conflicted_orgs(session, sc.actor.account_id, project.id):
        raise DomainError(
            ErrorCode.EVALUATOR_CONFLICT,
            "You hold a role in a bidding organization",
            "projectId",
        )
    if not scores or len(scores) > 2000:
        raise invalid("scores", "Give 1 to 2000 scores")
    criteria = {
        c.id: c
        for c in await session.scalars(
            select(EvaluationCriterion).where(EvaluationCriterion.project_id == project.id)
        )
    }
    bid_ids = set(
        await session.scalars(
            select(Bid.id).where(Bid.project_id == project.id, Bid.status == BidStatus.OPENED)
        )
    )
    seen: set[tuple[int, int]] = set()
    for s in scores:
        criterion = criteria.get(s.criterion_id)
        if criterion is None or s.bid_id not in bid_ids:
            raise invalid("scores", "Score only this project's opened bids on its criteria")
        if not 0 <= s.score_centi <= criterion.weight * 100:
            raise invalid(
                "scores",
                f"A score on “{criterion.name}” is 0 to {criterion.weight}",
            )
        if (s.bid_id, s.criterion_id) in seen:
            raise invalid("scores", "A bid is scored twice on one criterion")
        seen.add((s.bid_id, s.criterion_id))
    existing = {
        (row.bid_id, row.criterion_id): row
        for row in await session.scalars(select(Score).where(Score.evaluator_id == evaluator.id))
    }
    saved = []
    for s in scores:
        row = existing.get((s.bid_id, s.criterion_id))
        if row is None:
            row = Score(evaluator_id=evaluator.id, bid_id=s.bid_id, criterion_id=s.criterion_id)
            session.add(row)
        row.score_centi = s.score_centi
        saved.append(row)
    await session.flush()
    await audit.record(
        sc,
        action="evaluation.score",
        subject_type="Project",
        subject_id=project.id,
        after={
            "evaluator_id": evaluator.id,
            "scores": [
                {"bid_id": s.bid_id, "criterion_id": s.criterion_id, "score_centi": s.score_centi}
                for s in scores
            ],
        },
        region_path=path,
    )
    return saved


async def rankings(session: AsyncSession, projects: list[Project]) -> dict[int, list[Ranked]]:
    """Rank the opened bids of several projects by the formula, in three queries.

    Missing technical scores count as 0 (the award itself waits for a full panel).
    """
    ids = [p.id for p in projects]
    if not ids:
        return {}
    bids_by_project: dict[int, list[Bid]] = {pid: [] for pid in ids}
    for bid in await session.scalars(
        select(Bid).where(
            Bid.project_id.in_(ids),
            Bid.status.in_([BidStatus.OPENED, BidStatus.AWARDED, BidStatus.LOST]),
        )
    ):
        bids_by_project[bid.project_id].append(bid)
    panels: dict[int, list[int]] = {pid: [] for pid in ids}
    for evaluator in await session.scalars(select(Evaluator).where(Evaluator.project_id.in_(ids))):
        panels[evaluator.project_id].append(evaluator.id)
    all_bid_ids = [b.id for bids in bids_by_project.values() for b in bids]
    sums: dict[tuple[int, int], int] = {}
    if all_bid_ids:
        for score in await session.scalars(select(Score).where(Score.bid_id.in_(all_bid_ids))):
            key = (score.bid_id, score.evaluator_id)
            sums[key] = sums.get(key, 0) + score.score_centi
    result: dict[int, list[Ranked]] = {}
    for project in projects:
        bids = bids_by_project[project.id]
        if not bids:
            result[project.id] = []
            continue
        lowest = min(b.price_fen for b in bids)
        rows = []
        for b in bids:
            price = price_score_centi(lowest, b.price_fen, project.price_weight)
            tech = mean_centi([sums.get((b.id, e), 0) for e in panels[project.id]])
            rows.append((b, price, tech, price + tech))
        rows.sort(key=lambda r: (-r[3], r[0].price_fen, r[0].submitted_at, r[0].id))
        result[project.id] = [
            Ranked(
                bid=b, price_score_centi=p, technical_score_centi=t, total_score_centi=tot, rank=i
            )
            for i, (b, p, t, tot) in enumerate(rows, start=1)
        ]
    return result


async def ranking(session: AsyncSession, project: Project) -> list[Ranked]:
    """The ranking of one project's opened bids."""
    return (await rankings(session, [project]))[project.id]


async def visible_rankings(sc: ServiceContext, projects: list[Project]) -> dict[int, list[Ranked]]:
    """Rankings for the regional roles (and evaluators) in scope, once the bids are opened."""
    scope = sc.actor.scope(Capability.BID_READ)
    if not (scope.is_global or scope.region_paths):
        return {}
    opened = [p for p in projects if p.opened_at is not None]
    if not opened:
        return {}
    allowed = set(
        await sc.session.scalars(
            select(Project.id)
            .join(Region, Region.id == Project.region_id)
            .where(Project.id.in_([p.id for p in opened]), scope.region_clause(Region.path))
        )
    )
    return await rankings(sc.session, [p for p in opened if p.id in allowed])


async def confirm_award(sc: ServiceContext, *, project_id: int) -> Project:
    """BIDS_OPENED → AWARDED to the top-ranked bid, once every evaluator has scored every bid
    on every criterion (bureau officer)."""
    scope = require(sc.actor, Capability.AWARD_CONFIRM)
    session = sc.session
    project, path = await load_in_scope(session, project_id, scope, for_update=True)
    expect_state(project, ProjectStatus.BIDS_OPENED)
    evaluator_ids = list(
        await session.scalars(select(Evaluator.id).where(Evaluator.project_id == project.id))
    )
    if not evaluator_ids:
        raise DomainError(ErrorCode.SCORES_INCOMPLETE, "No evaluator is assigned", "projectId")
    bid_ids = list(
        await session.scalars(
            select(Bid.id).where(Bid.project_id == project.id, Bid.status == BidStatus.OPENED)
        )
    )
    if not bid_ids:
        raise DomainError(ErrorCode.INVALID_STATE, "There is no valid bid to award", "projectId")
    n_criteria = len(
        list(
            await session.scalars(
                select(EvaluationCriterion.id).where(EvaluationCriterion.project_id == project.id)
            )
        )
    )
    n_scores = len(
        list(
            await session.scalars(
                select(Score.id).where(
                    Score.evaluator_id.in_(evaluator_ids), Score.bid_id.in_(bid_ids)
                )
            )
        )
    )
    if n_scores < len(evaluator_ids) * len(bid_ids) * n_criteria:
        raise DomainError(
            ErrorCode.SCORES_INCOMPLETE,
            "Every evaluator must score every bid on every criterion first",
            "projectId",
        )
    ranked = await ranking(session, project)
    winner = ranked[0]
    for r in ranked:
        r.bid.price_score_centi = r.price_score_centi
        r.bid.technical_score_centi = r.technical_score_centi
        r.bid.total_score_centi = r.total_score_centi
        r.bid.rank = r.rank
        r.bid.status = BidStatus.AWARDED if r is winner else BidStatus.LOST
    project.status = ProjectStatus.AWARDED
    project.awarded_bid_id = winner.bid.id
    project.awarded_at = clock.now()
    project.awarded_by_id = sc.actor.account_id
    await session.flush()
    await schedule_scan(session)  # the audit scan sees the award (docs/oversight.md)
    await audit.record(
        sc,
        action="project.award",
        subject_type="Project",
        subject_id=project.id,
        before={"status": ProjectStatus.BIDS_OPENED.value},
        after={
            "status": project.status.value,
            "winner_bid_id": winner.bid.id,
            "winner_organization_id": winner.bid.organization_id,
            "price_fen": winner.bid.price_fen,
            "ranking": [
                {
                    "bid_id": r.bid.id,
                    "price_score_centi": r.price_score_centi,
                    "technical_score_centi": r.technical_score_centi,
                    "total_score_centi": r.total_score_centi,
                    "rank": r.rank,
                }
                for r in ranked
            ],
        },
        region_path=path,
    )
    await matching_procurement.on_award(
        session,
        sc.settings,
        project_id=project.id,
        winner_bid_id=winner.bid.id,
        at=project.awarded_at,
    )
    org = await session.get(Organization, winner.bid.organization_id)
    recipients: list[int | None] = [project.created_by_id]
    for r in ranked:
        recipients.extend(await org_admin_ids(session, r.bid.organization_id))
    await notify(
        session,
        recipients,
        code="project.awarded",
        params={"project": project.title, "organization": org.name if org else ""},
        text="中标结果",
        body=f"「{project.title}」中标单位：{org.name if org else ''}",
        subject_type="Project",
        subject_id=project.id,
        dedupe=f"project.awarded:{project.id}",
    )
    return project


def evaluators_statement(sc: ServiceContext, *, project_id: int) -> Select[Any]:
    scope = require(sc.actor, Capability.PROJECT_PIPELINE_READ)
    return select(Evaluator).where(
        Evaluator.project_id == project_id,
        Evaluator.project_id.in_(
            select(Project.id)
            .join(Region, Region.id == Project.region_id)
            .where(scope.region_clause(Region.path))
        ),
    )


def announcements_statement() -> Select[Any]:
    """Awarded projects (中标公示): public. Winner and price come from the awarded bid."""
    return select(Project).where(
        Project.awarded_at.is_not(None), Project.awarded_bid_id.is_not(None)
    )


async def get_evaluator(sc: ServiceContext, evaluator_id: int) -> Evaluator | None:
    if sc.actor.scope(Capability.PROJECT_PIPELINE_READ).is_empty:
        return None
    project_id = await sc.session.scalar(
        select(Evaluator.project_id).where(Evaluator.id == evaluator_id)
    )
    if project_id is None:
        return None
    row: Evaluator | None = await sc.session.scalar(
        evaluators_statement(sc, project_id=project_id).where(Evaluator.id == evaluator_id)
    )
    return row
