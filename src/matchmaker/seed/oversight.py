"""Seed step: plant a few procurement cases for the audit rules, then run the scan, so the
demo auditor opens a queue at once (docs/oversight.md).

Only new rows are added, none on the money path or in the hours ledger: the procurement and
volunteering seeds promise data that follows those rules (their tests check it). Planted here:
a tender whose three opened bids show collusion signs (two identical prices, two near-identical
proposals, the lowest bid disqualified) and a purchase split into two drafts under the
open-tender threshold. The rest of the queue is what the rules find in the seeded data.
"""

from __future__ import annotations

import datetime as dt

from matchmaker import clock
from matchmaker.models import Bid, Project
from matchmaker.models.enums import ServiceCategory
from matchmaker.models.procurement import (
    BidStatus,
    FundingSource,
    ProcurementMethod,
    ProjectStatus,
)
from matchmaker.seed.context import SeedContext
from matchmaker.services.oversight import scan

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


async def seed_oversight(ctx: SeedContext) -> None:
    await _plant(ctx)
    result = await scan(ctx.sc)
    ctx.counts["findings"] = result.hits
    found = ", ".join(f"{rule} {n}" for rule, n in result.by_rule.items() if n) or "none"
    ctx.log(f"oversight: {result.hits} findings ({found})")
