"""Seed step: plant a few procurement cases for the audit rules, then run the scan, so the
demo auditor opens a queue at once (docs/oversight.md).

Only new rows are added, none on the money path or in the hours ledger: the procurement and
volunteering seeds promise data that follows those rules (their tests check it). Planted here:
a tender whose three opened bids show collusion signs (two identical prices, two near-identical
proposals, the lowest bid disqualified) and a purchase split into two drafts under the
open-tender threshold; a tender whose prices step evenly just under the ceiling with a bidder's
admin on the panel; a community where one organization won three awards, mostly single
source; a volunteer with approved hours on a contracted project made staff of the contractor;
one resident listed by two organizations' concurrent reports; and a failed verification run of
the audit chain. The rest of the queue is what the rules find in the seeded data.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from sqlalchemy import select

from matchmaker import clock
from matchmaker.models import (
    Activity,
    Bid,
    Contract,
    Evaluator,
    Milestone,
    OutboxJob,
    ProgressReport,
    Project,
    ReportBeneficiary,
    RoleGrant,
    ServiceRecord,
    SocialWorker,
    SocialWorkerMembership,
    Volunteer,
)
from matchmaker.models.enums import JobStatus, ServiceCategory, WorkerLevel
from matchmaker.models.organizations import MembershipStatus
from matchmaker.models.procurement import (
    BidStatus,
    FundingSource,
    ProcurementMethod,
    ProjectStatus,
    ReportStatus,
)
from matchmaker.models.volunteering import RecordStatus
from matchmaker.seed.context import SeedContext
from matchmaker.services.audit import VERIFY_JOB
from matchmaker.services.oversight import scan
from matchmaker.services.reports import BeneficiarySpec, beneficiary_hashes

PROPOSAL = (
    "本项目面向辖区独居和空巢老人，每周两次入户探访，建立健康档案，链接社区卫生服务中心开展义诊，"
    "组织志愿者开展助餐、陪伴和心理疏导服务，每季度召开一次居民议事会评估服务成效。"
)


def _project(community_id: int, title: str, budget_yuan: int, status: ProjectStatus) -> Project:
    today = clock.today_shanghai()
    return Project(
        region_id=community_id,
        title=title,
        description="审计演示数据。",
        category=ServiceCategory.ELDERLY,
        target_groups=["独居老人"],
        beneficiary_target=100,
        funding_source=FundingSource.GOVERNMENT_PURCHASE,
        budget_ceiling_fen=budget_yuan * 100,
        procurement_method=ProcurementMethod.OPEN_TENDER,
        service_start=today + dt.timedelta(days=60),
        service_end=today + dt.timedelta(days=60 + 364),
        volunteer_plan="",
        price_weight=30,
        status=status,
    )


async def _plant(ctx: SeedContext) -> None:
    if len(ctx.communities) < 2 or len(ctx.organizations) < 3:
        return
    session, now = ctx.session, clock.now()
    community, other = ctx.communities[0], ctx.communities[1]
    tender = _project(
        community.id,
        f"{community.name}居家养老服务（审计演示）",
        300_000,
        ProjectStatus.BIDS_OPENED,
    )
    tender.approved_at = now - dt.timedelta(days=40)
    tender.published_at = now - dt.timedelta(days=35)
    tender.bid_deadline = now - dt.timedelta(days=5)
    tender.opened_at = now - dt.timedelta(days=5)
    session.add(tender)
    await session.flush()
    orgs = ctx.organizations[:3]
    for org, price_yuan, proposal, status in (
        (orgs[0], 280_000, PROPOSAL, BidStatus.OPENED),
        (orgs[1], 280_000, PROPOSAL.replace("每周两次", "每周三次"), BidStatus.OPENED),
        (orgs[2], 260_000, "以老年人康复训练为主，配置康复师两名。", BidStatus.DISQUALIFIED),
    ):
        session.add(
            Bid(
                project_id=tender.id,
                organization_id=org.id,
                price_fen=price_yuan * 100,
                technical_proposal=proposal,
                status=status,
                submitted_at=now - dt.timedelta(days=10),
                opened_at=tender.opened_at,
                disqualified_reason="资格审查不合格" if status is BidStatus.DISQUALIFIED else None,
            )
        )
    # ¥1,200,000 + ¥900,000 in one community within a month: each under the ¥2,000,000 threshold.
    for title, budget in (("助餐服务（一期）", 1_200_000), ("助餐服务（二期）", 900_000)):
        session.add(_project(other.id, f"{other.name}{title}", budget, ProjectStatus.DRAFT))
    await session.flush()


def _bid(project: Project, org_id: int, price_yuan: int, opened_at: dt.datetime) -> Bid:
    return Bid(
        project_id=project.id,
        organization_id=org_id,
        price_fen=price_yuan * 100,
        technical_proposal="审计演示投标方案。",
        status=BidStatus.OPENED,
        submitted_at=opened_at - dt.timedelta(days=3),
        opened_at=opened_at,
    )


async def _plant_more(ctx: SeedContext) -> None:
    """One case of each rule about ties, patterns and double counting (docs/oversight.md):
    new rows only, none in the hours ledger or on the money path."""
    if len(ctx.communities) < 4 or len(ctx.organizations) < 3:
        return
    session, now = ctx.session, clock.now()
    orgs = ctx.organizations[:3]
    community = ctx.communities[0]
    # Prices in equal steps, all just under the ceiling (¥245k, ¥247k, ¥249k of ¥250k), and a
    # bidder's own admin on the evaluation panel.
    title = f"{community.name}助老服务（审计演示·报价）"
    tender = _project(community.id, title, 250_000, ProjectStatus.BIDS_OPENED)
    tender.approved_at = now - dt.timedelta(days=40)
    tender.published_at = now - dt.timedelta(days=35)
    tender.bid_deadline = tender.opened_at = now - dt.timedelta(days=4)
    session.add(tender)
    await session.flush()
    for org, price in zip(orgs, (245_000, 247_000, 249_000), strict=True):
        session.add(_bid(tender, org.id, price, tender.opened_at))
    insider = await session.scalar(
        select(RoleGrant.account_id)
        .where(RoleGrant.organization_id == orgs[0].id)
        .order_by(RoleGrant.id)
        .limit(1)
    )
    if insider is not None:
        session.add(Evaluator(project_id=tender.id, account_id=insider))
    # A community where one organization won three awards in a row, two of them single source
    # and the larger part of the value.
    quiet = ctx.communities[3]
    for i, (method, price) in enumerate(
        (
            (ProcurementMethod.SINGLE_SOURCE, 400_000),
            (ProcurementMethod.SINGLE_SOURCE, 300_000),
            (ProcurementMethod.OPEN_TENDER, 200_000),
        )
    ):
        title = f"{quiet.name}社区服务（审计演示·第 {i + 1} 标）"
        awarded = _project(quiet.id, title, 450_000, ProjectStatus.AWARDED)
        awarded.procurement_method = method
        awarded.approved_at = now - dt.timedelta(days=120 - 30 * i)
        awarded.published_at = now - dt.timedelta(days=115 - 30 * i)
        awarded.bid_deadline = awarded.opened_at = now - dt.timedelta(days=90 - 30 * i)
        awarded.awarded_at = now - dt.timedelta(days=85 - 30 * i)
        session.add(awarded)
        await session.flush()
        win = _bid(awarded, orgs[1].id, price, awarded.opened_at)
        win.status = BidStatus.AWARDED
        session.add(win)
        await session.flush()
        awarded.awarded_bid_id = win.id
    await _plant_staff_volunteer(ctx)
    await _plant_shared_beneficiary(ctx)
    # A failed verification of the audit chain, as the nightly job records it: the alarm an
    # auditor acknowledges (its reason says it is demo data; the chain itself is intact).
    session.add(
        OutboxJob(
            name=VERIFY_JOB,
            args={},
            status=JobStatus.DONE,
            run_at=now - dt.timedelta(hours=2),
            finished_at=now - dt.timedelta(hours=2),
            result={
                "ok": False,
                "checked": 0,
                "first_broken_id": None,
                "reason": "演示数据：校验失败样例，核实后请在审计日志页确认告警",
            },
        )
    )
    await session.flush()


async def _plant_staff_volunteer(ctx: SeedContext) -> None:
    """The volunteer of an approved record on a contracted project's activity becomes active
    staff of the contracted organization (a membership, no new hours)."""
    session = ctx.session
    row = (
        await session.execute(
            select(Volunteer.account_id, Volunteer.real_name, Contract.organization_id)
            .join(ServiceRecord, ServiceRecord.volunteer_id == Volunteer.id)
            .join(Activity, Activity.id == ServiceRecord.activity_id)
            .join(Contract, Contract.project_id == Activity.project_id)
            .where(
                ServiceRecord.status == RecordStatus.APPROVED,
                ServiceRecord.minutes > 0,
                Volunteer.account_id.not_in(select(SocialWorker.account_id)),
            )
            .order_by(ServiceRecord.id)
            .limit(1)
        )
    ).first()
    if row is None:
        return
    account_id, name, org_id = row
    worker = SocialWorker(account_id=account_id, name=name, level=WorkerLevel.NONE)
    session.add(worker)
    await session.flush()
    session.add(
        SocialWorkerMembership(
            social_worker_id=worker.id, organization_id=org_id, status=MembershipStatus.ACTIVE
        )
    )
    await session.flush()


async def _plant_shared_beneficiary(ctx: SeedContext) -> None:
    """One resident listed by the reports of two organizations' concurrent projects."""
    session = ctx.session
    reports = (
        await session.execute(
            select(ProgressReport.id, ProgressReport.organization_id, Milestone.due_date)
            .join(Milestone, Milestone.id == ProgressReport.milestone_id)
            .where(ProgressReport.status.in_((ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)))
            .order_by(Milestone.due_date, ProgressReport.id)
        )
    ).all()
    pair = next(
        (
            (a, b)
            for a, b in pairwise(reports)
            if a.organization_id != b.organization_id and abs((a.due_date - b.due_date).days) <= 30
        ),
        None,
    )
    if pair is None:
        return
    resident = BeneficiarySpec("王秀兰", phone="13800138000")
    [digest] = beneficiary_hashes(ctx.settings.secret_key, [resident])
    for report in pair:
        session.add(ReportBeneficiary(report_id=report.id, identity_hash=digest))
    await session.flush()


async def seed_oversight(ctx: SeedContext) -> None:
    await _plant(ctx)
    await _plant_more(ctx)
    result = await scan(ctx.sc)
    ctx.counts["findings"] = result.hits
    found = ", ".join(f"{rule} {n}" for rule, n in result.by_rule.items() if n) or "none"
    ctx.log(f"oversight: {result.hits} findings ({found})")
