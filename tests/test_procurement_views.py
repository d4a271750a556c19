"""Role views of procurement, the failed tender's second round, and N+1 pinned by query counts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from matchmaker import clock
from matchmaker.models import Bid, OutboxJob
from matchmaker.models.procurement import (
    BidStatus,
    MilestoneStatus,
    ProcurementMethod,
    ProjectStatus,
)
from tests.procurement_support import START, YUAN, city, gid, make_bid, make_contract, make_project

DEEP = """query($n: Int!) { publishedProjects(first: $n) { edges { node {
  id title bidCount region { name } criteria { name weight } needs { id }
  award { organizationName priceFen }
  bids { id priceFen organizationName team { name role } }
  evaluators { id }
  ranking { rank totalScore }
  performanceEvaluation { score }
  contract { amountFen organizationName projectTitle milestones { id status
    payments { amountFen } reports { id files { id url } } } }
} } } }"""


async def test_a_deep_page_of_projects_costs_the_same_queries_for_3_or_12(
    gql, session, settings, statements
):
    clock.freeze(START)
    c = await city(session, settings)
    for _ in range(12):
        p = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
        bids = [
            await make_bid(session, p, b.org, price_fen=(100_000 + i) * YUAN, opened=True)
            for i, b in enumerate(c.bidders)
        ]
        await make_contract(session, p, bids[0], milestone_status=MilestoneStatus.ACCEPTED)

    async def run(n: int) -> None:
        data = await gql(DEEP, {"n": n}, token=c.bureau.token)
        assert len(data["publishedProjects"]["edges"]) == n
        assert all(len(e["node"]["bids"]) == 3 for e in data["publishedProjects"]["edges"])

    small, large = await statements.at(run, 3, 12)
    assert small == large, statements.last


PIPELINE = """query($pending: Boolean!) { projectPipeline(first: 50, pendingApproval: $pending) {
  nodes { id status } } }"""


async def test_the_bureau_sees_what_waits_for_its_approval(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    waiting = await make_project(session, c.community, status=ProjectStatus.PENDING_APPROVAL)
    approved = await make_project(
        session, c.community, status=ProjectStatus.PENDING_APPROVAL, approved=True
    )
    draft = await make_project(session, c.community)
    elsewhere = await make_project(
        session, c.world.community_b1, status=ProjectStatus.PENDING_APPROVAL
    )
    pending = await gql(PIPELINE, {"pending": True}, token=c.bureau.token)
    assert [n["id"] for n in pending["projectPipeline"]["nodes"]] == [
        gid("Project", elsewhere.id),
        gid("Project", waiting.id),
    ]
    staff = await gql(PIPELINE, {"pending": False}, token=c.staff.token)
    ids = {n["id"] for n in staff["projectPipeline"]["nodes"]}
    # Community staff of street A see their street's pipeline, drafts included, not street B's.
    assert ids == {gid("Project", p.id) for p in (waiting, approved, draft)}


async def test_drafts_are_not_public(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    draft = await make_project(session, c.community)
    body = await gql(
        """query($id: ID!) { node(id: $id) { id } }""", {"id": gid("Project", draft.id)}
    )
    assert body["node"] is None
    listed = await gql("{ publishedProjects(first: 50) { nodes { id } } }")
    assert listed["publishedProjects"]["nodes"] == []


REPUBLISH = """mutation($i: RepublishProjectInput!) { republishProject(input: $i) {
  project { status procurementMethod bidCount } errors { code field } } }"""


async def test_a_failed_tender_is_republished_by_negotiation_with_a_fresh_round(
    gql, session, settings
):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    project = await make_project(session, c.community, status=ProjectStatus.FAILED)
    await make_bid(session, project, c.bidders[0].org, price_fen=100_000 * YUAN, opened=True)
    deadline = START + dt.timedelta(days=7)
    body = await gql(
        REPUBLISH,
        {
            "i": {
                "projectId": gid("Project", project.id),
                "bidDeadline": deadline.isoformat(),
                "procurementMethod": "COMPETITIVE_NEGOTIATION",
            }
        },
        token=c.bureau.token,
    )
    assert body["republishProject"]["errors"] == []
    assert body["republishProject"]["project"] == {
        "status": "OPEN_FOR_BIDS",
        "procurementMethod": ProcurementMethod.COMPETITIVE_NEGOTIATION.value,
        "bidCount": 0,
    }
    assert set(await session.scalars(select(Bid.status))) == {BidStatus.WITHDRAWN}
    keys = set(await session.scalars(select(OutboxJob.dedupe_key)))
    assert f"open_bids:{project.id}:{deadline.isoformat()}" in keys
