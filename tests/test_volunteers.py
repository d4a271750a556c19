"""Volunteer registration, profiles, PIPL masking and read scope."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import event, func, select

from matchmaker import clock
from matchmaker.models import Account, AuditEvent, TeamMembership, Volunteer, VolunteerTeam
from matchmaker.models.enums import DaySlot, Role
from matchmaker.schema.relay import to_global_id
from matchmaker.services import volunteers as volunteer_service
from matchmaker.services.authz import Actor, Grant
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode
from matchmaker.services.validation import id_check_digit, mask_id_number
from tests import factories

NOW = dt.datetime(2026, 6, 1, 4, 0, tzinfo=dt.UTC)

REGISTER = """
mutation($i: RegisterVolunteerInput!) {
  registerVolunteer(input: $i) {
    token
    volunteer {
      id volunteerNumber realName idNumber phone age isMinor skills interests
      availability { day slot } latitude longitude maxDistanceKm guardianConsent
      totalHours starLevel isActive isMe version homeRegion { code }
    }
    errors { code field message }
  }
}
"""

VOLUNTEER_FIELDS = """
  id volunteerNumber realName idNumber phone age isMinor latitude longitude version isActive
  homeRegion { code } teams { name }
"""


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(NOW)


def register_input(world: factories.World, **overrides):
    data = {
        "phone": "13912345678",
        "password": "passw0rd-vol",
        "realName": "李小梅",
        "idNumber": factories.valid_id_number(1),
        "homeRegionId": to_global_id("Region", world.community_a1.id),
        "skills": ["急救", "摄影"],
        "interests": ["ELDERLY", "CULTURE_SPORT"],
        "availability": [{"day": 5, "slot": "MORNING"}, {"day": 6, "slot": "EVENING"}],
        "latitude": 36.66,
        "longitude": 117.02,
        "maxDistanceKm": 8,
    }
    data.update(overrides)
    return data


async def register(gql, world, **overrides):
    data = await gql(REGISTER, {"i": register_input(world, **overrides)})
    return data["registerVolunteer"]


def id_number_ending_in_x() -> str:
    for n in range(1000):
        number = factories.valid_id_number(n)
        if number.endswith("X"):
            return number
    raise AssertionError("no ID number with an X check digit")


def minor_id_number() -> str:
    birth = NOW.date().replace(year=NOW.year - 10).strftime("%Y%m%d")
    return factories.valid_id_number(7, birth=birth)


async def count(session, model) -> int:
    """Rows in a table; ends the read so the app's next write isn't blocked (SQLite)."""
    n = int(await session.scalar(select(func.count()).select_from(model)) or 0)
    await session.commit()
    return n


# --- registration -------------------------------------------------------------------------------


async def test_registration_creates_a_logged_in_volunteer_who_can_log_in_by_phone(
    gql, http, session
):
    world = await factories.world(session)
    result = await register(gql, world)

    assert result["errors"] == []
    volunteer = result["volunteer"]
    assert volunteer["realName"] == "李小梅"
    assert volunteer["idNumber"] == factories.valid_id_number(1)
    assert volunteer["phone"] == "13912345678"
    assert volunteer["volunteerNumber"].startswith("V") and len(volunteer["volunteerNumber"]) == 11
    assert volunteer["volunteerNumber"][1:].isdigit()
    assert volunteer["age"] == 36 and volunteer["isMinor"] is False
    assert volunteer["skills"] == ["急救", "摄影"] or set(volunteer["skills"]) == {"急救", "摄影"}
    assert set(volunteer["interests"]) == {"ELDERLY", "CULTURE_SPORT"}
    assert volunteer["availability"] == [
        {"day": 5, "slot": "MORNING"},
        {"day": 6, "slot": "EVENING"},
    ]
    assert (volunteer["latitude"], volunteer["longitude"]) == (36.66, 117.02)
    assert volunteer["homeRegion"] == {"code": world.community_a1.code}
    assert volunteer["totalHours"] == "0.00" and volunteer["starLevel"] == 0
    assert volunteer["isMe"] is True

    me = await gql("{ myVolunteerProfile { id } me { grants { role } } }", token=result["token"])
    assert me["myVolunteerProfile"]["id"] == volunteer["id"]
    assert me["me"]["grants"] == [{"role": "VOLUNTEER"}]

    login = await gql(
        "mutation($i: LoginInput!) { login(input: $i) { token errors { code } } }",
        {"i": {"login": "13912345678", "password": "passw0rd-vol"}},
    )
    assert login["login"]["token"]


async def test_registration_sets_the_session_cookie_like_login(http, session):
    world = await factories.world(session)
    response = await http.post(
        "/graphql", json={"query": REGISTER, "variables": {"i": register_input(world)}}
    )
    assert response.json()["data"]["registerVolunteer"]["errors"] == []
    cookie = response.headers["set-cookie"]
    assert (
        cookie.startswith("mm_session=")
        and "HttpOnly" in cookie
        and "samesite=lax" in cookie.lower()
    )


async def test_the_id_number_is_stored_only_encrypted_hashed_and_masked(gql, session, settings):
    world = await factories.world(session)
    number = factories.valid_id_number(1)
    await register(gql, world, idNumber=number)

    row = await session.scalar(select(Volunteer))
    assert row is not None
    assert number.encode() not in row.id_number_encrypted
    assert row.id_number_hash != number and len(row.id_number_hash) == 64
    assert row.id_number_masked == mask_id_number(number) == number[:4] + "*" * 10 + number[-4:]
    assert row.birth_date == dt.date(1990, 1, 1)
    assert row.gender == ("M" if int(number[16]) % 2 else "F")


@pytest.mark.parametrize(
    "bad_number",
    [
        pytest.param(
            factories.valid_id_number(1)[:17]
            + ("0" if factories.valid_id_number(1)[17] != "0" else "1"),
            id="bad-check-digit",
        ),
        pytest.param(
            "37010219900230001" + id_check_digit("37010219900230001"), id="impossible-date"
        ),
        pytest.param("3701021990010100", id="too-short"),
    ],
)
async def test_an_invalid_id_number_is_refused_and_nothing_is_written(gql, session, bad_number):
    world = await factories.world(session)
    result = await register(gql, world, idNumber=bad_number)

    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("INVALID_ID_NUMBER", "idNumber")
    ]
    assert result["volunteer"] is None and result["token"] is None
    assert await count(session, Account) == 0
    assert await count(session, Volunteer) == 0
    assert await count(session, AuditEvent) == 0


async def test_a_birth_date_in_the_future_is_an_invalid_id_number(gql, session):
    world = await factories.world(session)
    future = factories.valid_id_number(1, birth="20300101")
    result = await register(gql, world, idNumber=future)
    assert [e["code"] for e in result["errors"]] == ["INVALID_ID_NUMBER"]


async def test_an_id_number_registered_already_is_refused_even_with_a_lower_case_x(gql, session):
    world = await factories.world(session)
    number = id_number_ending_in_x()
    assert (await register(gql, world, idNumber=number))["errors"] == []

    again = await register(gql, world, idNumber=number.lower(), phone="13912345679")

    assert [(e["code"], e["field"]) for e in again["errors"]] == [("ID_NUMBER_TAKEN", "idNumber")]
    assert await count(session, Account) == 1
    assert await count(session, Volunteer) == 1


@pytest.mark.postgres_only
async def test_a_registration_that_loses_a_race_for_an_id_number_gets_id_number_taken(
    session, session_factory, settings, monkeypatch
):
    """The competitor commits between this registration's duplicate check and its insert."""
    world = await factories.world(session)
    winner = await factories.account(session, settings)
    loser = await factories.account(session, settings)
    number = factories.valid_id_number(9)
    profile = volunteer_service.ProfileInput(
        real_name="王五", id_number=number, home_region_id=world.community_a1.id
    )
    allocate_number = volunteer_service._new_volunteer_number

    async def competitor_commits_first(own_session):
        monkeypatch.setattr(volunteer_service, "_new_volunteer_number", allocate_number)
        async with session_factory() as other:
            await volunteer_service.become_volunteer(
                ServiceContext(other, Actor(account_id=winner.account.id), settings),
                profile=profile,
            )
            await other.commit()
        return await allocate_number(own_session)

    monkeypatch.setattr(volunteer_service, "_new_volunteer_number", competitor_commits_first)
    async with session_factory() as mine:
        with pytest.raises(DomainError) as refused:
            await volunteer_service.become_volunteer(
                ServiceContext(mine, Actor(account_id=loser.account.id), settings), profile=profile
            )
        await mine.rollback()

    assert refused.value.code is ErrorCode.ID_NUMBER_TAKEN
    assert await count(session, Volunteer) == 1


