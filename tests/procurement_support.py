"""Builders and GraphQL snippets for the procurement tests.

``make_*`` insert rows directly in a given state (for arranging a precondition quickly); the
behaviour under test always goes through the API or the services.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.models import (
    Bid,
    Contract,
    EvaluationCriterion,
    Milestone,
    Organization,
    Project,
    Region,
    SocialWorker,
    SocialWorkerMembership,
)
from matchmaker.models.enums import OrganizationKind, Role, ServiceCategory, WorkerLevel
from matchmaker.models.procurement import (
    BidStatus,
    FundingSource,
    MilestoneStatus,
    ProcurementMethod,
    ProjectStatus,
)
from tests import factories
from tests.support import gid  # noqa: F401  (re-exported: tests import it from here)

_seq = itertools.count(500)
START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # 09:00 Beijing, a Monday
YUAN = 100


async def make_org(
    session: AsyncSession,
    region: Region,
    *,
    name: str | None = None,
    legal_representative: str | None = None,
    grade: int = 4,
) -> Organization:
    n = next(_seq)
    org = Organization(
        name=name or f"测试社工服务中心{n}",
        credit_code=factories.valid_credit_code(n),
        kind=OrganizationKind.REGISTERED,
        grade=grade,
        region_id=region.id,
        categories=["ELDERLY"],
        legal_representative=legal_representative or f"法人{n}",
        contact_name="李梅",
        contact_phone=f"139{n:08d}",
    )
    session.add(org)
    await session.commit()
    return org


async def make_worker(
    session: AsyncSession,
    settings: Settings,
    org: Organization,
    *,
    level: WorkerLevel = WorkerLevel.SOCIAL_WORKER,
) -> tuple[factories.Login, SocialWorker]:
    login = await factories.account(
        session, settings, role=Role.SOCIAL_WORKER, organization_id=org.id
    )
    n = next(_seq)
    certified = level is not WorkerLevel.NONE
    worker = SocialWorker(
        account_id=login.account.id,
        name=f"社工{n}",
        level=level,
        certificate_number=f"ZS{n:08d}" if certified else None,
        # Registered by the bureau a year ago: valid for two more years.
        registration_expires_on=clock.today_shanghai() + dt.timedelta(days=730)
        if certified
        else None,
    )
    session.add(worker)
    await session.flush()
    session.add(SocialWorkerMembership(social_worker_id=worker.id, organization_id=org.id))
    await session.commit()
    return login, worker


@dataclass
class Bidder:
    org: Organization
    admin: factories.Login
    worker_login: factories.Login
    worker: SocialWorker


@dataclass
class City:
    world: factories.World
    staff: factories.Login
    bureau: factories.Login
    expert: factories.Login
    auditor: factories.Login
    admin: factories.Login
    volunteer: factories.Login
    bidders: list[Bidder]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def community(self) -> Region:
        return self.world.community_a1

    def logins(self) -> list[factories.Login]:
        people = [self.staff, self.bureau, self.expert, self.auditor, self.admin, self.volunteer]
        for b in self.bidders:
            people += [b.admin, b.worker_login]
        return people


async def relogin(session: AsyncSession, settings: Settings, c: City) -> None:
    """Fresh session tokens after the clock has moved past their expiry."""
    from matchmaker.services import accounts
    from matchmaker.services.bootstrap import system_context

    sc = system_context(session, settings)
    for login in c.logins():
        login.token = (await accounts.open_session(sc, login.account, user_agent="pytest")).token
    await session.commit()


async def make_bidder(
    session: AsyncSession, settings: Settings, region: Region, **kw: Any
) -> Bidder:
    org = await make_org(session, region, **kw)
    admin = await factories.account(session, settings, role=Role.ORG_ADMIN, organization_id=org.id)
    worker_login, worker = await make_worker(session, settings, org)
    return Bidder(org=org, admin=admin, worker_login=worker_login, worker=worker)


async def city(session: AsyncSession, settings: Settings, *, bidders: int = 3) -> City:
    """Street A's staff, bureau, expert and auditor, and bidding organizations in street A."""
    w = await factories.world(session)
    staff = await factories.account(session, settings, role=Role.COMMUNITY_STAFF, region=w.street_a)
    bureau = await factories.account(session, settings, role=Role.BUREAU_OFFICER, region=w.district)
    expert = await factories.account(session, settings, role=Role.EXPERT, region=w.district)
    auditor = await factories.account(session, settings, role=Role.AUDITOR, region=w.district)
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    volunteer = await factories.account(session, settings, role=Role.VOLUNTEER)
    orgs = [await make_bidder(session, settings, w.street_a) for _ in range(bidders)]
    return City(w, staff, bureau, expert, auditor, admin, volunteer, orgs)


