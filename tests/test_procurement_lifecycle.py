"""One project through every state over GraphQL with the real roles, and each failure branch."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from sqlalchemy import func, select

from matchmaker import clock
from matchmaker.models import AuditEvent, Notification, Project
from matchmaker.services.audit import verify_chain
from tests.procurement_support import PNG_BYTES, START, YUAN, City, city, gid, relogin, spec

NEED = """mutation($i: RecordNeedInput!) { recordNeed(input: $i) { need { id } errors { code field } } }"""
CREATE = """mutation($i: CreateProjectInput!) { createProject(input: $i) {
  project { id status version criteria { id name weight } } errors { code field message } } }"""
BY_ID = """mutation($i: ProjectIdInput!) { %s(input: $i) { project { id status } errors { code field message } } }"""
REASON = """mutation($i: ProjectReasonInput!) { %s(input: $i) { project { id status returnReason cancelReason } errors { code field } } }"""
PUBLISH = """mutation($i: PublishProjectInput!) { publishProject(input: $i) {
  project { id status bidDeadline } errors { code field message } } }"""
SUBMIT_BID = """mutation($i: SubmitBidInput!) { submitBid(input: $i) {
  bid { id status priceFen sealed } errors { code field message } } }"""
ASSIGN = """mutation($i: AssignEvaluatorInput!) { assignEvaluator(input: $i) { evaluator { id } errors { code field } } }"""
SCORES = """mutation($i: SubmitScoresInput!) { submitScores(input: $i) { saved errors { code field message } } }"""
CONTRACT = """mutation($i: CreateContractInput!) { createContract(input: $i) {
  contract { id amountFen milestones { id sequence amountFen status } } errors { code field message } } }"""
REPORT = """mutation($i: SubmitProgressReportInput!) { submitProgressReport(input: $i) {
  report { id status volunteerMinutes files { id url contentType } } errors { code field message } } }"""
REVIEW = """mutation($i: ReportIdInput!) { acceptProgressReport(input: $i) { report { id status } errors { code field } } }"""
RETURN_REPORT = """mutation($i: ReturnProgressReportInput!) { returnProgressReport(input: $i) {
  report { id status returnReason } errors { code field } } }"""
PAY = """mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { id amountFen } errors { code field message } } }"""
EVALUATE = """mutation($i: EvaluatePerformanceInput!) { evaluatePerformance(input: $i) {
  evaluation { id score } errors { code field message } } }"""
PROJECT = """query($id: ID!) { node(id: $id) { ... on Project { status bidCount
  bids { id organizationName priceFen sealed totalScore rank status }
  award { organizationName priceFen awardedOn } } } }"""


async def ok(gql: Any, query: str, field: str, inp: dict[str, Any], token: str) -> dict[str, Any]:
    data = await gql(query, {"i": inp}, token=token)
    payload = data[field]
    assert payload["errors"] == [], payload["errors"]
    return payload


async def draft_project(gql: Any, c: City) -> dict[str, Any]:
    need = await ok(
        gql,
        NEED,
        "recordNeed",
        {
            "regionId": gid("Region", c.community.id),
            "category": "ELDERLY",
            "targetGroup": "独居老人",
            "description": "独居老人缺少日常探访",
            "peopleAffected": 120,
        },
        c.staff.token,
    )
    payload = await ok(
        gql,
        CREATE,
        "createProject",
        {
            "regionId": gid("Region", c.community.id),
            "project": spec(needIds=[need["need"]["id"]]),
        },
        c.staff.token,
    )
    assert payload["project"]["status"] == "DRAFT"
    return payload["project"]


async def open_for_bids(gql: Any, c: City) -> dict[str, Any]:
    project = await draft_project(gql, c)
    pid = {"projectId": project["id"]}
    assert (await ok(gql, BY_ID % "submitProject", "submitProject", pid, c.staff.token))["project"][
        "status"
    ] == "PENDING_APPROVAL"
    await ok(gql, BY_ID % "approveProject", "approveProject", pid, c.bureau.token)
    deadline = (clock.now() + dt.timedelta(days=21)).isoformat()
    published = await ok(
        gql, PUBLISH, "publishProject", {**pid, "bidDeadline": deadline}, c.staff.token
    )
    assert published["project"]["status"] == "OPEN_FOR_BIDS"
    return project


async def bid(gql: Any, c: City, project_id: str, i: int, price_fen: int) -> dict[str, Any]:
    b = c.bidders[i]
    payload = await ok(
        gql,
        SUBMIT_BID,
        "submitBid",
        {
            "projectId": project_id,
            "organizationId": gid("Organization", b.org.id),
            "priceFen": price_fen,
            "technicalProposal": f"方案{i}",
            "team": [{"socialWorkerId": gid("SocialWorker", b.worker.id), "role": "项目主管"}],
        },
        b.admin.token,
    )
    return payload["bid"]


async def test_a_project_walks_through_every_state(gql, session, settings, run_jobs):
    clock.freeze(START)
    c = await city(session, settings)
    project = await open_for_bids(gql, c)
    pid = project["id"]
    for i, price in enumerate([180_000, 200_000, 240_000]):
        await bid(gql, c, pid, i, price * YUAN)

    clock.advance(dt.timedelta(days=21, minutes=1))
    await relogin(session, settings, c)
    assert await run_jobs() >= 1
    state = (await gql(PROJECT, {"id": pid}, token=c.bureau.token))["node"]
    assert state["status"] == "BIDS_OPENED"
    assert sorted(b["priceFen"] for b in state["bids"]) == [18_000_000, 20_000_000, 24_000_000]

    await ok(
        gql,
        ASSIGN,
        "assignEvaluator",
        {"projectId": pid, "accountId": gid("Account", c.expert.account.id)},
        c.bureau.token,
    )
    criteria = project["criteria"]
    scores = [
        {"bidId": b["id"], "criterionId": cr["id"], "score": "30" if cr["weight"] == 40 else "20"}
        for b in state["bids"]
        for cr in criteria
    ]
    assert (
        await ok(gql, SCORES, "submitScores", {"projectId": pid, "scores": scores}, c.expert.token)
    )["saved"] == 6
    awarded = await ok(
        gql, BY_ID % "confirmAward", "confirmAward", {"projectId": pid}, c.bureau.token
    )
    assert awarded["project"]["status"] == "AWARDED"

    public = (await gql(PROJECT, {"id": pid}))["node"]
    assert public["award"]["organizationName"] == c.bidders[0].org.name
    assert public["award"]["priceFen"] == 18_000_000

    contract = (
        await ok(
            gql,
            CONTRACT,
            "createContract",
            {
                "projectId": pid,
                "amountFen": 18_000_000,
                "startDate": "2026-05-01",
                "endDate": "2027-04-30",
                "milestones": [
                    {
                        "title": "中期",
                        "shareBp": 4000,
                        "dueDate": "2026-10-31",
                        "plannedActivities": 12,
                    },
                    {
                        "title": "末期",
                        "shareBp": 6000,
                        "dueDate": "2027-04-30",
                        "plannedActivities": 12,
                    },
                ],
            },
            c.bureau.token,
        )
    )["contract"]
    assert [m["amountFen"] for m in contract["milestones"]] == [7_200_000, 10_800_000]
    assert (await gql(PROJECT, {"id": pid}))["node"]["status"] == "IN_PROGRESS"

    clock.freeze(dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC))
    await relogin(session, settings, c)
    for milestone in contract["milestones"]:
        report = (
            await ok(
                gql,
                REPORT,
                "submitProgressReport",
                {
                    "milestoneId": milestone["id"],
                    "narrative": "开展探访 12 次",
                    "activitiesHeld": 12,
                    "beneficiariesServed": 118,
                    "files": [
                        {
                            "filename": "签到表.png",
                            "contentType": "image/png",
                            "contentBase64": base64.b64encode(PNG_BYTES).decode(),
                        }
                    ],
                },
                c.bidders[0].worker_login.token,
            )
        )["report"]
        assert report["volunteerMinutes"] == 0
        await ok(gql, REVIEW, "acceptProgressReport", {"reportId": report["id"]}, c.staff.token)
        await ok(
            gql,
            PAY,
            "recordPayment",
            {
                "milestoneId": milestone["id"],
                "amountFen": milestone["amountFen"],
                "paidOn": "2026-11-02",
                "voucherNumber": f"PZ-{milestone['sequence']}",
            },
            c.bureau.token,
        )
    await ok(gql, BY_ID % "completeProject", "completeProject", {"projectId": pid}, c.bureau.token)
    evaluation = await ok(
        gql,
        EVALUATE,
        "evaluatePerformance",
        {
            "projectId": pid,
            "criteria": [
                {"name": "服务成效", "score": 36, "max": 40},
                {"name": "资金使用", "score": 27, "max": 30},
                {"name": "群众满意度", "score": 25, "max": 30},
            ],
            "comments": "按期完成",
        },
        c.bureau.token,
    )
    assert evaluation["evaluation"]["score"] == 88
    assert (await gql(PROJECT, {"id": pid}))["node"]["status"] == "EVALUATED"

    record = await gql(
        "query($o: ID!) { trackRecord(organizationId: $o) { evaluations averageScore milestonesAccepted milestonesOnTime } }",
        {"o": gid("Organization", c.bidders[0].org.id)},
        token=c.bureau.token,
    )
    assert record["trackRecord"] == {
        "evaluations": 1,
        "averageScore": 88.0,
        "milestonesAccepted": 2,
        "milestonesOnTime": 1,  # the first was accepted two days after its due date
    }

    actions = set(await session.scalars(select(AuditEvent.action)))
    assert {
        "need.record",
        "project.create",
        "project.submit",
        "project.approve",
        "project.publish",
        "bid.submit",
        "project.bids_opened",
        "evaluator.assign",
        "evaluation.score",
        "project.award",
        "contract.create",
        "report.submit",
        "report.accept",
        "payment.record",
        "project.complete",
        "project.evaluate",
    } <= actions
    assert (await verify_chain(session)).ok
    kinds = set(await session.scalars(select(Notification.kind)))
    assert {
        "project.approved",
        "bids.opened",
        "project.awarded",
        "report.accepted",
        "payment.recorded",
    } <= kinds


async def test_an_open_tender_with_fewer_than_three_bids_fails(gql, session, settings, run_jobs):
    clock.freeze(START)
    c = await city(session, settings)
    project = await open_for_bids(gql, c)
    await bid(gql, c, project["id"], 0, 180_000 * YUAN)
    await bid(gql, c, project["id"], 1, 200_000 * YUAN)
    clock.advance(dt.timedelta(days=22))
    await relogin(session, settings, c)
    await run_jobs()
    state = (await gql(PROJECT, {"id": project["id"]}))["node"]
    assert state["status"] == "FAILED"
    assert state["bidCount"] == 2
    assert "project.bids_opened" in set(await session.scalars(select(AuditEvent.action)))


async def test_a_returned_project_goes_back_to_draft_with_its_reason(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings)
    project = await draft_project(gql, c)
    pid = {"projectId": project["id"]}
    await ok(gql, BY_ID % "submitProject", "submitProject", pid, c.staff.token)
    returned = await ok(
        gql,
        REASON % "returnProject",
        "returnProject",
        {**pid, "reason": "预算依据不足"},
        c.bureau.token,
    )
    assert returned["project"]["status"] == "DRAFT"
    assert returned["project"]["returnReason"] == "预算依据不足"
    assert (
        await session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.kind == "project.returned")
        )
        == 1
    )
    await session.commit()  # end the read transaction: SQLite serialises writers
    # Resubmitting is possible after the return.
    again = await ok(gql, BY_ID % "submitProject", "submitProject", pid, c.staff.token)
    assert again["project"]["status"] == "PENDING_APPROVAL"


async def test_a_cancelled_project_closes_and_refuses_further_bids(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings)
    project = await open_for_bids(gql, c)
    await bid(gql, c, project["id"], 0, 180_000 * YUAN)
    cancelled = await ok(
        gql,
        REASON % "cancelProject",
        "cancelProject",
        {"projectId": project["id"], "reason": "需求已由其他渠道解决"},
        c.bureau.token,
    )
    assert cancelled["project"]["status"] == "CANCELLED"
    body = await gql(
        SUBMIT_BID,
        {
            "i": {
                "projectId": project["id"],
                "organizationId": gid("Organization", c.bidders[1].org.id),
                "priceFen": 100,
                "technicalProposal": "x",
            }
        },
        token=c.bidders[1].admin.token,
    )
    assert body["submitBid"]["errors"][0]["code"] in {"NOT_FOUND", "INVALID_STATE"}


async def test_a_returned_report_leaves_the_milestone_unpayable(gql, session, settings):
    from tests.procurement_support import make_bid, make_contract, make_project

    clock.freeze(START)
    c = await city(session, settings)
    project = await make_project(session, c.community)
    bid_row = await make_bid(
        session, project, c.bidders[0].org, price_fen=100_000 * YUAN, opened=True
    )
    _, milestones = await make_contract(
        session, project, bid_row, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    report = (
        await ok(
            gql,
            REPORT,
            "submitProgressReport",
            {
                "milestoneId": gid("Milestone", milestones[0].id),
                "narrative": "开展活动",
                "activitiesHeld": 3,
                "beneficiariesServed": 30,
            },
            c.bidders[0].admin.token,
        )
    )["report"]
    returned = await ok(
        gql,
        RETURN_REPORT,
        "returnProgressReport",
        {"reportId": report["id"], "reason": "缺少签到表"},
        c.staff.token,
    )
    assert returned["report"]["status"] == "RETURNED"
    body = await gql(
        PAY,
        {
            "i": {
                "milestoneId": gid("Milestone", milestones[0].id),
                "amountFen": 100,
                "paidOn": "2026-03-02",
                "voucherNumber": "PZ-1",
            }
        },
        token=c.bureau.token,
    )
    assert body["recordPayment"]["errors"][0]["code"] == "MILESTONE_NOT_ACCEPTED"
    kinds = set(await session.scalars(select(Notification.kind)))
    assert "report.returned" in kinds
    assert (await session.get(Project, project.id)) is not None
