"""Batch functions for the procurement types.

Each applies the same scope as the service that lists the rows, so a nested path (a project's
bids, a contract's reports, a milestone's payments) never reaches beyond the caller's scope.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, load_only

from matchmaker.models import (
    Account,
    Bid,
    BidTeamMember,
    Contract,
    EvaluationCriterion,
    Evaluator,
    EvidenceFile,
    Milestone,
    Need,
    Organization,
    Payment,
    PerformanceEvaluation,
    ProgressReport,
    Project,
    ProjectNeed,
    Region,
    ReportBeneficiary,
    SocialWorker,
)
from matchmaker.models.procurement import BidStatus
from matchmaker.schema.context import Context
from matchmaker.services import bids as bid_service
from matchmaker.services import contracts as contract_service
from matchmaker.services import evaluation as evaluation_service
from matchmaker.services import needs as need_service
from matchmaker.services import projects as project_service
from matchmaker.services import reports as report_service
from matchmaker.services.authz import Capability
from matchmaker.services.evaluation import Ranked


async def project_by_id(ctx: Context, keys: Sequence[int]) -> list[Project | None]:
    """Projects the caller may see: published ones, and its pipeline."""
    rows = await ctx.session.scalars(
        project_service.readable(ctx.service).where(Project.id.in_(set(keys)))
    )
    by_id = {r.id: r for r in rows}
    return [by_id.get(k) for k in keys]


async def region_path_by_project(ctx: Context, keys: Sequence[int]) -> list[str]:
    rows = await ctx.session.execute(
        select(Project.id, Region.path)
        .join(Region, Region.id == Project.region_id)
        .where(Project.id.in_(set(keys)))
    )
    by_id = {pid: path for pid, path in rows}
    return [by_id.get(k, "") for k in keys]


async def criteria_by_project(ctx: Context, keys: Sequence[int]) -> list[list[EvaluationCriterion]]:
    """Criteria are part of the published tender: whoever sees the project sees them."""
    rows = await ctx.session.scalars(
        select(EvaluationCriterion)
        .where(EvaluationCriterion.project_id.in_(set(keys)))
        .order_by(EvaluationCriterion.position)
    )
    grouped: dict[int, list[EvaluationCriterion]] = defaultdict(list)
    for r in rows:
        grouped[r.project_id].append(r)
    return [grouped.get(k, []) for k in keys]


async def needs_by_project(ctx: Context, keys: Sequence[int]) -> list[list[Need]]:
    """Cited needs, only to callers who may read needs in the need's community."""
    sc = ctx.service
    if sc.actor.scope(Capability.NEED_READ).is_empty:
        return [[] for _ in keys]
    visible = need_service.needs_statement(sc).subquery()
    rows = await ctx.session.execute(
        select(ProjectNeed.project_id, Need)
        .join(Need, Need.id == ProjectNeed.need_id)
        .where(ProjectNeed.project_id.in_(set(keys)), Need.id.in_(select(visible.c.id)))
        .order_by(Need.id)
    )
    grouped: dict[int, list[Need]] = defaultdict(list)
    for project_id, need in rows:
        grouped[project_id].append(need)
    return [grouped.get(k, []) for k in keys]


async def bid_count_by_project(ctx: Context, keys: Sequence[int]) -> list[int]:
    """The number of live bids: the one fact about sealed bids anyone may know."""
    rows = await ctx.session.execute(
        select(Bid.project_id, func.count())
        .where(Bid.project_id.in_(set(keys)), Bid.status != BidStatus.WITHDRAWN)
        .group_by(Bid.project_id)
    )
    counts = {pid: int(n) for pid, n in rows}
    return [counts.get(k, 0) for k in keys]


async def bids_by_project(ctx: Context, keys: Sequence[int]) -> list[list[Bid]]:
    sc = ctx.service
    if sc.actor.scope(Capability.BID_READ).is_empty:
        return [[] for _ in keys]
    rows = await ctx.session.scalars(
        bid_service.bids_statement(sc).where(Bid.project_id.in_(set(keys))).order_by(Bid.id)
    )
    grouped: dict[int, list[Bid]] = defaultdict(list)
    for r in rows:
        grouped[r.project_id].append(r)
    return [grouped.get(k, []) for k in keys]


