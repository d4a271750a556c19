"""Volunteer service teams: who runs them, who sees them, and how members are shown."""

from __future__ import annotations

from sqlalchemy import event, func, select

from matchmaker.models import AuditEvent, Organization, TeamMembership, VolunteerTeam
from matchmaker.models.enums import OrganizationKind, Role
from matchmaker.schema.relay import to_global_id
from matchmaker.services.validation import mask_id_number, mask_name
from tests import factories

CREATE = """
mutation($i: CreateVolunteerTeamInput!) {
  createVolunteerTeam(input: $i) {
    team { id name organizationId region { code } isActive version memberCount }
    errors { code field }
  }
}
"""
INVITE = """
mutation($i: InviteVolunteerTeamMemberInput!) {
  inviteVolunteerTeamMember(input: $i) { membership { id status } errors { code field } }
}
"""
ACCEPT = """
mutation($i: RespondToTeamInvitationInput!) {
  respondToTeamInvitation(input: $i) { membership { status } errors { code field } }
}
"""
COUNT = "query($id: ID!) { node(id: $id) { ... on VolunteerTeam { memberCount } } }"
REMOVE = """
mutation($i: VolunteerTeamMemberInput!) {
  removeVolunteerTeamMember(input: $i) { team { memberCount } errors { code field } }
}
"""
MEMBERS = """
query($id: ID!) { node(id: $id) { ... on VolunteerTeam {
  members { volunteerNumber realName idNumber phone age isMinor latitude }
} } }
"""


async def organization(session, world, n: int = 1) -> Organization:
    org = Organization(
        name=f"阳光社工服务中心{n}",
        credit_code=factories.valid_credit_code(n),
        kind=OrganizationKind.REGISTERED,
        region_id=world.street_a.id,
        legal_representative="王建国",
        contact_name="李梅",
        contact_phone="13800000001",
    )
    session.add(org)
    await session.commit()
    return org


async def staff(session, settings, region):
    return await factories.account(session, settings, role=Role.COMMUNITY_STAFF, region=region)


async def create(gql, token, **fields):
    data = await gql(CREATE, {"i": fields}, token=token)
    return data["createVolunteerTeam"]


async def team_row(session, *, name="朝山街志愿服务队", region, organization_id=None):
    team = VolunteerTeam(name=name, region_id=region.id, organization_id=organization_id)
    session.add(team)
    await session.commit()
    return team


async def count(session, model) -> int:
    """Rows in a table; ends the read so the app's next write isn't blocked (SQLite)."""
    n = int(await session.scalar(select(func.count()).select_from(model)) or 0)
    await session.commit()
    return n


# --- creating and running teams ---------------------------------------------------------------


async def test_community_staff_create_a_team_in_their_community(gql, session, settings):
    world = await factories.world(session)
    login = await staff(session, settings, world.street_a)

    result = await create(
        gql,
        login.token,
        name="朝山街志愿服务队",
        regionId=to_global_id("Region", world.community_a1.id),
    )

    assert result["errors"] == []
    assert result["team"]["name"] == "朝山街志愿服务队"
    assert result["team"]["organizationId"] is None
    assert result["team"]["region"] == {"code": world.community_a1.code}
    assert result["team"]["memberCount"] == 0
    event = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "volunteer_team.create")
    )
    assert event is not None and event.region_path == world.community_a1.path


async def test_community_staff_cannot_create_a_team_in_another_street(gql, session, settings):
    world = await factories.world(session)
    login = await staff(session, settings, world.street_a)

    result = await create(
        gql,
        login.token,
        name="佛山苑服务队",
        regionId=to_global_id("Region", world.community_b1.id),
    )

    assert [e["code"] for e in result["errors"]] == ["FORBIDDEN"]
    assert await count(session, VolunteerTeam) == 0