def spec(**overrides: Any) -> dict[str, Any]:
    """A valid ProjectSpecInput: price weight 30 + criteria 40 + 30."""
    base: dict[str, Any] = {
        "title": "朝山街社区独居老人关爱服务",
        "description": "为辖区 120 名独居老人提供探访、助餐和心理疏导。",
        "category": "ELDERLY",
        "targetGroups": ["独居老人"],
        "beneficiaryTarget": 120,
        "fundingSource": "GOVERNMENT_PURCHASE",
        "budgetCeilingFen": 250_000 * YUAN,
        "procurementMethod": "OPEN_TENDER",
        "serviceStart": "2026-05-01",
        "serviceEnd": "2027-04-30",
        "minGrade": 3,
        "workerRequirements": [{"level": "SOCIAL_WORKER", "count": 1}],
        "volunteerPlan": "招募 20 名志愿者每周探访。",
        "priceWeight": 30,
        "criteria": [
            {"name": "服务方案", "weight": 40},
            {"name": "团队能力", "weight": 30},
        ],
    }
    base.update(overrides)
    return base


async def make_project(
    session: AsyncSession,
    region: Region,
    *,
    status: ProjectStatus = ProjectStatus.DRAFT,
    method: ProcurementMethod = ProcurementMethod.OPEN_TENDER,
    deadline: dt.datetime | None = None,
    created_by_id: int | None = None,
    approved: bool = False,
    budget_fen: int = 250_000 * YUAN,
    min_grade: int = 0,
) -> Project:
    now = clock.now()
    published = status not in (ProjectStatus.DRAFT, ProjectStatus.PENDING_APPROVAL)
    project = Project(
        region_id=region.id,
        title=f"测试项目{next(_seq)}",
        description="",
        category=ServiceCategory.ELDERLY,
        target_groups=["老人"],
        beneficiary_target=100,
        funding_source=FundingSource.GOVERNMENT_PURCHASE,
        budget_ceiling_fen=budget_fen,
        procurement_method=method,
        bid_deadline=deadline or (now + dt.timedelta(days=25) if published else None),
        service_start=dt.date(2027, 1, 1),
        service_end=dt.date(2027, 12, 31),
        min_grade=min_grade,
        volunteer_plan="",
        price_weight=30,
        status=status,
        created_by_id=created_by_id,
        approved_at=now if (approved or published) else None,
        published_at=now if published else None,
        opened_at=now if published and status is not ProjectStatus.OPEN_FOR_BIDS else None,
    )
    session.add(project)
    await session.flush()
    session.add_all(
        [
            EvaluationCriterion(project_id=project.id, position=1, name="服务方案", weight=40),
            EvaluationCriterion(project_id=project.id, position=2, name="团队能力", weight=30),
        ]
    )
    if status is ProjectStatus.OPEN_FOR_BIDS:
        # As publishing does: the opening job waits for the deadline.
        from matchmaker.queue.outbox import schedule
        from matchmaker.services.procurement import deadline_key

        assert project.bid_deadline is not None
        await schedule(
            session,
            "open_bids",
            {"project_id": project.id},
            key=deadline_key(project.id, project.bid_deadline),
            run_at=project.bid_deadline,
        )
    await session.commit()
    return project


async def make_bid(
    session: AsyncSession,
    project: Project,
    org: Organization,
    *,
    price_fen: int,
    opened: bool = False,
    status: BidStatus | None = None,
) -> Bid:
    now = clock.now()
    bid = Bid(
        project_id=project.id,
        organization_id=org.id,
        price_fen=price_fen,
        technical_proposal=f"{org.name}的技术方案：绝密内容",
        volunteer_plan="志愿者计划：绝密",
        status=status or (BidStatus.OPENED if opened else BidStatus.SUBMITTED),
        submitted_at=now,
        opened_at=now if opened else None,
    )
    session.add(bid)
    await session.commit()
    return bid


async def make_contract(
    session: AsyncSession,
    project: Project,
    bid: Bid,
    *,
    milestone_status: MilestoneStatus = MilestoneStatus.PENDING,
    amount_fen: int | None = None,
    start: dt.date = dt.date(2026, 1, 1),
    end: dt.date = dt.date(2027, 12, 31),
) -> tuple[Contract, list[Milestone]]:
    amount = amount_fen or bid.price_fen
    project.status = ProjectStatus.IN_PROGRESS
    project.awarded_bid_id = bid.id
    project.awarded_at = clock.now()
    bid.status = BidStatus.AWARDED
    contract = Contract(
        project_id=project.id,
        organization_id=bid.organization_id,
        bid_id=bid.id,
        amount_fen=amount,
        paid_fen=0,
        start_date=start,
        end_date=end,
    )
    session.add(contract)
    await session.flush()
    half = amount // 2
    milestones = [
        Milestone(
            contract_id=contract.id,
            sequence=1,
            title="中期",
            share_bp=5000,
            amount_fen=half,
            paid_fen=0,
            due_date=start + dt.timedelta(days=180),
            status=milestone_status,
            accepted_at=clock.now() if milestone_status is MilestoneStatus.ACCEPTED else None,
        ),
        Milestone(
            contract_id=contract.id,
            sequence=2,
            title="末期",
            share_bp=5000,
            amount_fen=amount - half,
            paid_fen=0,
            due_date=end,
        ),
    ]
    session.add_all(milestones)
    await session.commit()
    return contract, milestones


PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF_BYTES = b"%PDF-1.4\n%test\n"
