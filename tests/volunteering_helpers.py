"""Small builders for the volunteering tests: volunteers, organizers, activities, GraphQL calls."""

from __future__ import annotations

import base64
import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.models import Activity, AuditEvent, Region, Shift, Volunteer
from matchmaker.models.enums import RegionLevel, Role, ServiceCategory
from matchmaker.services import accounts, activities, crypto
from matchmaker.services.activities import ShiftSpec, current_code
from matchmaker.services.context import ServiceContext
from matchmaker.services.validation import mask_id_number, parse_id_number
from tests import factories

_n = itertools.count(1)
#: A Monday morning in Jinan (01:00 UTC = 09:00 Beijing).
T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
#: 朝山街社区 roughly; the check-in radius tests move around it.
LAT, LNG = 36.6612, 117.0312


@dataclass
class VolunteerLogin:
    login: factories.Login
    volunteer: Volunteer

    @property
    def token(self) -> str:
        return self.login.token


async def volunteer(
    session: AsyncSession,
    settings: Settings,
    *,
    birth: str = "19900101",
    skills: list[str] | None = None,
    region: Region | None = None,
    name: str = "李志愿",
) -> VolunteerLogin:
    n = next(_n)
    if region is None:
        region = await session.scalar(
            select(Region).where(Region.level == RegionLevel.COMMUNITY).order_by(Region.id).limit(1)
        )
    login = await factories.account(session, settings, role=Role.VOLUNTEER)
    number = factories.valid_id_number(n, birth=birth)
    parsed = parse_id_number(number)
    assert parsed is not None
    v = Volunteer(
        account_id=login.account.id,
        real_name=name,
        id_number_encrypted=crypto.encrypt_pii(settings.secret_key, number),
        id_number_hash=crypto.keyed_hash(settings.secret_key, number),
        id_number_masked=mask_id_number(number),
        birth_date=parsed[1],
        gender=parsed[2],
        volunteer_number=f"V{n:010d}",
        skills=skills or [],
        interests=[],
        home_region_id=region.id if region else None,
    )
    session.add(v)
    await session.commit()
    return VolunteerLogin(login=login, volunteer=v)


async def staff(session: AsyncSession, settings: Settings, region: Region) -> factories.Login:
    return await factories.account(session, settings, role=Role.COMMUNITY_STAFF, region=region)


async def context_for(
    session: AsyncSession, settings: Settings, login: factories.Login
) -> ServiceContext:
    actor = await accounts.actor_for_token(session, login.token)
    return ServiceContext(session=session, actor=actor, settings=settings, request_id="test")


async def community_activity(
    session: AsyncSession,
    settings: Settings,
    organizer: factories.Login,
    community: Region,
    *,
    shifts: list[tuple[dt.datetime, dt.datetime, int]] | None = None,
    radius: int | None = None,
    min_age: int = 0,
    skills: list[str] | None = None,
    title: str = "敬老院陪伴",
) -> tuple[Activity, list[Shift]]:
    """An activity created through the service (as ``organizer``), committed."""
    sc = await context_for(session, settings, organizer)
    specs = [
        ShiftSpec(starts_at=s, ends_at=e, capacity=c)
        for s, e, c in (shifts or [(clock.now() + 2 * HOUR, clock.now() + 5 * HOUR, 10)])
    ]
    activity = await activities.create_activity(
        sc,
        title=title,
        region_id=community.id,
        place_name="朝山街社区服务中心",
        latitude=LAT if radius else None,
        longitude=LNG if radius else None,
        checkin_radius_m=radius,
        category=ServiceCategory.ELDERLY,
        required_skills=skills,
        min_age=min_age,
        shifts=specs,
    )
    await session.commit()
    rows = list(
        await session.scalars(
            select(Shift).where(Shift.activity_id == activity.id).order_by(Shift.starts_at)
        )
    )
    await session.commit()
    return activity, rows


def gid(type_name: str, pk: int) -> str:
    """A Relay global id (same encoding as ``matchmaker.schema.relay.to_global_id``)."""
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode()


def code_now(shift: Shift) -> str:
    return current_code(shift.secret, clock.now())


async def count(session: AsyncSession, model: Any, *where: Any) -> int:
    """Rows of ``model``; ends the session's transaction (on SQLite a read takes the write lock,
    which the app under test would otherwise wait for)."""
    n = int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)
    await session.commit()
    return n


async def audit_count(session: AsyncSession) -> int:
    return await count(session, AuditEvent)