async def test_an_org_admin_creates_a_team_for_their_organization_only(gql, session, settings):
    world = await factories.world(session)
    org_a = await organization(session, world, 1)
    org_b = await organization(session, world, 2)
    admin = await factories.account(
        session, settings, role=Role.ORG_ADMIN, organization_id=org_a.id
    )
    region = to_global_id("Region", world.community_b1.id)

    own = await create(
        gql,
        admin.token,
        name="阳光服务队",
        regionId=region,
        organizationId=to_global_id("Organization", org_a.id),
    )
    other = await create(
        gql,
        admin.token,
        name="别人的服务队",
        regionId=region,
        organizationId=to_global_id("Organization", org_b.id),
    )
    community = await create(gql, admin.token, name="社区服务队", regionId=region)

    assert own["errors"] == []
    assert own["team"]["organizationId"] == to_global_id("Organization", org_a.id)
    assert [e["code"] for e in other["errors"]] == ["NOT_FOUND"]
    assert [e["code"] for e in community["errors"]] == ["FORBIDDEN"]
    assert await count(session, VolunteerTeam) == 1


async def test_a_team_name_is_unique_in_its_region(gql, session, settings):
    world = await factories.world(session)
    login = await staff(session, settings, world.street_a)
    region = to_global_id("Region", world.community_a1.id)
    await create(gql, login.token, name="朝山街志愿服务队", regionId=region)

    again = await create(gql, login.token, name="朝山街志愿服务队", regionId=region)

    assert [(e["code"], e["field"]) for e in again["errors"]] == [("CONFLICT", "name")]


async def test_a_team_belongs_to_a_street_community_or_grid(gql, session, settings):
    world = await factories.world(session)
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    result = await create(
        gql, admin.token, name="全市服务队", regionId=to_global_id("Region", world.city.id)
    )
    assert [(e["code"], e["field"]) for e in result["errors"]] == [("INVALID_INPUT", "regionId")]


UPDATE = """
mutation($i: UpdateVolunteerTeamInput!) {
  updateVolunteerTeam(input: $i) { team { name description version } errors { code } }
}
"""


async def test_a_team_is_renamed_with_its_version(gql, session, settings):
    world = await factories.world(session)
    team = await team_row(session, region=world.community_a1)
    login = await staff(session, settings, world.street_a)
    tid = to_global_id("VolunteerTeam", team.id)

    renamed = await gql(
        UPDATE,
        {"i": {"teamId": tid, "version": 1, "name": "新名字", "description": "简介"}},
        token=login.token,
    )
    stale = await gql(
        UPDATE, {"i": {"teamId": tid, "version": 1, "name": "再改"}}, token=login.token
    )

    assert renamed["updateVolunteerTeam"]["team"] == {
        "name": "新名字",
        "description": "简介",
        "version": 2,
    }
    assert [e["code"] for e in stale["updateVolunteerTeam"]["errors"]] == ["STALE_VERSION"]


async def test_community_staff_cannot_run_an_organizations_team_in_their_street(
    gql, session, settings
):
    world = await factories.world(session)
    org = await organization(session, world)
    team = await team_row(session, region=world.community_a1, organization_id=org.id)
    login = await staff(session, settings, world.street_a)

    data = await gql(
        UPDATE,
        {"i": {"teamId": to_global_id("VolunteerTeam", team.id), "version": 1, "name": "改名"}},
        token=login.token,
    )
    listed = await gql("{ volunteerTeams(first: 10) { nodes { name } } }", token=login.token)

    assert [e["code"] for e in data["updateVolunteerTeam"]["errors"]] == ["NOT_FOUND"]
    assert listed["volunteerTeams"]["nodes"] == [{"name": "朝山街志愿服务队"}]


async def test_a_deactivated_team_takes_no_new_members(gql, session, settings):
    world = await factories.world(session)
    team = await team_row(session, region=world.community_a1)
    _, volunteer = await factories.volunteer(session, settings, home=world.community_a1)
    login = await staff(session, settings, world.street_a)
    tid = to_global_id("VolunteerTeam", team.id)

    off = await gql(
        "mutation($i: SetVolunteerTeamActiveInput!) { setVolunteerTeamActive(input: $i) "
        "{ team { isActive } errors { code } } }",
        {"i": {"teamId": tid, "active": False}},
        token=login.token,
    )
    invite = await gql(
        INVITE,
        {"i": {"teamId": tid, "volunteerNumber": volunteer.volunteer_number}},
        token=login.token,
    )

    assert off["setVolunteerTeamActive"]["team"]["isActive"] is False
    assert [e["code"] for e in invite["inviteVolunteerTeamMember"]["errors"]] == ["CONFLICT"]


