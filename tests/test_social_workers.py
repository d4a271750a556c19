"""Social workers: hiring, certification and registration rules, scope on every path, staff.

Qualifications (level, certificate number, registration) are the bureau's
(``setSocialWorkerQualification``); an existing worker joins a staff by accepting an invitation
(the attacks these rules stop are in tests/test_security_procurement.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from matchmaker import clock
from matchmaker.models import (
    AuditEvent,
    Notification,
    RoleGrant,
    SocialWorker,
    SocialWorkerMembership,
)
from matchmaker.models.enums import Role
from matchmaker.services.social_workers import registration_expiry
from tests import factories
from tests.support import count, gid

CREATE = """
mutation($i: CreateSocialWorkerInput!) {
  createSocialWorker(input: $i) {
    socialWorker { id name level certificateNumber registrationExpiresOn registrationValid
                   specialties homeRegion { name } organizations { name } version }
    errors { code field }
  }
}
"""
QUALIFY = """
mutation($i: SetSocialWorkerQualificationInput!) {
  setSocialWorkerQualification(input: $i) {
    socialWorker { id level certificateNumber registrationExpiresOn registrationValid version }
    errors { code field }
  }
}
"""
UPDATE = """
mutation($i: UpdateSocialWorkerInput!) {
  updateSocialWorker(input: $i) {
    socialWorker { level certificateNumber specialties version }
    errors { code field }
  }
}
"""
LIST = """
query($region: ID, $minLevel: WorkerLevel, $specialty: ServiceCategory, $org: ID,
      $text: String, $inactive: Boolean! = false) {
  socialWorkers(first: 50, regionId: $region, minLevel: $minLevel, specialty: $specialty,
                organizationId: $org, text: $text, includeInactive: $inactive) {
    edges { node { name } }
  }
}
"""
NODE = "query($id: ID!) { node(id: $id) { ... on SocialWorker { name organizations { name } } } }"
STAFF = "query($id: ID!) { node(id: $id) { ... on Organization { staff { name } } } }"
ADD = """
mutation($i: AddStaffMemberInput!) {
  addStaffMember(input: $i) {
    invitation { id organizationName socialWorkerName status } errors { code }
  }
}
"""
ACCEPT = """
mutation($i: StaffInvitationIdInput!) {
  acceptStaffInvitation(input: $i) { invitation { status } errors { code } }
}
"""
REMOVE = """
mutation($i: RemoveStaffMemberInput!) {
  removeStaffMember(input: $i) { organization { staffCount } errors { code } }
}
"""


@pytest.fixture
async def world(session):
    return await factories.world(session)


@pytest.fixture
async def org_a(session, settings, world):
    return await factories.organization(session, settings, region=world.street_a, name="甲机构")


@pytest.fixture
async def org_b(session, settings, world):
    return await factories.organization(session, settings, region=world.street_b, name="乙机构")


@pytest.fixture
async def org_admin(session, settings, org_a):
    return await factories.account(session, settings, role=Role.ORG_ADMIN, organization_id=org_a.id)


@pytest.fixture
async def bureau(session, settings, world):
    return await factories.account(
        session, settings, role=Role.BUREAU_OFFICER, region=world.district
    )


@pytest.fixture
async def staff_a(session, settings, world):
    return await factories.account(
        session, settings, role=Role.COMMUNITY_STAFF, region=world.street_a
    )


def worker_input(org, **overrides: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        "organizationId": gid("Organization", org.id),
        "name": "陈晨",
        "phone": "13712345678",
        "password": "passw0rd-initial",
        "specialties": ["ELDERLY"],
    }
    data.update(overrides)
    return data


# --- create -----------------------------------------------------------------------------------


async def test_org_admin_hires_a_new_social_worker_who_can_log_in(
    gql, session, world, org_a, org_admin
):
    data = await gql(
        CREATE,
        {"i": worker_input(org_a, homeRegionId=gid("Region", world.community_a1.id))},
        token=org_admin.token,
    )
    payload = data["createSocialWorker"]
    assert payload["errors"] == []
    worker = payload["socialWorker"]
    # Uncertified until the bureau records a qualification.
    assert (worker["level"], worker["certificateNumber"]) == ("NONE", None)
    assert worker["organizations"] == [{"name": "甲机构"}]
    assert worker["homeRegion"] == {"name": "朝山街社区"}
    login = await gql(
        'mutation { login(input: {login: "13712345678", password: "passw0rd-initial"}) '
        "{ token errors { code } } }"
    )
    token = login["login"]["token"]
    assert token
    mine = await gql("{ myOrganizations { name } }", token=token)
    assert mine["myOrganizations"] == [{"name": "甲机构"}]
    grant = await session.scalar(select(RoleGrant).where(RoleGrant.role == Role.SOCIAL_WORKER))
    assert grant is not None and grant.organization_id == org_a.id


def qualification(worker, **overrides: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        "socialWorkerId": gid("SocialWorker", worker.id),
        "version": worker.version,
        "level": "SOCIAL_WORKER",
        "certificateNumber": "sw2021370100123",
    }
    data.update(overrides)
    return data


async def test_the_bureau_records_a_certified_level_only_with_a_certificate_number(
    gql, session, settings, org_a, bureau
):
    _, worker = await factories.social_worker(session, settings, organization_id=org_a.id)
    before_events = await count(session, AuditEvent)
    await session.commit()  # end the read so SQLite lets the request write
    data = await gql(
        QUALIFY, {"i": qualification(worker, certificateNumber=None)}, token=bureau.token
    )
    assert data["setSocialWorkerQualification"]["errors"] == [
        {"code": "INVALID_INPUT", "field": "certificateNumber"}
    ]
    assert await count(session, AuditEvent) == before_events
    await session.commit()
    data = await gql(QUALIFY, {"i": qualification(worker)}, token=bureau.token)
    assert data["setSocialWorkerQualification"]["socialWorker"]["certificateNumber"] == (
        "SW2021370100123"
    )


async def test_a_certificate_number_taken_is_refused_and_nothing_is_written(
    gql, session, settings, org_a, bureau
):
    await factories.social_worker(
        session,
        settings,
        organization_id=org_a.id,
        level="ASSISTANT",
        certificate_number="SW2021370100123",
    )
    _, worker = await factories.social_worker(session, settings, organization_id=org_a.id)
    before_events = await count(session, AuditEvent)
    await session.commit()  # end the read so SQLite lets the request write
    data = await gql(QUALIFY, {"i": qualification(worker)}, token=bureau.token)
    assert data["setSocialWorkerQualification"]["errors"][0]["code"] == ("CERTIFICATE_NUMBER_TAKEN")
    assert await count(session, AuditEvent) == before_events


async def test_org_admin_cannot_hire_into_another_organization(gql, session, org_b, org_admin):
    data = await gql(CREATE, {"i": worker_input(org_b)}, token=org_admin.token)
    assert data["createSocialWorker"]["errors"][0]["code"] == "NOT_FOUND"
    assert await count(session, SocialWorker) == 0


# --- registration -----------------------------------------------------------------------------


def test_registration_lasts_three_years():
    assert registration_expiry(dt.date(2023, 3, 15)) == dt.date(2026, 3, 14)
    assert registration_expiry(dt.date(2024, 2, 29)) == dt.date(2027, 2, 27)


async def test_registration_valid_is_computed_for_today_in_shanghai(
    gql, session, settings, org_a, org_admin, bureau
):
    clock.freeze(dt.datetime(2026, 3, 14, 15, 30, tzinfo=dt.UTC))  # 2026-03-14 23:30 in China
    _, row = await factories.social_worker(session, settings, organization_id=org_a.id)
    data = await gql(
        QUALIFY, {"i": qualification(row, registeredOn="2023-03-15")}, token=bureau.token
    )
    worker = data["setSocialWorkerQualification"]["socialWorker"]
    assert worker["registrationExpiresOn"] == "2026-03-14"
    assert worker["registrationValid"] is True
    clock.advance(dt.timedelta(hours=1))  # 2026-03-15 00:30 in China
    node = await gql(
        "query($id: ID!) { node(id: $id) { ... on SocialWorker { registrationValid } } }",
        {"id": worker["id"]},
        token=org_admin.token,
    )
    assert node["node"]["registrationValid"] is False


# --- update -----------------------------------------------------------------------------------


async def test_social_worker_updates_their_own_profile(gql, session, settings, org_a):
    login, worker = await factories.social_worker(session, settings, organization_id=org_a.id)
    data = await gql(
        UPDATE,
        {
            "i": {
                "socialWorkerId": gid("SocialWorker", worker.id),
                "version": 1,
                "specialties": ["FAMILY", "PSYCHOLOGICAL"],
            }
        },
        token=login.token,
    )
    assert data["updateSocialWorker"] == {
        "socialWorker": {
            "level": "NONE",
            "certificateNumber": None,
            "specialties": ["FAMILY", "PSYCHOLOGICAL"],
            "version": 2,
        },
        "errors": [],
    }


async def test_stale_version_is_refused(gql, session, settings, org_a, org_admin):
    _, worker = await factories.social_worker(session, settings, organization_id=org_a.id)
    change = {"socialWorkerId": gid("SocialWorker", worker.id), "version": 1}
    await gql(UPDATE, {"i": {**change, "specialties": ["FAMILY"]}}, token=org_admin.token)
    data = await gql(UPDATE, {"i": {**change, "specialties": ["ELDERLY"]}}, token=org_admin.token)
    assert data["updateSocialWorker"]["errors"][0]["code"] == "STALE_VERSION"


async def test_a_social_worker_cannot_update_a_colleague(gql, session, settings, org_a):
    login, _ = await factories.social_worker(session, settings, organization_id=org_a.id)
    _, colleague = await factories.social_worker(session, settings, organization_id=org_a.id)
    data = await gql(
        UPDATE,
        {"i": {"socialWorkerId": gid("SocialWorker", colleague.id), "version": 1, "name": "改"}},
        token=login.token,
    )
    assert data["updateSocialWorker"]["errors"][0]["code"] == "NOT_FOUND"


# --- scope ------------------------------------------------------------------------------------


async def test_community_staff_cannot_reach_another_streets_social_worker(
    gql, session, settings, world, org_a, org_b, staff_a
):
    _, mine = await factories.social_worker(
        session, settings, organization_id=org_a.id, name="甲社工"
    )
    _, theirs = await factories.social_worker(
        session, settings, organization_id=org_b.id, name="乙社工", home=world.community_b1
    )
    listed = await gql(LIST, {}, token=staff_a.token)
    assert [e["node"]["name"] for e in listed["socialWorkers"]["edges"]] == ["甲社工"]
    hidden = await gql(NODE, {"id": gid("SocialWorker", theirs.id)}, token=staff_a.token)
    assert hidden["node"] is None
    staff = await gql(STAFF, {"id": gid("Organization", org_b.id)}, token=staff_a.token)
    assert staff["node"] is None
    staff = await gql(STAFF, {"id": gid("Organization", org_a.id)}, token=staff_a.token)
    assert staff["node"]["staff"] == [{"name": "甲社工"}]
    data = await gql(
        UPDATE,
        {"i": {"socialWorkerId": gid("SocialWorker", theirs.id), "version": 1, "name": "改"}},
        token=staff_a.token,
    )
    assert data["updateSocialWorker"]["errors"][0]["code"] == "FORBIDDEN"
    assert mine.id != theirs.id


async def test_worker_organizations_show_only_those_the_viewer_may_read(
    gql, session, settings, world, org_a, org_b, staff_a
):
    _, worker = await factories.social_worker(
        session, settings, organization_id=org_a.id, home=world.community_a1
    )
    session.add(SocialWorkerMembership(social_worker_id=worker.id, organization_id=org_b.id))
    await session.commit()
    data = await gql(NODE, {"id": gid("SocialWorker", worker.id)}, token=staff_a.token)
    assert data["node"]["organizations"] == [{"name": "甲机构"}]


async def test_region_roles_see_workers_living_in_their_region(
    gql, session, settings, world, org_b, staff_a
):
    await factories.social_worker(
        session, settings, organization_id=org_b.id, name="住在甲", home=world.community_a2
    )
    listed = await gql(LIST, {}, token=staff_a.token)
    assert [e["node"]["name"] for e in listed["socialWorkers"]["edges"]] == ["住在甲"]


async def test_org_admin_sees_only_their_staff(gql, session, settings, org_a, org_b, org_admin):
    await factories.social_worker(session, settings, organization_id=org_a.id, name="本机构")
    await factories.social_worker(session, settings, organization_id=org_b.id, name="他机构")
    listed = await gql(LIST, {}, token=org_admin.token)
    assert [e["node"]["name"] for e in listed["socialWorkers"]["edges"]] == ["本机构"]


# --- list filters -----------------------------------------------------------------------------


async def test_list_filters_by_level_specialty_organization_region_and_text(
    gql, session, settings, world, org_a, org_b
):
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    await factories.social_worker(
        session,
        settings,
        organization_id=org_a.id,
        name="高级甲",
        level="SENIOR",
        certificate_number="S-0001",
        specialties=["ELDERLY"],
    )
    await factories.social_worker(
        session,
        settings,
        organization_id=org_b.id,
        name="助理乙",
        level="ASSISTANT",
        certificate_number="A-0002",
        specialties=["FAMILY"],
    )

    async def names(**variables: object) -> list[str]:
        data = await gql(LIST, variables, token=admin.token)
        return sorted(e["node"]["name"] for e in data["socialWorkers"]["edges"])

    assert await names(minLevel="SOCIAL_WORKER") == ["高级甲"]
    assert await names(specialty="FAMILY") == ["助理乙"]
    assert await names(org=gid("Organization", org_b.id)) == ["助理乙"]
    assert await names(region=gid("Region", world.street_a.id)) == ["高级甲"]
    assert await names(text="a-000") == ["助理乙"]


# --- staff ------------------------------------------------------------------------------------


async def test_org_admin_invites_an_existing_worker_by_phone_and_name_who_accepts(
    gql, session, settings, org_a, org_b, org_admin
):
    login, worker = await factories.social_worker(
        session, settings, organization_id=org_b.id, name="王五", phone="13611112222"
    )
    data = await gql(
        ADD,
        {
            "i": {
                "organizationId": gid("Organization", org_a.id),
                "phone": "13611112222",
                "name": "王五",
            }
        },
        token=org_admin.token,
    )
    invitation = data["addStaffMember"]["invitation"]
    assert data["addStaffMember"]["errors"] == []
    assert invitation["status"] == "PENDING"
    assert (invitation["organizationName"], invitation["socialWorkerName"]) == ("甲机构", "王五")
    staff = await gql(STAFF, {"id": gid("Organization", org_a.id)}, token=org_admin.token)
    assert staff["node"]["staff"] == []  # not staff until they accept
    again = await gql(
        ADD,
        {
            "i": {
                "organizationId": gid("Organization", org_a.id),
                "phone": "13611112222",
                "name": "王五",
            }
        },
        token=org_admin.token,
    )
    assert again["addStaffMember"]["errors"] == [{"code": "ALREADY_MEMBER"}]
    kinds = list(
        await session.scalars(
            select(Notification.kind).where(Notification.account_id == worker.account_id)
        )
    )
    await session.commit()
    assert kinds == ["organization.staff_invited"]
    accepted = await gql(ACCEPT, {"i": {"invitationId": invitation["id"]}}, token=login.token)
    assert accepted["acceptStaffInvitation"] == {"invitation": {"status": "ACTIVE"}, "errors": []}
    staff = await gql(STAFF, {"id": gid("Organization", org_a.id)}, token=org_admin.token)
    assert staff["node"]["staff"] == [{"name": "王五"}]


async def test_hiring_by_id_needs_a_worker_the_caller_can_already_see(
    gql, session, settings, org_a, org_b, org_admin
):
    _, worker = await factories.social_worker(session, settings, organization_id=org_b.id)
    data = await gql(
        ADD,
        {
            "i": {
                "organizationId": gid("Organization", org_a.id),
                "socialWorkerId": gid("SocialWorker", worker.id),
            }
        },
        token=org_admin.token,
    )
    assert data["addStaffMember"]["errors"] == [{"code": "NOT_FOUND"}]
    assert await count(session, SocialWorkerMembership) == 1


async def test_removing_a_staff_member_revokes_their_grant_for_the_organization(
    gql, session, settings, org_a, org_admin
):
    login, worker = await factories.social_worker(session, settings, organization_id=org_a.id)
    data = await gql(
        REMOVE,
        {
            "i": {
                "organizationId": gid("Organization", org_a.id),
                "socialWorkerId": gid("SocialWorker", worker.id),
            }
        },
        token=org_admin.token,
    )
    assert data["removeStaffMember"] == {"organization": {"staffCount": 0}, "errors": []}
    mine = await gql("{ myOrganizations { name } }", token=login.token)
    assert mine["myOrganizations"] == []
    hidden = await gql(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": gid("Organization", org_a.id)},
        token=login.token,
    )
    assert hidden["node"] is None


async def test_deactivated_workers_leave_the_list_and_the_staff(
    gql, session, settings, org_a, org_admin
):
    _, worker = await factories.social_worker(session, settings, organization_id=org_a.id)
    data = await gql(
        "mutation($i: SetSocialWorkerActiveInput!) { setSocialWorkerActive(input: $i) "
        "{ socialWorker { isActive } errors { code } } }",
        {"i": {"socialWorkerId": gid("SocialWorker", worker.id), "active": False}},
        token=org_admin.token,
    )
    assert data["setSocialWorkerActive"]["socialWorker"] == {"isActive": False}
    listed = await gql(LIST, {}, token=org_admin.token)
    assert listed["socialWorkers"]["edges"] == []
    listed = await gql(LIST, {"inactive": True}, token=org_admin.token)
    assert len(listed["socialWorkers"]["edges"]) == 1
    staff = await gql(STAFF, {"id": gid("Organization", org_a.id)}, token=org_admin.token)
    assert staff["node"]["staff"] == []


@pytest.mark.postgres_only
async def test_a_qualification_losing_a_race_for_a_certificate_number_gets_number_taken(
    session, session_factory, settings, org_a, monkeypatch
):
    """The competitor commits between this hire's duplicate check and its insert."""
    from matchmaker.models.enums import WorkerLevel
    from matchmaker.services import social_workers as worker_service
    from matchmaker.services.authz import Actor, Grant
    from matchmaker.services.context import ServiceContext
    from matchmaker.services.errors import DomainError

    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    actor = Actor(account_id=admin.account.id, grants=(Grant(role=Role.PLATFORM_ADMIN),))
    org_id = org_a.id
    check = worker_service._certificate

    _, first = await factories.social_worker(session, settings, organization_id=org_id)
    _, second = await factories.social_worker(session, settings, organization_id=org_id)
    workers = {"winner": first.id, "loser": second.id}

    async def hire(own: object, username: str) -> object:
        return await worker_service.set_qualification(
            ServiceContext(own, actor, settings),  # type: ignore[arg-type]
            social_worker_id=workers[username],
            version=1,
            level=WorkerLevel.ASSISTANT,
            certificate_number="A-7777",
            registered_on=None,
        )

    async def competitor_commits_after_the_check(own_session, value, **kwargs):  # type: ignore[no-untyped-def]
        checked = await check(own_session, value, **kwargs)
        monkeypatch.setattr(worker_service, "_certificate", check)
        async with session_factory() as other:
            await hire(other, "winner")
            await other.commit()
        return checked

    monkeypatch.setattr(worker_service, "_certificate", competitor_commits_after_the_check)
    async with session_factory() as mine:
        with pytest.raises(DomainError) as refused:
            await hire(mine, "loser")
        await mine.rollback()
    assert refused.value.code == "CERTIFICATE_NUMBER_TAKEN"
    taken = select(func.count()).where(SocialWorker.certificate_number == "A-7777")
    assert await session.scalar(taken) == 1


