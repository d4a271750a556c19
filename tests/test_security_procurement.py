"""Hardening of procurement (docs/security.md): each test is named after the attack it stops.

Contracts and reports answer an id of another region exactly like a missing one; who has bid
stays sealed until the opening (no probe through the legal representative, no bidder in the
audit log); the bureau can take an evaluator off a panel without unsealing anything.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from matchmaker import clock
from matchmaker.models import (
    AuditEvent,
    Bid,
    EvaluationCriterion,
    Evaluator,
    ProgressReport,
    Project,
    Score,
)
from matchmaker.models.enums import AccountStatus, Role, WorkerLevel
from matchmaker.models.procurement import (
    BidStatus,
    MilestoneStatus,
    ProjectStatus,
    ReportStatus,
)
from tests import factories
from tests.procurement_support import (
    START,
    YUAN,
    Bidder,
    city,
    gid,
    make_bid,
    make_bidder,
    make_contract,
    make_project,
    make_worker,
    relogin,
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


# --- item 6: who has bid stays sealed until the opening ----------------------------------------

UPDATE_ORG = """mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) {
  organization { legalRepresentative } errors { code field } } }"""
SUBMIT_BID = """mutation($i: SubmitBidInput!) { submitBid(input: $i) {
  bid { id status } errors { code field message } } }"""
OPEN_BIDS = """mutation($i: ProjectIdInput!) { openBids(input: $i) {
  project { status } errors { code field } } }"""
AUDIT = """query { auditEvents(first: 100) { edges { node {
  action subjectType subjectId actorAccountId after } } } }"""
DEADLINE = START + dt.timedelta(days=25)


async def _bid(gql, bidder: Bidder, project: Project, price_yuan: int) -> dict[str, Any]:
    body = await gql(
        SUBMIT_BID,
        {
            "i": {
                "projectId": gid("Project", project.id),
                "organizationId": gid("Organization", bidder.org.id),
                "priceFen": price_yuan * YUAN,
                "technicalProposal": "方案",
                "team": [{"socialWorkerId": gid("SocialWorker", bidder.worker.id), "role": "主管"}],
            }
        },
        token=bidder.admin.token,
    )
    return body["submitBid"]


async def test_copying_a_competitors_legal_representative_to_probe_its_bid_is_refused(
    gql, session, settings
):
    # The probe: set one's own legal representative to a competitor's and submit, reading
    # SAME_LEGAL_REPRESENTATIVE as "they have bid". The representative is a registration fact
    # now: the organization admin can't change it (the bureau can).
    clock.freeze(START)
    c = await city(session, settings, bidders=2)
    prober, competitor = c.bidders
    copy = {
        "organizationId": gid("Organization", prober.org.id),
        "version": 1,
        "legalRepresentative": competitor.org.legal_representative,
    }
    body = await gql(UPDATE_ORG, {"i": copy}, token=prober.admin.token)
    assert body["updateOrganization"]["errors"] == [
        {"code": "FORBIDDEN", "field": "legalRepresentative"}
    ]
    body = await gql(UPDATE_ORG, {"i": copy}, token=c.bureau.token)
    assert body["updateOrganization"]["errors"] == []


async def test_a_bid_answers_the_same_whether_or_not_a_same_representative_rival_has_bid(
    gql, session, settings
):
    # Organizations X and Y share the legal representative 王五; A, B, C don't. X bids first:
    # Y's bid is accepted all the same (the answer reveals nothing). At the opening X and Y are
    # both disqualified; A, B, C make 3 valid bids, so the open tender does not fail.
    clock.freeze(START)
    c = await city(session, settings, bidders=3)
    x = await make_bidder(session, settings, c.world.street_a, legal_representative="王五")
    y = await make_bidder(session, settings, c.world.street_a, legal_representative="王五")
    project = await make_project(
        session, c.community, status=ProjectStatus.OPEN_FOR_BIDS, deadline=DEADLINE
    )
    assert (await _bid(gql, x, project, 200_000))["errors"] == []
    assert (await _bid(gql, y, project, 190_000))["errors"] == []
    for bidder, price in zip(c.bidders, (210_000, 220_000, 230_000), strict=True):
        assert (await _bid(gql, bidder, project, price))["errors"] == []
    clock.freeze(DEADLINE + dt.timedelta(minutes=1))
    await relogin(session, settings, c)
    body = await gql(
        OPEN_BIDS, {"i": {"projectId": gid("Project", project.id)}}, token=c.bureau.token
    )
    assert body["openBids"] == {"project": {"status": "BIDS_OPENED"}, "errors": []}
    statuses = dict(
        (
            await session.execute(
                select(Bid.organization_id, Bid.status).where(Bid.project_id == project.id)
            )
        ).all()
    )
    await session.commit()
    assert statuses == {
        x.org.id: BidStatus.DISQUALIFIED,
        y.org.id: BidStatus.DISQUALIFIED,
        **{b.org.id: BidStatus.OPENED for b in c.bidders},
    }


async def test_disqualified_same_representative_bids_do_not_count_towards_the_three(
    gql, session, settings
):
    # X and Y share 王五, plus A and B: 4 bids, 2 valid (< 3) → the open tender fails (流标).
    clock.freeze(START)
    c = await city(session, settings, bidders=2)
    x = await make_bidder(session, settings, c.world.street_a, legal_representative="王五")
    y = await make_bidder(session, settings, c.world.street_a, legal_representative="王五")
    project = await make_project(
        session, c.community, status=ProjectStatus.OPEN_FOR_BIDS, deadline=DEADLINE
    )
    for bidder in (x, y, *c.bidders):
        assert (await _bid(gql, bidder, project, 200_000))["errors"] == []
    clock.freeze(DEADLINE + dt.timedelta(minutes=1))
    await relogin(session, settings, c)
    body = await gql(
        OPEN_BIDS, {"i": {"projectId": gid("Project", project.id)}}, token=c.bureau.token
    )
    assert body["openBids"]["project"] == {"status": "FAILED"}


async def test_reading_the_audit_log_before_the_opening_does_not_name_the_bidders(
    gql, session, settings
):
    # Bidder A submits, replaces and withdraws; B submits. Before the opening an auditor and a
    # platform admin find no event about those bids (whose actor would be A's or B's admin),
    # and nothing in the log names A or B. After the opening the events are there.
    clock.freeze(START)
    c = await city(session, settings, bidders=2)
    a, b = c.bidders
    project = await make_project(
        session, c.community, status=ProjectStatus.OPEN_FOR_BIDS, deadline=DEADLINE
    )
    first = await _bid(gql, a, project, 200_000)
    await _bid(gql, a, project, 180_000)
    await _bid(gql, b, project, 190_000)
    withdraw = """mutation($i: WithdrawBidInput!) { withdrawBid(input: $i) { errors { code } } }"""
    body = await gql(withdraw, {"i": {"bidId": first["bid"]["id"]}}, token=a.admin.token)
    assert body["withdrawBid"]["errors"] == []
    bidder_accounts = {a.admin.account.id, b.admin.account.id}

    async def events(token: str) -> list[dict[str, Any]]:
        body = await gql(AUDIT, token=token)
        return [e["node"] for e in body["auditEvents"]["edges"]]

    for reader in (c.auditor, c.admin):
        seen = await events(reader.token)
        assert [e for e in seen if e["subjectType"] == "Bid"] == []
        assert not {e["actorAccountId"] for e in seen} & bidder_accounts
    clock.freeze(DEADLINE + dt.timedelta(minutes=1))
    await relogin(session, settings, c)
    await gql(OPEN_BIDS, {"i": {"projectId": gid("Project", project.id)}}, token=c.bureau.token)
    after = await events(c.auditor.token)
    bid_events = sorted(e["action"] for e in after if e["subjectType"] == "Bid")
    assert bid_events == ["bid.replace", "bid.submit", "bid.submit", "bid.withdraw"]
    # The events themselves never carried the organization: the opening event maps bids to
    # organizations, once it is public.
    assert all("organization_id" not in e["after"] for e in after if e["subjectType"] == "Bid")


# --- item 17: an evaluator who can't score no longer blocks the award -------------------------

REMOVE = """mutation($i: RemoveEvaluatorInput!) { removeEvaluator(input: $i) {
  project { id } errors { code field message } } }"""
AWARD = """mutation($i: ProjectIdInput!) { confirmAward(input: $i) {
  project { status } errors { code field } } }"""


async def _scored_panel(session, c):
    """Three opened bids; the bureau officer has scored them all, the expert none."""
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    criteria = list(
        await session.scalars(
            select(EvaluationCriterion).where(EvaluationCriterion.project_id == project.id)
        )
    )
    bids = [
        await make_bid(session, project, b.org, price_fen=price * YUAN, opened=True)
        for b, price in zip(c.bidders, (180_000, 200_000, 240_000), strict=True)
    ]
    officer = Evaluator(project_id=project.id, account_id=c.bureau.account.id)
    expert = Evaluator(project_id=project.id, account_id=c.expert.account.id)
    session.add_all([officer, expert])
    await session.flush()
    for bid in bids:
        for criterion in criteria:
            session.add(
                Score(
                    evaluator_id=officer.id,
                    bid_id=bid.id,
                    criterion_id=criterion.id,
                    score_centi=criterion.weight * 80,  # 80% of each criterion's points
                )
            )
    await session.commit()
    return project, expert


async def test_a_disabled_evaluator_can_no_longer_hold_the_award_hostage(gql, session, settings):
    # The expert's account is disabled before they scored: the award waits for their scores
    # for good (SCORES_INCOMPLETE). The bureau takes them off the panel, with a reason, and the
    # award goes through on the officer's scores (audited, the expert notified).
    clock.freeze(START)
    c = await city(session, settings, bidders=3)
    project, expert = await _scored_panel(session, c)
    c.expert.account.status = AccountStatus.DISABLED
    await session.commit()
    ref = {"projectId": gid("Project", project.id)}
    body = await gql(AWARD, {"i": ref}, token=c.bureau.token)
    assert [e["code"] for e in body["confirmAward"]["errors"]] == ["SCORES_INCOMPLETE"]

    body = await gql(
        REMOVE,
        {"i": {"evaluatorId": gid("Evaluator", expert.id), "reason": "专家账号已停用"}},
        token=c.bureau.token,
    )
    assert body["removeEvaluator"] == {"project": {"id": ref["projectId"]}, "errors": []}
    body = await gql(AWARD, {"i": ref}, token=c.bureau.token)
    assert body["confirmAward"] == {"project": {"status": "AWARDED"}, "errors": []}
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "evaluator.remove"))
    await session.commit()
    assert event is not None
    assert event.before == {"project_id": project.id, "account_id": c.expert.account.id}
    assert event.after == {"reason": "专家账号已停用", "scores_discarded": 0}


async def test_removing_evaluators_of_another_region_or_after_the_award_is_refused(
    gql, session, settings
):
    # A bureau officer of street B can't touch street A's panel (NOT_FOUND, exactly as for a
    # missing evaluator); after the award nobody can change the panel (INVALID_STATE).
    clock.freeze(START)
    c = await city(session, settings, bidders=3)
    project, expert = await _scored_panel(session, c)
    other = await factories.account(
        session, settings, role=Role.BUREAU_OFFICER, region=c.world.street_b
    )
    answers = []
    for evaluator_id in (expert.id, MISSING):
        body = await gql(
            REMOVE,
            {"i": {"evaluatorId": gid("Evaluator", evaluator_id), "reason": "试探"}},
            token=other.token,
        )
        answers.append(body["removeEvaluator"])
    assert answers[0] == answers[1]
    assert answers[0]["errors"] == [
        {"code": "NOT_FOUND", "field": None, "message": "Evaluator not found"}
    ]
    project.status = ProjectStatus.AWARDED
    await session.commit()
    body = await gql(
        REMOVE,
        {"i": {"evaluatorId": gid("Evaluator", expert.id), "reason": "评审结束后更换"}},
        token=c.bureau.token,
    )
    assert [e["code"] for e in body["removeEvaluator"]["errors"]] == ["INVALID_STATE"]
    assert await _count(session, Evaluator) == 2


async def test_an_evaluator_who_scored_takes_their_scores_off_the_panel_with_them(
    gql, session, settings
):
    # The officer scored 3 bids × 2 criteria = 6 scores; removing the officer discards them
    # (the audit event counts them), so the award waits for the remaining panel's scores.
    clock.freeze(START)
    c = await city(session, settings, bidders=3)
    project, _ = await _scored_panel(session, c)
    officer = await session.scalar(
        select(Evaluator).where(Evaluator.account_id == c.bureau.account.id)
    )
    await session.commit()
    body = await gql(
        REMOVE,
        {"i": {"evaluatorId": gid("Evaluator", officer.id), "reason": "与投标方存在利害关系"}},
        token=c.bureau.token,
    )
    assert body["removeEvaluator"]["errors"] == []
    assert await _count(session, Score) == 0
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "evaluator.remove"))
    await session.commit()
    assert event.after["scores_discarded"] == 6
    body = await gql(AWARD, {"i": {"projectId": gid("Project", project.id)}}, token=c.bureau.token)
    assert [e["code"] for e in body["confirmAward"]["errors"]] == ["SCORES_INCOMPLETE"]


# --- item 9: qualifications come from the bureau, staff from the worker's consent --------------

SELF_UPDATE = """mutation($i: UpdateSocialWorkerInput!) { updateSocialWorker(input: $i) {
  socialWorker { level } errors { code field } } }"""
QUALIFY = """mutation($i: SetSocialWorkerQualificationInput!) {
  setSocialWorkerQualification(input: $i) {
    socialWorker { level registrationValid version } errors { code field } } }"""
INVITE = """mutation($i: AddStaffMemberInput!) { addStaffMember(input: $i) {
  invitation { id status } errors { code } } }"""
ACCEPT = """mutation($i: StaffInvitationIdInput!) { acceptStaffInvitation(input: $i) {
  invitation { status } errors { code } } }"""
STAFF = (
    """query($id: ID!) { node(id: $id) { ... on Organization { staffCount staff { name } } } }"""
)
WORKER = """query($id: ID!) { node(id: $id) { ... on SocialWorker { name level } } }"""


async def test_a_social_worker_cannot_certify_themself_nor_their_employer_them(
    gql, session, settings
):
    # A NONE-level worker claims SENIOR with a made-up certificate: through their own profile
    # (no such fields any more) and through the bureau's mutation (FORBIDDEN), and their
    # employer can't either. The level stays NONE.
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    bidder = c.bidders[0]
    login, worker = await make_worker(session, settings, bidder.org, level=WorkerLevel.NONE)
    claim = {"level": "SENIOR", "certificateNumber": "FAKE-0001"}
    ref = {"socialWorkerId": gid("SocialWorker", worker.id), "version": 1}
    body = await gql(SELF_UPDATE, {"i": {**ref, **claim}}, token=login.token, expect_errors=True)
    assert body.get("errors") and body.get("data") is None
    for token in (login.token, bidder.admin.token):
        body = await gql(
            QUALIFY, {"i": {**ref, **claim, "registeredOn": "2026-01-05"}}, token=token
        )
        assert body["setSocialWorkerQualification"]["errors"] == [
            {"code": "FORBIDDEN", "field": None}
        ]
    await session.refresh(worker)
    assert worker.level is WorkerLevel.NONE and worker.certificate_number is None
    await session.commit()


async def test_an_expired_registration_does_not_make_up_a_bids_required_workers(
    gql, session, settings
):
    # The project needs 1 worker at SOCIAL_WORKER level. The only one on the team registered
    # on 2022-06-01: valid to 2025-05-31, expired on 2026-03-02 → NOT_QUALIFIED. The bureau
    # records the renewal of 2026-01-05 (valid to 2029-01-04) and the same bid is accepted.
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    bidder = c.bidders[0]
    project = await make_project(
        session, c.community, status=ProjectStatus.OPEN_FOR_BIDS, deadline=DEADLINE
    )
    project.worker_requirements = {"SOCIAL_WORKER": 1}
    bidder.worker.registration_expires_on = dt.date(2025, 5, 31)
    await session.commit()
    body = await _bid(gql, bidder, project, 200_000)
    assert [(e["code"], e["field"]) for e in body["errors"]] == [("NOT_QUALIFIED", "team")]

    await session.refresh(bidder.worker)
    await session.commit()
    renewal = {
        "socialWorkerId": gid("SocialWorker", bidder.worker.id),
        "version": bidder.worker.version,
        "level": "SOCIAL_WORKER",
        "certificateNumber": bidder.worker.certificate_number,
        "registeredOn": "2026-01-05",
    }
    body = await gql(QUALIFY, {"i": renewal}, token=c.bureau.token)
    assert body["setSocialWorkerQualification"]["errors"] == []
    assert body["setSocialWorkerQualification"]["socialWorker"]["registrationValid"] is True
    assert (await _bid(gql, bidder, project, 200_000))["errors"] == []


async def test_an_org_admin_cannot_enlist_a_social_worker_without_their_consent(
    gql, session, settings
):
    # Organization A's admin adds B's senior worker by phone and name. Until the worker
    # accepts, A's staff is unchanged, A can't read the worker's profile, nor put them on a
    # bid team; the worker is told and answers from their own account.
    clock.freeze(START)
    c = await city(session, settings, bidders=2)
    a, b = c.bidders
    login, senior = await make_worker(session, settings, b.org, level=WorkerLevel.SENIOR)
    login.account.phone = "13655556666"
    await session.commit()
    body = await gql(
        INVITE,
        {
            "i": {
                "organizationId": gid("Organization", a.org.id),
                "phone": "13655556666",
                "name": senior.name,
            }
        },
        token=a.admin.token,
    )
    invitation = body["addStaffMember"]["invitation"]
    assert invitation["status"] == "PENDING"
    org_a = gid("Organization", a.org.id)
    staff = await gql(STAFF, {"id": org_a}, token=a.admin.token)
    assert staff["node"]["staffCount"] == 1  # A's own worker only
    assert await gql(WORKER, {"id": gid("SocialWorker", senior.id)}, token=a.admin.token) == {
        "node": None
    }
    project = await make_project(
        session, c.community, status=ProjectStatus.OPEN_FOR_BIDS, deadline=DEADLINE
    )
    team = [
        {"socialWorkerId": gid("SocialWorker", senior.id), "role": "督导"},
        {"socialWorkerId": gid("SocialWorker", a.worker.id), "role": "主管"},
    ]
    body = await gql(
        SUBMIT_BID,
        {
            "i": {
                "projectId": gid("Project", project.id),
                "organizationId": org_a,
                "priceFen": 200_000 * YUAN,
                "technicalProposal": "方案",
                "team": team,
            }
        },
        token=a.admin.token,
    )
    assert [e["code"] for e in body["submitBid"]["errors"]] == ["INVALID_TEAM"]

    body = await gql(ACCEPT, {"i": {"invitationId": invitation["id"]}}, token=login.token)
    assert body["acceptStaffInvitation"] == {"invitation": {"status": "ACTIVE"}, "errors": []}
    staff = await gql(STAFF, {"id": org_a}, token=a.admin.token)
    assert staff["node"]["staffCount"] == 2


async def test_replacing_an_evaluator_before_the_opening_cannot_probe_who_has_bid(
    gql, session, settings
):
    # Before the opening the bureau takes the expert off and tries to seat the admins of two
    # organizations, A (which has bid) and B (which hasn't): the two refusals are identical,
    # so remove + assign reveals no more than assign alone (docs/procurement.md).
    clock.freeze(START)
    c = await city(session, settings, bidders=2)
    a, b = c.bidders
    project = await make_project(
        session, c.community, status=ProjectStatus.OPEN_FOR_BIDS, deadline=DEADLINE
    )
    await make_bid(session, project, a.org, price_fen=200_000 * YUAN)
    expert = Evaluator(project_id=project.id, account_id=c.expert.account.id)
    session.add(expert)
    await session.commit()
    body = await gql(
        REMOVE,
        {"i": {"evaluatorId": gid("Evaluator", expert.id), "reason": "更换评审专家"}},
        token=c.bureau.token,
    )
    assert body["removeEvaluator"]["errors"] == []
    assign = """mutation($i: AssignEvaluatorInput!) { assignEvaluator(input: $i) {
      evaluator { id } errors { code field message } } }"""
    answers = []
    for bidder in (a, b):
        # Each admin also holds an evaluator role over the project (a community staff grant).
        await _grant_community_staff(session, settings, bidder.admin.account.id, c.world.street_a)
        body = await gql(
            assign,
            {
                "i": {
                    "projectId": gid("Project", project.id),
                    "accountId": gid("Account", bidder.admin.account.id),
                }
            },
            token=c.bureau.token,
        )
        answers.append(body["assignEvaluator"])
    assert answers[0] == answers[1]
    assert [e["code"] for e in answers[0]["errors"]] == ["EVALUATOR_CONFLICT"]


async def _grant_community_staff(session, settings, account_id: int, region) -> None:
    from matchmaker.services import accounts
    from matchmaker.services.bootstrap import system_context

    await accounts.add_grant(
        system_context(session, settings),
        account_id=account_id,
        role=Role.COMMUNITY_STAFF,
        region_id=region.id,
    )
    await session.commit()
