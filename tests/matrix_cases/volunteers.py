"""Matrix cases for volunteers and volunteer teams."""

from __future__ import annotations

import itertools
from typing import Any

from matchmaker.models import TeamMembership, Volunteer, VolunteerTeam
from matchmaker.models.enums import Role
from matchmaker.models.volunteers import TeamMembershipStatus
from matchmaker.schema.relay import to_global_id
from tests import factories
from tests.matrix import ROLES, MatrixEnv, Outcome, case, payload_outcome, refused_by_error

ALL_BUT_ADMIN = [r for r in ROLES if r is not Role.PLATFORM_ADMIN]
LOGGED_IN = [r for r in ROLES if r is not None]
_phones = itertools.count(1)


async def _volunteer(env: MatrixEnv, home: Any, login: factories.Login | None = None) -> Volunteer:
    _, row = await factories.volunteer(env.session, env.settings, home=home, login=login)
    return row


async def _own_profile(env: MatrixEnv) -> Volunteer:
    """The matrix volunteer's own profile (its account holds only the grant at first)."""
    existing = env.extra.get("own_profile")
    if existing is None:
        existing = await _volunteer(env, env.world.community_a1, env.logins[Role.VOLUNTEER])
        env.extra["own_profile"] = existing
    return existing


def _gid(row: Volunteer | VolunteerTeam) -> str:
    return to_global_id(type(row).__name__, row.id)


# --- reads ----------------------------------------------------------------------------------------


@case("myVolunteerProfile", LOGGED_IN + [None], allowed=True)
async def my_profile_is_own_or_null(env: MatrixEnv, role):
    own = await _own_profile(env)
    data = await env.gql("{ myVolunteerProfile { id } }", token=env.token(role))
    profile = data["myVolunteerProfile"]
    if role is Role.VOLUNTEER:
        return Outcome(allowed=profile == {"id": _gid(own)}, detail=profile)
    return Outcome(allowed=profile is None, detail=profile)


VOLUNTEERS = "{ volunteers(first: 50) { nodes { id } } }"


async def _listed(env: MatrixEnv, role) -> tuple[bool, set[str]]:
    body = await env.gql(VOLUNTEERS, token=env.token(role), expect_errors=True)
    if refused_by_error(body):
        return False, set()
    return True, {n["id"] for n in body["data"]["volunteers"]["nodes"]}


async def _volunteers_in_scope(env: MatrixEnv, role):
    target = await _own_profile(env) if role is Role.VOLUNTEER else None
    if target is None:
        target = await _volunteer(env, env.world.community_a1)
    ok, ids = await _listed(env, role)
    return Outcome(allowed=ok and _gid(target) in ids, detail=ids)


async def _volunteers_out_of_scope(env: MatrixEnv, role):
    await _own_profile(env)
    other = await _volunteer(env, env.world.community_b1)
    ok, ids = await _listed(env, role)
    return Outcome(allowed=ok and _gid(other) in ids, detail=ids)


READERS = [Role.PLATFORM_ADMIN, Role.BUREAU_OFFICER, Role.AUDITOR, Role.COMMUNITY_STAFF]
case("volunteers", READERS + [Role.VOLUNTEER], allowed=True)(_volunteers_in_scope)
case("volunteers", ALL_BUT_ADMIN, allowed=False)(_volunteers_out_of_scope)


async def _teams(env: MatrixEnv) -> dict[str, VolunteerTeam]:
    """Teams in street A (community / org A, the matrix volunteer a member) and street B."""
    if "teams" in env.extra:
        return env.extra["teams"]  # type: ignore[no-any-return]
    w = env.world
    teams = {
        "a_community": VolunteerTeam(name="朝山街服务队", region_id=w.community_a1.id),
        "a_org": VolunteerTeam(
            name="阳光服务队", region_id=w.community_a1.id, organization_id=w.extra["org_a"].id
        ),
        "b_community": VolunteerTeam(name="佛山苑服务队", region_id=w.community_b1.id),
        "b_org": VolunteerTeam(
            name="千佛山服务队", region_id=w.community_b1.id, organization_id=w.extra["org_b"].id
        ),
    }
    env.session.add_all(teams.values())
    await env.session.flush()
    own = await _own_profile(env)
    env.session.add(TeamMembership(team_id=teams["a_org"].id, volunteer_id=own.id))
    await env.session.commit()
    env.extra["teams"] = teams
    return teams


TEAMS = "{ volunteerTeams(first: 50) { nodes { id } } }"