async def test_a_minor_without_guardian_consent_is_refused(gql, session):
    world = await factories.world(session)
    result = await register(gql, world, idNumber=minor_id_number())

    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("GUARDIAN_CONSENT_REQUIRED", "guardianConsent")
    ]
    assert await count(session, Account) == 0


async def test_a_minor_with_guardian_consent_is_registered_as_a_minor(gql, session):
    world = await factories.world(session)
    result = await register(gql, world, idNumber=minor_id_number(), guardianConsent=True)

    assert result["errors"] == []
    assert result["volunteer"]["isMinor"] is True
    assert result["volunteer"]["age"] == 10


async def test_the_home_region_must_be_a_community_or_a_grid(gql, session):
    world = await factories.world(session)
    result = await register(gql, world, homeRegionId=to_global_id("Region", world.street_a.id))

    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("INVALID_INPUT", "homeRegionId")
    ]
    assert await count(session, Account) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"skills": ["一" * 21]}, "skills"),
        ({"skills": [f"技能{i}" for i in range(21)]}, "skills"),
        ({"availability": [{"day": 7, "slot": "MORNING"}]}, "availability"),
        ({"latitude": 36.6, "longitude": None}, "latitude"),
        ({"maxDistanceKm": 0}, "maxDistanceKm"),
        ({"realName": "  "}, "realName"),
    ],
)
async def test_bad_profile_input_is_refused_with_its_field(gql, session, overrides, field):
    world = await factories.world(session)
    result = await register(gql, world, **overrides)

    assert [(e["code"], e["field"]) for e in result["errors"]] == [("INVALID_INPUT", field)]
    assert await count(session, Volunteer) == 0


