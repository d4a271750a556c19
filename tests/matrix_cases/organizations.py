"""Matrix cases for organizations, social workers and staff.

In the matrix world org A is based in street A (in every scoped role's reach) and org B in
street B (out of it). Social workers: one for the SOCIAL_WORKER login (staff of org A, living
in street A) and one employed by org B, living in street B.
"""

from __future__ import annotations

from typing import Any

from matchmaker.models import SocialWorker, SocialWorkerMembership
from matchmaker.models.enums import Role
from matchmaker.models.organizations import MembershipStatus
from matchmaker.schema.relay import to_global_id
from tests.matrix import ROLES, MatrixEnv, Outcome, case, payload_outcome, refused_by_error

LOGGED_IN = [r for r in ROLES if r is not None]
ORG_READERS = [
    Role.PLATFORM_ADMIN,
    Role.BUREAU_OFFICER,
    Role.AUDITOR,
    Role.COMMUNITY_STAFF,
    Role.ORG_ADMIN,
    Role.SOCIAL_WORKER,
]
SCOPED_ORG_READERS = [r for r in ORG_READERS if r is not Role.PLATFORM_ADMIN]
NOT_ORG_READERS = [r for r in ROLES if r not in ORG_READERS]


def _gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


async def _workers(env: MatrixEnv) -> dict[str, SocialWorker]:
    """Profiles for the matrix: the SOCIAL_WORKER login's own (org A) and one of org B."""
    if "workers" in env.extra:
        return env.extra["workers"]  # type: ignore[no-any-return]
    own = SocialWorker(
        account_id=env.logins[Role.SOCIAL_WORKER].account.id,
        name="张社工",
        home_region_id=env.world.community_a1.id,
        specialties=["ELDERLY"],
    )
    from tests import factories

    other_login = await factories.account(env.session, env.settings)
    other = SocialWorker(
        account_id=other_login.account.id,
        name="赵社工",
        home_region_id=env.world.community_b1.id,
        specialties=["ELDERLY"],
    )
    env.session.add_all([own, other])
    await env.session.flush()
    env.session.add_all(
        [
            SocialWorkerMembership(
                social_worker_id=own.id, organization_id=env.world.extra["org_a"].id
            ),
            SocialWorkerMembership(
                social_worker_id=other.id, organization_id=env.world.extra["org_b"].id
            ),
        ]
    )
    await env.session.commit()
    env.extra["workers"] = {"a": own, "b": other}
    return env.extra["workers"]  # type: ignore[no-any-return]


async def _query(env: MatrixEnv, role: Role | None, query: str, variables: Any = None) -> Any:
    return await env.gql(query, variables, token=env.token(role), expect_errors=True)


# --- organizations ----------------------------------------------------------------------------

ORGS = "{ organizations(first: 50) { edges { node { name } } } }"


async def _organizations(env: MatrixEnv, role: Role | None) -> Outcome:
    body = await _query(env, role, ORGS)
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body["errors"])
    names = {e["node"]["name"] for e in body["data"]["organizations"]["edges"]}
    return Outcome(allowed=env.world.extra["org_a"].name in names, detail=names)


case("organizations", ORG_READERS, allowed=True)(_organizations)
case("organizations", NOT_ORG_READERS, allowed=False)(_organizations)


@case("organizations", SCOPED_ORG_READERS, allowed=False, name="other_street_hidden")
async def organizations_out_of_scope(env: MatrixEnv, role: Role | None) -> Outcome:
    body = await _query(env, role, ORGS)
    names = {e["node"]["name"] for e in body["data"]["organizations"]["edges"]}
    return Outcome(allowed=env.world.extra["org_b"].name in names, detail=names)


MY_ORGS = "{ myOrganizations { name } }"


@case("myOrganizations", LOGGED_IN, allowed=True)
async def my_organizations_lists_own(env: MatrixEnv, role: Role | None) -> Outcome:
    body = await _query(env, role, MY_ORGS)
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body["errors"])
    names = [o["name"] for o in body["data"]["myOrganizations"]]
    expected = (
        [env.world.extra["org_a"].name] if role in (Role.ORG_ADMIN, Role.SOCIAL_WORKER) else []
    )
    return Outcome(allowed=names == expected, detail=names)


# --- organization writes ----------------------------------------------------------------------