async def _listed_teams(env: MatrixEnv, role) -> tuple[bool, set[str]]:
    body = await env.gql(TEAMS, token=env.token(role), expect_errors=True)
    if refused_by_error(body):
        return False, set()
    return True, {n["id"] for n in body["data"]["volunteerTeams"]["nodes"]}


async def _teams_in_scope(env: MatrixEnv, role):
    teams = await _teams(env)
    ok, ids = await _listed_teams(env, role)
    return Outcome(allowed=ok and _gid(teams["a_org"]) in ids, detail=ids)


async def _teams_out_of_scope(env: MatrixEnv, role):
    teams = await _teams(env)
    ok, ids = await _listed_teams(env, role)
    seen = {_gid(teams["b_community"]), _gid(teams["b_org"])} & ids
    return Outcome(allowed=ok and bool(seen), detail=ids)


case("volunteerTeams", READERS + [Role.ORG_ADMIN, Role.VOLUNTEER], allowed=True)(_teams_in_scope)
case("volunteerTeams", ALL_BUT_ADMIN, allowed=False)(_teams_out_of_scope)


# --- registration ---------------------------------------------------------------------------------


def _profile_input(env: MatrixEnv, n: int) -> dict[str, Any]:
    return {
        "realName": "赵六",
        "idNumber": factories.valid_id_number(100 + n),
        "homeRegionId": to_global_id("Region", env.world.community_a1.id),
    }


@case("registerVolunteer", LOGGED_IN + [None], allowed=True)
async def anyone_may_register(env: MatrixEnv, role):
    n = next(_phones)
    body = await env.gql(
        "mutation($i: RegisterVolunteerInput!) { registerVolunteer(input: $i) "
        "{ token errors { code } } }",
        {"i": {**_profile_input(env, n), "phone": f"136{n:08d}", "password": "passw0rd-new"}},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "registerVolunteer")


@case("becomeVolunteer", LOGGED_IN, allowed=True)
async def any_account_may_become_a_volunteer(env: MatrixEnv, role):
    body = await env.gql(
        "mutation($i: BecomeVolunteerInput!) { becomeVolunteer(input: $i) { errors { code } } }",
        {"i": _profile_input(env, next(_phones))},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "becomeVolunteer")


# --- profile changes ------------------------------------------------------------------------------

UPDATE = (
    "mutation($i: UpdateVolunteerProfileInput!) { updateVolunteerProfile(input: $i) "
    "{ errors { code } } }"
)


async def _update(env: MatrixEnv, role, target: Volunteer):
    body = await env.gql(
        UPDATE,
        {"i": {"volunteerId": _gid(target), "version": target.version, "skills": ["急救"]}},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "updateVolunteerProfile")


@case("updateVolunteerProfile", [Role.PLATFORM_ADMIN, Role.VOLUNTEER], allowed=True)
async def update_own_or_as_admin(env: MatrixEnv, role):
    own = await _own_profile(env)
    return await _update(env, role, own)


@case("updateVolunteerProfile", ALL_BUT_ADMIN, allowed=False)
async def update_someone_else(env: MatrixEnv, role):
    await _own_profile(env)
    other = await _volunteer(env, env.world.community_a1)
    return await _update(env, role, other)


SET_ACTIVE = (
    "mutation($i: SetVolunteerActiveInput!) { setVolunteerActive(input: $i) { errors { code } } }"
)


async def _deactivate(env: MatrixEnv, role, target: Volunteer):
    body = await env.gql(
        SET_ACTIVE,
        {"i": {"volunteerId": _gid(target), "active": False}},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "setVolunteerActive")


@case(
    "setVolunteerActive",
    [Role.PLATFORM_ADMIN, Role.COMMUNITY_STAFF, Role.VOLUNTEER],
    allowed=True,
)
async def deactivate_in_scope(env: MatrixEnv, role):
    own = await _own_profile(env)
    target = own if role is Role.VOLUNTEER else await _volunteer(env, env.world.community_a1)
    return await _deactivate(env, role, target)


@case("setVolunteerActive", ALL_BUT_ADMIN, allowed=False)
async def deactivate_out_of_scope(env: MatrixEnv, role):
    await _own_profile(env)
    return await _deactivate(env, role, await _volunteer(env, env.world.community_b1))


# --- team management ------------------------------------------------------------------------------

MANAGERS = [Role.PLATFORM_ADMIN, Role.COMMUNITY_STAFF, Role.ORG_ADMIN]


def _own_team(teams: dict[str, VolunteerTeam], role) -> VolunteerTeam:
    return teams["a_org"] if role is Role.ORG_ADMIN else teams["a_community"]


