"""evaluatorCandidates: the experts a bureau officer may put on a project's evaluation panel."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.models import Evaluator, Project, Region, RoleGrant
from matchmaker.models.enums import AccountStatus, Role
from matchmaker.models.procurement import BidStatus, ProjectStatus
from matchmaker.services.evaluator_panel import ancestor_paths
from tests import factories
from tests.procurement_support import START, YUAN, City, city, gid, make_bid, make_project

CANDIDATES = """query($p: ID!, $text: String, $first: Int) {
  evaluatorCandidates(projectId: $p, text: $text, first: $first) {
    accountId displayName maskedPhone } }"""

ASSIGN = """mutation($i: AssignEvaluatorInput!) { assignEvaluator(input: $i) {
  evaluator { id } errors { code field message } } }"""


async def expert(
    session: AsyncSession,
    settings: Settings,
    region: Region,
    name: str,
    *,
    phone: str | None = None,
) -> factories.Login:
    login = await factories.account(session, settings, role=Role.EXPERT, region=region, phone=phone)
    login.account.display_name = name
    await session.commit()
    return login


async def candidates(gql: Any, c: City, project: Project, **variables: Any) -> list[dict[str, Any]]:
    data = await gql(
        CANDIDATES, {"p": gid("Project", project.id), **variables}, token=c.bureau.token
    )
    result: list[dict[str, Any]] = data["evaluatorCandidates"]
    return result


async def candidate_ids(gql: Any, c: City, project: Project, **variables: Any) -> list[str]:
    return [row["accountId"] for row in await candidates(gql, c, project, **variables)]


def aid(login: factories.Login) -> str:
    return gid("Account", login.account.id)


def test_ancestor_paths_are_every_region_containing_the_path():
    assert ancestor_paths("/37/3701/370102/") == ["/37/", "/37/3701/", "/37/3701/370102/"]


async def test_the_officer_sees_active_experts_whose_region_contains_the_project(
    gql, session, settings
):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    at_city = await expert(session, settings, c.world.city, "甲专家")
    at_street = await expert(session, settings, c.world.street_a, "乙专家")
    at_community = await expert(session, settings, c.world.community_a1, "丙专家")
    other_street = await expert(session, settings, c.world.street_b, "戊专家")
    other_community = await expert(session, settings, c.world.community_a2, "己专家")
    disabled = await expert(session, settings, c.world.district, "庚专家")
    disabled.account.status = AccountStatus.DISABLED
    await session.commit()
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)

    ids = await candidate_ids(gql, c, project)

    # The street-B, community-A2 and disabled experts are left out, and so are non-experts
    # (the officer, community staff) even though they could sit on a panel by account id.
    assert sorted(ids) == sorted([aid(c.expert), aid(at_city), aid(at_street), aid(at_community)])
    assert aid(other_street) not in ids and aid(other_community) not in ids
    assert aid(disabled) not in ids
    assert aid(c.staff) not in ids and aid(c.bureau) not in ids


async def test_an_officer_of_another_region_sees_no_candidate(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    outsider = await factories.account(
        session, settings, role=Role.BUREAU_OFFICER, region=c.world.street_b
    )

    body = await gql(
        CANDIDATES, {"p": gid("Project", project.id)}, token=outsider.token, expect_errors=True
    )

    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"]


async def test_other_roles_holding_the_project_in_scope_are_refused(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    for login in (c.staff, c.expert, c.auditor, c.admin):
        body = await gql(
            CANDIDATES, {"p": gid("Project", project.id)}, token=login.token, expect_errors=True
        )
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


async def test_the_phone_is_masked(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    await expert(session, settings, c.world.district, "甲专家", phone="13812345678")
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)

    rows = await candidates(gql, c, project, text="甲专家")

    assert rows[0]["maskedPhone"] == "138****5678"


async def test_after_the_opening_people_of_a_bidding_organization_are_left_out(
    gql, session, settings
):
    clock.freeze(START)
    c = await city(session, settings, bidders=3)
    bidding, withdrawn, idle = c.bidders
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    await make_bid(session, project, bidding.org, price_fen=200_000 * YUAN, opened=True)
    await make_bid(
        session, project, withdrawn.org, price_fen=210_000 * YUAN, status=BidStatus.WITHDRAWN
    )
    tied = await expert(session, settings, c.world.district, "甲专家")
    after_withdrawal = await expert(session, settings, c.world.district, "乙专家")
    unrelated = await expert(session, settings, c.world.district, "丙专家")
    for login, bidder in ((tied, bidding), (after_withdrawal, withdrawn), (unrelated, idle)):
        session.add(
            RoleGrant(
                account_id=login.account.id, role=Role.SOCIAL_WORKER, organization_id=bidder.org.id
            )
        )
    await session.commit()

    ids = await candidate_ids(gql, c, project)

    assert aid(tied) not in ids
    assert aid(after_withdrawal) in ids and aid(unrelated) in ids


async def test_before_the_opening_the_list_does_not_reveal_who_has_bid(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=2)
    bidding, idle = c.bidders
    project = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    in_bidder = await expert(session, settings, c.world.district, "甲专家")
    in_idle = await expert(session, settings, c.world.district, "乙专家")
    for login, bidder in ((in_bidder, bidding), (in_idle, idle)):
        session.add(
            RoleGrant(
                account_id=login.account.id, role=Role.SOCIAL_WORKER, organization_id=bidder.org.id
            )
        )
    await session.commit()
    before_any_bid = await candidate_ids(gql, c, project)

    await make_bid(session, project, bidding.org, price_fen=200_000 * YUAN)
    after_a_sealed_bid = await candidate_ids(gql, c, project)

    assert after_a_sealed_bid == before_any_bid == [aid(c.expert)]


async def test_someone_already_on_the_panel_is_no_longer_offered(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    second = await expert(session, settings, c.world.district, "甲专家")
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    session.add(Evaluator(project_id=project.id, account_id=c.expert.account.id))
    await session.commit()

    assert await candidate_ids(gql, c, project) == [aid(second)]


async def test_every_candidate_offered_can_be_assigned(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=2)
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    await make_bid(session, project, c.bidders[0].org, price_fen=200_000 * YUAN, opened=True)
    for i, region in enumerate((c.world.city, c.world.street_a, c.world.community_a1)):
        login = await expert(session, settings, region, f"专家{i}")
        session.add(
            RoleGrant(
                account_id=login.account.id,
                role=Role.SOCIAL_WORKER,
                organization_id=c.bidders[i % 2].org.id,
            )
        )
    await session.commit()
    offered = await candidate_ids(gql, c, project)
    assert offered

    for account_id in offered:
        data = await gql(
            ASSIGN,
            {"i": {"projectId": gid("Project", project.id), "accountId": account_id}},
            token=c.bureau.token,
        )
        assert data["assignEvaluator"]["errors"] == []

    assert await candidate_ids(gql, c, project) == []


async def test_text_matches_display_names_and_its_wildcards_are_literal(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    wang = await expert(session, settings, c.world.district, "王建华")
    await expert(session, settings, c.world.district, "李建国")
    percent = await expert(session, settings, c.world.district, "赵100%")
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)

    assert await candidate_ids(gql, c, project, text=" 王建 ") == [aid(wang)]
    assert len(await candidate_ids(gql, c, project, text="建")) == 2
    assert await candidate_ids(gql, c, project, text="%") == [aid(percent)]
    assert await candidate_ids(gql, c, project, text="张") == []


async def test_the_list_is_in_display_name_order_and_first_caps_it(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    c.expert.account.display_name = "Dong 董"
    await session.commit()
    b = await expert(session, settings, c.world.district, "Bai 白")
    a = await expert(session, settings, c.world.district, "An 安")
    cao = await expert(session, settings, c.world.district, "Cao 曹")
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)

    assert await candidate_ids(gql, c, project) == [aid(a), aid(b), aid(cao), aid(c.expert)]
    assert await candidate_ids(gql, c, project, first=2) == [aid(a), aid(b)]


async def test_bad_arguments_are_typed_errors(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    draft = await make_project(session, c.community, status=ProjectStatus.DRAFT)

    async def code(p: Project, **variables: Any) -> tuple[str, str | None]:
        body = await gql(
            CANDIDATES,
            {"p": gid("Project", p.id), **variables},
            token=c.bureau.token,
            expect_errors=True,
        )
        ext = body["errors"][0]["extensions"]
        return ext["code"], ext.get("field")

    assert await code(project, first=101) == ("PAGE_TOO_LARGE", "first")
    assert await code(project, text="专" * 101) == ("TEXT_TOO_LONG", "text")
    assert (await code(draft))[0] == "INVALID_STATE"
