"""Matrix cases for micro-wishes (docs/micro_wishes.md).

Wishes are made directly in the community of street A (in scope) or street B (out of scope).
Claimants per role: the env volunteer (given a volunteer profile), organization A for its admin,
a team of street A's community for street A's staff (its manager). Out of scope: organization
B, a team of street B, a wish someone else holds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from matchmaker import clock
from matchmaker.models import MicroWish, Region, Volunteer, VolunteerTeam
from matchmaker.models.enums import Role, ServiceCategory
from matchmaker.models.micro_wishes import (
    ClaimantType,
    MicroWishKind,
    MicroWishNeed,
    MicroWishStatus,
)
from matchmaker.models.procurement import ProjectStatus
from matchmaker.services.crypto import encrypt_pii
from tests.matrix import ROLES, MatrixEnv, Outcome, case, payload_outcome, refused_by_error
from tests.volunteering_helpers import gid, many_volunteers, running_project

STAFF = [Role.COMMUNITY_STAFF]
CLAIMERS = [Role.VOLUNTEER, Role.ORG_ADMIN, Role.COMMUNITY_STAFF]
NOT_STAFF = [r for r in ROLES if r is not Role.COMMUNITY_STAFF]


async def _wish(
    env: MatrixEnv,
    community: Region,
    status: MicroWishStatus = MicroWishStatus.OPEN,
    claimant: tuple[ClaimantType, int] | None = None,
) -> MicroWish:
    key = env.settings.secret_key
    wish = MicroWish(
        region_id=community.id,
        region_path=community.path,
        kind=MicroWishKind.WISH,
        category=ServiceCategory.ELDERLY,
        title="帮老人取快递",
        description="张大爷（某小区1号）需要取快递",
        public_description="一位老人需要取快递",
        needs=MicroWishNeed.TIME,
        deadline=clock.now() + dt.timedelta(days=3),
        beneficiary_name_encrypted=encrypt_pii(key, "张大爷"),
        beneficiary_address_encrypted=encrypt_pii(key, "某小区1号"),
        status=status,
        claimant_type=claimant[0] if claimant else None,
        claimant_id=claimant[1] if claimant else None,
        claimed_at=clock.now() if claimant else None,
        fulfilled_at=clock.now() if status is MicroWishStatus.FULFILLED else None,
    )
    env.session.add(wish)
    await env.session.commit()
    return wish


async def _team(env: MatrixEnv, community: Region) -> VolunteerTeam:
    team = VolunteerTeam(name=f"{community.name}志愿服务队", region_id=community.id)
    env.session.add(team)
    await env.session.commit()
    return team


async def _my_volunteer(env: MatrixEnv) -> int:
    me = Volunteer(
        account_id=env.logins[Role.VOLUNTEER].account.id,
        real_name="王小明",
        id_number_encrypted=b"x",
        id_number_hash="w" * 64,
        id_number_masked="3701**********0011",
        birth_date=dt.date(1990, 1, 1),
        gender="M",
        volunteer_number="V9100000001",
        skills=[],
        interests=[],
        home_region_id=env.world.community_a1.id,
    )
    env.session.add(me)
    await env.session.commit()
    return me.id


async def _claimant(
    env: MatrixEnv, role: Role | None, in_scope: bool
) -> tuple[tuple[ClaimantType, int] | None, dict[str, Any]]:
    """The claimant the role acts for (in scope) or one it doesn't (out of scope), and the
    claim input naming it."""
    w = env.world
    if role is Role.VOLUNTEER:
        mine = await _my_volunteer(env)
        if in_scope:
            return (ClaimantType.VOLUNTEER, mine), {}
        ((_, other),) = await many_volunteers(env.session, 1, w.community_a1, start=900)
        team = await _team(env, w.community_a1)  # a volunteer manages no team
        return (ClaimantType.VOLUNTEER, other), {"teamId": gid("VolunteerTeam", team.id)}
    if role is Role.ORG_ADMIN:
        org = w.extra["org_a" if in_scope else "org_b"]
        return (ClaimantType.ORGANIZATION, org.id), {"organizationId": gid("Organization", org.id)}
    if role is Role.COMMUNITY_STAFF:
        team = await _team(env, w.community_a1 if in_scope else w.community_b1)
        return (ClaimantType.TEAM, team.id), {"teamId": gid("VolunteerTeam", team.id)}
    ((_, other),) = await many_volunteers(env.session, 1, w.community_a1, start=950)
    return (ClaimantType.VOLUNTEER, other), {}


# --- queries ------------------------------------------------------------------------------------

BOARD = "{ microWishes(first: 10) { edges { node { id title beneficiary { name } } } } }"


async def _board(env: MatrixEnv, role):
    await _wish(env, env.world.community_a1)
    body = await env.gql(BOARD, token=env.token(role), expect_errors=True)
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body["errors"])
    return Outcome(allowed=len(body["data"]["microWishes"]["edges"]) == 1)


case("microWishes", ROLES, allowed=True, name="public_board")(_board)


def _beneficiary(community_of):
    async def run(env: MatrixEnv, role):
        await _wish(env, community_of(env))
        body = await env.gql(BOARD, token=env.token(role), expect_errors=True)
        (edge,) = body["data"]["microWishes"]["edges"]
        return Outcome(allowed=edge["node"]["beneficiary"] is not None, detail=edge)

    return run


case("microWishes", STAFF, allowed=True, name="beneficiary_for_staff")(
    _beneficiary(lambda env: env.world.community_a1)
)
case("microWishes", NOT_STAFF, allowed=False, name="beneficiary_masked")(
    _beneficiary(lambda env: env.world.community_a1)
)
case("microWishes", STAFF, allowed=False, name="beneficiary_masked_other_street")(
    _beneficiary(lambda env: env.world.community_b1)
)

MINE = "{ myMicroWishClaims(first: 10) { edges { node { id } } } }"


def _mine(in_scope: bool):
    async def run(env: MatrixEnv, role):
        claimant, _ = await _claimant(env, role, in_scope)
        await _wish(env, env.world.community_a1, MicroWishStatus.CLAIMED, claimant)
        body = await env.gql(MINE, token=env.token(role), expect_errors=True)
        if refused_by_error(body):
            return Outcome(allowed=False, detail=body["errors"])
        return Outcome(allowed=len(body["data"]["myMicroWishClaims"]["edges"]) == 1)

    return run


case("myMicroWishClaims", CLAIMERS, allowed=True, name="own_claim")(_mine(True))
case("myMicroWishClaims", ROLES, allowed=False, name="others_claim")(_mine(False))


# --- staff mutations ----------------------------------------------------------------------------


def _mutation(operation: str, input_type: str) -> str:
    return (
        f"mutation($i: {input_type}!) {{ {operation}(input: $i) {{ microWish {{ id }} "
        "errors { code field message } } }"
    )


async def _run(env: MatrixEnv, role, operation: str, input_type: str, value: dict[str, Any]):
    body = await env.gql(
        _mutation(operation, input_type), {"i": value}, token=env.token(role), expect_errors=True
    )
    return payload_outcome(body, operation)


def _staff_mutation(operation, input_type, status, make_input):
    def runner(in_scope: bool):
        async def run(env: MatrixEnv, role):
            community = env.world.community_a1 if in_scope else env.world.community_b1
            claimant = None
            if status is not MicroWishStatus.OPEN:
                ((_, vid),) = await many_volunteers(env.session, 1, community, start=800)
                claimant = (ClaimantType.VOLUNTEER, vid)
            wish = await _wish(env, community, status, claimant)
            value = await make_input(env, wish, community)
            return await _run(env, role, operation, input_type, value)

        return run

    case(operation, STAFF, allowed=True)(runner(True))
    case(operation, STAFF, allowed=False, name="other_street")(runner(False))
    case(operation, NOT_STAFF, allowed=False, name="not_staff")(runner(True))


async def _record_input(env, wish, community):
    return {
        "regionId": gid("Region", community.id),
        "kind": "AFFAIR",
        "category": "ENVIRONMENT",
        "title": "楼道清理",
        "description": "3号楼楼道杂物",
        "publicDescription": "楼道杂物需要清理",
        "needs": "TIME",
        "deadline": (clock.now() + dt.timedelta(days=2)).isoformat(),
        "beneficiaryName": "3号楼居民",
        "beneficiaryAddress": "3号楼",
    }


async def _id_input(env, wish, community):
    return {"wishId": gid("MicroWish", wish.id)}


async def _reason_input(env, wish, community):
    return {"wishId": gid("MicroWish", wish.id), "reason": "情况有变"}


async def _escalate_input(env, wish, community):
    project = await running_project(env.session, community, env.world.extra["org_a"].id)
    project.status = ProjectStatus.DRAFT
    await env.session.commit()
    return {"wishId": gid("MicroWish", wish.id), "projectId": gid("Project", project.id)}


_staff_mutation("recordMicroWish", "RecordMicroWishInput", MicroWishStatus.OPEN, _record_input)
_staff_mutation("withdrawMicroWish", "MicroWishReasonInput", MicroWishStatus.OPEN, _reason_input)
_staff_mutation("confirmMicroWish", "MicroWishIdInput", MicroWishStatus.FULFILLED, _id_input)
_staff_mutation(
    "returnMicroWishFulfilment", "MicroWishReasonInput", MicroWishStatus.FULFILLED, _reason_input
)
_staff_mutation(
    "escalateMicroWish", "EscalateMicroWishInput", MicroWishStatus.OPEN, _escalate_input
)


# --- claimant mutations -------------------------------------------------------------------------


def _claim(in_scope: bool):
    async def run(env: MatrixEnv, role):
        _, extra = await _claimant(env, role, in_scope)
        wish = await _wish(env, env.world.community_a1)
        value = {"wishId": gid("MicroWish", wish.id), **extra}
        return await _run(env, role, "claimMicroWish", "ClaimMicroWishInput", value)

    return run


case("claimMicroWish", CLAIMERS, allowed=True)(_claim(True))
case("claimMicroWish", ROLES, allowed=False, name="not_theirs_to_claim_for")(_claim(False))


def _held(operation: str, input_type: str, extra: dict[str, Any]):
    def runner(in_scope: bool):
        async def run(env: MatrixEnv, role):
            claimant, _ = await _claimant(env, role, in_scope)
            wish = await _wish(env, env.world.community_a1, MicroWishStatus.CLAIMED, claimant)
            value = {"wishId": gid("MicroWish", wish.id), **extra}
            return await _run(env, role, operation, input_type, value)

        return run

    case(operation, CLAIMERS, allowed=True)(runner(True))
    case(operation, ROLES, allowed=False, name="held_by_someone_else")(runner(False))


_held("releaseMicroWish", "MicroWishIdInput", {})
_held("reportMicroWishFulfilment", "ReportMicroWishFulfilmentInput", {"report": "已完成"})


# --- counting and the public home ---------------------------------------------------------------

REGIONAL = [Role.AUDITOR, Role.BUREAU_OFFICER, Role.COMMUNITY_STAFF]
COUNTS = "query($r: ID) { microWishCounts(regionId: $r) { total { recorded } } }"


def _counts(region_of):
    async def run(env: MatrixEnv, role):
        await _wish(env, env.world.community_a1)
        body = await env.gql(
            COUNTS,
            {"r": gid("Region", region_of(env).id)},
            token=env.token(role),
            expect_errors=True,
        )
        if refused_by_error(body):
            return Outcome(allowed=False, detail=body["errors"])
        return Outcome(allowed=body["data"]["microWishCounts"]["total"]["recorded"] == 1)

    return run


case("microWishCounts", REGIONAL, allowed=True)(_counts(lambda env: env.in_scope_region))
case("microWishCounts", [r for r in ROLES if r not in REGIONAL], allowed=False)(
    _counts(lambda env: env.in_scope_region)
)
case("microWishCounts", REGIONAL, allowed=False, name="other_street_refused")(
    _counts(lambda env: env.out_of_scope_region)
)

RESULTS = "{ recentMicroWishResults { id beneficiary { name } fulfilmentReport } }"


async def _results(env: MatrixEnv, role):
    wish = await _wish(env, env.world.community_b1, MicroWishStatus.FULFILLED)
    wish.fulfilment_report = "已完成"
    await env.session.commit()
    body = await env.gql(RESULTS, token=env.token(role), expect_errors=True)
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body["errors"])
    return Outcome(allowed=len(body["data"]["recentMicroWishResults"]) == 1, detail=body)


case("recentMicroWishResults", ROLES, allowed=True, name="public_results")(_results)


async def _results_masked(env: MatrixEnv, role):
    await _results(env, role)
    body = await env.gql(RESULTS, token=env.token(role))
    (row,) = body["recentMicroWishResults"]
    return Outcome(allowed=row["beneficiary"] is not None or row["fulfilmentReport"] is not None)


# Staff of street A, like everyone outside 佛山苑's street, read neither of street B's details.
case("recentMicroWishResults", ROLES, allowed=False, name="beneficiary_masked")(_results_masked)


# --- matching: whom to ask, wishes near a volunteer ---------------------------------------------

CLAIMERS = """query($w: ID!) { recommendedWishClaimers(wishId: $w, first: 5) {
  items { rank } coldStart } }"""


def _claimers(community_of):
    async def run(env: MatrixEnv, role):
        wish = await _wish(env, community_of(env))
        body = await env.gql(
            CLAIMERS, {"w": gid("MicroWish", wish.id)}, token=env.token(role), expect_errors=True
        )
        if refused_by_error(body):
            return Outcome(allowed=False, detail=body["errors"])
        return Outcome(allowed=body["data"]["recommendedWishClaimers"]["coldStart"] is True)

    return run


case("recommendedWishClaimers", STAFF, allowed=True)(_claimers(lambda env: env.world.community_a1))
case("recommendedWishClaimers", STAFF, allowed=False, name="other_street")(
    _claimers(lambda env: env.world.community_b1)
)
case("recommendedWishClaimers", NOT_STAFF, allowed=False, name="not_staff")(
    _claimers(lambda env: env.world.community_a1)
)

FEED = "{ recommendedMicroWishes(first: 5) { items { rank microWish { id } } coldStart } }"


def _feed(in_scope: bool):
    async def run(env: MatrixEnv, role):
        if role is Role.VOLUNTEER:
            await _my_volunteer(env)  # lives in 朝山街社区, street A
        await _wish(env, env.world.community_a1 if in_scope else env.world.community_b1)
        body = await env.gql(FEED, token=env.token(role), expect_errors=True)
        if refused_by_error(body):
            return Outcome(allowed=False, detail=body["errors"])
        return Outcome(allowed=len(body["data"]["recommendedMicroWishes"]["items"]) == 1)

    return run


case("recommendedMicroWishes", [Role.VOLUNTEER], allowed=True, name="nearby_wish")(_feed(True))
case("recommendedMicroWishes", ROLES, allowed=False, name="other_street_not_in_feed")(_feed(False))
