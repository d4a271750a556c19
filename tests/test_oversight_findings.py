"""The findings queue through the API: priority order, region scope, decisions (audited,
notified, typed errors), and the scan run on demand through the outbox (docs/oversight.md)."""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import func, select

from matchmaker import clock
from matchmaker.models import AuditEvent, Finding, Notification, Payment
from matchmaker.models.enums import Role
from matchmaker.models.procurement import MilestoneStatus, ProcurementMethod, ProjectStatus
from tests import factories
from tests.procurement_support import START, YUAN, city, gid, make_bid, make_contract, make_project

SOLE = ProcurementMethod.SINGLE_SOURCE  # one bid is no finding here

QUEUE = """query($rule: String, $status: FindingStatus, $r: ID) {
  findings(first: 10, rule: $rule, status: $status, regionId: $r) { edges { node {
    id rule ruleTitle severity status subject { type id label } evidence moneyFen priority holds
    firstSeenAt lastSeenAt note
} } } }"""
DECIDE = """mutation($i: DecideFindingInput!) { decideFinding(input: $i) {
  finding { id status note } errors { code field } } }"""
SCAN = "mutation { runAuditScan { jobId errors { code } } }"


async def _planted(session, settings):
    """Street A: a payment after the contract ended (¥10k) and a contract ¥10k above its budget.
    Street B: a contract ¥5k above its budget."""
    clock.freeze(START)
    c = await city(session, settings)
    w = c.world
    p = await make_project(session, w.community_a1, status=ProjectStatus.BIDS_OPENED, method=SOLE)
    bid = await make_bid(session, p, c.bidders[0].org, price_fen=180_000 * YUAN, opened=True)
    contract, (m1, _) = await make_contract(
        session, p, bid, milestone_status=MilestoneStatus.ACCEPTED, end=dt.date(2027, 12, 31)
    )
    session.add(
        Payment(
            contract_id=contract.id,
            milestone_id=m1.id,
            amount_fen=10_000 * YUAN,
            paid_on=dt.date(2028, 1, 5),
            voucher_number="PZ-LATE",
        )
    )
    over = await make_project(
        session, w.community_a2, status=ProjectStatus.BIDS_OPENED, method=SOLE
    )
    b2 = await make_bid(session, over, c.bidders[1].org, price_fen=250_000 * YUAN, opened=True)
    await make_contract(session, over, b2, amount_fen=260_000 * YUAN)
    far = await make_project(session, w.community_b1, status=ProjectStatus.BIDS_OPENED, method=SOLE)
    b3 = await make_bid(session, far, c.bidders[2].org, price_fen=250_000 * YUAN, opened=True)
    await make_contract(session, far, b3, amount_fen=255_000 * YUAN)
    await session.commit()
    return c


async def _scan_now(gql, run_jobs, token):
    data = await gql(SCAN, token=token)
    assert data["runAuditScan"]["errors"] == [] and data["runAuditScan"]["jobId"]
    assert await run_jobs() >= 1


async def test_an_auditor_runs_the_scan_and_reads_the_queue_by_priority(
    gql, session, settings, run_jobs
):
    c = await _planted(session, settings)
    await _scan_now(gql, run_jobs, c.auditor.token)

    edges = (await gql(QUEUE, {}, token=c.auditor.token))["findings"]["edges"]
    nodes = [e["node"] for e in edges]
    # Weight 5 × log10(10 + 10,000) for the late payment beats 4 × log10(10 + 10,000) and
    # 4 × log10(10 + 5,000) for the contracts above budget.
    assert [n["rule"] for n in nodes] == [
        "PAYMENT_OUTSIDE_PERIOD",
        "CONTRACT_ABOVE_BUDGET",
        "CONTRACT_ABOVE_BUDGET",
    ]
    assert nodes[0]["priority"] == round(5 * math.log10(10 + 10_000), 3)
    assert nodes[1]["moneyFen"] == 10_000 * YUAN and nodes[2]["moneyFen"] == 5_000 * YUAN
    top = nodes[0]
    assert top["status"] == "OPEN" and top["holds"] is True and top["severity"] == "HIGH"
    assert top["subject"]["type"] == "Payment"
    assert top["evidence"]["paidOn"] == "2028-01-05"
    assert top["note"] is None


async def test_an_auditor_of_one_street_sees_no_finding_of_the_other(
    gql, session, settings, run_jobs
):
    c = await _planted(session, settings)
    await _scan_now(gql, run_jobs, c.auditor.token)
    auditor_b = await factories.account(
        session, settings, role=Role.AUDITOR, region=c.world.street_b
    )
    edges = (await gql(QUEUE, {}, token=auditor_b.token))["findings"]["edges"]
    assert [e["node"]["moneyFen"] for e in edges] == [5_000 * YUAN]
    body = await gql(
        QUEUE, {"r": gid("Region", c.world.street_a.id)}, token=auditor_b.token, expect_errors=True
    )
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # …and cannot decide one either: the same answer as a missing finding.
    theirs = await session.scalar(select(Finding).where(Finding.money_fen == 10_000 * YUAN))
    await session.commit()  # end the test's read: SQLite lets one writer in at a time
    data = await gql(
        DECIDE,
        {"i": {"findingId": gid("Finding", theirs.id), "decision": "DISMISS", "note": "看看"}},
        token=auditor_b.token,
    )
    assert data["decideFinding"]["errors"] == [{"code": "NOT_FOUND", "field": None}]


