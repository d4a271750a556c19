"""Matrix cases for the workbench: every logged-in role gets its own section (and only its
own), counted within its reach; anonymous callers are refused."""

from __future__ import annotations

from matchmaker.models import Need
from matchmaker.models.enums import Role, ServiceCategory
from tests.matrix import ROLES, MatrixEnv, Outcome, case, refused_by_error

LOGGED_IN = [r for r in ROLES if r is not None]
SECTIONS = {
    Role.COMMUNITY_STAFF: "communityStaff",
    Role.SOCIAL_WORKER: "socialWorker",
    Role.ORG_ADMIN: "orgAdmin",
    Role.BUREAU_OFFICER: "bureauOfficer",
    Role.PLATFORM_ADMIN: "platformAdmin",
}
QUERY = """{ workbench { communityStaff { needsWithoutProject } socialWorker { reportsDue }
  orgAdmin { milestonesDue } bureauOfficer { approvals } platformAdmin { failedJobs } } }"""


@case("workbench", LOGGED_IN, allowed=True)
async def workbench_shows_the_roles_own_section(env: MatrixEnv, role):
    data = await env.gql(QUERY, token=env.token(role))
    present = {key for key, section in data["workbench"].items() if section is not None}
    expected = {SECTIONS[role]} if role in SECTIONS else set()
    return Outcome(allowed=present == expected, detail=data)


@case("workbench", [Role.COMMUNITY_STAFF], allowed=False, name="other_regions_are_not_counted")
async def workbench_ignores_needs_outside_the_region(env: MatrixEnv, role):
    env.session.add(
        Need(
            region_id=env.world.community_b1.id,
            category=ServiceCategory.ELDERLY,
            target_group="独居老人",
            description="助餐",
            people_affected=1,
        )
    )
    await env.session.commit()
    data = await env.gql(QUERY, token=env.token(role))
    return Outcome(
        allowed=data["workbench"]["communityStaff"]["needsWithoutProject"] != 0, detail=data
    )


@case("workbench", [None], allowed=False)
async def workbench_needs_login(env: MatrixEnv, role):
    body = await env.gql(QUERY, expect_errors=True)
    return Outcome(allowed=not refused_by_error(body), detail=body)
