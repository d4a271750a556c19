"""Steps ``organizations`` and ``social_workers``: social organizations, their admins and staff."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

from matchmaker import clock
from matchmaker.models import (
    Organization,
    SocialWorker,
    SocialWorkerMembership,
    organization_service_regions,
)
from matchmaker.models.enums import OrganizationKind, Role, ServiceCategory, WorkerLevel
from matchmaker.seed import names
from matchmaker.seed.accounts import ACCOUNTS, GRANTS, account_row, add_people, grant_row
from matchmaker.seed.bulk import table_of
from matchmaker.seed.context import OrgInfo, RegionInfo, SeedContext
from matchmaker.services.validation import credit_code_check_char

ORGS = table_of(Organization)
WORKERS = table_of(SocialWorker)
MEMBERSHIPS = table_of(SocialWorkerMembership)

#: The street of the demo logins (community staff, org admin, social worker, volunteer).
DEMO_STREET_CODE = "370102001000"  # 历下区解放路街道

CATEGORY_ZH = {
    "ELDERLY": "为老服务",
    "CHILDREN_YOUTH": "青少年儿童服务",
    "DISABILITY": "助残服务",
    "FAMILY": "家庭服务",
    "COMMUNITY_INTEGRATION": "社区融入",
    "REHABILITATION": "社区康复",
    "EMPLOYMENT": "就业帮扶",
    "PSYCHOLOGICAL": "心理疏导",
    "HARDSHIP_RELIEF": "困难救助",
    "DISPUTE_MEDIATION": "矛盾调解",
    "CULTURE_SPORT": "文体活动",
    "ENVIRONMENT": "环境保护",
    "OTHER": "其他服务",
}
CATEGORIES = [c.value for c in ServiceCategory if c is not ServiceCategory.OTHER]
# 社会组织评估等级: mostly ungraded, 3A or 4A; few 5A.
GRADES = (0, 1, 2, 3, 4, 5)
GRADE_WEIGHTS_REGISTERED = (40, 2, 6, 30, 18, 4)
GRADE_WEIGHTS_FILED = (92, 1, 2, 4, 1, 0)
GB11714_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organization_code(body8: str) -> str:
    """GB 11714 organization code: 8 characters and their check character."""
    total = sum(GB11714_ALPHABET.index(c) * w for c, w in zip(body8, GB11714_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code(n: int, *, county: str, association: bool, offset: int) -> str:
    """A checksum-valid unified social credit code for social organization number ``n``.

    ``5`` (registered by civil affairs), ``1`` social group / ``2`` social service agency, the
    county code, then a GB 11714 organization code ``MJ`` + 6 digits (unique per ``n``).
    """
    body = organization_code(f"MJ{(n * 7_919 + offset) % 10**6:06d}")
    first17 = "5" + ("1" if association else "2") + county + body
    return first17 + credit_code_check_char(first17)


def _pick_community(rng: random.Random, ctx: SeedContext) -> RegionInfo:
    return rng.choice(ctx.communities)


async def seed_organizations(ctx: SeedContext) -> None:
    rng = ctx.rng("organizations")
    offset = rng.randrange(10**6)
    today = clock.today_shanghai()
    demo_street = next((s for s in ctx.streets if s.code == DEMO_STREET_CODE), ctx.streets[0])
    demo_communities = [c for c in ctx.communities if c.parent_id == demo_street.id]
    used_names: set[str] = set()
    reps: list[tuple[str, str]] = []  # (legal representative, phone) already used
    rows: list[dict[str, Any]] = []
    service_rows: list[dict[str, Any]] = []
    admins: list[tuple[str, Role, int | None, int | None]] = []
    ids = await ctx.writer.ids(ORGS, ctx.scale.organizations)
    for i, org_id in enumerate(ids):
        if i == 0:
            # The demo organization: a 4A social-work agency in the demo street.
            pattern = names.ORG_PATTERNS[0]
            community = demo_communities[0] if demo_communities else ctx.communities[0]
        else:
            pattern = rng.choice(names.ORG_PATTERNS)
            community = _pick_community(rng, ctx)
        street = ctx.street_of(community)
        district = ctx.district_of(community)
        registered = pattern[1] == OrganizationKind.REGISTERED.value
        place = district.name if registered else community.name
        if registered and rng.random() < 0.25:
            city = ctx.regions[district.parent_id] if district.parent_id else district
            place = city.name
        name = ""
        for attempt in range(20):
            word = rng.choice(names.ORG_WORDS)
            name = pattern[0].format(place=place, word=word)
            if attempt >= 10:
                name = pattern[0].format(place=place + street.name.removesuffix("街道"), word=word)
            if name not in used_names:
                break
        else:
            name = f"{name}（{i}）"
        used_names.add(name)
        grade = (
            4
            if i == 0
            else rng.choices(
                GRADES, weights=GRADE_WEIGHTS_REGISTERED if registered else GRADE_WEIGHTS_FILED
            )[0]
        )
        categories = sorted({pattern[2], *rng.sample(CATEGORIES, rng.randint(0, 2))})
        if reps and rng.random() < 0.03:
            # A few organizations share a legal representative (and sometimes the phone):
            # what the collusion checks (docs/oversight.md) must find.
            legal, phone = rng.choice(reps)
            if rng.random() < 0.5:
                phone = ctx.phones.next()
        else:
            legal, phone = names.person_name(rng, rng.choice("MF")), ctx.phones.next()
            reps.append((legal, phone))
        contact = names.person_name(rng, rng.choice("MF"))
        founded = today - dt.timedelta(days=rng.randint(365, 365 * 18))
        base = street if registered else community
        rows.append(
            {
                "id": org_id,
                "name": name,
                "credit_code": credit_code(
                    i, county=district.code[:6], association="协会" in name, offset=offset
                ),
                "kind": OrganizationKind(pattern[1]),
                "grade": grade,
                "region_id": base.id,
                "categories": categories,
                "legal_representative": legal,
                "contact_name": contact,
                "contact_phone": phone,
                "address": f"{district.name}{street.name}{rng.choice(names.ROADS)}"
                f"{rng.randint(1, 300)}号",
                "founded_on": founded,
                "description": f"{name}成立于{founded.year}年，主要开展"
                + "、".join(CATEGORY_ZH[c] for c in categories)
                + "等服务。",
                "is_active": True,
            }
        )
        served = {street.id}
        siblings = ctx.communities_by_street.get(street.id, [community])
        served.update(c.id for c in rng.sample(siblings, min(len(siblings), rng.randint(1, 3))))
        service_rows.extend({"organization_id": org_id, "region_id": r} for r in sorted(served))
        admins.append((contact, Role.ORG_ADMIN, None, org_id))
        ctx.organizations.append(OrgInfo(org_id, name, base, street, registered, grade, categories))
        if len(rows) >= ctx.scale.batch:
            await ctx.writer.insert(ORGS, rows)
            rows = []
    await ctx.writer.insert(ORGS, rows)
    await ctx.writer.insert(organization_service_regions, service_rows)
    ctx.count("organizations", len(ids))
    ctx.shared["demo_org"] = ids[0] if ids else None
    ctx.shared["demo_street"] = demo_street
    await add_people(ctx, admins)
    ctx.log(f"organizations: {len(ids)} with an admin account each")


LEVEL_WEIGHTS = (
    (WorkerLevel.NONE, 15),
    (WorkerLevel.ASSISTANT, 55),
    (WorkerLevel.SOCIAL_WORKER, 27),
)
LEVEL_CODE = {WorkerLevel.ASSISTANT: "1", WorkerLevel.SOCIAL_WORKER: "2", WorkerLevel.SENIOR: "3"}


def worker_level(rng: random.Random) -> WorkerLevel:
    if rng.random() < 0.03:
        return WorkerLevel.SENIOR
    return rng.choices([lv for lv, _ in LEVEL_WEIGHTS], weights=[w for _, w in LEVEL_WEIGHTS])[0]


def certificate_number(n: int, level: WorkerLevel, year: int) -> str:
    """Certificate numbers look like ``S2019137000123``: year, level, province, sequence."""
    return f"S{year}{LEVEL_CODE[level]}37{n:07d}"


async def seed_social_workers(ctx: SeedContext) -> None:
    """Social workers: accounts, levels, certificates, memberships and their grants.

    Every registered organization gets at least one worker while workers last (the demo
    organization five); the rest are spread with more to higher grades. One in eight
    works for a second organization.
    """
    rng = ctx.rng("social_workers")
    today = clock.today_shanghai()
    orgs = ctx.organizations
    if not orgs:
        return
    registered = [o for o in orgs if o.registered]
    rng.shuffle(registered)
    cum_weights = list(itertools.accumulate((3 + o.grade) if o.registered else 1 for o in orgs))
    first_employers = [orgs[0]] * 5 + registered
    n = ctx.scale.social_workers
    account_ids = await ctx.writer.ids(ACCOUNTS, n)
    worker_ids = await ctx.writer.ids(WORKERS, n)
    accounts: list[dict[str, Any]] = []
    workers: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []
    grants: list[dict[str, Any]] = []
    for i, (account_id, worker_id) in enumerate(zip(account_ids, worker_ids, strict=True)):
        if i < len(first_employers):
            org = first_employers[i]
        else:
            org = rng.choices(orgs, cum_weights=cum_weights)[0]
        employers = [org]
        if rng.random() < 0.125:
            other = rng.choices(orgs, cum_weights=cum_weights)[0]
            if other is not org:
                employers.append(other)
        gender = rng.choice("MF")
        name = names.person_name(rng, "F" if rng.random() < 0.7 else gender)
        level = worker_level(rng)
        cert = None
        expires = None
        if level is not WorkerLevel.NONE:
            year = rng.randint(2010, today.year - 1)
            cert = certificate_number(i + 1, level, year)
            # Registration lasts 3 years; some have lapsed, which the UI should show.
            expires = today + dt.timedelta(days=rng.randint(-240, 3 * 365))
        home = rng.choice(ctx.communities_by_street.get(org.street.id) or [org.street])
        specialties = sorted(
            {*rng.sample(org.categories, 1), *rng.sample(CATEGORIES, rng.randint(0, 2))}
        )
        accounts.append(account_row(ctx, account_id, display_name=name, phone=ctx.phones.next()))
        workers.append(
            {
                "id": worker_id,
                "account_id": account_id,
                "name": name,
                "level": level,
                "certificate_number": cert,
                "registration_expires_on": expires,
                "specialties": specialties,
                "home_region_id": home.id,
                "is_active": True,
            }
        )
        for employer in employers:
            employer.staff += 1
            memberships.append(
                {
                    "id": await ctx.writer.new_id(MEMBERSHIPS),
                    "social_worker_id": worker_id,
                    "organization_id": employer.id,
                }
            )
            grants.append(
                grant_row(
                    await ctx.writer.new_id(GRANTS),
                    account_id,
                    Role.SOCIAL_WORKER,
                    organization_id=employer.id,
                )
            )
        if len(accounts) >= ctx.scale.batch:
            await _flush_workers(ctx, accounts, workers, memberships, grants)
            accounts, workers, memberships, grants = [], [], [], []
    await _flush_workers(ctx, accounts, workers, memberships, grants)
    ctx.count("social_workers", n)
    ctx.log(f"social workers: {n}")


async def _flush_workers(
    ctx: SeedContext,
    accounts: list[dict[str, Any]],
    workers: list[dict[str, Any]],
    memberships: list[dict[str, Any]],
    grants: list[dict[str, Any]],
) -> None:
    await ctx.writer.insert(ACCOUNTS, accounts)
    await ctx.writer.insert(WORKERS, workers)
    await ctx.writer.insert(MEMBERSHIPS, memberships)
    await ctx.writer.insert(GRANTS, grants)
    ctx.count("accounts", len(accounts))
    ctx.count("memberships", len(memberships))
    ctx.count("role_grants", len(grants))