async def test_a_weak_password_or_a_taken_phone_is_refused(gql, session, settings):
    world = await factories.world(session)
    await factories.account(session, settings, phone="13912345678")

    weak = await register(gql, world, password="12345678", phone="13912345670")
    taken = await register(gql, world)

    assert [e["code"] for e in weak["errors"]] == ["WEAK_PASSWORD"]
    assert [e["code"] for e in taken["errors"]] == ["PHONE_TAKEN"]
    assert await count(session, Volunteer) == 0


BECOME = """
mutation($i: BecomeVolunteerInput!) {
  becomeVolunteer(input: $i) { volunteer { realName idNumber isMe } errors { code } }
}
"""


def become_input(world, **overrides):
    data = register_input(world, **overrides)
    data.pop("phone")
    data.pop("password")
    return data


async def test_a_social_worker_can_become_a_volunteer_once(gql, session, settings):
    world = await factories.world(session)
    worker = await factories.account(session, settings, role=Role.BUREAU_OFFICER, region=world.city)

    first = await gql(BECOME, {"i": become_input(world)}, token=worker.token)
    second = await gql(
        BECOME,
        {"i": become_input(world, idNumber=factories.valid_id_number(2))},
        token=worker.token,
    )

    assert first["becomeVolunteer"]["errors"] == []
    assert first["becomeVolunteer"]["volunteer"]["isMe"] is True
    assert first["becomeVolunteer"]["volunteer"]["idNumber"] == factories.valid_id_number(1)
    assert [e["code"] for e in second["becomeVolunteer"]["errors"]] == ["ALREADY_REGISTERED"]
    roles = await gql("{ me { grants { role } } }", token=worker.token)
    assert {g["role"] for g in roles["me"]["grants"]} == {"BUREAU_OFFICER", "VOLUNTEER"}


