"""Team membership is not a read-anything path: a manager invites by the public volunteer
number and sees nothing more of the volunteer until they accept (or join by the team's code);
only ACTIVE members' profiles are listed (docs/volunteering.md, Volunteer teams)."""

from __future__ import annotations

from sqlalchemy import select

from matchmaker.models import AuditEvent, Notification, Organization, TeamMembership, Volunteer
from matchmaker.models.enums import OrganizationKind, Role
from matchmaker.models.volunteers import TeamMembershipStatus
from matchmaker.schema.relay import to_global_id
from tests import factories
from tests.test_volunteer_teams import count, team_row

INVITE = """
mutation($i: InviteVolunteerTeamMemberInput!) {
  inviteVolunteerTeamMember(input: $i) {
    membership { id status volunteerNumber teamName }
    errors { code field message }
  }
}
"""
RESPOND = """
mutation($i: RespondToTeamInvitationInput!) {
  respondToTeamInvitation(input: $i) { membership { id status } errors { code field } }
}
"""
JOIN = """
mutation($i: JoinVolunteerTeamInput!) {
  joinVolunteerTeam(input: $i) { membership { status teamName } errors { code field } }
}
"""
LEAVE = """
mutation($i: VolunteerTeamIdInput!) {
  leaveVolunteerTeam(input: $i) { membership { status } errors { code field } }
}
"""
ROTATE = """
mutation($i: VolunteerTeamIdInput!) {
  rotateVolunteerTeamJoinCode(input: $i) { team { joinCode } errors { code } }
}
"""
TEAM = """
query($id: ID!) { node(id: $id) { ... on VolunteerTeam {
  joinCode memberCount
  members { volunteerNumber realName isMinor skills phone homeRegion { name } }
  invitations { volunteerNumber status }
} } }
"""
MINE = """
query($s: TeamMembershipStatus) { myTeamMemberships(status: $s) {
  id status teamName teamRegion { name }
} }
"""
OLD_ADD = """
mutation($i: VolunteerTeamMemberInput!) {
  addVolunteerTeamMember(input: $i) { team { members { realName } } errors { code } }
}
"""


async def _org_admin_with_team(session, settings, world):
    org = Organization(
        name="阳光社工服务中心",
        credit_code=factories.valid_credit_code(1),
        kind=OrganizationKind.REGISTERED,
        region_id=world.street_a.id,
        legal_representative="王建国",
        contact_name="李梅",
        contact_phone="13800000001",
    )
    session.add(org)
    await session.commit()
    team = await team_row(session, region=world.community_a1, organization_id=org.id)
    team.join_code = "ABCDE23456"
    await session.commit()
    admin = await factories.account(session, settings, role=Role.ORG_ADMIN, organization_id=org.id)
    return team, admin


def _tid(team) -> str:
    return to_global_id("VolunteerTeam", team.id)


async def test_an_org_admin_cannot_read_a_stranger_s_profile_by_adding_them_to_a_team(
    gql, session, settings
):
    world = await factories.world(session)
    team, admin = await _org_admin_with_team(session, settings, world)
    # A minor from another street, with skills and a phone: what the old path handed out.
    _, far = await factories.volunteer(
        session,
        settings,
        home=world.community_b1,
        real_name="李娜",
        id_number=factories.valid_id_number(31, birth="20120101"),
        skills=["急救"],
        guardian_consent=True,
    )

    # The old mutation is gone from the API: no way to make a membership without consent.
    old = await gql(
        OLD_ADD,
        {"i": {"teamId": _tid(team), "volunteerId": to_global_id("Volunteer", far.id)}},
        token=admin.token,
        expect_errors=True,
    )
    assert "Cannot query field 'addVolunteerTeamMember'" in old["errors"][0]["message"]

    invited = await gql(
        INVITE,
        {"i": {"teamId": _tid(team), "volunteerNumber": far.volunteer_number}},
        token=admin.token,
    )
    payload = invited["inviteVolunteerTeamMember"]
    assert payload["errors"] == []
    # The answer repeats the number typed and the status: no name, home, age or skills.
    assert payload["membership"]["status"] == "INVITED"
    assert payload["membership"]["volunteerNumber"] == far.volunteer_number

    data = await gql(TEAM, {"id": _tid(team)}, token=admin.token)
    node = data["node"]
    assert node["members"] == [] and node["memberCount"] == 0
    assert node["invitations"] == [{"volunteerNumber": far.volunteer_number, "status": "INVITED"}]
    # Nor can the invitation's id be turned into the volunteer's node.
    assert (
        await gql(
            "query($id: ID!) { node(id: $id) { id } }",
            {"id": to_global_id("Volunteer", far.id)},
            token=admin.token,
        )
    )["node"] is None


