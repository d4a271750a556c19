"""Procurement matching: who may ask, what they see, FA*IR and exposure, invitations, outcomes,
and training rows that know nothing of the future (docs/matching.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import numpy as np
from sqlalchemy import event, select

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.matching.directions import ORGANIZATIONS_FOR_PROJECT, direction_spec
from matchmaker.matching.fairness import minimum_protected
from matchmaker.models import (
    AuditEvent,
    Bid,
    BidTeamMember,
    MatchImpressionItem,
    Notification,
    OrganizationInvitation,
    PerformanceEvaluation,
    SocialWorkerMembership,
)
from matchmaker.models.enums import RegionLevel, WorkerLevel
from matchmaker.models.procurement import ProcurementMethod, ProjectStatus
from matchmaker.services.accounts import actor_for_account
from matchmaker.services.bids import TeamSpec, submit_bid
from matchmaker.services.context import ServiceContext
from matchmaker.services.matching import procurement
from matchmaker.services.matching.procurement import (
    load_organization_facts,
    load_worker_facts,
    recommended_organizations,
    recommended_social_workers,
    training_set_organizations_for_project,
)
from tests import factories
from tests.procurement_support import (
    START,
    YUAN,
    city,
    gid,
    make_bid,
    make_contract,
    make_org,
    make_project,
    make_worker,
)

EXPOSURE = direction_spec(ORGANIZATIONS_FOR_PROJECT).index("exposure")
ORGS = """query($p: ID!, $n: Int!) { recommendedOrganizations(projectId: $p, first: $n) {
  coldStart modelVersion impressionId
  items { rank score reasons { code text weight } organization { id name contactPhone } } } }"""
PROJECTS = """query($o: ID!) { recommendedProjects(organizationId: $o) {
  items { rank project { id title } reasons { code } } } }"""
WORKERS = """query($p: ID!, $o: ID!) { recommendedSocialWorkers(projectId: $p, organizationId: $o) {
  items { rank socialWorker { id name level certificateNumber registrationValid } } } }"""
WORKER_NODE = """query($id: ID!) { node(id: $id) { ... on SocialWorker {
  id name level certificateNumber registrationValid } } }"""
INVITE = """mutation($i: InviteOrganizationsInput!) { inviteOrganizations(input: $i) {
  invitedCount invitations { organizationId organizationName fromRecommendation }
  errors { code field } } }"""


async def service_context(
    session: Any, settings: Settings, account_id: int, **changes: Any
) -> ServiceContext:
    actor = await actor_for_account(session, account_id)
    return ServiceContext(session, actor, dataclasses.replace(settings, **changes))


def codes(body: dict[str, Any]) -> set[str]:
    return {e["extensions"]["code"] for e in body.get("errors") or []}


# --- who may ask ------------------------------------------------------------------------------


async def test_community_staff_get_organizations_only_for_projects_in_their_regions(
    gql, session, settings
):
    clock.freeze(START)
    c = await city(session, settings)
    mine = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    theirs = await make_project(session, c.world.community_b1, status=ProjectStatus.OPEN_FOR_BIDS)
    data = await gql(ORGS, {"p": gid("Project", mine.id), "n": 10}, token=c.staff.token)
    assert {i["organization"]["name"] for i in data["recommendedOrganizations"]["items"]} == {
        b.org.name for b in c.bidders
    }
    # Street A's staff asking about street B's project: the answer of a missing project.
    body = await gql(
        ORGS, {"p": gid("Project", theirs.id), "n": 10}, token=c.staff.token, expect_errors=True
    )
    assert codes(body) == {"NOT_FOUND"}
    # The bureau of the district reaches both; an organization's admin reaches neither.
    await gql(ORGS, {"p": gid("Project", theirs.id), "n": 10}, token=c.bureau.token)
    body = await gql(
        ORGS,
        {"p": gid("Project", mine.id), "n": 10},
        token=c.bidders[0].admin.token,
        expect_errors=True,
    )
    assert codes(body) == {"FORBIDDEN"}


async def test_recommended_organizations_show_the_contact_phone_masked_to_community_staff(
    gql, session, settings
):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    project = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    data = await gql(ORGS, {"p": gid("Project", project.id), "n": 5}, token=c.staff.token)
    phone = data["recommendedOrganizations"]["items"][0]["organization"]["contactPhone"]
    assert (
        phone == c.bidders[0].org.contact_phone[:3] + "****" + c.bidders[0].org.contact_phone[-4:]
    )


async def test_an_organization_gets_project_recommendations_only_for_itself(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=2)
    project = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    mine, other = c.bidders
    data = await gql(PROJECTS, {"o": gid("Organization", mine.org.id)}, token=mine.admin.token)
    assert [i["project"]["id"] for i in data["recommendedProjects"]["items"]] == [
        gid("Project", project.id)
    ]
    body = await gql(
        PROJECTS,
        {"o": gid("Organization", other.org.id)},
        token=mine.admin.token,
        expect_errors=True,
    )
    assert codes(body) == {"NOT_FOUND"}
    # Once it has bid, the project is no longer suggested to it.
    await make_bid(session, project, mine.org, price_fen=200_000 * YUAN)
    data = await gql(PROJECTS, {"o": gid("Organization", mine.org.id)}, token=mine.admin.token)
    assert data["recommendedProjects"]["items"] == []


async def test_team_suggestions_only_while_bidding_or_for_the_running_organization(
    gql, session, settings
):
    clock.freeze(START)
    c = await city(session, settings, bidders=2)
    winner, loser = c.bidders
    project = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    variables = {"p": gid("Project", project.id), "o": gid("Organization", loser.org.id)}
    # Open for bids: any bidder prepares its team from its own staff.
    data = await gql(WORKERS, variables, token=loser.admin.token)
    assert [i["socialWorker"]["id"] for i in data["recommendedSocialWorkers"]["items"]] == [
        gid("SocialWorker", loser.worker.id)
    ]
    # Asking for another organization's staff is refused.
    body = await gql(
        WORKERS,
        {"p": gid("Project", project.id), "o": gid("Organization", winner.org.id)},
        token=loser.admin.token,
        expect_errors=True,
    )
    assert codes(body) == {"NOT_FOUND"}
    # Awarded to the winner: the loser is refused, the winner staffs its contract.
    bid = await make_bid(session, project, winner.org, price_fen=200_000 * YUAN, opened=True)
    await make_contract(session, project, bid)
    body = await gql(WORKERS, variables, token=loser.admin.token, expect_errors=True)
    assert codes(body) == {"NOT_FOUND"}
    data = await gql(
        WORKERS,
        {"p": gid("Project", project.id), "o": gid("Organization", winner.org.id)},
        token=winner.admin.token,
    )
    assert len(data["recommendedSocialWorkers"]["items"]) == 1


WORKERS_OF_MINE = """query($p: ID!) { recommendedSocialWorkers(projectId: $p) {
  items { socialWorker { id } } } }"""


async def test_team_suggestions_without_an_organization_use_the_callers_own_or_the_running_one(
    gql, session, settings
):
    clock.freeze(START)
    c = await city(session, settings, bidders=2)
    winner, loser = c.bidders
    project = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    # While bidding: the admin's only organization.
    data = await gql(WORKERS_OF_MINE, {"p": gid("Project", project.id)}, token=loser.admin.token)
    assert [i["socialWorker"]["id"] for i in data["recommendedSocialWorkers"]["items"]] == [
        gid("SocialWorker", loser.worker.id)
    ]
    # After the award: the running organization for its admin; the loser is refused.
    bid = await make_bid(session, project, winner.org, price_fen=200_000 * YUAN, opened=True)
    await make_contract(session, project, bid)
    data = await gql(WORKERS_OF_MINE, {"p": gid("Project", project.id)}, token=winner.admin.token)
    assert [i["socialWorker"]["id"] for i in data["recommendedSocialWorkers"]["items"]] == [
        gid("SocialWorker", winner.worker.id)
    ]
    body = await gql(
        WORKERS_OF_MINE,
        {"p": gid("Project", project.id)},
        token=loser.admin.token,
        expect_errors=True,
    )
    assert codes(body) == {"NOT_FOUND"}


async def test_a_recommended_social_worker_reads_exactly_as_the_social_worker_node(
    gql, session, settings
):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    b = c.bidders[0]
    project = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    data = await gql(
        WORKERS,
        {"p": gid("Project", project.id), "o": gid("Organization", b.org.id)},
        token=b.admin.token,
    )
    shown = data["recommendedSocialWorkers"]["items"][0]["socialWorker"]
    node = await gql(WORKER_NODE, {"id": shown["id"]}, token=b.admin.token)
    assert shown == node["node"]


async def test_workers_with_an_expired_registration_rank_below_every_valid_one(session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    b = c.bidders[0]
    today = clock.today_shanghai()
    # The senior worker's registration ran out yesterday; the assistant's is valid.
    _, senior = await make_worker(session, settings, b.org, level=WorkerLevel.SENIOR)
    _, assistant = await make_worker(session, settings, b.org, level=WorkerLevel.ASSISTANT)
    senior.registration_expires_on = today - dt.timedelta(days=1)
    senior.specialties = ["ELDERLY"]
    assistant.registration_expires_on = today + dt.timedelta(days=300)
    b.worker.registration_expires_on = today + dt.timedelta(days=300)
    await session.commit()
    project = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    sc = await service_context(session, settings, b.admin.account.id)
    recs = await recommended_social_workers(
        sc, project_id=project.id, organization_id=b.org.id, first=10
    )
    order = [i.candidate_id for i in recs.items]
    assert order[-1] == senior.id and set(order[:2]) == {assistant.id, b.worker.id}


# --- fairness and load ------------------------------------------------------------------------


async def _market(session: Any, settings: Settings, *, established: int, new: int) -> Any:
    """Street A: ``established`` organizations founded 2010 with a record in the category, and
    ``new`` ones founded last year without one; an elderly-care project in community A1."""
    c = await city(session, settings, bidders=0)
    old_orgs = [await make_org(session, c.world.street_a) for _ in range(established)]
    new_orgs = [await make_org(session, c.world.street_a) for _ in range(new)]
    for o in old_orgs:
        o.founded_on = dt.date(2010, 5, 1)
        o.description = "专注为老服务：独居老人探访、助餐、心理疏导"
    for o in new_orgs:
        o.founded_on = dt.date(2025, 6, 1)
        o.categories = ["OTHER"]
    await session.commit()
    project = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    project.title = "独居老人关爱与助餐服务"
    await session.commit()
    return c, project, old_orgs, new_orgs


async def test_fair_ranking_keeps_the_binomial_minimum_of_new_organizations_in_every_prefix(
    session, settings
):
    """p = 0.5, alpha = 0.1: the minimum protected count of prefixes 1..10 is
    binom.ppf(0.1, i, 0.5) = 0 0 0 1 1 1 2 2 3 3. By score alone the 8 established
    organizations (declared category, matching description) fill the first 8 places."""
    clock.freeze(START)
    c, project, old_orgs, new_orgs = await _market(session, settings, established=8, new=4)
    assert minimum_protected(10, 0.5, 0.1) == (0, 0, 0, 1, 1, 1, 2, 2, 3, 3)
    sc = await service_context(
        session,
        settings,
        c.staff.account.id,
        matching_org_fair_p=0.5,
        matching_org_fair_alpha=0.1,
        matching_small_org_staff=-1,  # only the founding date makes an organization "new"
    )
    recs = await recommended_organizations(sc, project_id=project.id, first=10)
    new_ids = {o.id for o in new_orgs}
    shown = [i.candidate_id for i in recs.items]
    counts = np.cumsum([cid in new_ids for cid in shown])
    assert list(counts) == [0, 0, 0, 1, 1, 1, 2, 2, 3, 3]
    # Every established organization shown outscores every new one: by score alone the new
    # ones would have come after all 8 established ones.
    scores = {i.candidate_id: i.score for i in recs.items}
    old_shown = [scores[o.id] for o in old_orgs if o.id in scores]
    assert len(old_shown) == 7 and min(old_shown) > max(scores[o] for o in new_ids & set(scores))
    moved_up = [i for i in recs.items if i.candidate_id in new_ids]
    assert all(any(r.code == "SMALL_ORGANIZATION" for r in i.reasons) for i in moved_up)


async def test_an_organization_invited_often_this_month_is_pushed_below_an_equal_one(
    session, settings
):
    """Two organizations alike in everything; one has 4 invitations this month (cap 8):
    EXPOSURE = 1 − 4/8 = 0.5, and the penalty divides its score by 1 + 0.5 · 4 = 3."""
    clock.freeze(START)
    c, project, orgs, _ = await _market(session, settings, established=2, new=0)
    busy, idle = orgs
    for _ in range(4):
        other = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
        session.add(
            OrganizationInvitation(
                project_id=other.id,
                organization_id=busy.id,
                invited_by_account_id=c.staff.account.id,
            )
        )
    await session.commit()
    clock.advance(dt.timedelta(minutes=1))
    sc = await service_context(session, settings, c.staff.account.id, matching_small_org_staff=-1)
    recs = await recommended_organizations(sc, project_id=project.id, first=2)
    assert [i.candidate_id for i in recs.items] == [idle.id, busy.id]
    row = await session.scalar(
        select(MatchImpressionItem.features).where(MatchImpressionItem.candidate_id == busy.id)
    )
    assert row[EXPOSURE] == 0.5


async def test_invitations_beyond_the_monthly_cap_are_refused_and_write_nothing(
    gql, session, settings
):
    clock.freeze(dt.datetime(2026, 3, 31, 15, 0, tzinfo=dt.UTC))  # 23:00 on 31 March, Beijing
    c = await city(session, settings, bidders=2)
    full, fresh = c.bidders
    project = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    for _ in range(settings.matching_org_invitations_per_month):  # 8 this month
        other = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
        session.add(
            OrganizationInvitation(
                project_id=other.id,
                organization_id=full.org.id,
                invited_by_account_id=c.staff.account.id,
            )
        )
    await session.commit()
    before = await session.scalar(
        select(OrganizationInvitation.id).order_by(OrganizationInvitation.id.desc())
    )
    await session.commit()
    data = await gql(
        INVITE,
        {
            "i": {
                "projectId": gid("Project", project.id),
                "organizationIds": [
                    gid("Organization", full.org.id),
                    gid("Organization", fresh.org.id),
                ],
            }
        },
        token=c.staff.token,
    )
    assert data["inviteOrganizations"]["errors"] == [
        {"code": "RATE_LIMITED", "field": "organizationIds"}
    ]
    after = await session.scalar(
        select(OrganizationInvitation.id).order_by(OrganizationInvitation.id.desc())
    )
    assert after == before
    await session.commit()
    # Next month (Beijing) the count starts again.
    clock.freeze(dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.UTC))  # 1 April 00:00 Beijing
    data = await gql(
        INVITE,
        {
            "i": {
                "projectId": gid("Project", project.id),
                "organizationIds": [gid("Organization", full.org.id)],
            }
        },
        token=c.bureau.token,
    )
    assert data["inviteOrganizations"]["errors"] == []
    assert data["inviteOrganizations"]["invitedCount"] == 1


# --- invitations --------------------------------------------------------------------------------


async def test_an_invited_tender_records_its_invitations_and_notifies_each_organization_once(
    gql, session, settings
):
    clock.freeze(START)
    c = await city(session, settings, bidders=3)
    a, b, _ = c.bidders
    project = await make_project(
        session,
        c.community,
        status=ProjectStatus.OPEN_FOR_BIDS,
        method=ProcurementMethod.INVITED_TENDER,
    )
    await gql(ORGS, {"p": gid("Project", project.id), "n": 10}, token=c.staff.token)
    variables = {
        "i": {
            "projectId": gid("Project", project.id),
            "organizationIds": [gid("Organization", a.org.id), gid("Organization", b.org.id)],
        }
    }
    data = (await gql(INVITE, variables, token=c.staff.token))["inviteOrganizations"]
    assert data["errors"] == [] and data["invitedCount"] == 2
    assert {i["organizationName"] for i in data["invitations"]} == {a.org.name, b.org.name}
    assert all(i["fromRecommendation"] for i in data["invitations"])
    # Inviting again changes nothing and notifies nobody twice.
    again = (await gql(INVITE, variables, token=c.staff.token))["inviteOrganizations"]
    assert again["invitedCount"] == 0 and len(again["invitations"]) == 2
    notes = list(
        await session.scalars(select(Notification).where(Notification.subject_id == project.id))
    )
    assert sorted((n.account_id, n.kind) for n in notes) == sorted(
        [(a.admin.account.id, "project.invitation"), (b.admin.account.id, "project.invitation")]
    )
    events = list(
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "project.invite_organizations")
        )
    )
    assert len(events) == 1 and events[0].after["organization_ids"] == sorted([a.org.id, b.org.id])


async def test_an_open_tender_invitation_is_an_invitation_to_look(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    a = c.bidders[0]
    project = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    data = await gql(
        INVITE,
        {
            "i": {
                "projectId": gid("Project", project.id),
                "organizationIds": [gid("Organization", a.org.id)],
            }
        },
        token=c.staff.token,
    )
    assert data["inviteOrganizations"]["invitedCount"] == 1
    kinds = list(
        await session.scalars(
            select(Notification.kind).where(Notification.account_id == a.admin.account.id)
        )
    )
    assert kinds == ["project.recommended"]


async def test_invitations_are_refused_for_drafts_and_for_organizations_out_of_reach(
    gql, session, settings
):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    a = c.bidders[0]
    draft = await make_project(session, c.community)
    elsewhere = await factories.region(
        session, "370103000000", "市中区", RegionLevel.DISTRICT, c.world.city
    )
    far = await make_org(session, elsewhere)
    low = await make_org(session, c.world.street_a, grade=1)
    project = await make_project(
        session, c.community, status=ProjectStatus.OPEN_FOR_BIDS, min_grade=3
    )

    async def invite(project_id: int, org_id: int) -> list[dict[str, Any]]:
        data = await gql(
            INVITE,
            {
                "i": {
                    "projectId": gid("Project", project_id),
                    "organizationIds": [gid("Organization", org_id)],
                }
            },
            token=c.staff.token,
        )
        return data["inviteOrganizations"]["errors"]

    assert await invite(draft.id, a.org.id) == [{"code": "INVALID_STATE", "field": "status"}]
    # Based in another district and serving none of this one; below the minimum grade.
    assert await invite(project.id, far.id) == [{"code": "NOT_FOUND", "field": "organizationIds"}]
    assert await invite(project.id, low.id) == [{"code": "NOT_FOUND", "field": "organizationIds"}]
    assert await session.scalar(select(OrganizationInvitation.id)) is None


# --- outcomes and training rows -----------------------------------------------------------------


async def test_a_bid_its_award_and_its_evaluation_mark_the_list_that_showed_the_pair(
    session, settings
):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    b = c.bidders[0]
    project = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    staff_sc = await service_context(session, settings, c.staff.account.id)
    await recommended_organizations(staff_sc, project_id=project.id, first=5)
    admin_sc = await service_context(session, settings, b.admin.account.id)
    await recommended_social_workers(admin_sc, project_id=project.id, organization_id=b.org.id)
    await session.commit()
    clock.advance(dt.timedelta(days=3))
    await submit_bid(
        admin_sc,
        project_id=project.id,
        organization_id=b.org.id,
        price_fen=200_000 * YUAN,
        technical_proposal="方案",
        volunteer_plan="",
        team=[TeamSpec(b.worker.id, "项目主管")],
    )
    items = list(await session.scalars(select(MatchImpressionItem)))
    assert {(i.candidate_type, i.engaged_at) for i in items} == {
        ("organization", clock.now()),
        ("social_worker", clock.now()),
    }
    assert all(i.succeeded_at is None for i in items)
    winner_bid_id = await session.scalar(select(Bid.id))
    await procurement.on_award(
        session, settings, project_id=project.id, winner_bid_id=winner_bid_id, at=clock.now()
    )
    items = list(
        await session.scalars(select(MatchImpressionItem).execution_options(populate_existing=True))
    )
    assert all(i.succeeded_at == clock.now() for i in items)
    ts = await training_set_organizations_for_project(session)
    assert ts.engaged.tolist() == [True] and ts.succeeded.tolist() == [True]
    # Evaluated 55 a year later: below 60 (合格), the award no longer counts as a success.
    clock.advance(dt.timedelta(days=365))
    await procurement.on_performance_evaluated(
        session, settings, project_id=project.id, organization_id=b.org.id, score=55, at=clock.now()
    )
    value = await session.scalar(
        select(MatchImpressionItem.outcome_value).where(
            MatchImpressionItem.candidate_type == "organization"
        )
    )
    assert value == 0.55
    ts = await training_set_organizations_for_project(session)
    assert ts.engaged.tolist() == [True] and ts.succeeded.tolist() == [False]


async def test_training_rows_hold_what_was_known_when_the_list_was_shown(session, settings):
    """An evaluation of 95 recorded after the list was shown changes neither the logged row nor
    the facts as of the showing; a bid made before the showing is not its outcome."""
    clock.freeze(START)
    c, project, orgs, _ = await _market(session, settings, established=1, new=0)
    org = orgs[0]
    old = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    early_bid = await make_bid(session, project, org, price_fen=150_000 * YUAN)
    clock.advance(dt.timedelta(hours=1))
    shown_at = clock.now()
    sc = await service_context(session, settings, c.staff.account.id)
    await recommended_organizations(sc, project_id=project.id, first=5)
    await session.commit()
    logged = await session.scalar(select(MatchImpressionItem.features))
    # Later: a contract on the old project, accepted on time, evaluated 95.
    clock.advance(dt.timedelta(days=30))
    bid = await make_bid(session, old, org, price_fen=100_000 * YUAN, opened=True)
    contract, _ = await make_contract(session, old, bid)
    session.add(
        PerformanceEvaluation(
            project_id=old.id, contract_id=contract.id, organization_id=org.id, score=95
        )
    )
    await session.commit()
    clock.advance(dt.timedelta(minutes=1))
    ts = await training_set_organizations_for_project(session)
    assert ts.X.tolist() == [logged]
    assert not ts.engaged.any()  # the bid came before the list
    then = (await load_organization_facts(session, [org.id], as_of=shown_at))[org.id]
    now = (await load_organization_facts(session, [org.id], as_of=clock.now()))[org.id]
    assert (then.evaluations, then.active_contracts) == (0, 0)
    assert (now.evaluations, now.active_contracts) == (1, 1)
    assert early_bid.submitted_at < shown_at


async def test_recommending_organizations_costs_the_same_statements_for_2_or_10(
    gql, session, settings, app
):
    clock.freeze(START)
    c, project, _, _ = await _market(session, settings, established=8, new=4)
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    async def run(n: int) -> int:
        statements.clear()
        event.listen(app.state.mm.engine.sync_engine, "before_cursor_execute", count)
        try:
            data = await gql(ORGS, {"p": gid("Project", project.id), "n": n}, token=c.staff.token)
        finally:
            event.remove(app.state.mm.engine.sync_engine, "before_cursor_execute", count)
        assert len(data["recommendedOrganizations"]["items"]) == n
        return len(statements)

    assert await run(2) == await run(10)


# --- sealed bids stay sealed --------------------------------------------------------------------


async def test_a_sealed_bid_does_not_move_the_bidders_category_experience(session, settings):
    """Community staff watching an organization's CATEGORY reason ("在为老服务领域做过 N 个项目")
    must not learn that it just bid: only opened bids count."""
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    b = c.bidders[0]
    other = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    await make_bid(session, other, b.org, price_fen=100_000 * YUAN)  # sealed
    clock.advance(dt.timedelta(minutes=1))
    sealed = (await load_organization_facts(session, [b.org.id], as_of=clock.now()))[b.org.id]
    assert sealed.bids_by_category == {} and sealed.past_titles == []
    opened = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    await make_bid(session, opened, b.org, price_fen=100_000 * YUAN, opened=True)
    clock.advance(dt.timedelta(minutes=1))
    facts = (await load_organization_facts(session, [b.org.id], as_of=clock.now()))[b.org.id]
    assert facts.bids_by_category == {"ELDERLY": 1} and facts.past_titles == [opened.title]


async def test_a_shared_worker_does_not_reveal_the_other_employers_sealed_bid(session, settings):
    """A social worker on the staff of A and B is on B's sealed team: A's team suggestions count
    that team only once the bids are opened."""
    clock.freeze(START)
    c = await city(session, settings, bidders=2)
    a, b = c.bidders
    session.add(SocialWorkerMembership(social_worker_id=b.worker.id, organization_id=a.org.id))
    project = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    bid = await make_bid(session, project, b.org, price_fen=100_000 * YUAN)
    session.add(BidTeamMember(bid_id=bid.id, social_worker_id=b.worker.id, role="督导"))
    await session.commit()
    clock.advance(dt.timedelta(minutes=1))
    as_a = await load_worker_facts(
        session, [b.worker.id], as_of=clock.now(), organization_id=a.org.id
    )
    as_b = await load_worker_facts(
        session, [b.worker.id], as_of=clock.now(), organization_id=b.org.id
    )
    assert (as_a[b.worker.id].live_teams, as_b[b.worker.id].live_teams) == (0, 1)