async def _first_allowed(attempts: list[Outcome]) -> Outcome:
    return Outcome(allowed=any(o.allowed for o in attempts), detail=[o.detail for o in attempts])


CREATE = (
    "mutation($i: CreateVolunteerTeamInput!) { createVolunteerTeam(input: $i) { errors { code } } }"
)


async def _create(env: MatrixEnv, role, region: Any, org: Any | None, name: str) -> Outcome:
    data: dict[str, Any] = {"name": name, "regionId": to_global_id("Region", region.id)}
    if org is not None:
        data["organizationId"] = to_global_id("Organization", org.id)
    body = await env.gql(CREATE, {"i": data}, token=env.token(role), expect_errors=True)
    return payload_outcome(body, "createVolunteerTeam")


@case("createVolunteerTeam", MANAGERS, allowed=True)
async def create_team_in_scope(env: MatrixEnv, role):
    org = env.world.extra["org_a"] if role is Role.ORG_ADMIN else None
    return await _create(env, role, env.world.community_a1, org, "新服务队")


@case("createVolunteerTeam", ALL_BUT_ADMIN, allowed=False)
async def create_team_out_of_scope(env: MatrixEnv, role):
    b1 = env.world.community_b1
    return await _first_allowed(
        [
            await _create(env, role, b1, None, "社区服务队"),
            await _create(env, role, b1, env.world.extra["org_b"], "机构服务队"),
        ]
    )


async def _on_teams(env: MatrixEnv, role, teams: list[VolunteerTeam], mutate: Any) -> Outcome:
    return await _first_allowed([await mutate(env, role, team) for team in teams])


def _team_case(operation: str, mutate: Any) -> None:
    async def in_scope(env: MatrixEnv, role):
        teams = await _teams(env)
        return await mutate(env, role, _own_team(teams, role))

    async def out_of_scope(env: MatrixEnv, role):
        teams = await _teams(env)
        return await _on_teams(env, role, [teams["b_community"], teams["b_org"]], mutate)

    case(operation, MANAGERS, allowed=True, name="own_team")(in_scope)
    case(operation, ALL_BUT_ADMIN, allowed=False, name="other_street_or_organization")(out_of_scope)


async def _update_team(env: MatrixEnv, role, team: VolunteerTeam) -> Outcome:
    body = await env.gql(
        "mutation($i: UpdateVolunteerTeamInput!) { updateVolunteerTeam(input: $i) "
        "{ errors { code } } }",
        {"i": {"teamId": _gid(team), "version": team.version, "description": "简介"}},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "updateVolunteerTeam")


async def _deactivate_team(env: MatrixEnv, role, team: VolunteerTeam) -> Outcome:
    body = await env.gql(
        "mutation($i: SetVolunteerTeamActiveInput!) { setVolunteerTeamActive(input: $i) "
        "{ errors { code } } }",
        {"i": {"teamId": _gid(team), "active": False}},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "setVolunteerTeamActive")


async def _invite_member(env: MatrixEnv, role, team: VolunteerTeam) -> Outcome:
    newcomer = await _volunteer(env, env.world.community_a2)
    body = await env.gql(
        "mutation($i: InviteVolunteerTeamMemberInput!) { inviteVolunteerTeamMember(input: $i) "
        "{ errors { code } } }",
        {"i": {"teamId": _gid(team), "volunteerNumber": newcomer.volunteer_number}},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "inviteVolunteerTeamMember")


async def _rotate_code(env: MatrixEnv, role, team: VolunteerTeam) -> Outcome:
    body = await env.gql(
        "mutation($i: VolunteerTeamIdInput!) { rotateVolunteerTeamJoinCode(input: $i) "
        "{ errors { code } } }",
        {"i": {"teamId": _gid(team)}},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "rotateVolunteerTeamJoinCode")


async def _remove_member(env: MatrixEnv, role, team: VolunteerTeam) -> Outcome:
    member = await _volunteer(env, env.world.community_a2)
    env.session.add(TeamMembership(team_id=team.id, volunteer_id=member.id))
    await env.session.commit()
    body = await env.gql(
        "mutation($i: VolunteerTeamMemberInput!) { removeVolunteerTeamMember(input: $i) "
        "{ errors { code } } }",
        {"i": {"teamId": _gid(team), "volunteerId": _gid(member)}},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "removeVolunteerTeamMember")