CREATE_ORG = (
    "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { errors { code } } }"
)


def _create_org_input(env: MatrixEnv, region_id: int) -> dict[str, Any]:
    from tests.factories import valid_credit_code

    return {
        "name": "新成立社工服务中心",
        "creditCode": valid_credit_code(77),
        "kind": "REGISTERED",
        "regionId": _gid("Region", region_id),
        "legalRepresentative": "周明",
        "contactName": "吴芳",
        "contactPhone": "13700000007",
    }


async def _create_org_in_a(env: MatrixEnv, role: Role | None) -> Outcome:
    body = await _query(
        env, role, CREATE_ORG, {"i": _create_org_input(env, env.world.community_a1.id)}
    )
    return payload_outcome(body, "createOrganization")


async def _create_org_in_b(env: MatrixEnv, role: Role | None) -> Outcome:
    body = await _query(
        env, role, CREATE_ORG, {"i": _create_org_input(env, env.world.community_b1.id)}
    )
    return payload_outcome(body, "createOrganization")


case("createOrganization", [Role.PLATFORM_ADMIN, Role.BUREAU_OFFICER], allowed=True)(
    _create_org_in_a
)
case(
    "createOrganization",
    [r for r in ROLES if r not in (Role.PLATFORM_ADMIN, Role.BUREAU_OFFICER)],
    allowed=False,
)(_create_org_in_a)
case("createOrganization", [Role.BUREAU_OFFICER], allowed=False, name="other_street")(
    _create_org_in_b
)

UPDATE_ORG = (
    "mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { errors { code } } }"
)


async def _update_org(env: MatrixEnv, role: Role | None, key: str) -> Outcome:
    org = env.world.extra[key]
    body = await _query(
        env,
        role,
        UPDATE_ORG,
        {
            "i": {
                "organizationId": _gid("Organization", org.id),
                "version": org.version,
                "description": "更新简介",
            }
        },
    )
    return payload_outcome(body, "updateOrganization")


async def _update_org_a(env: MatrixEnv, role: Role | None) -> Outcome:
    return await _update_org(env, role, "org_a")


async def _update_org_b(env: MatrixEnv, role: Role | None) -> Outcome:
    return await _update_org(env, role, "org_b")


ORG_UPDATERS = [Role.PLATFORM_ADMIN, Role.BUREAU_OFFICER, Role.ORG_ADMIN]
case("updateOrganization", ORG_UPDATERS, allowed=True)(_update_org_a)
case("updateOrganization", [r for r in ROLES if r not in ORG_UPDATERS], allowed=False)(
    _update_org_a
)
case(
    "updateOrganization",
    [Role.BUREAU_OFFICER, Role.ORG_ADMIN],
    allowed=False,
    name="other_organization",
)(_update_org_b)

SET_ORG_ACTIVE = (
    "mutation($i: SetOrganizationActiveInput!) "
    "{ setOrganizationActive(input: $i) { errors { code } } }"
)


async def _deactivate(env: MatrixEnv, role: Role | None, key: str) -> Outcome:
    org = env.world.extra[key]
    body = await _query(
        env,
        role,
        SET_ORG_ACTIVE,
        {"i": {"organizationId": _gid("Organization", org.id), "active": False}},
    )
    return payload_outcome(body, "setOrganizationActive")


async def _deactivate_a(env: MatrixEnv, role: Role | None) -> Outcome:
    return await _deactivate(env, role, "org_a")


async def _deactivate_b(env: MatrixEnv, role: Role | None) -> Outcome:
    return await _deactivate(env, role, "org_b")


DEACTIVATORS = [Role.PLATFORM_ADMIN, Role.BUREAU_OFFICER]
case("setOrganizationActive", DEACTIVATORS, allowed=True)(_deactivate_a)
case("setOrganizationActive", [r for r in ROLES if r not in DEACTIVATORS], allowed=False)(
    _deactivate_a
)
case("setOrganizationActive", [Role.BUREAU_OFFICER], allowed=False, name="other_street")(
    _deactivate_b
)

# --- social workers ---------------------------------------------------------------------------

WORKERS = "{ socialWorkers(first: 50) { edges { node { name } } } }"
WORKER_READERS = ORG_READERS


