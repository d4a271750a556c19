"""Matrix cases for the procurement matching questions and invitations (docs/matching.md).

Inside: a project open for bids in community A1, organization A (the roles' own). Outside: a
project in community B1, organization B — refused by capability or by scope.
"""

from __future__ import annotations

from matchmaker.models.enums import Role
from matchmaker.models.procurement import ProjectStatus
from tests.matrix import MatrixEnv, Outcome, refused_by_error
from tests.matrix_cases.procurement import both, community, mutate, org
from tests.procurement_support import gid, make_project


async def _query(
    env: MatrixEnv, role: Role | None, query: str, variables: dict, field: str
) -> tuple[Outcome | None, dict]:
    body = await env.gql(query, variables, token=env.token(role), expect_errors=True)
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body["errors"]), body
    assert not body.get("errors"), body["errors"]
    return None, body["data"][field]


async def _open_project(env: MatrixEnv, inside: bool) -> int:
    p = await make_project(env.session, community(env, inside), status=ProjectStatus.OPEN_FOR_BIDS)
    return p.id


@both("recommendedOrganizations")
async def recommended_organizations_for_a_project_in_scope(env, role, inside):
    project_id = await _open_project(env, inside)
    refused, data = await _query(
        env,
        role,
        "query($p: ID!) { recommendedOrganizations(projectId: $p) { items { organization { id } } } }",
        {"p": gid("Project", project_id)},
        "recommendedOrganizations",
    )
    if refused:
        return refused
    ids = [i["organization"]["id"] for i in data["items"]]
    return Outcome(allowed=gid("Organization", org(env, inside).id) in ids, detail=ids)


@both("projectInvitations")
async def invitations_of_a_project_in_scope(env, role, inside):
    project_id = await _open_project(env, inside)
    refused, data = await _query(
        env,
        role,
        "query($p: ID!) { projectInvitations(projectId: $p) { organizationId } }",
        {"p": gid("Project", project_id)},
        "projectInvitations",
    )
    return refused or Outcome(allowed=True, detail=data)


@both("recommendedProjects")
async def recommended_projects_for_own_organization(env, role, inside):
    project_id = await _open_project(env, True)
    refused, data = await _query(
        env,
        role,
        "query($o: ID!) { recommendedProjects(organizationId: $o) { items { project { id } } } }",
        {"o": gid("Organization", org(env, inside).id)},
        "recommendedProjects",
    )
    if refused:
        return refused
    ids = [i["project"]["id"] for i in data["items"]]
    return Outcome(allowed=gid("Project", project_id) in ids, detail=ids)


@both("recommendedSocialWorkers")
async def team_suggestions_for_own_organization(env, role, inside):
    project_id = await _open_project(env, True)
    refused, data = await _query(
        env,
        role,
        "query($p: ID!, $o: ID!) { recommendedSocialWorkers(projectId: $p, organizationId: $o) "
        "{ items { socialWorker { id } } } }",
        {"p": gid("Project", project_id), "o": gid("Organization", org(env, inside).id)},
        "recommendedSocialWorkers",
    )
    return refused or Outcome(allowed=True, detail=data)


@both("inviteOrganizations")
async def invite_organizations_to_a_project_in_scope(env, role, inside):
    project_id = await _open_project(env, inside)
    return await mutate(
        env,
        role,
        "inviteOrganizations",
        "InviteOrganizationsInput",
        {
            "projectId": gid("Project", project_id),
            "organizationIds": [gid("Organization", org(env, inside).id)],
        },
    )
