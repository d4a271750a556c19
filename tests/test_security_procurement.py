"""Hardening of procurement (docs/security.md): each test is named after the attack it stops.

Contracts and reports answer an id of another region exactly like a missing one; who has bid
stays sealed until the opening (no probe through the legal representative, no bidder in the
audit log); the bureau can take an evaluator off a panel without unsealing anything.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from matchmaker import clock
from matchmaker.models import ProgressReport
from matchmaker.models.enums import Role
from matchmaker.models.procurement import MilestoneStatus, ProjectStatus, ReportStatus
from tests import factories
from tests.procurement_support import (
    START,
    YUAN,
    city,
    gid,
    make_bid,
    make_contract,
    make_project,
)

MISSING = 987_654

PAY = """mutation($i: RecordPaymentInput!) { recordPayment(input: $i) {
  payment { id } errors { code field message } } }"""
ACCEPT_REPORT = """mutation($i: ReportIdInput!) { acceptProgressReport(input: $i) {
  report { id } errors { code field message } } }"""
RETURN_REPORT = """mutation($i: ReturnProgressReportInput!) { returnProgressReport(input: $i) {
  report { id } errors { code field message } } }"""


async def _count(session, model) -> int:
    n = await session.scalar(select(func.count()).select_from(model))
    await session.commit()
    return int(n or 0)


# --- item 14: out of scope answers like missing ------------------------------------------------


async def _contract_in_a1(session, c):
    """An accepted first milestone with a submitted report on the second, in community A1."""
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    bid = await make_bid(session, project, c.bidders[0].org, price_fen=100_000 * YUAN, opened=True)
    contract, milestones = await make_contract(
        session, project, bid, milestone_status=MilestoneStatus.ACCEPTED
    )
    report = ProgressReport(
        milestone_id=milestones[1].id,
        organization_id=contract.organization_id,
        narrative="第二期服务已完成。",
        activities_held=4,
        beneficiaries_served=30,
        status=ReportStatus.SUBMITTED,
        submitted_by_id=c.bidders[0].admin.account.id,
        submitted_at=clock.now(),
    )
    milestones[1].status = MilestoneStatus.REPORTED
    session.add(report)
    await session.commit()
    return milestones, report


async def _errors(gql, query: str, field: str, inp: dict[str, Any], token: str) -> list[Any]:
    body = await gql(query, {"i": inp}, token=token)
    assert body[field][next(k for k in body[field] if k != "errors")] is None
    return body[field]["errors"]


async def test_probing_milestone_ids_of_another_street_by_recording_payments_learns_nothing(
    gql, session, settings
):
    # A bureau officer of street B pays against street A's accepted milestone and against an id
    # that does not exist: the two answers are identical, so ids can't be probed for existence.
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    other = await factories.account(
        session, settings, role=Role.BUREAU_OFFICER, region=c.world.street_b
    )
    milestones, _ = await _contract_in_a1(session, c)
    pay = {"amountFen": 1_000 * YUAN, "paidOn": "2026-03-01", "voucherNumber": "PZ-9"}
    theirs = await _errors(
        gql,
        PAY,
        "recordPayment",
        {**pay, "milestoneId": gid("Milestone", milestones[0].id)},
        other.token,
    )
    missing = await _errors(
        gql, PAY, "recordPayment", {**pay, "milestoneId": gid("Milestone", MISSING)}, other.token
    )
    assert (
        theirs == missing == [{"code": "NOT_FOUND", "field": None, "message": theirs[0]["message"]}]
    )
    assert theirs[0]["message"] == "Milestone not found"


async def test_probing_report_ids_of_another_street_by_reviewing_them_learns_nothing(
    gql, session, settings
):
    # Community staff of street B accept and return street A's submitted report and a missing
    # id: one answer for all four, and street A's report stays SUBMITTED.
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    other = await factories.account(
        session, settings, role=Role.COMMUNITY_STAFF, region=c.world.street_b
    )
    _, report = await _contract_in_a1(session, c)
    answers = []
    for report_id in (report.id, MISSING):
        ref = gid("ProgressReport", report_id)
        answers.append(
            await _errors(
                gql, ACCEPT_REPORT, "acceptProgressReport", {"reportId": ref}, other.token
            )
        )
        answers.append(
            await _errors(
                gql,
                RETURN_REPORT,
                "returnProgressReport",
                {"reportId": ref, "reason": "材料不全"},
                other.token,
            )
        )
    expected = [{"code": "NOT_FOUND", "field": None, "message": "Progress report not found"}]
    assert answers == [expected] * 4
    await session.refresh(report)
    assert report.status is ReportStatus.SUBMITTED
    await session.commit()
