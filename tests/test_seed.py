"""``matchmaker seed``: deterministic, valid demo data, and demo logins that work."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from matchmaker.config import Environment, Settings
from matchmaker.db import Base
from matchmaker.models import (
    Account,
    AuditEvent,
    Organization,
    Region,
    RoleGrant,
    SocialWorker,
    SocialWorkerMembership,
    Volunteer,
)
from matchmaker.models.audit import SQLITE_GUARD_DROP, SQLITE_GUARD_TRIGGERS
from matchmaker.models.enums import RegionLevel, Role, WorkerLevel
from matchmaker.seed import DEMO_LOGINS, DEMO_PASSWORD, SeedError, run_seed
from matchmaker.seed.geography import JINAN_DISTRICTS, other_city_places
from matchmaker.seed.regions import jinan_rows
from matchmaker.services import accounts, regions
from matchmaker.services.bootstrap import system_context
from matchmaker.services.crypto import decrypt_pii, keyed_hash
from matchmaker.services.validation import (
    age_on,
    is_valid_credit_code,
    is_valid_phone,
    mask_id_number,
    parse_id_number,
)

LOGIN = """
mutation($login: String!, $password: String!) {
  login(input: {login: $login, password: $password}) {
    token
    account { username grants { role } }
    errors { code }
  }
}
"""


async def _empty(engine: AsyncEngine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            # Audit rows refuse DELETE (append-only triggers): lift the guard to empty them.
            for statement in SQLITE_GUARD_DROP:
                await conn.execute(text(statement))
            for name in tables:
                await conn.execute(text(f"DELETE FROM {name}"))
            for statement in SQLITE_GUARD_TRIGGERS:
                await conn.execute(text(statement))


async def _digest(session: AsyncSession) -> str:
    """A hash of the key columns (not ciphertexts or timestamps, which differ by design)."""
    queries: list[Any] = [
        select(Region.code, Region.name, Region.latitude).order_by(Region.code),
        select(
            Organization.credit_code,
            Organization.name,
            Organization.grade,
            Organization.legal_representative,
            Organization.contact_phone,
        ).order_by(Organization.credit_code),
        select(SocialWorker.name, SocialWorker.level, SocialWorker.certificate_number).order_by(
            SocialWorker.id
        ),
        select(
            Volunteer.volunteer_number,
            Volunteer.real_name,
            Volunteer.id_number_hash,
            Volunteer.birth_date,
            Volunteer.availability,
            Volunteer.latitude,
        ).order_by(Volunteer.volunteer_number),
        select(Account.username, Account.phone, Account.display_name).order_by(Account.id),
    ]
    h = hashlib.sha256()
    for query in queries:
        for row in (await session.execute(query)).all():
            h.update(repr(tuple(row)).encode())
    return h.hexdigest()


async def _count(session: AsyncSession, model: Any) -> int:
    n = int(await session.scalar(select(func.count()).select_from(model)) or 0)
    # End the read: on SQLite an open transaction holds the write lock the seed needs.
    await session.rollback()
    return n


@pytest.fixture
async def seeded(settings: Settings, session_factory: async_sessionmaker[AsyncSession]) -> Settings:
    await run_seed(settings, scale="small", seed=1, quiet=True)
    return settings


async def test_same_seed_gives_the_same_data(
    settings: Settings, engine: AsyncEngine, session: AsyncSession
) -> None:
    await run_seed(settings, scale="small", seed=7, quiet=True)
    first = await _digest(session)
    await session.rollback()
    await _empty(engine)
    await run_seed(settings, scale="small", seed=7, quiet=True)
    assert await _digest(session) == first


async def test_another_seed_gives_other_data(
    settings: Settings, engine: AsyncEngine, session: AsyncSession
) -> None:
    await run_seed(settings, scale="small", seed=1, quiet=True)
    first = await _digest(session)
    names_1 = set(await session.scalars(select(Volunteer.real_name)))
    await session.rollback()
    await _empty(engine)
    await run_seed(settings, scale="small", seed=2, quiet=True)
    assert await _digest(session) != first
    assert set(await session.scalars(select(Volunteer.real_name))) != names_1


async def test_small_scale_has_the_documented_sizes(
    seeded: Settings, session: AsyncSession
) -> None:
    districts = await session.scalars(
        select(Region.name).where(Region.level == RegionLevel.DISTRICT)
    )
    assert sorted(districts) == sorted(d.name for d in JINAN_DISTRICTS)
    assert 30 <= await _count(session, Organization) <= 31
    assert 40 <= await _count(session, SocialWorker) <= 42
    assert 300 <= await _count(session, Volunteer) <= 302


async def test_every_credit_code_is_valid_and_unique(
    seeded: Settings, session: AsyncSession
) -> None:
    codes = list(await session.scalars(select(Organization.credit_code)))
    assert codes and all(is_valid_credit_code(c) for c in codes)
    assert len(set(codes)) == len(codes)


async def test_every_id_number_is_valid_and_matches_the_profile(
    seeded: Settings, session: AsyncSession
) -> None:
    rows = (await session.execute(select(Volunteer))).scalars().all()
    today = __import__("matchmaker").clock.today_shanghai()
    for v in rows:
        number = decrypt_pii(seeded.secret_key, v.id_number_encrypted)
        parsed = parse_id_number(number)
        assert parsed is not None, number
        _, birth, gender = parsed
        assert (birth, gender) == (v.birth_date, v.gender)
        assert v.id_number_masked == mask_id_number(number)
        assert v.id_number_hash == keyed_hash(seeded.secret_key, number)
        # Minors volunteer only with a guardian's consent.
        assert v.guardian_consent == (age_on(birth, today) < 18)
        assert age_on(birth, today) >= 14


async def test_volunteer_numbers_and_phones_are_unique(
    seeded: Settings, session: AsyncSession
) -> None:
    numbers = list(await session.scalars(select(Volunteer.volunteer_number)))
    assert len(set(numbers)) == len(numbers)
    phones = [p for p in await session.scalars(select(Account.phone)) if p is not None]
    assert len(set(phones)) == len(phones)
    assert all(is_valid_phone(p) for p in phones)


async def test_certified_social_workers_have_certificates_and_organizations(
    seeded: Settings, session: AsyncSession
) -> None:
    workers = (await session.execute(select(SocialWorker))).scalars().all()
    assert {w.level for w in workers} >= {WorkerLevel.ASSISTANT, WorkerLevel.SOCIAL_WORKER}
    for w in workers:
        assert (w.certificate_number is None) == (w.level is WorkerLevel.NONE)
    employed = set(await session.scalars(select(SocialWorkerMembership.social_worker_id)))
    assert employed == {w.id for w in workers}


async def test_demo_logins_log_in_with_the_documented_password_and_their_role(
    seeded: Settings, gql: Any
) -> None:
    for login in DEMO_LOGINS:
        data = await gql(LOGIN, {"login": login.username, "password": DEMO_PASSWORD})
        payload = data["login"]
        assert payload["errors"] == [], login.username
        assert payload["token"]
        assert [g["role"] for g in payload["account"]["grants"]] == [login.role.value]


async def test_demo_social_worker_and_volunteer_have_profiles(
    seeded: Settings, session: AsyncSession
) -> None:
    worker_account = await session.scalar(
        select(Account.id).where(Account.username == "socialworker")
    )
    worker = await session.scalar(
        select(SocialWorker).where(SocialWorker.account_id == worker_account)
    )
    assert worker is not None and worker.certificate_number
    org_grant = await session.scalar(
        select(RoleGrant.organization_id).where(RoleGrant.account_id == worker_account)
    )
    staff = await session.scalar(
        select(func.count()).where(SocialWorkerMembership.organization_id == org_grant)
    )
    assert staff is not None and staff >= 5
    volunteer_account = await session.scalar(
        select(Account.id).where(Account.username == "volunteer")
    )
    assert await session.scalar(
        select(Volunteer.id).where(Volunteer.account_id == volunteer_account)
    )


async def test_if_empty_twice_seeds_once(settings: Settings, session: AsyncSession) -> None:
    first = await run_seed(settings, scale="small", seed=1, if_empty=True, quiet=True)
    volunteers = await _count(session, Volunteer)
    second = await run_seed(settings, scale="small", seed=1, if_empty=True, quiet=True)
    assert (first.seeded, second.seeded) == (True, False)
    assert await _count(session, Volunteer) == volunteers
    assert await _count(session, Account) == first.counts["accounts"]


async def test_if_empty_prints_the_demo_logins_again(
    seeded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    await run_seed(seeded, scale="small", seed=1, if_empty=True, quiet=False)
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    assert all(login.username in out for login in DEMO_LOGINS)


async def test_seeding_a_database_with_data_is_refused_and_writes_nothing(
    seeded: Settings, session: AsyncSession
) -> None:
    accounts = await _count(session, Account)
    with pytest.raises(SeedError, match="already has data"):
        await run_seed(seeded, scale="small", seed=2, quiet=True)
    assert await _count(session, Account) == accounts


async def test_seeding_is_refused_in_production(settings: Settings, session: AsyncSession) -> None:
    with pytest.raises(SeedError, match="production"):
        await run_seed(replace(settings, env=Environment.PRODUCTION), scale="small", seed=1)
    assert await _count(session, Account) == 0


async def test_one_audit_event_records_the_run_and_its_counts(
    seeded: Settings, session: AsyncSession
) -> None:
    events = (
        (await session.execute(select(AuditEvent).where(AuditEvent.action == "seed.run")))
        .scalars()
        .all()
    )
    assert len(events) == 1
    assert events[0].actor_account_id is None
    assert events[0].after is not None
    counts = events[0].after["counts"]
    assert counts["volunteers"] == await _count(session, Volunteer)
    assert counts["organizations"] == await _count(session, Organization)


async def test_the_demo_city_csv_imports_through_the_region_service(
    settings: Settings, session: AsyncSession
) -> None:
    rows = jinan_rows(streets_per_district=None, communities_per_street=None)
    report = await regions.import_rows(system_context(session, settings), rows=rows)
    assert report.created == len(rows) > 1_000
    villages = await session.scalar(
        select(func.count()).where(
            Region.level == RegionLevel.COMMUNITY, Region.code.like("_________2__")
        )
    )
    assert villages and villages > 100


def test_synthetic_province_regions_have_valid_codes_inside_their_parents() -> None:
    seen: dict[str, RegionLevel] = {"370000000000": RegionLevel.PROVINCE}
    for place in other_city_places():
        level = RegionLevel(place.level)
        assert regions.code_problem(place.code, level) is None, place
        assert seen[place.parent_code] is regions.PARENT_LEVEL[level]
        assert regions.parent_prefix_ok(place.code, level, Region(code=place.parent_code))
        assert place.code not in seen
        seen[place.code] = level
    assert len(seen) > 20_000


def test_demo_roles_cover_every_role() -> None:
    assert {login.role for login in DEMO_LOGINS} == set(Role)


async def test_rows_created_after_seeding_get_fresh_ids(
    seeded: Settings, session: AsyncSession
) -> None:
    # The seed assigns ids itself; PostgreSQL's sequences must have been moved past them.
    sc = system_context(session, seeded)
    account = await accounts.new_account(
        sc, username="newcomer", phone=None, password="passw0rd-new", display_name="新用户"
    )
    await accounts.add_grant(sc, account_id=account.id, role=Role.PLATFORM_ADMIN)
    await session.commit()
    assert account.id > max(await session.scalars(select(Volunteer.account_id)))


def test_demo_city_coordinates_are_around_jinan() -> None:
    rows = jinan_rows(streets_per_district=None, communities_per_street=None)
    # Jinan spans about 36.0–37.5 N and 116.2–117.9 E; streets are jittered around districts.
    for row in rows:
        assert 35.9 <= float(row["latitude"]) <= 37.6, row
        assert 116.1 <= float(row["longitude"]) <= 118.0, row