async def test_unknown_deactivated_and_opted_out_volunteer_numbers_answer_alike(
    gql, session, settings
):
    world = await factories.world(session)
    team, admin = await _org_admin_with_team(session, settings, world)
    _, gone = await factories.volunteer(session, settings, home=world.community_b1)
    _, private = await factories.volunteer(session, settings, home=world.community_b1)
    await session.execute(
        Volunteer.__table__.update().where(Volunteer.id == gone.id).values(is_active=False)
    )
    await session.execute(
        Volunteer.__table__.update().where(Volunteer.id == private.id).values(recommendable=False)
    )
    await session.commit()

    answers = []
    for number in ("V9999999999", gone.volunteer_number, private.volunteer_number):
        data = await gql(
            INVITE, {"i": {"teamId": _tid(team), "volunteerNumber": number}}, token=admin.token
        )
        answers.append(data["inviteVolunteerTeamMember"]["errors"])
    assert answers[0] == answers[1] == answers[2]
    assert [(e["code"], e["field"]) for e in answers[0]] == [("NOT_FOUND", "volunteerNumber")]
    assert await count(session, TeamMembership) == 0


async def test_community_staff_see_a_volunteer_from_another_street_only_after_they_accept(
    gql, session, settings
):
    world = await factories.world(session)
    team = await team_row(session, region=world.community_a1)
    staff = await factories.account(
        session, settings, role=Role.COMMUNITY_STAFF, region=world.street_a
    )
    vlogin, far = await factories.volunteer(
        session, settings, home=world.community_b1, real_name="李娜"
    )
    invited = await gql(
        INVITE,
        {"i": {"teamId": _tid(team), "volunteerNumber": far.volunteer_number}},
        token=staff.token,
    )
    membership_id = invited["inviteVolunteerTeamMember"]["membership"]["id"]
    assert (await gql(TEAM, {"id": _tid(team)}, token=staff.token))["node"]["members"] == []

    # The volunteer is notified and sees the invitation with the team's name and place.
    note = await session.scalar(
        select(Notification).where(Notification.account_id == vlogin.account.id)
    )
    await session.commit()
    assert note is not None and note.kind == "team.invited"
    waiting = await gql(MINE, {"s": "INVITED"}, token=vlogin.token)
    assert waiting["myTeamMemberships"] == [
        {
            "id": membership_id,
            "status": "INVITED",
            "teamName": "朝山街志愿服务队",
            "teamRegion": {"name": "朝山街社区"},
        }
    ]

    accepted = await gql(
        RESPOND, {"i": {"membershipId": membership_id, "accept": True}}, token=vlogin.token
    )
    assert accepted["respondToTeamInvitation"]["membership"]["status"] == "ACTIVE"
    node = (await gql(TEAM, {"id": _tid(team)}, token=staff.token))["node"]
    # Now a member, shown as members are to this reader: masked outside their street.
    assert [(m["volunteerNumber"], m["realName"]) for m in node["members"]] == [
        (far.volunteer_number, "李*")
    ]
    assert node["invitations"] == []


async def test_a_declined_invitation_shows_nothing_and_cannot_be_repeated(gql, session, settings):
    world = await factories.world(session)
    team, admin = await _org_admin_with_team(session, settings, world)
    vlogin, v = await factories.volunteer(session, settings, home=world.community_b1)
    invite = {"i": {"teamId": _tid(team), "volunteerNumber": v.volunteer_number}}
    first = await gql(INVITE, invite, token=admin.token)
    membership_id = first["inviteVolunteerTeamMember"]["membership"]["id"]
    declined = await gql(
        RESPOND, {"i": {"membershipId": membership_id, "accept": False}}, token=vlogin.token
    )
    assert declined["respondToTeamInvitation"]["membership"]["status"] == "DECLINED"

    node = (await gql(TEAM, {"id": _tid(team)}, token=admin.token))["node"]
    assert node["members"] == []
    assert node["invitations"] == [{"volunteerNumber": v.volunteer_number, "status": "DECLINED"}]
    again = await gql(INVITE, invite, token=admin.token)
    assert [e["code"] for e in again["inviteVolunteerTeamMember"]["errors"]] == ["INVALID_STATE"]
    # Answering twice is refused too.
    twice = await gql(
        RESPOND, {"i": {"membershipId": membership_id, "accept": True}}, token=vlogin.token
    )
    assert [e["code"] for e in twice["respondToTeamInvitation"]["errors"]] == ["INVALID_STATE"]