_team_case("updateVolunteerTeam", _update_team)
_team_case("setVolunteerTeamActive", _deactivate_team)
_team_case("inviteVolunteerTeamMember", _invite_member)
_team_case("rotateVolunteerTeamJoinCode", _rotate_code)
_team_case("removeVolunteerTeamMember", _remove_member)


# --- a volunteer's side of membership (VOLUNTEERING_PARTICIPATE, their own memberships) -----------


async def _invitation(env: MatrixEnv, volunteer: Volunteer) -> TeamMembership:
    """An open invitation of ``volunteer`` to the street-A community team."""
    teams = await _teams(env)
    row = TeamMembership(
        team_id=teams["a_community"].id,
        volunteer_id=volunteer.id,
        status=TeamMembershipStatus.INVITED,
    )
    env.session.add(row)
    await env.session.commit()
    return row


async def _respond(env: MatrixEnv, role, membership: TeamMembership) -> Outcome:
    body = await env.gql(
        "mutation($i: RespondToTeamInvitationInput!) { respondToTeamInvitation(input: $i) "
        "{ errors { code } } }",
        {
            "i": {
                "membershipId": to_global_id("VolunteerTeamMembership", membership.id),
                "accept": True,
            }
        },
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "respondToTeamInvitation")


@case("respondToTeamInvitation", [Role.VOLUNTEER], allowed=True, name="own_invitation")
async def respond_to_own_invitation(env: MatrixEnv, role):
    return await _respond(env, role, await _invitation(env, await _own_profile(env)))


@case("respondToTeamInvitation", ROLES, allowed=False, name="someone_else_s_invitation")
async def respond_to_someone_else_s_invitation(env: MatrixEnv, role):
    await _own_profile(env)
    other = await _volunteer(env, env.world.community_a2)
    return await _respond(env, role, await _invitation(env, other))


async def _join(env: MatrixEnv, role) -> Outcome:
    teams = await _teams(env)
    teams["b_community"].join_code = "MATRIX2345"
    await env.session.commit()
    body = await env.gql(
        "mutation($i: JoinVolunteerTeamInput!) { joinVolunteerTeam(input: $i) "
        "{ errors { code } } }",
        {"i": {"code": "MATRIX2345"}},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "joinVolunteerTeam")


@case("joinVolunteerTeam", [Role.VOLUNTEER], allowed=True, name="with_the_code")
async def join_with_the_code(env: MatrixEnv, role):
    await _own_profile(env)
    return await _join(env, role)


@case("joinVolunteerTeam", ROLES, allowed=False, name="not_an_active_volunteer")
async def join_without_an_active_profile(env: MatrixEnv, role):
    own = await _own_profile(env)
    own.is_active = False  # a deactivated volunteer joins nothing (FORBIDDEN)
    await env.session.commit()
    return await _join(env, role)


async def _leave(env: MatrixEnv, role, team: VolunteerTeam) -> Outcome:
    body = await env.gql(
        "mutation($i: VolunteerTeamIdInput!) { leaveVolunteerTeam(input: $i) { errors { code } } }",
        {"i": {"teamId": _gid(team)}},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "leaveVolunteerTeam")


@case("leaveVolunteerTeam", [Role.VOLUNTEER], allowed=True, name="own_team")
async def leave_own_team(env: MatrixEnv, role):
    return await _leave(env, role, (await _teams(env))["a_org"])


@case("leaveVolunteerTeam", ROLES, allowed=False, name="a_team_one_is_not_in")
async def leave_a_team_one_is_not_in(env: MatrixEnv, role):
    return await _leave(env, role, (await _teams(env))["b_org"])


MY_MEMBERSHIPS = "{ myTeamMemberships { id } }"


async def _my_memberships(env: MatrixEnv, role, target: TeamMembership) -> Outcome:
    body = await env.gql(MY_MEMBERSHIPS, token=env.token(role), expect_errors=True)
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body["errors"])
    ids = {m["id"] for m in body["data"]["myTeamMemberships"]}
    wanted = to_global_id("VolunteerTeamMembership", target.id)
    return Outcome(allowed=wanted in ids, detail=ids)


@case("myTeamMemberships", [Role.VOLUNTEER], allowed=True, name="own")
async def my_memberships_list_my_invitation(env: MatrixEnv, role):
    return await _my_memberships(env, role, await _invitation(env, await _own_profile(env)))


@case("myTeamMemberships", ROLES, allowed=False, name="someone_else_s")
async def my_memberships_never_list_someone_else_s(env: MatrixEnv, role):
    await _own_profile(env)
    other = await _volunteer(env, env.world.community_a2)
    return await _my_memberships(env, role, await _invitation(env, other))