async def test_becoming_a_volunteer_needs_a_login(gql, session):
    world = await factories.world(session)
    data = await gql(BECOME, {"i": become_input(world)})
    assert [e["code"] for e in data["becomeVolunteer"]["errors"]] == ["UNAUTHENTICATED"]


# --- profile updates ----------------------------------------------------------------------------

UPDATE = """
mutation($i: UpdateVolunteerProfileInput!) {
  updateVolunteerProfile(input: $i) {
    volunteer { skills interests availability { day slot } maxDistanceKm latitude version
                homeRegion { code } }
    errors { code field }
  }
}
"""


async def test_a_volunteer_updates_their_own_profile(gql, session, settings):
    world = await factories.world(session)
    login, row = await factories.volunteer(session, settings, home=world.community_a1)

    data = await gql(
        UPDATE,
        {
            "i": {
                "volunteerId": to_global_id("Volunteer", row.id),
                "version": row.version,
                "skills": ["心理咨询"],
                "interests": ["PSYCHOLOGICAL"],
                "availability": [{"day": 0, "slot": "AFTERNOON"}],
                "homeRegionId": to_global_id("Region", world.community_a2.id),
                "latitude": 36.6,
                "longitude": 117.1,
                "maxDistanceKm": 3,
            }
        },
        token=login.token,
    )

    result = data["updateVolunteerProfile"]
    assert result["errors"] == []
    assert result["volunteer"] == {
        "skills": ["心理咨询"],
        "interests": ["PSYCHOLOGICAL"],
        "availability": [{"day": 0, "slot": "AFTERNOON"}],
        "maxDistanceKm": 3,
        "latitude": 36.6,
        "version": row.version + 1,
        "homeRegion": {"code": world.community_a2.code},
    }
    await session.refresh(row)
    assert row.availability == 1 << 1


async def test_omitted_fields_stay_as_they_are(gql, session, settings):
    world = await factories.world(session)
    login, row = await factories.volunteer(
        session, settings, home=world.community_a1, skills=["急救"]
    )
    data = await gql(
        UPDATE,
        {"i": {"volunteerId": to_global_id("Volunteer", row.id), "version": 1, "maxDistanceKm": 9}},
        token=login.token,
    )
    assert data["updateVolunteerProfile"]["volunteer"]["skills"] == ["急救"]
    assert data["updateVolunteerProfile"]["volunteer"]["maxDistanceKm"] == 9


async def test_a_stale_version_is_refused(gql, session, settings):
    world = await factories.world(session)
    login, row = await factories.volunteer(session, settings, home=world.community_a1)
    data = await gql(
        UPDATE,
        {"i": {"volunteerId": to_global_id("Volunteer", row.id), "version": 99, "skills": ["x"]}},
        token=login.token,
    )
    assert [e["code"] for e in data["updateVolunteerProfile"]["errors"]] == ["STALE_VERSION"]


async def test_a_minor_cannot_withdraw_guardian_consent(gql, session, settings):
    world = await factories.world(session)
    login, row = await factories.volunteer(
        session,
        settings,
        home=world.community_a1,
        id_number=minor_id_number(),
        guardian_consent=True,
    )
    data = await gql(
        UPDATE,
        {
            "i": {
                "volunteerId": to_global_id("Volunteer", row.id),
                "version": row.version,
                "guardianConsent": False,
            }
        },
        token=login.token,
    )
    assert [e["code"] for e in data["updateVolunteerProfile"]["errors"]] == [
        "GUARDIAN_CONSENT_REQUIRED"
    ]