async def _social_workers(env: MatrixEnv, role: Role | None) -> Outcome:
    workers = await _workers(env)
    body = await _query(env, role, WORKERS)
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body["errors"])
    names = {e["node"]["name"] for e in body["data"]["socialWorkers"]["edges"]}
    return Outcome(allowed=workers["a"].name in names, detail=names)


case("socialWorkers", WORKER_READERS, allowed=True)(_social_workers)
case("socialWorkers", [r for r in ROLES if r not in WORKER_READERS], allowed=False)(_social_workers)


@case(
    "socialWorkers",
    [r for r in WORKER_READERS if r is not Role.PLATFORM_ADMIN],
    allowed=False,
    name="other_street_hidden",
)
async def social_workers_out_of_scope(env: MatrixEnv, role: Role | None) -> Outcome:
    workers = await _workers(env)
    body = await _query(env, role, WORKERS)
    names = {e["node"]["name"] for e in body["data"]["socialWorkers"]["edges"]}
    return Outcome(allowed=workers["b"].name in names, detail=names)


CREATE_WORKER = (
    "mutation($i: CreateSocialWorkerInput!) { createSocialWorker(input: $i) { errors { code } } }"
)


async def _create_worker(env: MatrixEnv, role: Role | None, key: str) -> Outcome:
    body = await _query(
        env,
        role,
        CREATE_WORKER,
        {
            "i": {
                "organizationId": _gid("Organization", env.world.extra[key].id),
                "name": "钱社工",
                "username": "qian_sw",
                "password": "passw0rd-new",
            }
        },
    )
    return payload_outcome(body, "createSocialWorker")


async def _create_worker_a(env: MatrixEnv, role: Role | None) -> Outcome:
    return await _create_worker(env, role, "org_a")


async def _create_worker_b(env: MatrixEnv, role: Role | None) -> Outcome:
    return await _create_worker(env, role, "org_b")


HIRERS = [Role.PLATFORM_ADMIN, Role.ORG_ADMIN]
NOT_HIRERS = [r for r in ROLES if r not in HIRERS]
case("createSocialWorker", HIRERS, allowed=True)(_create_worker_a)
case("createSocialWorker", NOT_HIRERS, allowed=False)(_create_worker_a)
case("createSocialWorker", [Role.ORG_ADMIN], allowed=False, name="other_organization")(
    _create_worker_b
)

UPDATE_WORKER = (
    "mutation($i: UpdateSocialWorkerInput!) { updateSocialWorker(input: $i) { errors { code } } }"
)


async def _update_worker(env: MatrixEnv, role: Role | None, key: str) -> Outcome:
    worker = (await _workers(env))[key]
    body = await _query(
        env,
        role,
        UPDATE_WORKER,
        {
            "i": {
                "socialWorkerId": _gid("SocialWorker", worker.id),
                "version": worker.version,
                "specialties": ["FAMILY"],
            }
        },
    )
    return payload_outcome(body, "updateSocialWorker")


async def _update_worker_a(env: MatrixEnv, role: Role | None) -> Outcome:
    return await _update_worker(env, role, "a")


async def _update_worker_b(env: MatrixEnv, role: Role | None) -> Outcome:
    return await _update_worker(env, role, "b")


WORKER_MANAGERS = [Role.PLATFORM_ADMIN, Role.ORG_ADMIN, Role.SOCIAL_WORKER]
NOT_WORKER_MANAGERS = [r for r in ROLES if r not in WORKER_MANAGERS]
case("updateSocialWorker", WORKER_MANAGERS, allowed=True)(_update_worker_a)
case("updateSocialWorker", NOT_WORKER_MANAGERS, allowed=False)(_update_worker_a)
case(
    "updateSocialWorker",
    [Role.ORG_ADMIN, Role.SOCIAL_WORKER],
    allowed=False,
    name="other_organization_worker",
)(_update_worker_b)

SET_WORKER_ACTIVE = (
    "mutation($i: SetSocialWorkerActiveInput!) "
    "{ setSocialWorkerActive(input: $i) { errors { code } } }"
)


async def _set_worker_active(env: MatrixEnv, role: Role | None, key: str) -> Outcome:
    worker = (await _workers(env))[key]
    body = await _query(
        env,
        role,
        SET_WORKER_ACTIVE,
        {"i": {"socialWorkerId": _gid("SocialWorker", worker.id), "active": False}},
    )
    return payload_outcome(body, "setSocialWorkerActive")


