"""Demo projects in every state, with the bids, panels, contracts, reports and payments each
state implies, so a newcomer sees a living city.

The demo street's communities get one project per state (the demo logins see all of them:
the community staff drafts and reviews, the organization bids and reports, the bureau approves,
awards and pays); other districts get a few projects each for the dashboards. Rows are written
with the ORM: there are hundreds, not millions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass

from sqlalchemy import select

from matchmaker import clock
from matchmaker.models import (
    Bid,
    BidTeamMember,
    Contract,
    EvaluationCriterion,
    Evaluator,
    EvidenceFile,
    Milestone,
    Need,
    Payment,
    PerformanceEvaluation,
    ProgressReport,
    Project,
    ProjectNeed,
    Score,
    SocialWorker,
    SocialWorkerMembership,
)
from matchmaker.models.enums import Role, ServiceCategory
from matchmaker.models.procurement import (
    BidStatus,
    ContractStatus,
    FundingSource,
    MilestoneStatus,
    ProcurementMethod,
    ProjectStatus,
    ReportStatus,
)
from matchmaker.queue.outbox import schedule
from matchmaker.seed.context import OrgInfo, RegionInfo, SeedContext
from matchmaker.services.contracts import split_amount
from matchmaker.services.evaluation import mean_centi, price_score_centi
from matchmaker.services.procurement import deadline_key

YUAN = 100
#: A 1×1 transparent PNG: a real image for the evidence of seeded reports.
PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8ffff3f0005fe02fea7d6a4c10000000049454e44ae426082"
)

THEMES: list[tuple[ServiceCategory, str, str, str]] = [
    (ServiceCategory.ELDERLY, "独居老人关爱与助餐服务", "独居老人", "独居老人缺少日常探访和助餐"),
    (ServiceCategory.CHILDREN_YOUTH, "四点半课堂与青少年成长", "双职工家庭儿童", "放学后无人看护"),
    (ServiceCategory.DISABILITY, "残疾人康复与融合支持", "残疾人及家属", "康复训练资源不足"),
    (ServiceCategory.FAMILY, "家庭教育与亲子关系支持", "困境家庭", "亲子冲突与教育困难"),
    (ServiceCategory.PSYCHOLOGICAL, "社区心理疏导服务", "有心理困扰的居民", "缺少心理支持渠道"),
    (ServiceCategory.COMMUNITY_INTEGRATION, "新市民社区融入计划", "新市民", "外来人口融入困难"),
    (
        ServiceCategory.HARDSHIP_RELIEF,
        "困难群众帮扶服务",
        "低保及低收入家庭",
        "生活困难缺少链接资源",
    ),
    (ServiceCategory.DISPUTE_MEDIATION, "邻里矛盾调解服务", "社区居民", "邻里纠纷多发"),
    (ServiceCategory.CULTURE_SPORT, "社区文体活动提升计划", "社区居民", "文体活动单一"),
    (ServiceCategory.REHABILITATION, "精神障碍社区康复服务", "康复期患者", "出院后缺少社区康复"),
    (ServiceCategory.ENVIRONMENT, "垃圾分类与美丽家园", "社区居民", "垃圾分类参与率低"),
]
STATES_IN_ORDER = [
    ProjectStatus.DRAFT,
    ProjectStatus.PENDING_APPROVAL,  # waiting for the bureau
    ProjectStatus.PENDING_APPROVAL,  # approved, ready to publish
    ProjectStatus.OPEN_FOR_BIDS,
    ProjectStatus.BIDS_OPENED,
    ProjectStatus.AWARDED,
    ProjectStatus.IN_PROGRESS,
    ProjectStatus.COMPLETED,
    ProjectStatus.EVALUATED,
    ProjectStatus.FAILED,
    ProjectStatus.CANCELLED,
]
CRITERIA = [("服务方案", 30), ("团队能力", 25), ("项目管理", 15)]  # + price 30 = 100


@dataclass
class Demo:
    ctx: SeedContext
    rng: random.Random
    today: dt.date
    now: dt.datetime
    staff_id: int | None
    bureau_id: int | None
    expert_id: int | None


def _at(d: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(hour), tzinfo=clock.SHANGHAI).astimezone(dt.UTC)


async def _workers(ctx: SeedContext, org_id: int) -> list[SocialWorker]:
    return list(
        await ctx.session.scalars(
            select(SocialWorker)
            .join(
                SocialWorkerMembership, SocialWorkerMembership.social_worker_id == SocialWorker.id
            )
            .where(SocialWorkerMembership.organization_id == org_id)
            .order_by(SocialWorker.id)
            .limit(4)
        )
    )


async def _project(
    d: Demo, community: RegionInfo, status: ProjectStatus, n: int, *, approved: bool
) -> Project:
    category, title, group, need_text = THEMES[n % len(THEMES)]
    session = d.ctx.session
    need = Need(
        region_id=community.id,
        category=category,
        target_group=group,
        description=f"{community.name}{need_text}",
        people_affected=d.rng.randint(30, 400),
        created_by_id=d.staff_id,
    )
    session.add(need)
    budget = d.rng.choice([80_000, 120_000, 150_000, 200_000, 300_000]) * YUAN
    method = (
        ProcurementMethod.OPEN_TENDER
        if budget >= 150_000 * YUAN
        else d.rng.choice(
            [ProcurementMethod.COMPETITIVE_CONSULTATION, ProcurementMethod.COMPETITIVE_NEGOTIATION]
        )
    )
    if status is ProjectStatus.FAILED:
        method = ProcurementMethod.OPEN_TENDER
    start = d.today + dt.timedelta(days=45)
    if status in (ProjectStatus.IN_PROGRESS,):
        start = d.today - dt.timedelta(days=120)
    if status in (ProjectStatus.COMPLETED, ProjectStatus.EVALUATED):
        start = d.today - dt.timedelta(days=400)
    project = Project(
        region_id=community.id,
        title=f"{community.name}{title}",
        description=f"面向{group}，回应“{need_text}”的需求，由社区设计、政府购买服务实施。",
        category=category,
        target_groups=[group],
        beneficiary_target=need.people_affected,
        funding_source=d.rng.choice(list(FundingSource)),
        budget_ceiling_fen=budget,
        procurement_method=method,
        service_start=start,
        service_end=start + dt.timedelta(days=364),
        min_grade=d.rng.choice([0, 2, 3]),
        volunteer_plan="招募社区志愿者参与探访与活动组织。",
        price_weight=30,
        status=status,
        created_by_id=d.staff_id,
        submitted_at=d.now - dt.timedelta(days=60) if status is not ProjectStatus.DRAFT else None,
    )
    project.worker_requirements = {"SOCIAL_WORKER": 1}
    if approved or status not in (ProjectStatus.DRAFT, ProjectStatus.PENDING_APPROVAL):
        project.approved_at = d.now - dt.timedelta(days=50)
        project.approved_by_id = d.bureau_id
    session.add(project)
    await session.flush()
    session.add(ProjectNeed(project_id=project.id, need_id=need.id))
    for i, (name, weight) in enumerate(CRITERIA, start=1):
        session.add(
            EvaluationCriterion(project_id=project.id, position=i, name=name, weight=weight)
        )
    await session.flush()
    return project


async def _bids(
    d: Demo, project: Project, orgs: list[OrgInfo], *, opened_at: dt.datetime | None
) -> list[Bid]:
    session = d.ctx.session
    bids = []
    for org in orgs:
        price = project.budget_ceiling_fen * d.rng.randint(78, 99) // 100 // 100 * 100
        bid = Bid(
            project_id=project.id,
            organization_id=org.id,
            price_fen=price,
            technical_proposal=f"{org.name}：以个案管理与小组工作相结合，链接社区资源，"
            f"分三个阶段开展{project.title}。",
            volunteer_plan="每月组织志愿者服务 4 次。",
            status=BidStatus.OPENED if opened_at else BidStatus.SUBMITTED,
            submitted_at=(opened_at or d.now) - dt.timedelta(days=d.rng.randint(1, 10)),
            opened_at=opened_at,
        )
        session.add(bid)
        await session.flush()
        for worker in (await _workers(d.ctx, org.id))[:2]:
            session.add(BidTeamMember(bid_id=bid.id, social_worker_id=worker.id, role="项目社工"))
        bids.append(bid)
    await session.flush()
    return bids


async def _score_and_award(d: Demo, project: Project, bids: list[Bid], *, award: bool) -> Bid:
    session = d.ctx.session
    criteria = list(
        await session.scalars(
            select(EvaluationCriterion).where(EvaluationCriterion.project_id == project.id)
        )
    )
    panel = [a for a in (d.expert_id, d.bureau_id) if a is not None]
    evaluators = [Evaluator(project_id=project.id, account_id=a) for a in panel]
    session.add_all(evaluators)
    await session.flush()
    tech: dict[int, list[int]] = {b.id: [] for b in bids}
    for e in evaluators:
        for b in bids:
            total = 0
            for c in criteria:
                s = d.rng.randint(c.weight * 60, c.weight * 95)
                total += s
                session.add(Score(evaluator_id=e.id, bid_id=b.id, criterion_id=c.id, score_centi=s))
            tech[b.id].append(total)
    lowest = min(b.price_fen for b in bids)
    ranked = sorted(
        bids,
        key=lambda b: (
            -(price_score_centi(lowest, b.price_fen, 30) + mean_centi(tech[b.id])),
            b.price_fen,
        ),
    )
    if award:
        for rank, b in enumerate(ranked, start=1):
            b.price_score_centi = price_score_centi(lowest, b.price_fen, 30)
            b.technical_score_centi = mean_centi(tech[b.id])
            b.total_score_centi = b.price_score_centi + b.technical_score_centi
            b.rank = rank
            b.status = BidStatus.AWARDED if rank == 1 else BidStatus.LOST
        project.awarded_bid_id = ranked[0].id
        project.awarded_at = (project.opened_at or d.now) + dt.timedelta(days=7)
        project.awarded_by_id = d.bureau_id
    await session.flush()
    return ranked[0]


async def _contract(d: Demo, project: Project, winner: Bid, *, done: bool, evaluated: bool) -> None:
    session = d.ctx.session
    contract = Contract(
        project_id=project.id,
        organization_id=winner.organization_id,
        bid_id=winner.id,
        amount_fen=winner.price_fen,
        paid_fen=0,
        start_date=project.service_start,
        end_date=project.service_end,
        status=ContractStatus.COMPLETED if evaluated else ContractStatus.ACTIVE,
        signed_by_id=d.bureau_id,
    )
    session.add(contract)
    await session.flush()
    shares = [3000, 4000, 3000]
    dues = [
        contract.start_date + dt.timedelta(days=90),
        d.today + dt.timedelta(days=7)
        if not done
        else contract.start_date + dt.timedelta(days=240),
        contract.end_date,
    ]
    for i, (share, due, amount) in enumerate(
        zip(shares, dues, split_amount(contract.amount_fen, shares), strict=True), start=1
    ):
        finished = done or due < d.today - dt.timedelta(days=10)
        milestone = Milestone(
            contract_id=contract.id,
            sequence=i,
            title=["启动与需求评估", "中期服务", "结项评估"][i - 1],
            share_bp=share,
            amount_fen=amount,
            paid_fen=amount if finished else 0,
            due_date=due,
            planned_activities=8 * i,
            planned_service_hours=60 * i,
            planned_beneficiaries=project.beneficiary_target,
            status=MilestoneStatus.PAID if finished else MilestoneStatus.PENDING,
            accepted_at=_at(due - dt.timedelta(days=d.rng.randint(-3, 5))) if finished else None,
            accepted_by_id=d.staff_id if finished else None,
        )
        session.add(milestone)
        await session.flush()
        if not finished:
            continue
        report = ProgressReport(
            milestone_id=milestone.id,
            organization_id=contract.organization_id,
            narrative=f"本阶段开展活动 {milestone.planned_activities} 次，服务居民"
            f" {milestone.planned_beneficiaries} 人次。",
            activities_held=milestone.planned_activities,
            beneficiaries_served=milestone.planned_beneficiaries,
            volunteer_minutes=d.rng.randint(20, 80) * 60,
            status=ReportStatus.ACCEPTED,
            submitted_at=_at(due - dt.timedelta(days=6)),
            reviewed_at=milestone.accepted_at,
            reviewed_by_id=d.staff_id,
        )
        session.add(report)
        await session.flush()
        session.add(
            EvidenceFile(
                report_id=report.id,
                filename=f"第{i}期活动签到表.png",
                content_type="image/png",
                size=len(PNG_1x1),
                sha256=hashlib.sha256(PNG_1x1).hexdigest(),
                data=PNG_1x1,
            )
        )
        session.add(
            Payment(
                contract_id=contract.id,
                milestone_id=milestone.id,
                amount_fen=amount,
                paid_on=min(due + dt.timedelta(days=10), contract.end_date, d.today),
                voucher_number=f"MZ{project.id:05d}-{i}",
                recorded_by_id=d.bureau_id,
            )
        )
        contract.paid_fen += amount
    if evaluated:
        criteria = [
            {"name": "服务成效", "score": d.rng.randint(30, 40), "max": 40},
            {"name": "资金使用", "score": d.rng.randint(20, 30), "max": 30},
            {"name": "群众满意度", "score": d.rng.randint(20, 30), "max": 30},
        ]
        session.add(
            PerformanceEvaluation(
                project_id=project.id,
                contract_id=contract.id,
                organization_id=contract.organization_id,
                score=sum(c["score"] for c in criteria),
                criteria=criteria,
                comments="项目按计划完成，服务对象满意度较高。",
                evaluated_by_id=d.bureau_id,
            )
        )
    await session.flush()


async def _in_state(
    d: Demo,
    community: RegionInfo,
    status: ProjectStatus,
    n: int,
    bidders: list[OrgInfo],
    *,
    approved: bool = False,
) -> Project:
    project = await _project(d, community, status, n, approved=approved)
    if status in (ProjectStatus.DRAFT, ProjectStatus.PENDING_APPROVAL):
        return project
    if status is ProjectStatus.CANCELLED:
        project.cancel_reason = "社区需求已由其他渠道解决"
        return project
    session = d.ctx.session
    if status is ProjectStatus.OPEN_FOR_BIDS:
        project.published_at = d.now - dt.timedelta(days=3)
        project.bid_deadline = project.published_at + dt.timedelta(days=21)
        await _bids(d, project, bidders[:2], opened_at=None)
        await schedule(
            session,
            "open_bids",
            {"project_id": project.id},
            key=deadline_key(project.id, project.bid_deadline),
            run_at=project.bid_deadline,
        )
        return project
    back = {
        ProjectStatus.BIDS_OPENED: 9,
        ProjectStatus.FAILED: 12,
        ProjectStatus.AWARDED: 30,
        ProjectStatus.IN_PROGRESS: 150,
        ProjectStatus.COMPLETED: 430,
        ProjectStatus.EVALUATED: 430,
    }[status]
    project.bid_deadline = d.now - dt.timedelta(days=back)
    project.published_at = project.bid_deadline - dt.timedelta(days=21)
    project.opened_at = project.bid_deadline
    if status is ProjectStatus.FAILED:
        await _bids(d, project, bidders[:1], opened_at=project.opened_at)
        return project
    bids = await _bids(d, project, bidders[:3], opened_at=project.opened_at)
    winner = await _score_and_award(d, project, bids, award=status is not ProjectStatus.BIDS_OPENED)
    if status in (ProjectStatus.BIDS_OPENED, ProjectStatus.AWARDED):
        return project
    await _contract(
        d,
        project,
        winner,
        done=status is not ProjectStatus.IN_PROGRESS,
        evaluated=status is ProjectStatus.EVALUATED,
    )
    if status is not ProjectStatus.IN_PROGRESS:
        project.completed_at = _at(project.service_end)
    return project


async def seed_procurement(ctx: SeedContext) -> None:
    rng = ctx.rng("procurement")
    accounts = ctx.shared.get("demo_accounts") or {}
    d = Demo(
        ctx=ctx,
        rng=rng,
        today=clock.today_shanghai(),
        now=clock.now(),
        staff_id=accounts.get(Role.COMMUNITY_STAFF),
        bureau_id=accounts.get(Role.BUREAU_OFFICER),
        expert_id=accounts.get(Role.EXPERT),
    )
    if not ctx.organizations or not ctx.communities:
        return
    demo_org_id = ctx.shared.get("demo_org")
    demo_street: RegionInfo = ctx.shared.get("demo_street") or ctx.streets[0]
    demo_communities = ctx.communities_by_street.get(demo_street.id) or ctx.communities[:1]
    # Bidders: the demo organization first, then others with distinct legal representatives.
    by_id = {o.id: o for o in ctx.organizations}
    others = [o for o in ctx.organizations if o.id != demo_org_id and o.grade >= 2]
    rng.shuffle(others)
    demo_bidders = ([by_id[demo_org_id]] if demo_org_id in by_id else []) + others[:3]
    made = 0
    for n, status in enumerate(STATES_IN_ORDER):
        community = demo_communities[n % len(demo_communities)]
        await _in_state(d, community, status, n, demo_bidders, approved=n == 2)
        made += 1
    # A few more across the city, so dashboards and public lists have something in each district.
    per_district = {"small": 2, "city": 6, "province": 3}.get(ctx.scale.name, 2)
    by_district: dict[int, list[RegionInfo]] = {}
    for street in ctx.streets:
        district_id = ctx.district_of(street).id
        by_district.setdefault(district_id, []).extend(ctx.communities_by_street.get(street.id, []))
    for district in ctx.districts:
        local = by_district.get(district.id, [])
        if not local:
            continue
        for _ in range(per_district):
            status = rng.choice(STATES_IN_ORDER)
            bidders = rng.sample(others, min(3, len(others))) if others else demo_bidders
            await _in_state(d, rng.choice(local), status, made, bidders)
            made += 1
    await ctx.session.flush()
    ctx.count("projects", made)
    ctx.log(f"procurement: {made} projects in every state")