async def team_by_bid(
    ctx: Context, keys: Sequence[int]
) -> list[list[tuple[BidTeamMember, SocialWorker]]]:
    """Callers check ``may_read_sealed`` before loading: the team is sealed."""
    rows = await ctx.session.execute(
        select(BidTeamMember, SocialWorker)
        .join(SocialWorker, SocialWorker.id == BidTeamMember.social_worker_id)
        .where(BidTeamMember.bid_id.in_(set(keys)))
        .order_by(BidTeamMember.id)
    )
    grouped: dict[int, list[tuple[BidTeamMember, SocialWorker]]] = defaultdict(list)
    for member, worker in rows:
        grouped[member.bid_id].append((member, worker))
    return [grouped.get(k, []) for k in keys]


async def organization_name_by_id(ctx: Context, keys: Sequence[int]) -> list[str | None]:
    """Names only (public registry data), for bidders and award winners the caller may see."""
    rows = await ctx.session.execute(
        select(Organization.id, Organization.name).where(Organization.id.in_(set(keys)))
    )
    names = {oid: name for oid, name in rows}
    return [names.get(k) for k in keys]


async def awarded_bid_by_project(ctx: Context, keys: Sequence[int]) -> list[Bid | None]:
    """The winning bid of awarded projects: its organization and price are announced publicly."""
    rows = await ctx.session.execute(
        select(Project.id, Bid)
        .join(Bid, Bid.id == Project.awarded_bid_id)
        .where(Project.id.in_(set(keys)), Project.awarded_at.is_not(None))
    )
    by_project = {pid: bid for pid, bid in rows}
    return [by_project.get(k) for k in keys]


async def contract_by_project(ctx: Context, keys: Sequence[int]) -> list[Contract | None]:
    sc = ctx.service
    if sc.actor.scope(Capability.CONTRACT_READ).is_empty:
        return [None for _ in keys]
    rows = await ctx.session.scalars(
        contract_service.contracts_statement(sc).where(Contract.project_id.in_(set(keys)))
    )
    by_project = {r.project_id: r for r in rows}
    return [by_project.get(k) for k in keys]


async def milestones_by_contract(ctx: Context, keys: Sequence[int]) -> list[list[Milestone]]:
    """Contracts are scoped when loaded; their milestones follow."""
    rows = await ctx.session.scalars(
        select(Milestone).where(Milestone.contract_id.in_(set(keys))).order_by(Milestone.sequence)
    )
    grouped: dict[int, list[Milestone]] = defaultdict(list)
    for r in rows:
        grouped[r.contract_id].append(r)
    return [grouped.get(k, []) for k in keys]


async def payments_by_milestone(ctx: Context, keys: Sequence[int]) -> list[list[Payment]]:
    sc = ctx.service
    if sc.actor.scope(Capability.CONTRACT_READ).is_empty:
        return [[] for _ in keys]
    rows = await ctx.session.scalars(
        contract_service.payments_statement(sc)
        .where(Payment.milestone_id.in_(set(keys)))
        .order_by(Payment.id)
    )
    grouped: dict[int, list[Payment]] = defaultdict(list)
    for r in rows:
        grouped[r.milestone_id].append(r)
    return [grouped.get(k, []) for k in keys]


async def reports_by_milestone(ctx: Context, keys: Sequence[int]) -> list[list[ProgressReport]]:
    sc = ctx.service
    if sc.actor.scope(Capability.CONTRACT_READ).is_empty:
        return [[] for _ in keys]
    rows = await ctx.session.scalars(
        report_service.reports_statement(sc)
        .where(ProgressReport.milestone_id.in_(set(keys)))
        .order_by(ProgressReport.id)
    )
    grouped: dict[int, list[ProgressReport]] = defaultdict(list)
    for r in rows:
        grouped[r.milestone_id].append(r)
    return [grouped.get(k, []) for k in keys]