# --- members ------------------------------------------------------------------------------------


async def _invited_and_accepted(gql, manager_token, volunteer_token, team, volunteer) -> dict:
    """Invite by number, then accept as the volunteer: how a member is made."""
    invited = await gql(
        INVITE,
        {
            "i": {
                "teamId": to_global_id("VolunteerTeam", team.id),
                "volunteerNumber": volunteer.volunteer_number,
            }
        },
        token=manager_token,
    )
    membership_id = invited["inviteVolunteerTeamMember"]["membership"]["id"]
    return await gql(
        ACCEPT, {"i": {"membershipId": membership_id, "accept": True}}, token=volunteer_token
    )


async def test_members_are_invited_by_number_once_and_removed(gql, session, settings):
    world = await factories.world(session)
    team = await team_row(session, region=world.community_a1)
    vlogin, volunteer = await factories.volunteer(session, settings, home=world.community_a1)
    login = await staff(session, settings, world.street_a)
    member = {
        "teamId": to_global_id("VolunteerTeam", team.id),
        "volunteerNumber": volunteer.volunteer_number,
    }
    tid = {"id": member["teamId"]}

    accepted = await _invited_and_accepted(gql, login.token, vlogin.token, team, volunteer)
    added = await gql(COUNT, tid, token=login.token)
    twice = await gql(INVITE, {"i": member}, token=login.token)
    removed = await gql(REMOVE, {"i": member}, token=login.token)
    gone = await gql(REMOVE, {"i": member}, token=login.token)

    assert accepted["respondToTeamInvitation"]["membership"]["status"] == "ACTIVE"
    assert added["node"]["memberCount"] == 1
    assert [e["code"] for e in twice["inviteVolunteerTeamMember"]["errors"]] == ["ALREADY_MEMBER"]
    assert removed["removeVolunteerTeamMember"]["team"]["memberCount"] == 0
    assert [e["code"] for e in gone["removeVolunteerTeamMember"]["errors"]] == ["NOT_FOUND"]
    assert await count(session, TeamMembership) == 0


async def test_an_org_admin_sees_team_members_masked(gql, session, settings):
    world = await factories.world(session)
    org = await organization(session, world)
    team = await team_row(session, region=world.community_a1, organization_id=org.id)
    number = factories.valid_id_number(4)
    vlogin, volunteer = await factories.volunteer(
        session, settings, home=world.community_a1, real_name="李小梅", id_number=number
    )
    admin = await factories.account(session, settings, role=Role.ORG_ADMIN, organization_id=org.id)
    await _invited_and_accepted(gql, admin.token, vlogin.token, team, volunteer)

    data = await gql(MEMBERS, {"id": to_global_id("VolunteerTeam", team.id)}, token=admin.token)

    phone = vlogin.account.phone
    assert data["node"]["members"] == [
        {
            "volunteerNumber": volunteer.volunteer_number,
            "realName": mask_name("李小梅"),
            "idNumber": mask_id_number(number),
            "phone": phone[:3] + "****" + phone[-4:],
            "age": None,
            "isMinor": False,
            "latitude": None,
        }
    ]


async def test_community_staff_see_members_from_another_street_masked(gql, session, settings):
    world = await factories.world(session)
    team = await team_row(session, region=world.community_a1)
    _, near = await factories.volunteer(
        session, settings, home=world.community_a1, real_name="张伟"
    )
    _, far = await factories.volunteer(session, settings, home=world.community_b1, real_name="李娜")
    session.add_all([TeamMembership(team_id=team.id, volunteer_id=v.id) for v in (near, far)])
    await session.commit()
    login = await staff(session, settings, world.street_a)

    data = await gql(MEMBERS, {"id": to_global_id("VolunteerTeam", team.id)}, token=login.token)

    names = {m["volunteerNumber"]: m["realName"] for m in data["node"]["members"]}
    assert names == {near.volunteer_number: "张伟", far.volunteer_number: "李*"}
    far_node = await gql(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": to_global_id("Volunteer", far.id)},
        token=login.token,
    )
    assert far_node["node"] is None