async def test_nobody_but_the_invited_volunteer_answers_an_invitation(gql, session, settings):
    world = await factories.world(session)
    team, admin = await _org_admin_with_team(session, settings, world)
    _, v = await factories.volunteer(session, settings, home=world.community_b1)
    other_login, _ = await factories.volunteer(session, settings, home=world.community_b1)
    invited = await gql(
        INVITE,
        {"i": {"teamId": _tid(team), "volunteerNumber": v.volunteer_number}},
        token=admin.token,
    )
    membership_id = invited["inviteVolunteerTeamMember"]["membership"]["id"]
    before = await count(session, AuditEvent)

    hijack = await gql(
        RESPOND, {"i": {"membershipId": membership_id, "accept": True}}, token=other_login.token
    )

    assert [e["code"] for e in hijack["respondToTeamInvitation"]["errors"]] == ["NOT_FOUND"]
    status = await session.scalar(select(TeamMembership.status))
    await session.commit()
    assert status is TeamMembershipStatus.INVITED
    assert await count(session, AuditEvent) == before


async def test_a_volunteer_joins_by_the_team_s_code_and_a_rotated_code_stops_working(
    gql, session, settings
):
    world = await factories.world(session)
    team, admin = await _org_admin_with_team(session, settings, world)
    vlogin, v = await factories.volunteer(session, settings, home=world.community_b1)
    latecomer, _ = await factories.volunteer(session, settings, home=world.community_b1)

    # Only the team's managers see the code; a stranger's guess finds nothing.
    assert (await gql(TEAM, {"id": _tid(team)}, token=admin.token))["node"]["joinCode"] == (
        "ABCDE23456"
    )
    wrong = await gql(JOIN, {"i": {"code": "ABCDE23457"}}, token=vlogin.token)
    assert [(e["code"], e["field"]) for e in wrong["joinVolunteerTeam"]["errors"]] == [
        ("NOT_FOUND", "code")
    ]
    joined = await gql(JOIN, {"i": {"code": " abcde-23456 "}}, token=vlogin.token)
    assert joined["joinVolunteerTeam"]["membership"] == {
        "status": "ACTIVE",
        "teamName": "朝山街志愿服务队",
    }
    member_view = await gql(TEAM, {"id": _tid(team)}, token=vlogin.token)
    assert member_view["node"]["joinCode"] is None  # a member reads the team, doesn't run it
    assert member_view["node"]["invitations"] == []
    assert [m["volunteerNumber"] for m in member_view["node"]["members"]] == [v.volunteer_number]

    rotated = await gql(ROTATE, {"i": {"teamId": _tid(team)}}, token=admin.token)
    new_code = rotated["rotateVolunteerTeamJoinCode"]["team"]["joinCode"]
    assert new_code and new_code != "ABCDE23456" and len(new_code) == 10
    stale = await gql(JOIN, {"i": {"code": "ABCDE23456"}}, token=latecomer.token)
    assert [e["code"] for e in stale["joinVolunteerTeam"]["errors"]] == ["NOT_FOUND"]


async def test_a_volunteer_who_leaves_disappears_from_the_team(gql, session, settings):
    world = await factories.world(session)
    team, admin = await _org_admin_with_team(session, settings, world)
    vlogin, _ = await factories.volunteer(session, settings, home=world.community_a1)
    await gql(JOIN, {"i": {"code": "ABCDE23456"}}, token=vlogin.token)
    assert (await gql(TEAM, {"id": _tid(team)}, token=admin.token))["node"]["memberCount"] == 1

    left = await gql(LEAVE, {"i": {"teamId": _tid(team)}}, token=vlogin.token)

    assert left["leaveVolunteerTeam"]["membership"]["status"] == "LEFT"
    node = (await gql(TEAM, {"id": _tid(team)}, token=admin.token))["node"]
    assert (node["memberCount"], node["members"], node["invitations"]) == (0, [], [])
    profile = await gql("{ myVolunteerProfile { teams { name } } }", token=vlogin.token)
    assert profile["myVolunteerProfile"]["teams"] == []


async def test_a_team_cannot_spam_strangers_with_more_than_100_open_invitations(
    gql, session, settings
):
    from tests.volunteering_helpers import many_volunteers

    world = await factories.world(session)
    team, admin = await _org_admin_with_team(session, settings, world)
    people = await many_volunteers(session, 101, world.community_b1)
    session.add_all(
        TeamMembership(
            team_id=team.id, volunteer_id=volunteer_id, status=TeamMembershipStatus.INVITED
        )
        for _, volunteer_id in people[:100]
    )
    await session.commit()
    last_number = await session.scalar(
        select(Volunteer.volunteer_number).where(Volunteer.id == people[100][1])
    )
    await session.commit()

    # 100 invitations are waiting for an answer: the 101st stranger is not notified.
    data = await gql(
        INVITE, {"i": {"teamId": _tid(team), "volunteerNumber": last_number}}, token=admin.token
    )

    assert [(e["code"], e["field"]) for e in data["inviteVolunteerTeamMember"]["errors"]] == [
        ("RATE_LIMITED", "teamId")
    ]
    assert await count(session, TeamMembership) == 100
    assert await count(session, Notification) == 0