async def _set_worker_a_active(env: MatrixEnv, role: Role | None) -> Outcome:
    return await _set_worker_active(env, role, "a")


async def _set_worker_b_active(env: MatrixEnv, role: Role | None) -> Outcome:
    return await _set_worker_active(env, role, "b")


case("setSocialWorkerActive", WORKER_MANAGERS, allowed=True)(_set_worker_a_active)
case("setSocialWorkerActive", NOT_WORKER_MANAGERS, allowed=False)(_set_worker_a_active)
case(
    "setSocialWorkerActive",
    [Role.ORG_ADMIN, Role.SOCIAL_WORKER],
    allowed=False,
    name="other_organization_worker",
)(_set_worker_b_active)

# --- staff ------------------------------------------------------------------------------------

ADD_STAFF = "mutation($i: AddStaffMemberInput!) { addStaffMember(input: $i) { errors { code } } }"


async def _add_staff(env: MatrixEnv, role: Role | None, org_key: str) -> Outcome:
    """Hire the org-B worker, identified by login phone and name."""
    workers = await _workers(env)
    from matchmaker.models import Account

    other_account = await env.session.get(Account, workers["b"].account_id)
    assert other_account is not None
    other_account.phone = "13600000009"
    await env.session.commit()
    body = await _query(
        env,
        role,
        ADD_STAFF,
        {
            "i": {
                "organizationId": _gid("Organization", env.world.extra[org_key].id),
                "phone": "13600000009",
                "name": workers["b"].name,
            }
        },
    )
    return payload_outcome(body, "addStaffMember")


async def _add_staff_a(env: MatrixEnv, role: Role | None) -> Outcome:
    return await _add_staff(env, role, "org_a")


@case("addStaffMember", [Role.ORG_ADMIN], allowed=False, name="other_organization")
async def _add_staff_to_b(env: MatrixEnv, role: Role | None) -> Outcome:
    """Org A's admin can't hire into org B (the worker there is already staff: use a new one)."""
    from tests import factories

    login = await factories.account(env.session, env.settings, phone="13600000010")
    env.session.add(SocialWorker(account_id=login.account.id, name="孙社工"))
    await env.session.commit()
    body = await _query(
        env,
        role,
        ADD_STAFF,
        {
            "i": {
                "organizationId": _gid("Organization", env.world.extra["org_b"].id),
                "phone": "13600000010",
                "name": "孙社工",
            }
        },
    )
    return payload_outcome(body, "addStaffMember")


case("addStaffMember", HIRERS, allowed=True)(_add_staff_a)
case("addStaffMember", NOT_HIRERS, allowed=False)(_add_staff_a)

REMOVE_STAFF = (
    "mutation($i: RemoveStaffMemberInput!) { removeStaffMember(input: $i) { errors { code } } }"
)


async def _remove_staff(
    env: MatrixEnv, role: Role | None, worker_key: str, org_key: str
) -> Outcome:
    worker = (await _workers(env))[worker_key]
    body = await _query(
        env,
        role,
        REMOVE_STAFF,
        {
            "i": {
                "organizationId": _gid("Organization", env.world.extra[org_key].id),
                "socialWorkerId": _gid("SocialWorker", worker.id),
            }
        },
    )
    return payload_outcome(body, "removeStaffMember")


async def _remove_staff_a(env: MatrixEnv, role: Role | None) -> Outcome:
    return await _remove_staff(env, role, "a", "org_a")


async def _remove_staff_b(env: MatrixEnv, role: Role | None) -> Outcome:
    return await _remove_staff(env, role, "b", "org_b")


case("removeStaffMember", HIRERS, allowed=True)(_remove_staff_a)
case("removeStaffMember", NOT_HIRERS, allowed=False)(_remove_staff_a)
case("removeStaffMember", [Role.ORG_ADMIN], allowed=False, name="other_organization")(
    _remove_staff_b
)

# --- qualifications and staff invitations -----------------------------------------------------

QUALIFY = (
    "mutation($i: SetSocialWorkerQualificationInput!) "
    "{ setSocialWorkerQualification(input: $i) { errors { code } } }"
)