async def test_community_staff_cannot_edit_a_volunteer_profile(gql, session, settings):
    world = await factories.world(session)
    _, row = await factories.volunteer(session, settings, home=world.community_a1)
    staff = await factories.account(
        session, settings, role=Role.COMMUNITY_STAFF, region=world.street_a
    )
    data = await gql(
        UPDATE,
        {"i": {"volunteerId": to_global_id("Volunteer", row.id), "version": 1, "skills": ["x"]}},
        token=staff.token,
    )
    assert [e["code"] for e in data["updateVolunteerProfile"]["errors"]] == ["FORBIDDEN"]


async def test_another_volunteer_cannot_edit_a_profile(gql, session, settings):
    world = await factories.world(session)
    _, row = await factories.volunteer(session, settings, home=world.community_a1)
    other, _ = await factories.volunteer(session, settings, home=world.community_a1)
    data = await gql(
        UPDATE,
        {"i": {"volunteerId": to_global_id("Volunteer", row.id), "version": 1, "skills": ["x"]}},
        token=other.token,
    )
    assert [e["code"] for e in data["updateVolunteerProfile"]["errors"]] == ["NOT_FOUND"]


SET_ACTIVE = """
mutation($i: SetVolunteerActiveInput!) {
  setVolunteerActive(input: $i) { volunteer { isActive } errors { code } }
}
"""


async def test_a_volunteer_withdraws_but_only_their_community_reactivates_them(
    gql, session, settings
):
    world = await factories.world(session)
    login, row = await factories.volunteer(session, settings, home=world.community_a1)
    staff = await factories.account(
        session, settings, role=Role.COMMUNITY_STAFF, region=world.street_a
    )
    vid = to_global_id("Volunteer", row.id)

    withdrawn = await gql(
        SET_ACTIVE, {"i": {"volunteerId": vid, "active": False}}, token=login.token
    )
    back_alone = await gql(
        SET_ACTIVE, {"i": {"volunteerId": vid, "active": True}}, token=login.token
    )
    back = await gql(SET_ACTIVE, {"i": {"volunteerId": vid, "active": True}}, token=staff.token)

    assert withdrawn["setVolunteerActive"]["volunteer"]["isActive"] is False
    assert [e["code"] for e in back_alone["setVolunteerActive"]["errors"]] == ["FORBIDDEN"]
    assert back["setVolunteerActive"]["volunteer"]["isActive"] is True


async def test_community_staff_cannot_deactivate_a_volunteer_of_another_street(
    gql, session, settings
):
    world = await factories.world(session)
    _, row = await factories.volunteer(session, settings, home=world.community_b1)
    staff = await factories.account(
        session, settings, role=Role.COMMUNITY_STAFF, region=world.street_a
    )
    before = await count(session, AuditEvent)

    data = await gql(
        SET_ACTIVE,
        {"i": {"volunteerId": to_global_id("Volunteer", row.id), "active": False}},
        token=staff.token,
    )

    assert [e["code"] for e in data["setVolunteerActive"]["errors"]] == ["NOT_FOUND"]
    await session.refresh(row)
    assert row.is_active is True
    assert await count(session, AuditEvent) == before


# --- masking --------------------------------------------------------------------------------------

A1 = "/370000000000/370100000000/370102000000/370102001000/370102001001/"


def _actor(role: Role | None, *, account_id: int = 99, path: str | None = None) -> Actor:
    if role is None:
        return Actor()
    return Actor(account_id=account_id, grants=(Grant(role=role, region_path=path),))


