"""Small builders for test data, going through the services where rules matter."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker.config import Settings
from matchmaker.models import Account, Region, RoleGrant
from matchmaker.models.enums import RegionLevel, Role
from matchmaker.services import accounts
from matchmaker.services.bootstrap import system_context
from matchmaker.services.validation import credit_code_check_char, id_check_digit

_seq = itertools.count(1)
PASSWORD = "passw0rd-test"


def valid_credit_code(n: int) -> str:
    """A checksum-valid unified social credit code (5 = social organization, 1 = civil affairs)."""
    body = f"51370100MJ{n:07d}"[:17]
    body = body.replace("I", "J").replace("O", "0")
    return body + credit_code_check_char(body)


def valid_id_number(n: int, birth: str = "19900101", region: str = "370102") -> str:
    body = f"{region}{birth}{n % 1000:03d}"
    return body + id_check_digit(body)


async def region(
    session: AsyncSession, code: str, name: str, level: RegionLevel, parent: Region | None
) -> Region:
    r = Region(
        code=code,
        name=name,
        level=level,
        parent_id=parent.id if parent else None,
        path=(parent.path if parent else "/") + code + "/",
    )
    session.add(r)
    await session.flush()
    return r


@dataclass
class World:
    """Province → city → district → two streets → two communities each."""

    province: Region
    city: Region
    district: Region
    street_a: Region
    street_b: Region
    community_a1: Region
    community_a2: Region
    community_b1: Region
    extra: dict[str, Any] = field(default_factory=dict)


async def world(session: AsyncSession) -> World:
    province = await region(session, "370000000000", "山东省", RegionLevel.PROVINCE, None)
    city = await region(session, "370100000000", "济南市", RegionLevel.CITY, province)
    district = await region(session, "370102000000", "历下区", RegionLevel.DISTRICT, city)
    street_a = await region(session, "370102001000", "解放路街道", RegionLevel.STREET, district)
    street_b = await region(session, "370102002000", "千佛山街道", RegionLevel.STREET, district)
    a1 = await region(session, "370102001001", "朝山街社区", RegionLevel.COMMUNITY, street_a)
    a2 = await region(session, "370102001002", "新东门社区", RegionLevel.COMMUNITY, street_a)
    b1 = await region(session, "370102002001", "佛山苑社区", RegionLevel.COMMUNITY, street_b)
    await session.commit()
    return World(province, city, district, street_a, street_b, a1, a2, b1)


@dataclass
class Login:
    account: Account
    token: str
    grant: RoleGrant | None


async def account(
    session: AsyncSession,
    settings: Settings,
    *,
    role: Role | None = None,
    region: Region | None = None,
    organization_id: int | None = None,
    username: str | None = None,
    phone: str | None = None,
    password: str = PASSWORD,
) -> Login:
    """An account with one role grant and a live session token, committed."""
    sc = system_context(session, settings)
    n = next(_seq)
    acct = await accounts.new_account(
        sc,
        username=username or f"user{n}",
        phone=phone,
        password=password,
        display_name=f"测试用户{n}",
    )
    grant = None
    if role is not None:
        grant = await accounts.add_grant(
            sc,
            account_id=acct.id,
            role=role,
            region_id=region.id if region else None,
            organization_id=organization_id,
        )
    result = await accounts.open_session(sc, acct, user_agent="pytest")
    await session.commit()
    return Login(account=acct, token=result.token, grant=grant)


_org_seq = itertools.count(100)


async def organization(
    session: AsyncSession,
    settings: Settings,
    *,
    region: Region,
    name: str | None = None,
    grade: int = 0,
    categories: list[str] | None = None,
    kind: str = "REGISTERED",
    legal_representative: str = "王建国",
    contact_phone: str = "13900000000",
) -> Any:
    """An organization based in ``region``, committed (rows only: services are under test)."""
    from matchmaker.models import Organization
    from matchmaker.models.enums import OrganizationKind

    n = next(_org_seq)
    org = Organization(
        name=name or f"测试社工服务中心{n}",
        credit_code=valid_credit_code(n),
        kind=OrganizationKind(kind),
        grade=grade,
        region_id=region.id,
        categories=categories or [],
        legal_representative=legal_representative,
        contact_name="李梅",
        contact_phone=contact_phone,
    )
    session.add(org)
    await session.commit()
    return org


async def social_worker(
    session: AsyncSession,
    settings: Settings,
    *,
    organization_id: int,
    name: str = "李四",
    level: str = "NONE",
    certificate_number: str | None = None,
    specialties: list[str] | None = None,
    home: Region | None = None,
    phone: str | None = None,
) -> tuple[Login, Any]:
    """A social worker on an organization's staff, with the SOCIAL_WORKER grant, committed.

    Returns the worker's login and the ``SocialWorker`` row.
    """
    from matchmaker.models import SocialWorker, SocialWorkerMembership
    from matchmaker.models.enums import WorkerLevel

    login = await account(
        session, settings, role=Role.SOCIAL_WORKER, organization_id=organization_id, phone=phone
    )
    worker = SocialWorker(
        account_id=login.account.id,
        name=name,
        level=WorkerLevel(level),
        certificate_number=certificate_number,
        specialties=specialties or [],
        home_region_id=home.id if home else None,
    )
    session.add(worker)
    await session.flush()
    session.add(SocialWorkerMembership(social_worker_id=worker.id, organization_id=organization_id))
    await session.commit()
    return login, worker


_volunteer_seq = itertools.count(1)


async def volunteer(
    session: AsyncSession,
    settings: Settings,
    *,
    home: Region,
    login: Login | None = None,
    real_name: str = "张三",
    id_number: str | None = None,
    skills: list[str] | None = None,
    interests: list[str] | None = None,
    guardian_consent: bool = False,
) -> tuple[Login, Any]:
    """A volunteer profile (through the service), for ``login`` or a new account; committed.

    Returns the login and the ``Volunteer`` row.
    """
    from matchmaker.models.enums import ServiceCategory
    from matchmaker.services import volunteers
    from matchmaker.services.authz import Actor

    n = next(_volunteer_seq)
    if login is None:
        login = await account(session, settings, phone=f"139{n:08d}")
    sc = system_context(session, settings)
    sc.actor = Actor(account_id=login.account.id, grants=())
    row = await volunteers.become_volunteer(
        sc,
        profile=volunteers.ProfileInput(
            real_name=real_name,
            id_number=id_number or valid_id_number(500 + n % 500, birth="19900101"),
            home_region_id=home.id,
            skills=skills or [],
            interests=[ServiceCategory(i) for i in interests or []],
            guardian_consent=guardian_consent,
        ),
    )
    await session.commit()
    return login, row