async def _qualify(env: MatrixEnv, role: Role | None, key: str) -> Outcome:
    worker = (await _workers(env))[key]
    await env.session.refresh(worker)
    await env.session.commit()
    body = await _query(
        env,
        role,
        QUALIFY,
        {
            "i": {
                "socialWorkerId": _gid("SocialWorker", worker.id),
                "version": worker.version,
                "level": "SOCIAL_WORKER",
                "certificateNumber": f"ZS-MATRIX-{key.upper()}",
                "registeredOn": "2025-03-01",
            }
        },
    )
    return payload_outcome(body, "setSocialWorkerQualification")


async def _qualify_a(env: MatrixEnv, role: Role | None) -> Outcome:
    return await _qualify(env, role, "a")


async def _qualify_b(env: MatrixEnv, role: Role | None) -> Outcome:
    return await _qualify(env, role, "b")


QUALIFIERS = [Role.PLATFORM_ADMIN, Role.BUREAU_OFFICER]
case("setSocialWorkerQualification", QUALIFIERS, allowed=True)(_qualify_a)
case("setSocialWorkerQualification", [r for r in ROLES if r not in QUALIFIERS], allowed=False)(
    _qualify_a
)
# Street A's bureau doesn't reach a worker living in B1 and employed in street B.
case("setSocialWorkerQualification", [Role.BUREAU_OFFICER], allowed=False, name="out_of_region")(
    _qualify_b
)


async def _invited(env: MatrixEnv, role: Role) -> SocialWorkerMembership:
    """A pending invitation from org B to ``role``'s login (given a worker profile)."""
    from sqlalchemy import select

    account_id = env.logins[role].account.id
    worker = await env.session.scalar(
        select(SocialWorker).where(SocialWorker.account_id == account_id)
    )
    if worker is None:
        worker = SocialWorker(account_id=account_id, name="周社工")
        env.session.add(worker)
        await env.session.flush()
    invitation = SocialWorkerMembership(
        social_worker_id=worker.id,
        organization_id=env.world.extra["org_b"].id,
        status=MembershipStatus.PENDING,
    )
    env.session.add(invitation)
    await env.session.commit()
    return invitation


def _answer(field: str) -> Any:
    query = (
        f"mutation($i: StaffInvitationIdInput!) {{ {field}(input: $i) {{ errors {{ code }} }} }}"
    )

    async def own(env: MatrixEnv, role: Role | None) -> Outcome:
        assert role is not None
        invitation = await _invited(env, role)
        body = await _query(
            env, role, query, {"i": {"invitationId": _gid("StaffInvitation", invitation.id)}}
        )
        return payload_outcome(body, field)

    async def someone_elses(env: MatrixEnv, role: Role | None) -> Outcome:
        other = Role.VOLUNTEER if role is not Role.VOLUNTEER else Role.AUDITOR
        invitation = await _invited(env, other)
        body = await _query(
            env, role, query, {"i": {"invitationId": _gid("StaffInvitation", invitation.id)}}
        )
        return payload_outcome(body, field)

    case(field, LOGGED_IN, allowed=True, name="own_invitation")(own)
    case(field, LOGGED_IN + [None], allowed=False, name="someone_elses_invitation")(someone_elses)
    return own


_answer("acceptStaffInvitation")
_answer("declineStaffInvitation")

MY_INVITATIONS = "{ myStaffInvitations { id organizationName } }"


@case("myStaffInvitations", LOGGED_IN, allowed=True)
async def _my_invitations(env: MatrixEnv, role: Role | None) -> Outcome:
    assert role is not None
    invitation = await _invited(env, role)
    body = await _query(env, role, MY_INVITATIONS)
    ids = [i["id"] for i in body["data"]["myStaffInvitations"]]
    return Outcome(allowed=ids == [_gid("StaffInvitation", invitation.id)], detail=body)


@case("myStaffInvitations", LOGGED_IN, allowed=False, name="others_are_not_listed")
async def _others_invitations(env: MatrixEnv, role: Role | None) -> Outcome:
    other = Role.VOLUNTEER if role is not Role.VOLUNTEER else Role.AUDITOR
    await _invited(env, other)
    body = await _query(env, role, MY_INVITATIONS)
    return Outcome(allowed=bool(body["data"]["myStaffInvitations"]), detail=body)