async def _evidence_by(
    ctx: Context, subject: InstrumentedAttribute[int | None], keys: Sequence[int]
) -> list[list[EvidenceFile]]:
    """File metadata only: the bytes are served by ``/files/{id}``."""
    rows = await ctx.session.scalars(
        select(EvidenceFile)
        .options(
            load_only(
                EvidenceFile.id,
                subject,
                EvidenceFile.filename,
                EvidenceFile.content_type,
                EvidenceFile.size,
                EvidenceFile.sha256,
                EvidenceFile.created_at,
                raiseload=True,
            )
        )
        .where(subject.in_(set(keys)))
        .order_by(EvidenceFile.id)
    )
    grouped: dict[int, list[EvidenceFile]] = defaultdict(list)
    for r in rows:
        key = getattr(r, subject.key)
        assert key is not None
        grouped[key].append(r)
    return [grouped.get(k, []) for k in keys]


async def evidence_by_report(ctx: Context, keys: Sequence[int]) -> list[list[EvidenceFile]]:
    return await _evidence_by(ctx, EvidenceFile.report_id, keys)


async def evidence_by_micro_wish(ctx: Context, keys: Sequence[int]) -> list[list[EvidenceFile]]:
    """A micro-wish's fulfilment photos; ask only for wishes whose photos the caller may see."""
    return await _evidence_by(ctx, EvidenceFile.micro_wish_id, keys)


async def listed_beneficiaries_by_report(ctx: Context, keys: Sequence[int]) -> list[int]:
    """How many people each report lists (counts only: the hashes never leave the database)."""
    rows = await ctx.session.execute(
        select(ReportBeneficiary.report_id, func.count())
        .where(ReportBeneficiary.report_id.in_(set(keys)))
        .group_by(ReportBeneficiary.report_id)
    )
    counts = {rid: int(n) for rid, n in rows}
    return [counts.get(k, 0) for k in keys]


async def evaluation_by_project(
    ctx: Context, keys: Sequence[int]
) -> list[PerformanceEvaluation | None]:
    """Performance evaluations are a public record of the project (like the award)."""
    rows = await ctx.session.scalars(
        select(PerformanceEvaluation).where(PerformanceEvaluation.project_id.in_(set(keys)))
    )
    by_project = {r.project_id: r for r in rows}
    return [by_project.get(k) for k in keys]


async def evaluators_by_project(ctx: Context, keys: Sequence[int]) -> list[list[Evaluator]]:
    """The panel, to the regional roles who see the project's pipeline."""
    sc = ctx.service
    if sc.actor.scope(Capability.PROJECT_PIPELINE_READ).is_empty:
        return [[] for _ in keys]
    scope = sc.actor.scope(Capability.PROJECT_PIPELINE_READ)
    rows = await ctx.session.scalars(
        select(Evaluator)
        .join(Project, Project.id == Evaluator.project_id)
        .join(Region, Region.id == Project.region_id)
        .where(Evaluator.project_id.in_(set(keys)), scope.region_clause(Region.path))
        .order_by(Evaluator.id)
    )
    grouped: dict[int, list[Evaluator]] = defaultdict(list)
    for r in rows:
        grouped[r.project_id].append(r)
    return [grouped.get(k, []) for k in keys]


async def evaluator_name_by_id(ctx: Context, keys: Sequence[int]) -> list[str | None]:
    """Panel members' display names, under the same scope as the panel itself.

    Display names are what the app shows of an account to others (like the evaluator picker);
    phones and logins stay out.
    """
    scope = ctx.service.actor.scope(Capability.PROJECT_PIPELINE_READ)
    if scope.is_empty:
        return [None for _ in keys]
    rows = await ctx.session.execute(
        select(Evaluator.id, Account.display_name)
        .join(Account, Account.id == Evaluator.account_id)
        .join(Project, Project.id == Evaluator.project_id)
        .join(Region, Region.id == Project.region_id)
        .where(Evaluator.id.in_(set(keys)), scope.region_clause(Region.path))
    )
    names = {eid: name for eid, name in rows}
    return [names.get(k) for k in keys]


async def ranking_by_project(ctx: Context, keys: Sequence[int]) -> list[list[Ranked]]:
    """The formula's ranking of opened bids, for the regional roles in scope."""
    projects = list(await ctx.session.scalars(select(Project).where(Project.id.in_(set(keys)))))
    found = await evaluation_service.visible_rankings(ctx.service, projects)
    return [found.get(k, []) for k in keys]
