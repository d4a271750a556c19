"""Matrix cases for accounts, regions, audit and jobs."""

from __future__ import annotations

from matchmaker.models.enums import Role
from matchmaker.schema.relay import to_global_id
from tests.matrix import ROLES, MatrixEnv, Outcome, case, payload_outcome, refused_by_error

ALL_BUT_ADMIN = [r for r in ROLES if r is not Role.PLATFORM_ADMIN]
LOGGED_IN = [r for r in ROLES if r is not None]
REGIONAL = [Role.AUDITOR]  # roles whose audit access is scoped to a region


# --- open operations --------------------------------------------------------------------------


@case("me", LOGGED_IN, allowed=True)
async def me_returns_own_account(env: MatrixEnv, role):
    data = await env.gql("{ me { id } }", token=env.token(role))
    expected = to_global_id("Account", env.logins[role].account.id)
    return Outcome(allowed=data["me"]["id"] == expected)


@case("me", [None], allowed=True, name="anonymous_gets_null")
async def me_anonymous(env: MatrixEnv, role):
    data = await env.gql("{ me { id } }")
    return Outcome(allowed=data["me"] is None)


@case("node", LOGGED_IN + [None], allowed=True)
async def node_resolves_public_region(env: MatrixEnv, role):
    rid = to_global_id("Region", env.world.street_a.id)
    data = await env.gql(
        "query($id: ID!) { node(id: $id) { id } }", {"id": rid}, token=env.token(role)
    )
    return Outcome(allowed=data["node"] is not None)


@case("regions", LOGGED_IN + [None], allowed=True)
async def regions_are_public(env: MatrixEnv, role):
    data = await env.gql("{ regions(first: 5) { edges { node { code } } } }", token=env.token(role))
    return Outcome(allowed=len(data["regions"]["edges"]) > 0)


@case("regionByCode", LOGGED_IN + [None], allowed=True)
async def region_by_code_is_public(env: MatrixEnv, role):
    data = await env.gql('{ regionByCode(code: "370102001000") { name } }', token=env.token(role))
    return Outcome(allowed=data["regionByCode"] is not None)


LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token errors { code } } }"


@case("login", LOGGED_IN, allowed=True)
async def login_with_own_password(env: MatrixEnv, role):
    from tests.factories import PASSWORD

    username = env.logins[role].account.username
    data = await env.gql(LOGIN, {"i": {"login": username, "password": PASSWORD}})
    return Outcome(allowed=data["login"]["token"] is not None, detail=data)


@case("logout", LOGGED_IN, allowed=True)
async def logout_own_session(env: MatrixEnv, role):
    body = await env.gql(
        "mutation { logout { ok errors { code } } }", token=env.token(role), expect_errors=True
    )
    return payload_outcome(body, "logout")


@case("changePassword", LOGGED_IN, allowed=True)
async def change_own_password(env: MatrixEnv, role):
    from tests.factories import PASSWORD

    body = await env.gql(
        "mutation($i: ChangePasswordInput!) { changePassword(input: $i) { errors { code } } }",
        {"i": {"oldPassword": PASSWORD, "newPassword": "another-passw0rd"}},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "changePassword")


# --- platform admin only ----------------------------------------------------------------------


async def _accounts(env: MatrixEnv, role):
    body = await env.gql(
        "{ accounts(first: 5) { edges { node { id } } } }",
        token=env.token(role),
        expect_errors=True,
    )
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body.get("errors"))
    return Outcome(allowed=len(body["data"]["accounts"]["edges"]) > 0)


case("accounts", [Role.PLATFORM_ADMIN], allowed=True)(_accounts)
case("accounts", ALL_BUT_ADMIN, allowed=False)(_accounts)


async def _create_account(env: MatrixEnv, role):
    body = await env.gql(
        "mutation($i: CreateAccountInput!) { createAccount(input: $i) { errors { code } } }",
        {"i": {"username": "newstaff", "displayName": "新员工", "password": "passw0rd-new"}},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "createAccount")


case("createAccount", [Role.PLATFORM_ADMIN], allowed=True)(_create_account)
case("createAccount", ALL_BUT_ADMIN, allowed=False)(_create_account)


async def _set_status(env: MatrixEnv, role):
    target = to_global_id("Account", env.logins[Role.VOLUNTEER].account.id)
    body = await env.gql(
        "mutation($i: SetAccountStatusInput!) { setAccountStatus(input: $i) { errors { code } } }",
        {"i": {"accountId": target, "status": "DISABLED"}},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "setAccountStatus")


case("setAccountStatus", [Role.PLATFORM_ADMIN], allowed=True)(_set_status)
case("setAccountStatus", ALL_BUT_ADMIN, allowed=False)(_set_status)


async def _grant(env: MatrixEnv, role):
    target = to_global_id("Account", env.logins[Role.VOLUNTEER].account.id)
    body = await env.gql(
        "mutation($i: GrantRoleInput!) { grantRole(input: $i) { errors { code } } }",
        {
            "i": {
                "accountId": target,
                "role": "COMMUNITY_STAFF",
                "regionId": to_global_id("Region", env.world.community_a1.id),
            }
        },
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "grantRole")


case("grantRole", [Role.PLATFORM_ADMIN], allowed=True)(_grant)
case("grantRole", ALL_BUT_ADMIN, allowed=False)(_grant)


async def _revoke(env: MatrixEnv, role):
    grant = env.logins[Role.VOLUNTEER].grant
    assert grant is not None
    body = await env.gql(
        "mutation($i: RevokeRoleInput!) { revokeRole(input: $i) { errors { code } } }",
        {"i": {"grantId": to_global_id("RoleGrant", grant.id)}},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "revokeRole")