async def test_confirming_a_finding_is_audited_notifies_the_bureau_and_survives_a_rescan(
    gql, session, settings, run_jobs
):
    c = await _planted(session, settings)
    await _scan_now(gql, run_jobs, c.auditor.token)
    finding = await session.scalar(select(Finding).where(Finding.rule == "PAYMENT_OUTSIDE_PERIOD"))
    await session.commit()
    data = await gql(
        DECIDE,
        {
            "i": {
                "findingId": gid("Finding", finding.id),
                "decision": "CONFIRM",
                "note": "付款晚于合同期，已要求说明",
            }
        },
        token=c.auditor.token,
    )
    assert data["decideFinding"] == {
        "finding": {
            "id": gid("Finding", finding.id),
            "status": "CONFIRMED",
            "note": "付款晚于合同期，已要求说明",
        },
        "errors": [],
    }
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "finding.decide"))
    assert event.actor_account_id == c.auditor.account.id
    assert event.after["status"] == "CONFIRMED"
    assert event.region_path == c.world.community_a1.path
    notified = list(
        await session.scalars(
            select(Notification.account_id).where(Notification.kind == "finding.confirmed")
        )
    )
    assert notified == [c.bureau.account.id]  # the district's bureau officer
    await session.commit()

    await _scan_now(gql, run_jobs, c.auditor.token)
    edges = (await gql(QUEUE, {"status": "CONFIRMED"}, token=c.auditor.token))["findings"]["edges"]
    assert [e["node"]["note"] for e in edges] == ["付款晚于合同期，已要求说明"]


async def test_a_decision_without_a_note_writes_nothing(gql, session, settings, run_jobs):
    c = await _planted(session, settings)
    await _scan_now(gql, run_jobs, c.auditor.token)
    finding = await session.scalar(select(Finding).limit(1))
    events = await session.scalar(select(func.count()).select_from(AuditEvent))
    await session.commit()
    data = await gql(
        DECIDE,
        {"i": {"findingId": gid("Finding", finding.id), "decision": "DISMISS", "note": "  "}},
        token=c.auditor.token,
    )
    assert data["decideFinding"] == {
        "finding": None,
        "errors": [{"code": "INVALID_INPUT", "field": "note"}],
    }
    await session.refresh(finding)
    assert finding.status.value == "OPEN"
    assert await session.scalar(select(func.count()).select_from(AuditEvent)) == events


async def test_a_bureau_officer_reads_findings_but_cannot_decide_them(
    gql, session, settings, run_jobs
):
    c = await _planted(session, settings)
    await _scan_now(gql, run_jobs, c.auditor.token)
    edges = (await gql(QUEUE, {}, token=c.bureau.token))["findings"]["edges"]
    assert len(edges) == 3
    data = await gql(
        DECIDE,
        {"i": {"findingId": edges[0]["node"]["id"], "decision": "DISMISS", "note": "无问题"}},
        token=c.bureau.token,
    )
    assert data["decideFinding"]["errors"] == [{"code": "FORBIDDEN", "field": None}]


async def test_recording_a_payment_queues_one_audit_scan_for_the_end_of_its_window(
    session, settings
):
    from matchmaker.models import OutboxJob
    from matchmaker.services import contracts as contract_service
    from matchmaker.services.accounts import actor_for_token
    from matchmaker.services.context import ServiceContext

    clock.freeze(START)  # 2026-03-02 01:00 UTC: the window ends at 01:10
    c = await city(session, settings)
    p = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED, method=SOLE)
    bid = await make_bid(session, p, c.bidders[0].org, price_fen=180_000 * YUAN, opened=True)
    _, (m1, _) = await make_contract(
        session, p, bid, milestone_status=MilestoneStatus.ACCEPTED, start=dt.date(2026, 1, 1)
    )
    sc = ServiceContext(
        session=session, actor=await actor_for_token(session, c.bureau.token), settings=settings
    )
    for n in (1, 2):
        await contract_service.record_payment(
            sc,
            milestone_id=m1.id,
            amount_fen=1_000 * YUAN,
            paid_on=dt.date(2026, 3, 2),
            voucher_number=f"PZ-{n}",
        )
    await session.commit()
    scans = list(await session.scalars(select(OutboxJob).where(OutboxJob.name == "audit_scan")))
    assert [(j.dedupe_key, j.run_at) for j in scans] == [
        ("audit_scan:2026-03-02T01:10:00+00:00", dt.datetime(2026, 3, 2, 1, 10, tzinfo=dt.UTC))
    ]