WORKER_BUDGET = """
query($n: Int!) {
  socialWorkers(first: $n) {
    edges { node { name homeRegion { name } organizations { name staffCount region { name } } } }
  }
}
"""


async def test_worker_list_makes_the_same_number_of_queries_for_10_and_50(
    gql, session, settings, statements, world, org_a, org_b
):

    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    for i in range(50):
        _, worker = await factories.social_worker(
            session, settings, organization_id=org_a.id, home=world.community_a1
        )
        if i % 2:
            session.add(
                SocialWorkerMembership(social_worker_id=worker.id, organization_id=org_b.id)
            )
    await session.commit()

    async def run(n: int) -> None:
        data = await gql(WORKER_BUDGET, {"n": n}, token=admin.token)
        assert len(data["socialWorkers"]["edges"]) == n

    ten, fifty = await statements.at(run, 10, 50)
    assert ten == fifty
    assert fifty <= 10, statements.last


async def test_hiring_is_audited_in_the_employers_region(gql, session, world, org_a, org_admin):
    data = await gql(
        CREATE,
        {"i": worker_input(org_a, homeRegionId=gid("Region", world.community_b1.id))},
        token=org_admin.token,
    )
    assert data["createSocialWorker"]["errors"] == []
    paths = dict(
        (
            await session.execute(
                select(AuditEvent.action, AuditEvent.region_path).where(
                    AuditEvent.action.in_(["social_worker.create", "organization.staff.add"])
                )
            )
        ).all()
    )
    assert paths == {
        "social_worker.create": world.street_a.path,
        "organization.staff.add": world.street_a.path,
    }