SIGN_UP = """mutation($i: SignUpInput!) { signUp(input: $i) {
  signup { id status waitlistPosition offerExpiresAt } errors { code field message } } }"""
CANCEL_SIGNUP = """mutation($i: SignupIdInput!) { cancelSignup(input: $i) {
  signup { id status } errors { code } } }"""
ACCEPT_OFFER = """mutation($i: SignupIdInput!) { acceptSignupOffer(input: $i) {
  signup { id status } errors { code } } }"""
CHECK_IN = """mutation($i: CheckInInput!) { checkIn(input: $i) {
  attendance { id checkedInAt } errors { code field message } } }"""
CHECK_OUT = """mutation($i: CheckOutInput!) { checkOut(input: $i) {
  attendance { id checkedOutAt checkoutBy } record { id minutes status source }
  errors { code field message } } }"""
SUBMIT = """mutation($i: SubmitServiceRecordInput!) { submitServiceRecord(input: $i) {
  record { id minutes status version } errors { code field message } } }"""
APPROVE = """mutation($i: DecideServiceRecordsInput!) { approveServiceRecords(input: $i) {
  records { id status } errors { code field message } } }"""
REJECT = """mutation($i: DecideServiceRecordsInput!) { rejectServiceRecords(input: $i) {
  records { id status } errors { code field message } } }"""


async def many_volunteers(
    session: AsyncSession, n: int, region: Region, *, start: int = 0
) -> list[tuple[int, int]]:
    """``n`` (account id, volunteer id) pairs inserted directly: no password hashing, no
    sessions (the concurrency tests call the services with a hand-built actor)."""
    from matchmaker.models import Account

    accounts_ = [
        Account(username=f"bulk{start + i}", password_hash="x", display_name=f"志愿者{start + i}")
        for i in range(n)
    ]
    session.add_all(accounts_)
    await session.flush()
    vols = [
        Volunteer(
            account_id=a.id,
            real_name=f"志愿者{start + i}",
            id_number_encrypted=b"x",
            id_number_hash=f"bulk-hash-{start + i}",
            id_number_masked="3701**********0000",
            birth_date=dt.date(1990, 1, 1),
            gender="F",
            volunteer_number=f"B{start + i:010d}",
            skills=[],
            interests=[],
            home_region_id=region.id,
        )
        for i, a in enumerate(accounts_)
    ]
    session.add_all(vols)
    await session.commit()
    return [(a.id, v.id) for a, v in zip(accounts_, vols, strict=True)]


def volunteer_actor(account_id: int) -> Any:
    from matchmaker.services.authz import Actor, Grant

    return Actor(account_id=account_id, grants=(Grant(role=Role.VOLUNTEER),))


async def running_project(session: AsyncSession, region: Region, organization_id: int) -> Any:
    """A project IN_PROGRESS whose award went to ``organization_id`` (its running organization)."""
    from matchmaker.models import Bid, Project
    from matchmaker.models.procurement import FundingSource, ProcurementMethod, ProjectStatus

    project = Project(
        region_id=region.id,
        title="社区居家养老服务项目",
        category=ServiceCategory.ELDERLY,
        funding_source=FundingSource.GOVERNMENT_PURCHASE,
        budget_ceiling_fen=30_000_000,
        procurement_method=ProcurementMethod.OPEN_TENDER,
        service_start=dt.date(2026, 1, 1),
        service_end=dt.date(2026, 12, 31),
        status=ProjectStatus.IN_PROGRESS,
    )
    session.add(project)
    await session.flush()
    bid = Bid(
        project_id=project.id,
        organization_id=organization_id,
        price_fen=25_000_000,
        technical_proposal="服务方案",
        submitted_at=clock.now() - dt.timedelta(days=30),
    )
    session.add(bid)
    await session.flush()
    project.awarded_bid_id = bid.id
    await session.commit()
    return project


async def organization(session: AsyncSession, region: Region, n: int) -> Any:
    from matchmaker.models import Organization
    from matchmaker.models.enums import OrganizationKind

    org = Organization(
        name=f"阳光社工服务中心{n}",
        credit_code=factories.valid_credit_code(100 + n),
        kind=OrganizationKind.REGISTERED,
        grade=4,
        region_id=region.id,
        categories=["ELDERLY"],
        legal_representative=f"法人{n}",
        contact_name="联系人",
        contact_phone=f"1380000{n:04d}",
    )
    session.add(org)
    await session.commit()
    return org