@pytest.mark.parametrize(
    ("viewer", "name", "id_number", "phone", "birth"),
    [
        (_actor(Role.VOLUNTEER, account_id=7), True, True, True, True),
        (_actor(Role.PLATFORM_ADMIN), True, False, False, True),
        (
            _actor(Role.COMMUNITY_STAFF, path="/370000000000/370100000000/"),
            True,
            False,
            False,
            True,
        ),
        (_actor(Role.BUREAU_OFFICER, path=A1), True, False, False, True),
        (_actor(Role.AUDITOR, path=A1), True, False, False, True),
        (
            _actor(
                Role.COMMUNITY_STAFF, path="/370000000000/370100000000/370102000000/370102002000/"
            ),
            False,
            False,
            False,
            False,
        ),
        (_actor(Role.ORG_ADMIN), False, False, False, False),
        (_actor(Role.VOLUNTEER, account_id=8), False, False, False, False),
        (_actor(None), False, False, False, False),
    ],
    ids=[
        "self",
        "admin",
        "staff-in-scope",
        "bureau",
        "auditor",
        "staff-other-street",
        "org-admin",
        "other-volunteer",
        "anonymous",
    ],
)
def test_disclosure_policy(viewer, name, id_number, phone, birth):
    rule = volunteer_service.disclosure(viewer, account_id=7, home_region_path=A1)
    assert (rule.real_name, rule.id_number, rule.phone, rule.birth_details) == (
        name,
        id_number,
        phone,
        birth,
    )
    assert rule.coordinates is (rule.is_self)


async def test_community_staff_see_the_real_name_but_masked_id_phone_and_no_coordinates(
    gql, session, settings
):
    world = await factories.world(session)
    number = factories.valid_id_number(3)
    login, row = await factories.volunteer(
        session, settings, home=world.community_a1, real_name="欧阳娜娜", id_number=number
    )
    row.latitude, row.longitude = 36.6, 117.0
    await session.commit()
    staff = await factories.account(
        session, settings, role=Role.COMMUNITY_STAFF, region=world.street_a
    )

    data = await gql(
        f"{{ volunteers(first: 10) {{ nodes {{ {VOLUNTEER_FIELDS} }} }} }}", token=staff.token
    )

    [node] = data["volunteers"]["nodes"]
    assert node["realName"] == "欧阳娜娜"
    assert node["idNumber"] == mask_id_number(number)
    assert node["phone"] == login.account.phone[:3] + "****" + login.account.phone[-4:]
    assert (node["latitude"], node["longitude"]) == (None, None)
    assert node["age"] == 36


@pytest.mark.parametrize(
    ("role", "scope"),
    [(Role.PLATFORM_ADMIN, None), (Role.BUREAU_OFFICER, "district"), (Role.AUDITOR, "street_a")],
)
async def test_officials_in_scope_see_name_and_age_but_a_masked_id_and_phone_through_node(
    gql, session, settings, role, scope
):
    world = await factories.world(session)
    number = factories.valid_id_number(3)
    login, row = await factories.volunteer(
        session, settings, home=world.community_a1, real_name="欧阳娜娜", id_number=number
    )
    official = await factories.account(
        session, settings, role=role, region=getattr(world, scope) if scope else None
    )

    data = await gql(
        f"query($id: ID!) {{ node(id: $id) {{ ... on Volunteer {{ {VOLUNTEER_FIELDS} }} }} }}",
        {"id": to_global_id("Volunteer", row.id)},
        token=official.token,
    )

    node = data["node"]
    assert (node["realName"], node["age"]) == ("欧阳娜娜", 36)
    assert node["idNumber"] == mask_id_number(number)
    assert node["phone"] != login.account.phone and "****" in node["phone"]
    assert node["latitude"] is None


async def test_a_fellow_team_member_sees_another_member_masked(gql, session, settings):
    world = await factories.world(session)
    team = VolunteerTeam(name="朝山街志愿服务队", region_id=world.community_a1.id)
    session.add(team)
    await session.commit()
    me, mine = await factories.volunteer(session, settings, home=world.community_a1)
    _, other = await factories.volunteer(
        session, settings, home=world.community_a1, real_name="李娜"
    )
    session.add_all([TeamMembership(team_id=team.id, volunteer_id=v.id) for v in (mine, other)])
    await session.commit()

    data = await gql(
        "{ myVolunteerProfile { teams { members { volunteerNumber realName idNumber isMe } } } }",
        token=me.token,
    )

    members = {m["volunteerNumber"]: m for m in data["myVolunteerProfile"]["teams"][0]["members"]}
    assert members[other.volunteer_number]["realName"] == "李*"
    assert members[other.volunteer_number]["idNumber"] == other.id_number_masked
    assert members[mine.volunteer_number]["isMe"] is True
    assert members[mine.volunteer_number]["realName"] == "张三"