async def test_community_staff_cannot_remove_a_member_from_another_streets_team(
    gql, session, settings
):
    world = await factories.world(session)
    team = await team_row(session, region=world.community_b1)
    _, volunteer = await factories.volunteer(session, settings, home=world.community_b1)
    session.add(TeamMembership(team_id=team.id, volunteer_id=volunteer.id))
    await session.commit()
    login = await staff(session, settings, world.street_a)

    data = await gql(
        REMOVE,
        {
            "i": {
                "teamId": to_global_id("VolunteerTeam", team.id),
                "volunteerId": to_global_id("Volunteer", volunteer.id),
            }
        },
        token=login.token,
    )

    assert [e["code"] for e in data["removeVolunteerTeamMember"]["errors"]] == ["NOT_FOUND"]
    assert await count(session, TeamMembership) == 1


# --- reading teams --------------------------------------------------------------------------------


async def test_a_volunteer_sees_the_teams_they_belong_to_and_no_others(gql, session, settings):
    world = await factories.world(session)
    mine = await team_row(session, name="我的服务队", region=world.community_a1)
    await team_row(session, name="别的服务队", region=world.community_a1)
    login, volunteer = await factories.volunteer(session, settings, home=world.community_a1)
    session.add(TeamMembership(team_id=mine.id, volunteer_id=volunteer.id))
    await session.commit()

    listed = await gql("{ volunteerTeams(first: 10) { nodes { name } } }", token=login.token)
    profile = await gql("{ myVolunteerProfile { teams { name } } }", token=login.token)

    assert listed["volunteerTeams"]["nodes"] == [{"name": "我的服务队"}]
    assert profile["myVolunteerProfile"]["teams"] == [{"name": "我的服务队"}]


async def test_volunteer_teams_filter_by_region_organization_and_text(gql, session, settings):
    world = await factories.world(session)
    org = await organization(session, world)
    await team_row(session, name="朝山街服务队", region=world.community_a1)
    await team_row(session, name="新东门服务队", region=world.community_a2, organization_id=org.id)
    await team_row(session, name="佛山苑服务队", region=world.community_b1)
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)

    async def names(args: str) -> list[str]:
        data = await gql(
            f"{{ volunteerTeams(first: 10, {args}) {{ nodes {{ name }} }} }}", token=admin.token
        )
        return [n["name"] for n in data["volunteerTeams"]["nodes"]]

    street_a = to_global_id("Region", world.street_a.id)
    assert await names(f'regionId: "{street_a}"') == ["朝山街服务队", "新东门服务队"]
    assert await names(f'organizationId: "{to_global_id("Organization", org.id)}"') == [
        "新东门服务队"
    ]
    assert await names('text: "佛山"') == ["佛山苑服务队"]


async def test_roles_without_team_read_are_refused(gql, session, settings):
    world = await factories.world(session)
    expert = await factories.account(session, settings, role=Role.EXPERT, region=world.city)
    body = await gql(
        "{ volunteerTeams(first: 5) { nodes { id } } }", token=expert.token, expect_errors=True
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_listing_teams_with_members_takes_the_same_number_of_statements_for_any_page_size(
    app, gql, session, settings
):
    world = await factories.world(session)
    for i in range(12):
        team = await team_row(session, name=f"服务队{i}", region=world.community_a1)
        _, member = await factories.volunteer(session, settings, home=world.community_a2)
        session.add(TeamMembership(team_id=team.id, volunteer_id=member.id))
    await session.commit()
    login = await staff(session, settings, world.street_a)
    statements: list[str] = []

    def count_statement(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = app.state.mm.engine.sync_engine
    query = """query($n: Int!) { volunteerTeams(first: $n) { nodes {
        name memberCount region { code } members { realName phone homeRegion { code } teams { name } }
    } } }"""
    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        small = await gql(query, {"n": 2}, token=login.token)
        small_count = len(statements)
        statements.clear()
        large = await gql(query, {"n": 12}, token=login.token)
        large_count = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)

    assert len(small["volunteerTeams"]["nodes"]) == 2
    assert len(large["volunteerTeams"]["nodes"]) == 12
    assert all(len(n["members"]) == 1 for n in large["volunteerTeams"]["nodes"])
    assert small_count == large_count
