"""Seeded accounts and role grants, written in bulk; and the staff accounts step.

Every seeded account has the one demo password, hashed once per run (argon2id per row would
take hours at province scale). Seeded databases are demo databases: ``run_seed`` refuses to
run in production.
"""

from __future__ import annotations

from typing import Any

from matchmaker.models import Account, RoleGrant
from matchmaker.models.enums import AccountStatus, RegionLevel, Role
from matchmaker.seed import names
from matchmaker.seed.bulk import table_of
from matchmaker.seed.context import SeedContext

ACCOUNTS = table_of(Account)
GRANTS = table_of(RoleGrant)


def account_row(
    ctx: SeedContext,
    account_id: int,
    *,
    display_name: str,
    phone: str | None = None,
    username: str | None = None,
) -> dict[str, Any]:
    return {
        "id": account_id,
        "username": username,
        "phone": phone,
        "password_hash": ctx.password_hash,
        "display_name": display_name[:50],
        "status": AccountStatus.ACTIVE,
        "locale": "zh-CN",
        "last_login_at": None,
    }


def grant_row(
    grant_id: int,
    account_id: int,
    role: Role,
    *,
    region_id: int | None = None,
    organization_id: int | None = None,
) -> dict[str, Any]:
    return {
        "id": grant_id,
        "account_id": account_id,
        "role": role,
        "region_id": region_id,
        "organization_id": organization_id,
        "granted_by_id": None,
    }


async def add_people(
    ctx: SeedContext, people: list[tuple[str, Role, int | None, int | None]]
) -> list[int]:
    """Accounts (phone login) with one grant each: ``(display name, role, region, org)``."""
    account_ids = await ctx.writer.ids(ACCOUNTS, len(people))
    grant_ids = await ctx.writer.ids(GRANTS, len(people))
    accounts = []
    grants = []
    for account_id, grant_id, (name, role, region_id, org_id) in zip(
        account_ids, grant_ids, people, strict=True
    ):
        accounts.append(account_row(ctx, account_id, display_name=name, phone=ctx.phones.next()))
        grants.append(
            grant_row(grant_id, account_id, role, region_id=region_id, organization_id=org_id)
        )
    await ctx.writer.insert(ACCOUNTS, accounts)
    await ctx.writer.insert(GRANTS, grants)
    ctx.count("accounts", len(accounts))
    ctx.count("role_grants", len(grants))
    return list(account_ids)


async def seed_staff(ctx: SeedContext) -> None:
    """Community staff per street, bureau officers per district and city, auditors per city."""
    rng = ctx.rng("staff")
    people: list[tuple[str, Role, int | None, int | None]] = []
    for street in ctx.streets:
        people.append(
            (names.person_name(rng, rng.choice("MF")), Role.COMMUNITY_STAFF, street.id, None)
        )
    for district in ctx.districts:
        people.append(
            (names.person_name(rng, rng.choice("MF")), Role.BUREAU_OFFICER, district.id, None)
        )
    cities = [r for r in ctx.regions.values() if r.level is RegionLevel.CITY]
    for city in sorted(cities, key=lambda r: r.code):
        for role in (Role.BUREAU_OFFICER, Role.AUDITOR, Role.EXPERT, Role.EXPERT):
            people.append((names.person_name(rng, rng.choice("MF")), role, city.id, None))
    await add_people(ctx, people)
    ctx.log(f"staff: {len(people)} community, bureau, auditor and expert accounts")