async def test_the_account_display_name_of_a_registrant_does_not_reveal_the_real_name(gql, session):
    world = await factories.world(session)
    result = await register(gql, world, realName="李小梅")
    data = await gql("{ me { displayName } }", token=result["token"])
    assert data["me"]["displayName"] == "李**"


async def test_the_volunteer_sees_their_own_data_in_full_through_node(gql, session, settings):
    world = await factories.world(session)
    number = factories.valid_id_number(3)
    login, row = await factories.volunteer(
        session, settings, home=world.community_a1, id_number=number
    )
    data = await gql(
        f"query($id: ID!) {{ node(id: $id) {{ ... on Volunteer {{ {VOLUNTEER_FIELDS} }} }} }}",
        {"id": to_global_id("Volunteer", row.id)},
        token=login.token,
    )
    assert data["node"]["idNumber"] == number
    assert data["node"]["phone"] == login.account.phone


async def test_audit_events_hold_no_id_number_phone_or_real_name(gql, session, settings):
    world = await factories.world(session)
    number = id_number_ending_in_x()
    result = await register(gql, world, idNumber=number, realName="王小明")
    await gql(
        UPDATE,
        {
            "i": {
                "volunteerId": result["volunteer"]["id"],
                "version": 1,
                "skills": ["书法"],
                "latitude": 36.61,
                "longitude": 117.03,
            }
        },
        token=result["token"],
    )

    events = (await session.scalars(select(AuditEvent))).all()
    assert {e.action for e in events} >= {
        "account.create",
        "volunteer.register",
        "volunteer.update",
    }
    dumped = json.dumps([[e.before, e.after] for e in events], ensure_ascii=False)
    for secret in (number, number.lower(), number[6:14], "13912345678", "王小明", "36.61"):
        assert secret not in dumped


# --- read scope ---------------------------------------------------------------------------------


async def test_community_staff_do_not_see_volunteers_of_another_street(gql, session, settings):
    world = await factories.world(session)
    _, in_a = await factories.volunteer(session, settings, home=world.community_a1)
    _, in_b = await factories.volunteer(session, settings, home=world.community_b1)
    staff = await factories.account(
        session, settings, role=Role.COMMUNITY_STAFF, region=world.street_a
    )

    listed = await gql("{ volunteers(first: 50) { nodes { id } } }", token=staff.token)
    node_b = await gql(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": to_global_id("Volunteer", in_b.id)},
        token=staff.token,
    )

    assert [n["id"] for n in listed["volunteers"]["nodes"]] == [to_global_id("Volunteer", in_a.id)]
    assert node_b["node"] is None


async def test_a_volunteer_lists_only_themself(gql, session, settings):
    world = await factories.world(session)
    login, mine = await factories.volunteer(session, settings, home=world.community_a1)
    await factories.volunteer(session, settings, home=world.community_a1)

    data = await gql("{ volunteers(first: 50) { nodes { id } } }", token=login.token)

    assert [n["id"] for n in data["volunteers"]["nodes"]] == [to_global_id("Volunteer", mine.id)]


