"""Step ``demo_logins``: one account per role with a fixed username and the demo password.

They all live around one street (历下区解放路街道) of the demo city, so what one role creates
the others can see: the community staff's street, the org admin's organization (a 4A
social-work agency based there, with staff), its social worker, a volunteer living there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.models import Account
from matchmaker.models.enums import Role, WorkerLevel
from matchmaker.seed.accounts import ACCOUNTS, GRANTS, account_row, grant_row
from matchmaker.seed.context import RegionInfo, SeedContext
from matchmaker.seed.organizations import MEMBERSHIPS, WORKERS, certificate_number
from matchmaker.seed.volunteers import TEAM_MEMBERS, VOLUNTEERS, VolunteerFactory

#: The one password of every seeded account. Demo data only: ``seed`` refuses production.
DEMO_PASSWORD = "demo-pass-2026"
JINAN_CODE = "370100000000"


@dataclass(frozen=True, slots=True)
class DemoLogin:
    username: str
    role: Role
    display_name: str
    scope: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", Role.PLATFORM_ADMIN, "平台管理员", "everything"),
    DemoLogin("bureau", Role.BUREAU_OFFICER, "市民政局 王建国", "济南市"),
    DemoLogin("auditor", Role.AUDITOR, "审计监督 李静", "济南市 (read-only)"),
    DemoLogin("community", Role.COMMUNITY_STAFF, "社区工作者 张丽", "历下区解放路街道"),
    DemoLogin("orgadmin", Role.ORG_ADMIN, "机构管理员 刘洋", "the demo organization"),
    DemoLogin("socialworker", Role.SOCIAL_WORKER, "社工 陈晨", "the demo organization"),
    DemoLogin("volunteer", Role.VOLUNTEER, "志愿者 赵敏", "themself (朝山街社区)"),
    DemoLogin("expert", Role.EXPERT, "评审专家 孙志强", "济南市"),
)


def _region(ctx: SeedContext, code: str) -> RegionInfo | None:
    return next((r for r in ctx.regions.values() if r.code == code), None)


async def seed_demo_logins(ctx: SeedContext) -> None:
    city = _region(ctx, JINAN_CODE)
    street: RegionInfo = ctx.shared.get("demo_street") or ctx.streets[0]
    community = (ctx.communities_by_street.get(street.id) or ctx.communities)[0]
    org_id: int | None = ctx.shared.get("demo_org")
    if city is None or org_id is None:
        raise RuntimeError("the demo logins need the demo city and one organization")
    scope: dict[Role, tuple[int | None, int | None]] = {
        Role.PLATFORM_ADMIN: (None, None),
        Role.BUREAU_OFFICER: (city.id, None),
        Role.AUDITOR: (city.id, None),
        Role.EXPERT: (city.id, None),
        Role.COMMUNITY_STAFF: (street.id, None),
        Role.ORG_ADMIN: (None, org_id),
        Role.SOCIAL_WORKER: (None, org_id),
        Role.VOLUNTEER: (None, None),
    }
    accounts: list[dict[str, Any]] = []
    grants: list[dict[str, Any]] = []
    ids: dict[Role, int] = {}
    for login in DEMO_LOGINS:
        account_id = await ctx.writer.new_id(ACCOUNTS)
        ids[login.role] = account_id
        name = login.display_name.split()[-1]
        accounts.append(account_row(ctx, account_id, display_name=name, username=login.username))
        region_id, organization_id = scope[login.role]
        grants.append(
            grant_row(
                await ctx.writer.new_id(GRANTS),
                account_id,
                login.role,
                region_id=region_id,
                organization_id=organization_id,
            )
        )
    await ctx.writer.insert(ACCOUNTS, accounts)
    await ctx.writer.insert(GRANTS, grants)

    today = clock.today_shanghai()
    worker_id = await ctx.writer.new_id(WORKERS)
    await ctx.writer.insert(
        WORKERS,
        [
            {
                "id": worker_id,
                "account_id": ids[Role.SOCIAL_WORKER],
                "name": "陈晨",
                "level": WorkerLevel.SOCIAL_WORKER,
                # Outside the generated sequence range, so it can't collide.
                "certificate_number": certificate_number(
                    9_000_001, WorkerLevel.SOCIAL_WORKER, 2020
                ),
                "registration_expires_on": today + dt.timedelta(days=400),
                "specialties": ["COMMUNITY_INTEGRATION", "ELDERLY"],
                "home_region_id": community.id,
                "is_active": True,
            }
        ],
    )
    await ctx.writer.insert(
        MEMBERSHIPS,
        [
            {
                "id": await ctx.writer.new_id(MEMBERSHIPS),
                "social_worker_id": worker_id,
                "organization_id": org_id,
            }
        ],
    )

    factory = ctx.shared.get("volunteer_factory") or VolunteerFactory(
        ctx, ctx.rng("demo_logins"), today
    )
    number = int(ctx.shared.get("volunteer_numbers", 0)) + 1
    _account, volunteer, _grant = await factory.rows(
        number, community, name="赵敏", gender="F", age=29, demo=True
    )
    volunteer["account_id"] = ids[Role.VOLUNTEER]
    volunteer["is_active"] = True
    volunteer["skills"] = ["急救", "课业辅导", "摄影"]
    volunteer["interests"] = ["ELDERLY", "CHILDREN_YOUTH", "COMMUNITY_INTEGRATION"]
    await ctx.writer.insert(VOLUNTEERS, [volunteer])
    team_id = ctx.shared.get("community_team", {}).get(community.id)
    if team_id is not None:
        await ctx.writer.insert(
            TEAM_MEMBERS,
            [
                {
                    "id": await ctx.writer.new_id(TEAM_MEMBERS),
                    "team_id": team_id,
                    "volunteer_id": volunteer["id"],
                }
            ],
        )
        ctx.count("team_memberships", 1)
    ctx.count("accounts", len(accounts))
    ctx.count("role_grants", len(grants))
    ctx.count("social_workers", 1)
    ctx.count("memberships", 1)
    ctx.count("volunteers", 1)
    ctx.shared["demo_accounts"] = ids
    ctx.log("demo logins: " + ", ".join(login.username for login in DEMO_LOGINS))


async def demo_logins_present(session: AsyncSession) -> bool:
    usernames = [login.username for login in DEMO_LOGINS]
    found = set(
        await session.scalars(select(Account.username).where(Account.username.in_(usernames)))
    )
    return found == set(usernames)


def print_logins(out: TextIO) -> None:
    out.write(
        "\nDemo logins — every seeded account has the password "
        f"{DEMO_PASSWORD!r} (demo data only):\n"
    )
    for login in DEMO_LOGINS:
        out.write(f"  {login.username:<13} {login.role.value:<16} {login.scope}\n")
    out.write("\n")