case("revokeRole", [Role.PLATFORM_ADMIN], allowed=True)(_revoke)
case("revokeRole", ALL_BUT_ADMIN, allowed=False)(_revoke)


async def _create_region(env: MatrixEnv, role):
    body = await env.gql(
        "mutation($i: CreateRegionInput!) { createRegion(input: $i) { errors { code } } }",
        {
            "i": {
                "code": "370102001003",
                "name": "新社区",
                "level": "COMMUNITY",
                "parentId": to_global_id("Region", env.world.street_a.id),
            }
        },
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "createRegion")


case("createRegion", [Role.PLATFORM_ADMIN], allowed=True)(_create_region)
case("createRegion", ALL_BUT_ADMIN, allowed=False)(_create_region)


async def _rename_region(env: MatrixEnv, role):
    body = await env.gql(
        "mutation($i: RenameRegionInput!) { renameRegion(input: $i) { errors { code } } }",
        {
            "i": {
                "regionId": to_global_id("Region", env.world.street_a.id),
                "name": "解放路街道（新）",
                "version": env.world.street_a.version,
            }
        },
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "renameRegion")


case("renameRegion", [Role.PLATFORM_ADMIN], allowed=True)(_rename_region)
case("renameRegion", ALL_BUT_ADMIN, allowed=False)(_rename_region)


async def _import_regions(env: MatrixEnv, role):
    csv = "code,name,level,parent_code\n370102002002,新社区,COMMUNITY,370102002000\n"
    body = await env.gql(
        "mutation($i: ImportRegionsInput!) { importRegions(input: $i) { created errors { code } } }",
        {"i": {"csv": csv}},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "importRegions")


case("importRegions", [Role.PLATFORM_ADMIN], allowed=True)(_import_regions)
case("importRegions", ALL_BUT_ADMIN, allowed=False)(_import_regions)


async def _jobs(env: MatrixEnv, role):
    from matchmaker.queue.outbox import schedule

    await schedule(env.session, "expire_sessions", {})
    await env.session.commit()
    body = await env.gql(
        "{ jobs(first: 5) { edges { node { name } } } }", token=env.token(role), expect_errors=True
    )
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body.get("errors"))
    return Outcome(allowed=len(body["data"]["jobs"]["edges"]) == 1)


case("jobs", [Role.PLATFORM_ADMIN], allowed=True)(_jobs)
case("jobs", ALL_BUT_ADMIN, allowed=False)(_jobs)


async def _job(env: MatrixEnv, role):
    from matchmaker.queue.outbox import schedule

    job_id = await schedule(env.session, "expire_sessions", {})
    await env.session.commit()
    body = await env.gql(
        "query($id: ID!) { job(id: $id) { name } }",
        {"id": to_global_id("Job", job_id)},
        token=env.token(role),
        expect_errors=True,
    )
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body.get("errors"))
    return Outcome(allowed=body["data"]["job"]["name"] == "expire_sessions")


case("job", [Role.PLATFORM_ADMIN], allowed=True)(_job)
case("job", ALL_BUT_ADMIN, allowed=False)(_job)


# --- audit: platform admins everywhere, auditors in their region ------------------------------


async def _audit_events(env: MatrixEnv, role):
    """Auditors see events of their street, never of another street."""
    from matchmaker.services import audit
    from matchmaker.services.bootstrap import system_context

    sc = system_context(env.session, env.settings)
    await audit.record(
        sc,
        action="test.in",
        subject_type="T",
        subject_id=1,
        region_path=env.world.community_a1.path,
    )
    await audit.record(
        sc,
        action="test.out",
        subject_type="T",
        subject_id=2,
        region_path=env.world.community_b1.path,
    )
    await env.session.commit()
    body = await env.gql(
        '{ auditEvents(first: 50, subjectType: "T") { edges { node { action } } } }',
        token=env.token(role),
        expect_errors=True,
    )
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body.get("errors"))
    actions = {e["node"]["action"] for e in body["data"]["auditEvents"]["edges"]}
    if "test.out" in actions and role is not Role.PLATFORM_ADMIN:
        return Outcome(allowed=True, detail="saw another street's event")
    return Outcome(allowed="test.in" in actions, detail=actions)


case("auditEvents", [Role.PLATFORM_ADMIN, Role.AUDITOR], allowed=True)(_audit_events)
case(
    "auditEvents", [r for r in ROLES if r not in (Role.PLATFORM_ADMIN, Role.AUDITOR)], allowed=False
)(_audit_events)


@case("auditEvents", [Role.AUDITOR], allowed=False, name="other_street_events_hidden")
async def audit_events_out_of_scope(env: MatrixEnv, role):
    from matchmaker.services import audit
    from matchmaker.services.bootstrap import system_context

    sc = system_context(env.session, env.settings)
    await audit.record(
        sc,
        action="test.out",
        subject_type="T",
        subject_id=2,
        region_path=env.world.community_b1.path,
    )
    await env.session.commit()
    data = await env.gql(
        '{ auditEvents(first: 50, subjectType: "T") { edges { node { action } } } }',
        token=env.token(role),
    )
    return Outcome(allowed=len(data["auditEvents"]["edges"]) > 0)


async def _verify(env: MatrixEnv, role):
    body = await env.gql(
        "{ verifyAuditChain { ok checked } }", token=env.token(role), expect_errors=True
    )
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body.get("errors"))
    return Outcome(allowed=body["data"]["verifyAuditChain"]["ok"] is True)


case("verifyAuditChain", [Role.PLATFORM_ADMIN, Role.AUDITOR], allowed=True)(_verify)
case(
    "verifyAuditChain",
    [r for r in ROLES if r not in (Role.PLATFORM_ADMIN, Role.AUDITOR)],
    allowed=False,
)(_verify)
