"""Sealed bids: before the opening nobody but the bidder reads a price, proposal or team —
through any query path — and after it the right roles see everything."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select

from matchmaker import clock
from matchmaker.models import Evaluator, RoleGrant
from matchmaker.models.enums import Role
from matchmaker.models.procurement import ProcurementMethod, ProjectStatus
from tests import factories
from tests.procurement_support import (
    START,
    YUAN,
    city,
    gid,
    make_bidder,
    make_project,
    relogin,
)

SECRET_PRICE = 18_765_432  # fen: a number that appears nowhere else
SECRET_PROPOSAL = "机密技术方案-XK42"
SECRET_PLAN = "机密志愿者计划-QZ17"
SECRET_ROLE = "机密岗位-督导"

SUBMIT = """mutation($i: SubmitBidInput!) { submitBid(input: $i) { bid { id priceFen } errors { code message } } }"""
BID_FIELDS = (
    "id priceFen technicalProposal volunteerPlan sealed team { name role } organizationName"
)
PATHS = {
    "bids": f"query($p: ID!) {{ bids(projectId: $p, first: 50) {{ nodes {{ {BID_FIELDS} }} }} }}",
    "node_bid": f"query($b: ID!) {{ node(id: $b) {{ ... on Bid {{ {BID_FIELDS} }} }} }}",
    "node_project": f"query($p: ID!) {{ node(id: $p) {{ ... on Project {{ bidCount bids {{ {BID_FIELDS} }} }} }} }}",
    "published": f"{{ publishedProjects(first: 50) {{ nodes {{ bidCount bids {{ {BID_FIELDS} }} }} }} }}",
    "pipeline": f"{{ projectPipeline(first: 50) {{ nodes {{ bidCount bids {{ {BID_FIELDS} }} }} }} }}",
    "audit": "{ auditEvents(first: 100) { nodes { action before after } } }",
    "announcements": "{ awardAnnouncements(first: 50) { nodes { priceFen organizationName } } }",
}
SECRETS = (str(SECRET_PRICE), SECRET_PROPOSAL, SECRET_PLAN, SECRET_ROLE)


async def _sealed_world(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings)
    other_street = await make_bidder(session, settings, c.world.street_b)
    c.extra["other"] = other_street
    project = await make_project(
        session,
        c.community,
        status=ProjectStatus.OPEN_FOR_BIDS,
        method=ProcurementMethod.COMPETITIVE_NEGOTIATION,
        deadline=START + dt.timedelta(days=10),
        created_by_id=c.staff.account.id,
    )
    bidder = c.bidders[0]
    body = await gql(
        SUBMIT,
        {
            "i": {
                "projectId": gid("Project", project.id),
                "organizationId": gid("Organization", bidder.org.id),
                "priceFen": SECRET_PRICE,
                "technicalProposal": SECRET_PROPOSAL,
                "volunteerPlan": SECRET_PLAN,
                "team": [
                    {"socialWorkerId": gid("SocialWorker", bidder.worker.id), "role": SECRET_ROLE}
                ],
            }
        },
        token=bidder.admin.token,
    )
    assert body["submitBid"]["errors"] == []
    return c, project, body["submitBid"]["bid"]["id"]


def _everyone_but_the_bidder(c):
    return {
        "community_staff": c.staff.token,
        "bureau_officer": c.bureau.token,
        "expert": c.expert.token,
        "auditor": c.auditor.token,
        "platform_admin": c.admin.token,
        "volunteer": c.volunteer.token,
        "anonymous": None,
        "competitor_admin": c.bidders[1].admin.token,
        "competitor_worker": c.bidders[1].worker_login.token,
        "other_street_admin": c.extra["other"].admin.token,
    }


async def _responses(gql, project_id, bid_id, token):
    out = {}
    for name, query in PATHS.items():
        body = await gql(
            query, {"p": gid("Project", project_id), "b": bid_id}, token=token, expect_errors=True
        )
        # A refusal is a fine answer; a query that no longer validates (no code) or crashes
        # (INTERNAL) would read nothing and let the secrecy checks pass for the wrong reason.
        for error in body.get("errors") or []:
            code = (error.get("extensions") or {}).get("code")
            assert code in {"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"}, f"{name}: {error}"
        out[name] = json.dumps(body, ensure_ascii=False)
    return out


async def test_no_one_but_the_bidder_reads_a_sealed_bid_through_any_path(gql, session, settings):
    c, project, bid_id = await _sealed_world(gql, session, settings)
    for who, token in _everyone_but_the_bidder(c).items():
        for path, text in (await _responses(gql, project.id, bid_id, token)).items():
            for secret in SECRETS:
                assert secret not in text, f"{who} read {secret} through {path}: {text}"


async def test_everyone_may_see_how_many_bids_there_are(gql, session, settings):
    _c, project, _ = await _sealed_world(gql, session, settings)
    body = await gql(PATHS["node_project"], {"p": gid("Project", project.id)})
    assert body["node"] == {"bidCount": 1, "bids": []}


async def test_the_bidding_organization_reads_its_own_sealed_bid(gql, session, settings):
    c, _project, bid_id = await _sealed_world(gql, session, settings)
    for token in (c.bidders[0].admin.token, c.bidders[0].worker_login.token):
        body = await gql(PATHS["node_bid"], {"b": bid_id}, token=token)
        assert body["node"]["priceFen"] == SECRET_PRICE
        assert body["node"]["technicalProposal"] == SECRET_PROPOSAL
        assert body["node"]["team"] == [{"name": c.bidders[0].worker.name, "role": SECRET_ROLE}]
        assert body["node"]["sealed"] is False


async def test_a_competitors_error_message_never_carries_a_sealed_price(gql, session, settings):
    c, project, _ = await _sealed_world(gql, session, settings)
    body = await gql(
        SUBMIT,
        {
            "i": {
                "projectId": gid("Project", project.id),
                "organizationId": gid("Organization", c.bidders[1].org.id),
                "priceFen": 10**12,
                "technicalProposal": "方案",
            }
        },
        token=c.bidders[1].admin.token,
    )
    text = json.dumps(body, ensure_ascii=False)
    assert body["submitBid"]["errors"][0]["code"] == "BID_ABOVE_CEILING"
    assert all(secret not in text for secret in SECRETS)


async def test_after_opening_the_regional_roles_read_everything(gql, session, settings, run_jobs):
    c, _project, bid_id = await _sealed_world(gql, session, settings)
    clock.advance(dt.timedelta(days=10, minutes=1))
    await relogin(session, settings, c)
    await run_jobs()
    for token in (c.staff.token, c.bureau.token, c.expert.token, c.auditor.token, c.admin.token):
        body = await gql(PATHS["node_bid"], {"b": bid_id}, token=token)
        assert body["node"]["priceFen"] == SECRET_PRICE
        assert body["node"]["technicalProposal"] == SECRET_PROPOSAL
        assert body["node"]["team"][0]["role"] == SECRET_ROLE
    audit = await gql(PATHS["audit"], token=c.auditor.token)
    assert str(SECRET_PRICE) in json.dumps(audit, ensure_ascii=False)  # the opening record


async def test_after_opening_outsiders_still_read_nothing_until_the_award(
    gql, session, settings, run_jobs
):
    c, project, bid_id = await _sealed_world(gql, session, settings)
    clock.advance(dt.timedelta(days=10, minutes=1))
    await relogin(session, settings, c)
    await run_jobs()
    outsiders = {
        "volunteer": c.volunteer.token,
        "anonymous": None,
        "competitor_admin": c.bidders[1].admin.token,
        "other_street_admin": c.extra["other"].admin.token,
    }
    for who, token in outsiders.items():
        for path, text in (await _responses(gql, project.id, bid_id, token)).items():
            assert str(SECRET_PRICE) not in text, f"{who} read the price through {path}"
            assert SECRET_PROPOSAL not in text, f"{who} read the proposal through {path}"


async def test_a_bid_after_the_deadline_is_refused_before_the_opening_job_runs(
    gql, session, settings
):
    c, project, _ = await _sealed_world(gql, session, settings)
    clock.advance(dt.timedelta(days=10))
    await relogin(session, settings, c)
    body = await gql(
        SUBMIT,
        {
            "i": {
                "projectId": gid("Project", project.id),
                "organizationId": gid("Organization", c.bidders[1].org.id),
                "priceFen": 100 * YUAN,
                "technicalProposal": "迟到的方案",
            }
        },
        token=c.bidders[1].admin.token,
    )
    assert body["submitBid"]["errors"][0]["code"] == "BID_DEADLINE_PASSED"
    node = await gql(PATHS["node_project"], {"p": gid("Project", project.id)})
    assert node["node"]["bidCount"] == 1


ASSIGN = """mutation($i: AssignEvaluatorInput!) { assignEvaluator(input: $i) {
  evaluator { id } errors { code field message } } }"""


async def _tied_expert(session, settings, c, org):
    """An expert over the project who also holds a role in ``org``."""
    login = await factories.account(session, settings, role=Role.EXPERT, region=c.world.district)
    session.add(
        RoleGrant(account_id=login.account.id, role=Role.SOCIAL_WORKER, organization_id=org.id)
    )
    await session.commit()
    return login


async def test_before_opening_assigning_an_evaluator_does_not_reveal_who_has_bid(
    gql, session, settings, run_jobs
):
    clock.freeze(START)
    c = await city(session, settings, bidders=2)
    bidder, idle = c.bidders
    project = await make_project(
        session,
        c.community,
        status=ProjectStatus.OPEN_FOR_BIDS,
        method=ProcurementMethod.COMPETITIVE_NEGOTIATION,
        deadline=START + dt.timedelta(days=10),
    )
    in_bidder = await _tied_expert(session, settings, c, bidder.org)
    in_idle = await _tied_expert(session, settings, c, idle.org)

    async def answers():
        out = []
        for login in (in_bidder, in_idle):
            body = await gql(
                ASSIGN,
                {
                    "i": {
                        "projectId": gid("Project", project.id),
                        "accountId": gid("Account", login.account.id),
                    }
                },
                token=c.bureau.token,
            )
            out.append(json.dumps(body, ensure_ascii=False))
        return out

    before_any_bid = await answers()
    body = await gql(
        SUBMIT,
        {
            "i": {
                "projectId": gid("Project", project.id),
                "organizationId": gid("Organization", bidder.org.id),
                "priceFen": SECRET_PRICE,
                "technicalProposal": SECRET_PROPOSAL,
                "team": [{"socialWorkerId": gid("SocialWorker", bidder.worker.id), "role": "主管"}],
            }
        },
        token=bidder.admin.token,
    )
    assert body["submitBid"]["errors"] == []
    after_a_sealed_bid = await answers()

    # One answer for everyone tied to an organization, bid or no bid; nothing written.
    assert after_a_sealed_bid == before_any_bid
    assert before_any_bid[0] == before_any_bid[1]
    refusal = json.loads(before_any_bid[0])["assignEvaluator"]
    assert refusal["evaluator"] is None
    assert [(e["code"], e["field"]) for e in refusal["errors"]] == [
        ("EVALUATOR_CONFLICT", "accountId")
    ]
    assert await session.scalar(select(func.count()).select_from(Evaluator)) == 0

    # After the opening the bidders are public and the check is exact: only the bidder's
    # person is refused.
    clock.advance(dt.timedelta(days=10, minutes=1))
    await relogin(session, settings, c)
    await run_jobs()
    opened = [json.loads(text)["assignEvaluator"] for text in await answers()]
    assert [e["code"] for e in opened[0]["errors"]] == ["EVALUATOR_CONFLICT"]
    assert opened[1]["errors"] == [] and opened[1]["evaluator"] is not None
