"""The evaluation panel: who may be assigned (region), the panel's names, and myEvaluations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.models import AuditEvent, Evaluator, Project, Region, RoleGrant
from matchmaker.models.enums import AccountStatus, Role
from matchmaker.models.procurement import ProjectStatus
from tests import factories
from tests.procurement_support import START, city, gid, make_project

ASSIGN = """mutation($i: AssignEvaluatorInput!) { assignEvaluator(input: $i) {
  evaluator { id accountId displayName } errors { code field message } } }"""
PANEL = """query($p: ID!) { node(id: $p) { ... on Project {
  evaluators { accountId displayName } } } }"""
MINE = """query($first: Int, $after: String) { myEvaluations(first: $first, after: $after) {
  nodes { id title status } pageInfo { hasNextPage endCursor } } }"""


async def person(
    session: AsyncSession, settings: Settings, role: Role, region: Region, name: str = ""
) -> factories.Login:
    login = await factories.account(session, settings, role=role, region=region)
    if name:
        login.account.display_name = name
        await session.commit()
    return login


async def assign(gql: Any, token: str, project: Project, login: factories.Login) -> dict[str, Any]:
    data = await gql(
        ASSIGN,
        {
            "i": {
                "projectId": gid("Project", project.id),
                "accountId": gid("Account", login.account.id),
            }
        },
        token=token,
    )
    result: dict[str, Any] = data["assignEvaluator"]
    return result


async def written(session: AsyncSession) -> tuple[int, int]:
    """Panel rows and evaluator.assign audit events, to show a refusal wrote nothing."""
    panel = await session.scalar(select(func.count()).select_from(Evaluator))
    events = await session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "evaluator.assign")
    )
    await session.commit()
    return int(panel or 0), int(events or 0)


# --- region -----------------------------------------------------------------------------------


async def test_an_expert_whose_region_does_not_contain_the_project_is_refused_and_nothing_written(
    gql, session, settings
):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    elsewhere = await person(session, settings, Role.EXPERT, c.world.street_b)
    sibling = await person(session, settings, Role.EXPERT, c.world.community_a2)
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)

    for login in (elsewhere, sibling):
        result = await assign(gql, c.bureau.token, project, login)
        assert result["evaluator"] is None
        assert [(e["code"], e["field"]) for e in result["errors"]] == [
            ("EVALUATOR_OUT_OF_REGION", "accountId")
        ]
    assert await written(session) == (0, 0)


async def test_experts_over_the_project_at_any_level_are_assigned(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    project = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    for region in (c.world.city, c.world.street_a, c.world.community_a1):
        login = await person(session, settings, Role.EXPERT, region)
        assert (await assign(gql, c.bureau.token, project, login))["errors"] == []
    assert await written(session) == (3, 3)


async def test_community_staff_and_officers_over_the_project_still_sit_on_panels(
    gql, session, settings
):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)

    # c.staff holds street A (the project's street), c.bureau the district.
    assert (await assign(gql, c.bureau.token, project, c.staff))["errors"] == []
    assert (await assign(gql, c.bureau.token, project, c.bureau))["errors"] == []
    assert await written(session) == (2, 2)


async def test_community_staff_of_another_street_are_refused_like_experts(gql, session, settings):
    # They could not score it either: `evaluate` is region-scoped for every evaluator role.
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    other = await person(session, settings, Role.COMMUNITY_STAFF, c.world.street_b)
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)

    result = await assign(gql, c.bureau.token, project, other)

    assert [e["code"] for e in result["errors"]] == ["EVALUATOR_OUT_OF_REGION"]
    assert await written(session) == (0, 0)


async def test_one_evaluator_grant_over_the_project_is_enough(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    both = await person(session, settings, Role.EXPERT, c.world.street_b)
    session.add(
        RoleGrant(account_id=both.account.id, role=Role.EXPERT, region_id=c.world.street_a.id)
    )
    await session.commit()
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)

    assert (await assign(gql, c.bureau.token, project, both))["errors"] == []


# --- active accounts ----------------------------------------------------------------------------


async def test_a_disabled_evaluator_over_the_project_is_refused_as_not_found_and_nothing_written(
    gql, session, settings
):
    # The picker offers only active accounts; assigning by id must not get around that.
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    expert = await person(session, settings, Role.EXPERT, c.world.street_a)
    staff = await person(session, settings, Role.COMMUNITY_STAFF, c.world.street_a)
    for login in (expert, staff):
        login.account.status = AccountStatus.DISABLED
    await session.commit()
    sealed = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    opened = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)

    for project in (sealed, opened):
        for login in (expert, staff):
            result = await assign(gql, c.bureau.token, project, login)
            assert result["evaluator"] is None
            assert [(e["code"], e["field"]) for e in result["errors"]] == [
                ("NOT_FOUND", "accountId")
            ]
    assert await written(session) == (0, 0)


async def test_a_disabled_account_gets_the_same_answer_as_one_without_an_evaluator_role(
    gql, session, settings
):
    # The refusal does not tell the officer whether an account is disabled or never could sit.
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    disabled = await person(session, settings, Role.EXPERT, c.world.street_a)
    disabled.account.status = AccountStatus.DISABLED
    await session.commit()
    auditor = await person(session, settings, Role.AUDITOR, c.world.street_a)
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)

    refused = await assign(gql, c.bureau.token, project, disabled)
    not_an_evaluator = await assign(gql, c.bureau.token, project, auditor)

    assert refused["errors"] == not_an_evaluator["errors"]
    assert await written(session) == (0, 0)


async def test_an_expert_enabled_again_can_be_assigned(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    login = await person(session, settings, Role.EXPERT, c.world.street_a)
    login.account.status = AccountStatus.DISABLED
    await session.commit()
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    assert [e["code"] for e in (await assign(gql, c.bureau.token, project, login))["errors"]] == [
        "NOT_FOUND"
    ]

    login.account.status = AccountStatus.ACTIVE
    await session.commit()
    result = await assign(gql, c.bureau.token, project, login)

    assert result["errors"] == []
    assert result["evaluator"]["accountId"] == gid("Account", login.account.id)
    assert await written(session) == (1, 1)


async def test_an_assigned_expert_can_score_the_project(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    at_street = await person(session, settings, Role.EXPERT, c.world.street_a)
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    assert (await assign(gql, c.bureau.token, project, at_street))["errors"] == []

    body = await gql(
        """mutation($i: SubmitScoresInput!) { submitScores(input: $i) { errors { code } } }""",
        {"i": {"projectId": gid("Project", project.id), "scores": []}},
        token=at_street.token,
    )

    # Found and on the panel: the refusal is about the empty list, not the region or the panel.
    assert [e["code"] for e in body["submitScores"]["errors"]] == ["INVALID_INPUT"]


# --- the panel's names ------------------------------------------------------------------------


async def test_the_panel_shows_each_evaluators_display_name_to_the_regional_roles(
    gql, session, settings
):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    wang = await person(session, settings, Role.EXPERT, c.world.district, "王建华")
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    assigned = await assign(gql, c.bureau.token, project, wang)
    assert assigned["evaluator"]["displayName"] == "王建华"
    c.staff.account.display_name = "李社工"
    await session.commit()
    assert (await assign(gql, c.bureau.token, project, c.staff))["errors"] == []

    for token in (c.bureau.token, c.staff.token, c.auditor.token):
        panel = (await gql(PANEL, {"p": gid("Project", project.id)}, token=token))["node"]
        assert panel["evaluators"] == [
            {"accountId": gid("Account", wang.account.id), "displayName": "王建华"},
            {"accountId": gid("Account", c.staff.account.id), "displayName": "李社工"},
        ]


async def test_the_panel_is_hidden_from_bidders_volunteers_and_the_public(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    wang = await person(session, settings, Role.EXPERT, c.world.district, "王建华")
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    assert (await assign(gql, c.bureau.token, project, wang))["errors"] == []

    for token in (c.bidders[0].admin.token, c.volunteer.token, None):
        panel = (await gql(PANEL, {"p": gid("Project", project.id)}, token=token))["node"]
        assert panel == {"evaluators": []}


# --- myEvaluations ----------------------------------------------------------------------------


async def test_my_evaluations_lists_the_callers_own_panels_newest_first(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    other = await person(session, settings, Role.EXPERT, c.world.district)
    older = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    newer = await make_project(session, c.world.community_a2, status=ProjectStatus.OPEN_FOR_BIDS)
    not_mine = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    for p in (older, newer):
        assert (await assign(gql, c.bureau.token, p, c.expert))["errors"] == []
    assert (await assign(gql, c.bureau.token, not_mine, other))["errors"] == []

    page = (await gql(MINE, {}, token=c.expert.token))["myEvaluations"]

    assert [n["id"] for n in page["nodes"]] == [gid("Project", newer.id), gid("Project", older.id)]
    assert [n["status"] for n in page["nodes"]] == ["OPEN_FOR_BIDS", "BIDS_OPENED"]
    theirs = (await gql(MINE, {}, token=other.token))["myEvaluations"]["nodes"]
    assert [n["id"] for n in theirs] == [gid("Project", not_mine.id)]
    # Community staff and officers on a panel find it the same way.
    assert (await assign(gql, c.bureau.token, older, c.staff))["errors"] == []
    staffs = (await gql(MINE, {}, token=c.staff.token))["myEvaluations"]["nodes"]
    assert [n["id"] for n in staffs] == [gid("Project", older.id)]


async def test_my_evaluations_pages_with_first_and_after(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    projects = [
        await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED) for _ in range(3)
    ]
    for p in projects:
        assert (await assign(gql, c.bureau.token, p, c.expert))["errors"] == []

    first = (await gql(MINE, {"first": 2}, token=c.expert.token))["myEvaluations"]
    rest = (
        await gql(MINE, {"first": 2, "after": first["pageInfo"]["endCursor"]}, token=c.expert.token)
    )["myEvaluations"]

    assert first["pageInfo"]["hasNextPage"] is True
    seen = [n["id"] for n in first["nodes"] + rest["nodes"]]
    assert seen == [gid("Project", p.id) for p in reversed(projects)]
    body = await gql(MINE, {"first": 101}, token=c.expert.token, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "PAGE_TOO_LARGE"


async def test_my_evaluations_leaves_out_a_panel_outside_the_callers_regions(
    gql, session, settings
):
    # A seat from before the grant moved (or written by hand): it can't be scored, so not listed.
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    at_street = await person(session, settings, Role.EXPERT, c.world.street_a)
    inside = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    outside = await make_project(session, c.world.community_b1, status=ProjectStatus.BIDS_OPENED)
    session.add_all(
        [
            Evaluator(project_id=inside.id, account_id=at_street.account.id),
            Evaluator(project_id=outside.id, account_id=at_street.account.id),
        ]
    )
    await session.commit()

    nodes = (await gql(MINE, {}, token=at_street.token))["myEvaluations"]["nodes"]

    assert [n["id"] for n in nodes] == [gid("Project", inside.id)]


async def test_my_evaluations_is_refused_to_roles_that_never_evaluate(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    for token, code in (
        (c.volunteer.token, "FORBIDDEN"),
        (c.bidders[0].admin.token, "FORBIDDEN"),
        (c.auditor.token, "FORBIDDEN"),
        (c.admin.token, "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ):
        body = await gql(MINE, {}, token=token, expect_errors=True)
        assert body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == [code]
