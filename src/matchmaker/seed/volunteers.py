"""Step ``volunteers``: volunteer teams, volunteers with their accounts, and memberships.

ID numbers are fictitious but checksum-valid (GB 11643): the county code of the volunteer's
home, the birth date, a sequence whose parity is the gender, and the check digit. Volunteers
are generated community by community in code order, so the per-county sequence counters can
be dropped when the county changes and memory stays flat at province scale.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from matchmaker import clock
from matchmaker.models import TeamMembership, Volunteer, VolunteerTeam
from matchmaker.models.enums import Role, ServiceCategory
from matchmaker.seed import names
from matchmaker.seed.accounts import ACCOUNTS, GRANTS, account_row, grant_row
from matchmaker.seed.bulk import table_of
from matchmaker.seed.context import RegionInfo, SeedContext
from matchmaker.services.crypto import encrypt_pii, keyed_hash
from matchmaker.services.validation import age_on, id_check_digit, mask_id_number

VOLUNTEERS = table_of(Volunteer)
TEAMS = table_of(VolunteerTeam)
TEAM_MEMBERS = table_of(TeamMembership)

INTERESTS = [c.value for c in ServiceCategory if c is not ServiceCategory.OTHER]
# (minimum age, maximum age, share): students, working age, retirees.
AGE_BANDS = ((14, 17, 7), (18, 24, 22), (25, 44, 31), (45, 59, 20), (60, 75, 20))
#: Sequence slot reserved for the demo volunteer, so their ID can't collide with a generated one.
DEMO_SEQUENCE = 499
WEEKDAYS = range(5)
WEEKEND = (5, 6)
MORNING, AFTERNOON, EVENING = 0, 1, 2


def bit(day: int, slot: int) -> int:
    return 1 << (day * 3 + slot)


def availability(rng: random.Random, age: int) -> int:
    """Weekly availability bits: retirees on weekdays, workers evenings and weekends."""
    mask = 0
    if age >= 60:
        for day in WEEKDAYS:
            for slot in (MORNING, AFTERNOON):
                if rng.random() < 0.6:
                    mask |= bit(day, slot)
    else:
        for day in WEEKDAYS:
            if rng.random() < (0.15 if age < 25 else 0.3):
                mask |= bit(day, EVENING)
    for day in WEEKEND:
        for slot in (MORNING, AFTERNOON, EVENING):
            if rng.random() < (0.7 if slot != EVENING else 0.3):
                mask |= bit(day, slot)
    return mask or bit(5, MORNING)


def volunteer_number(n: int) -> str:
    """``V`` + 10 digits like the registration service's, scrambled so they look random:
    37 is coprime with 10^10, so distinct ``n`` give distinct numbers."""
    return f"V{(n * 3_700_000_037 + 4_242_424_242) % 10**10:010d}"


@dataclass(slots=True)
class VolunteerFactory:
    """Builds the account, volunteer and grant rows of one volunteer."""

    ctx: SeedContext
    rng: random.Random
    today: dt.date
    county: str = ""
    #: (birth ordinal, gender) → how many IDs in the current county use it.
    sequences: dict[tuple[int, str], int] | None = None

    def id_number(self, county: str, birth: dt.date, gender: str) -> str | None:
        if county != self.county or self.sequences is None:
            self.county, self.sequences = county, {}
        key = (birth.toordinal(), gender)
        k = self.sequences.get(key, 0)
        if k >= DEMO_SEQUENCE:
            return None
        self.sequences[key] = k + 1
        return self.make_id(county, birth, gender, k)

    @staticmethod
    def make_id(county: str, birth: dt.date, gender: str, k: int) -> str:
        # Slot k of 500 for this birth date, scrambled (37 is coprime with 500, so distinct k
        # give distinct slots) so sequences look like real ones rather than 001, 003, …
        slot = (k * 37 + birth.toordinal() * 131) % 500
        seq = 2 * slot + (1 if gender == "M" else 0)
        body = f"{county}{birth:%Y%m%d}{seq:03d}"
        return body + id_check_digit(body)

    async def rows(
        self,
        number: int,
        home: RegionInfo,
        *,
        name: str | None = None,
        gender: str | None = None,
        age: int | None = None,
        demo: bool = False,
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        rng, ctx = self.rng, self.ctx
        gender = gender or ("F" if rng.random() < 0.6 else "M")
        if age is None:
            lo, hi, _ = rng.choices(AGE_BANDS, weights=[b[2] for b in AGE_BANDS])[0]
            age = rng.randint(lo, hi)
        while True:
            birth = dt.date(self.today.year - age - 1, 1, 1) + dt.timedelta(
                days=rng.randint(0, 364)
            )
            id_number = (
                self.make_id(home.county, birth, gender, DEMO_SEQUENCE)
                if demo
                else self.id_number(home.county, birth, gender)
            )
            if id_number is not None:
                break
        name = name or names.person_name(rng, gender)
        age = age_on(birth, self.today)
        account_id = await ctx.writer.new_id(ACCOUNTS)
        secret = ctx.settings.secret_key
        volunteer = {
            "id": await ctx.writer.new_id(VOLUNTEERS),
            "account_id": account_id,
            "real_name": name,
            "id_number_encrypted": encrypt_pii(secret, id_number),
            "id_number_hash": keyed_hash(secret, id_number),
            "id_number_masked": mask_id_number(id_number),
            "birth_date": birth,
            "gender": gender,
            "volunteer_number": volunteer_number(number),
            "skills": rng.sample(names.SKILLS, rng.choice((0, 1, 1, 2, 2, 3))),
            "interests": rng.sample(INTERESTS, rng.randint(1, 3)),
            "availability": availability(rng, age),
            "home_region_id": home.id,
            "latitude": None
            if home.latitude is None
            else round(home.latitude + rng.uniform(-0.004, 0.004), 6),
            "longitude": None
            if home.longitude is None
            else round(home.longitude + rng.uniform(-0.005, 0.005), 6),
            "max_distance_km": rng.choice((2, 3, 5, 5, 5, 8, 10, 15)),
            # Minors (14–17 here) may volunteer with a guardian's consent (docs/domain.md).
            "guardian_consent": age < 18,
            "total_minutes": 0,
            "star_level": 0,
            "is_active": rng.random() > 0.02,
        }
        account = account_row(ctx, account_id, display_name=name, phone=ctx.phones.next())
        grant = grant_row(await ctx.writer.new_id(GRANTS), account_id, Role.VOLUNTEER)
        return account, volunteer, grant


def spread(rng: random.Random, total: int, weights: list[int]) -> list[int]:
    """Split ``total`` over the weights, the remainder to randomly chosen entries."""
    whole = sum(weights)
    counts = [total * w // whole for w in weights]
    rest = total - sum(counts)
    for i in rng.sample(range(len(weights)), rest):
        counts[i] += 1
    return counts


async def seed_volunteers(ctx: SeedContext) -> None:
    rng = ctx.rng("volunteers")
    today = clock.today_shanghai()
    communities = sorted(ctx.communities, key=lambda c: c.code)
    # Residents' committees are denser than villages; the demo street is busy on purpose.
    demo_street = ctx.shared.get("demo_street")
    weights = [
        (1 if int(c.code[9:]) >= 200 else 3)
        * (5 if demo_street and c.parent_id == demo_street.id else 1)
        for c in communities
    ]
    counts = spread(rng, ctx.scale.volunteers, weights)

    # Teams first, so volunteers can join them as they are made.
    team_rows: list[dict[str, Any]] = []
    community_team: dict[int, int] = {}
    street_org_teams: dict[int, list[int]] = {}
    for community, count in zip(communities, counts, strict=True):
        if (count >= 3 and rng.random() < 0.4) or (
            demo_street and community.parent_id == demo_street.id
        ):
            team_id = await ctx.writer.new_id(TEAMS)
            community_team[community.id] = team_id
            team_rows.append(
                {
                    "id": team_id,
                    "name": f"{community.name}志愿服务队",
                    "region_id": community.id,
                    "organization_id": None,
                    "description": f"{community.name}居民志愿者组成的志愿服务队。",
                    "is_active": True,
                }
            )
    for org in ctx.organizations:
        if org.registered and rng.random() < 0.2:
            team_id = await ctx.writer.new_id(TEAMS)
            street_org_teams.setdefault(org.street.id, []).append(team_id)
            team_rows.append(
                {
                    "id": team_id,
                    "name": f"{org.name}志愿服务队",
                    "region_id": org.region.id,
                    "organization_id": org.id,
                    "description": f"{org.name}组建的志愿服务队。",
                    "is_active": True,
                }
            )
    for start in range(0, len(team_rows), ctx.scale.batch):
        await ctx.writer.insert(TEAMS, team_rows[start : start + ctx.scale.batch])
    ctx.count("volunteer_teams", len(team_rows))
    ctx.shared["community_team"] = community_team

    factory = VolunteerFactory(ctx, rng, today)
    accounts: list[dict[str, Any]] = []
    volunteers: list[dict[str, Any]] = []
    grants: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    number = 0
    for community, count in zip(communities, counts, strict=True):
        team = community_team.get(community.id)
        org_teams = street_org_teams.get(community.parent_id or 0, [])
        for _ in range(count):
            number += 1
            account, volunteer, grant = await factory.rows(number, community)
            accounts.append(account)
            volunteers.append(volunteer)
            grants.append(grant)
            joined = []
            if team is not None and rng.random() < 0.35:
                joined.append(team)
            if org_teams and rng.random() < 0.05:
                joined.append(rng.choice(org_teams))
            for team_id in joined:
                members.append(
                    {
                        "id": await ctx.writer.new_id(TEAM_MEMBERS),
                        "team_id": team_id,
                        "volunteer_id": volunteer["id"],
                    }
                )
            if len(volunteers) >= ctx.scale.batch:
                await _flush(ctx, accounts, volunteers, grants, members)
                accounts, volunteers, grants, members = [], [], [], []
                ctx.log(f"volunteers: {number:,}")
    await _flush(ctx, accounts, volunteers, grants, members)
    ctx.shared["volunteer_numbers"] = number
    ctx.shared["volunteer_factory"] = factory
    ctx.log(f"volunteers: {number:,} in {len(communities):,} communities")


async def _flush(
    ctx: SeedContext,
    accounts: list[dict[str, Any]],
    volunteers: list[dict[str, Any]],
    grants: list[dict[str, Any]],
    members: list[dict[str, Any]],
) -> None:
    await ctx.writer.insert(ACCOUNTS, accounts)
    await ctx.writer.insert(VOLUNTEERS, volunteers)
    await ctx.writer.insert(GRANTS, grants)
    await ctx.writer.insert(TEAM_MEMBERS, members)
    ctx.count("accounts", len(accounts))
    ctx.count("volunteers", len(volunteers))
    ctx.count("role_grants", len(grants))
    ctx.count("team_memberships", len(members))