async def test_roles_without_volunteer_read_are_refused_the_list(gql, session, settings):
    world = await factories.world(session)
    expert = await factories.account(session, settings, role=Role.EXPERT, region=world.city)
    body = await gql(
        "{ volunteers(first: 5) { nodes { id } } }", token=expert.token, expect_errors=True
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_volunteers_filter_by_region_skill_interest_star_level_and_text(
    gql, session, settings
):
    world = await factories.world(session)
    _, a = await factories.volunteer(
        session,
        settings,
        home=world.community_a1,
        real_name="张伟",
        skills=["急救"],
        interests=["ELDERLY"],
    )
    _, b = await factories.volunteer(
        session,
        settings,
        home=world.community_a2,
        real_name="李娜",
        skills=["摄影"],
        interests=["CHILDREN_YOUTH"],
    )
    b.star_level = 3
    await session.commit()
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)

    async def ids(args: str) -> list[str]:
        data = await gql(
            f"{{ volunteers(first: 10, {args}) {{ nodes {{ id }} }} }}", token=admin.token
        )
        return [n["id"] for n in data["volunteers"]["nodes"]]

    ga, gb = to_global_id("Volunteer", a.id), to_global_id("Volunteer", b.id)
    region_a2 = to_global_id("Region", world.community_a2.id)
    assert await ids(f'regionId: "{region_a2}"') == [gb]
    assert await ids('skill: "急救"') == [ga]
    assert await ids("interest: CHILDREN_YOUTH") == [gb]
    assert await ids("minStarLevel: 1") == [gb]
    assert await ids('text: "张"') == [ga]
    assert await ids(f'text: "{b.volunteer_number}"') == [gb]


# --- N+1 ----------------------------------------------------------------------------------------


async def _many_volunteers(session, world, n: int) -> None:
    team = VolunteerTeam(name="朝山街志愿服务队", region_id=world.community_a1.id)
    session.add(team)
    await session.flush()
    for i in range(n):
        account = Account(phone=f"137{i:08d}", password_hash="x", display_name=f"志愿者{i}")
        session.add(account)
        await session.flush()
        volunteer = Volunteer(
            account_id=account.id,
            real_name=f"志愿者{i}",
            id_number_encrypted=b"x",
            id_number_hash=f"{i:064d}",
            id_number_masked="3701**********0000",
            birth_date=dt.date(1990, 1, 1),
            gender="F",
            volunteer_number=f"V{i:010d}",
            home_region_id=(world.community_a1 if i % 2 else world.community_a2).id,
        )
        session.add(volunteer)
        await session.flush()
        session.add(TeamMembership(team_id=team.id, volunteer_id=volunteer.id))
    await session.commit()


async def test_listing_volunteers_takes_the_same_number_of_statements_for_any_page_size(
    app, gql, session, settings
):
    world = await factories.world(session)
    await _many_volunteers(session, world, 55)
    staff = await factories.account(
        session, settings, role=Role.COMMUNITY_STAFF, region=world.district
    )
    statements: list[str] = []

    def count_statement(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = app.state.mm.engine.sync_engine
    query = """query($n: Int!) { volunteers(first: $n) { nodes {
        realName phone homeRegion { code parent { code } } teams { name region { code } }
    } } }"""
    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        small = await gql(query, {"n": 10}, token=staff.token)
        small_count = len(statements)
        statements.clear()
        large = await gql(query, {"n": 50}, token=staff.token)
        large_count = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)

    assert len(small["volunteers"]["nodes"]) == 10 and len(large["volunteers"]["nodes"]) == 50
    assert large["volunteers"]["nodes"][0]["teams"] == [
        {"name": "朝山街志愿服务队", "region": {"code": world.community_a1.code}}
    ]
    assert small_count == large_count


# --- availability -------------------------------------------------------------------------------


def test_availability_round_trips_through_the_21_bit_mask():
    slots = [(0, DaySlot.MORNING), (3, DaySlot.AFTERNOON), (6, DaySlot.EVENING)]
    bits = volunteer_service.encode_availability(slots)
    assert bits == (1 << 0) | (1 << 10) | (1 << 20)
    assert volunteer_service.decode_availability(bits) == slots
    assert (
        volunteer_service.encode_availability([(d, s) for d in range(7) for s in DaySlot])
        == 2**21 - 1
    )
