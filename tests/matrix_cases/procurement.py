"""Matrix cases for needs, projects, bids, evaluation, contracts, payments and reports.

Each operation has one runner taking ``inside``: the allowed case runs it on a target in the
role's scope (community A1 / organization A) for every role POLICY grants; the refused case
runs it on a target out of scope (community B1 / organization B) for every role without a
global grant — refused either by capability or by scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from matchmaker import clock
from matchmaker.models import Evaluator, Need, Payment, ProgressReport, Score
from matchmaker.models.enums import Role, ServiceCategory
from matchmaker.models.procurement import (
    BidStatus,
    MilestoneStatus,
    ProcurementMethod,
    ProjectStatus,
    ReportStatus,
)
from matchmaker.schema.permissions import OPERATIONS
from matchmaker.services.authz import POLICY, ScopeKind
from tests.matrix import ROLES, MatrixEnv, Outcome, case, payload_outcome, refused_by_error
from tests.procurement_support import (
    START,
    gid,
    make_bid,
    make_contract,
    make_org,
    make_project,
    spec,
)

Runner = Callable[[MatrixEnv, Role | None, bool], Awaitable[Outcome]]


def both(operation: str) -> Callable[[Runner], Runner]:
    """Register the allowed (in scope) and refused (out of scope) cases of ``operation``."""

    def register(run: Runner) -> Runner:
        rules = POLICY[OPERATIONS[operation]]  # type: ignore[index]

        async def inside(env: MatrixEnv, role: Role | None) -> Outcome:
            clock.freeze(START)
            return await run(env, role, True)

        async def outside(env: MatrixEnv, role: Role | None) -> Outcome:
            clock.freeze(START)
            return await run(env, role, False)

        if None in rules:
            case(operation, ROLES, allowed=True, name=run.__name__)(inside)
            return run
        case(operation, [r for r in ROLES if r in rules], allowed=True, name=run.__name__)(inside)
        refused = [r for r in ROLES if rules.get(r) is not ScopeKind.GLOBAL]  # type: ignore[arg-type]
        case(operation, refused, allowed=False, name=run.__name__ + "_out_of_scope")(outside)
        return run

    return register


def community(env: MatrixEnv, inside: bool) -> Any:
    return env.world.community_a1 if inside else env.world.community_b1


def org(env: MatrixEnv, inside: bool) -> Any:
    return env.world.extra["org_a" if inside else "org_b"]


async def mutate(
    env: MatrixEnv, role: Role | None, field: str, input_type: str, inp: dict
) -> Outcome:
    body = await env.gql(
        f"mutation($i: {input_type}!) {{ {field}(input: $i) {{ errors {{ code field message }} }} }}",
        {"i": inp},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, field)


async def listed(
    env: MatrixEnv, role: Role | None, query: str, variables: dict, field: str, target: str
) -> Outcome:
    body = await env.gql(query, variables, token=env.token(role), expect_errors=True)
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body["errors"])
    assert not body.get("errors"), body["errors"]
    ids = [e["node"]["id"] for e in body["data"][field]["edges"]]
    return Outcome(allowed=target in ids, detail=ids)


# --- projects ---------------------------------------------------------------------------------


@both("publishedProjects")
async def published_projects_are_public(env, role, inside):
    p = await make_project(env.session, community(env, inside), status=ProjectStatus.OPEN_FOR_BIDS)
    return await listed(
        env,
        role,
        "{ publishedProjects(first: 50) { edges { node { id } } } }",
        {},
        "publishedProjects",
        gid("Project", p.id),
    )


@both("awardAnnouncements")
async def award_announcements_are_public(env, role, inside):
    p = await make_project(env.session, community(env, inside), status=ProjectStatus.BIDS_OPENED)
    bid = await make_bid(env.session, p, org(env, inside), price_fen=100_000, opened=True)
    p.status = ProjectStatus.AWARDED
    p.awarded_bid_id = bid.id
    p.awarded_at = clock.now()
    await env.session.commit()
    body = await env.gql(
        "{ awardAnnouncements(first: 10) { edges { node { projectId priceFen } } } }",
        token=env.token(role),
    )
    ids = [e["node"]["projectId"] for e in body["awardAnnouncements"]["edges"]]
    return Outcome(allowed=gid("Project", p.id) in ids, detail=ids)


@both("projectPipeline")
async def pipeline_lists_drafts_in_scope(env, role, inside):
    p = await make_project(env.session, community(env, inside))
    return await listed(
        env,
        role,
        "{ projectPipeline(first: 50) { edges { node { id } } } }",
        {},
        "projectPipeline",
        gid("Project", p.id),
    )


@both("openProjectsForOrganization")
async def open_projects_for_own_organization(env, role, inside):
    p = await make_project(env.session, env.world.community_a1, status=ProjectStatus.OPEN_FOR_BIDS)
    return await listed(
        env,
        role,
        "query($o: ID!) { openProjectsForOrganization(organizationId: $o, first: 50) { edges { node { id } } } }",
        {"o": gid("Organization", org(env, inside).id)},
        "openProjectsForOrganization",
        gid("Project", p.id),
    )


@both("needs")
async def needs_in_scope(env, role, inside):
    need = Need(
        region_id=community(env, inside).id,
        category=ServiceCategory.ELDERLY,
        target_group="老人",
        description="助餐",
        people_affected=10,
    )
    env.session.add(need)
    await env.session.commit()
    return await listed(
        env,
        role,
        "{ needs(first: 50) { edges { node { id } } } }",
        {},
        "needs",
        gid("Need", need.id),
    )


@both("recordNeed")
async def record_need(env, role, inside):
    return await mutate(
        env,
        role,
        "recordNeed",
        "RecordNeedInput",
        {
            "regionId": gid("Region", community(env, inside).id),
            "category": "ELDERLY",
            "targetGroup": "老人",
            "description": "助餐",
            "peopleAffected": 5,
        },
    )


@both("createProject")
async def create_project(env, role, inside):
    return await mutate(
        env,
        role,
        "createProject",
        "CreateProjectInput",
        {
            "regionId": gid("Region", community(env, inside).id),
            "project": spec(),
        },
    )


@both("updateProject")
async def update_project(env, role, inside):
    p = await make_project(env.session, community(env, inside))
    return await mutate(
        env,
        role,
        "updateProject",
        "UpdateProjectInput",
        {
            "projectId": gid("Project", p.id),
            "version": p.version,
            "project": spec(title="改名"),
        },
    )


def _project_op(
    field: str, status: ProjectStatus, *, input_type: str = "ProjectIdInput", extra=None, **kw
):
    async def run(env, role, inside):
        p = await make_project(env.session, community(env, inside), status=status, **kw)
        inp = {"projectId": gid("Project", p.id), **(extra(p) if extra else {})}
        return await mutate(env, role, field, input_type, inp)

    run.__name__ = f"{field}_on_{status.value.lower()}"
    return run


both("submitProject")(_project_op("submitProject", ProjectStatus.DRAFT))
both("approveProject")(_project_op("approveProject", ProjectStatus.PENDING_APPROVAL))
both("returnProject")(
    _project_op(
        "returnProject",
        ProjectStatus.PENDING_APPROVAL,
        input_type="ProjectReasonInput",
        extra=lambda p: {"reason": "预算不清"},
    )
)
both("cancelProject")(
    _project_op(
        "cancelProject",
        ProjectStatus.DRAFT,
        input_type="ProjectReasonInput",
        extra=lambda p: {"reason": "不再需要"},
    )
)
both("publishProject")(
    _project_op(
        "publishProject",
        ProjectStatus.PENDING_APPROVAL,
        input_type="PublishProjectInput",
        extra=lambda p: {"bidDeadline": (clock.now() + dt.timedelta(days=25)).isoformat()},
        approved=True,
    )
)
both("republishProject")(
    _project_op(
        "republishProject",
        ProjectStatus.FAILED,
        input_type="RepublishProjectInput",
        extra=lambda p: {
            "bidDeadline": (clock.now() + dt.timedelta(days=10)).isoformat(),
            "procurementMethod": "COMPETITIVE_NEGOTIATION",
        },
    )
)
both("openBids")(
    _project_op(
        "openBids",
        ProjectStatus.OPEN_FOR_BIDS,
        deadline=START - dt.timedelta(hours=1),
        method=ProcurementMethod.COMPETITIVE_NEGOTIATION,
    )
)


# --- bids and evaluation ----------------------------------------------------------------------


@both("submitBid")
async def submit_bid(env, role, inside):
    p = await make_project(env.session, community(env, inside), status=ProjectStatus.OPEN_FOR_BIDS)
    return await mutate(
        env,
        role,
        "submitBid",
        "SubmitBidInput",
        {
            "projectId": gid("Project", p.id),
            "organizationId": gid("Organization", org(env, inside).id),
            "priceFen": 100_000,
            "technicalProposal": "方案",
        },
    )


@both("withdrawBid")
async def withdraw_bid(env, role, inside):
    p = await make_project(env.session, community(env, inside), status=ProjectStatus.OPEN_FOR_BIDS)
    bid = await make_bid(env.session, p, org(env, inside), price_fen=100_000)
    return await mutate(env, role, "withdrawBid", "WithdrawBidInput", {"bidId": gid("Bid", bid.id)})


@both("bids")
async def opened_bids_in_scope(env, role, inside):
    p = await make_project(env.session, community(env, inside), status=ProjectStatus.BIDS_OPENED)
    bid = await make_bid(env.session, p, org(env, inside), price_fen=100_000, opened=True)
    return await listed(
        env,
        role,
        "{ bids(first: 50) { edges { node { id priceFen } } } }",
        {},
        "bids",
        gid("Bid", bid.id),
    )


@both("assignEvaluator")
async def assign_evaluator(env, role, inside):
    p = await make_project(env.session, community(env, inside), status=ProjectStatus.BIDS_OPENED)
    return await mutate(
        env,
        role,
        "assignEvaluator",
        "AssignEvaluatorInput",
        {
            "projectId": gid("Project", p.id),
            "accountId": gid("Account", env.logins[Role.EXPERT].account.id),
        },
    )


@both("removeEvaluator")
async def remove_evaluator(env, role, inside):
    p = await make_project(env.session, community(env, inside), status=ProjectStatus.BIDS_OPENED)
    panelist = Evaluator(project_id=p.id, account_id=env.logins[Role.EXPERT].account.id)
    env.session.add(panelist)
    await env.session.commit()
    return await mutate(
        env,
        role,
        "removeEvaluator",
        "RemoveEvaluatorInput",
        {"evaluatorId": gid("Evaluator", panelist.id), "reason": "账号已停用"},
    )


@both("evaluatorCandidates")
async def evaluator_candidates(env, role, inside):
    p = await make_project(env.session, community(env, inside), status=ProjectStatus.BIDS_OPENED)
    body = await env.gql(
        "query($p: ID!) { evaluatorCandidates(projectId: $p) { accountId } }",
        {"p": gid("Project", p.id)},
        token=env.token(role),
        expect_errors=True,
    )
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body["errors"])
    assert not body.get("errors"), body["errors"]
    ids = [c["accountId"] for c in body["data"]["evaluatorCandidates"]]
    # Street A's expert fits a project in community A1.
    return Outcome(allowed=gid("Account", env.logins[Role.EXPERT].account.id) in ids, detail=ids)


@both("myEvaluations")
async def my_evaluations(env, role, inside):
    """The caller sits on the panel of a project in community A1 (inside) or B1 (outside)."""
    p = await make_project(env.session, community(env, inside), status=ProjectStatus.BIDS_OPENED)
    if role is not None:
        env.session.add(Evaluator(project_id=p.id, account_id=env.logins[role].account.id))
        await env.session.commit()
    return await listed(
        env,
        role,
        "{ myEvaluations(first: 50) { edges { node { id } } } }",
        {},
        "myEvaluations",
        gid("Project", p.id),
    )


async def _opened_with_panel(env, role, inside, *, scored: bool):
    """A BIDS_OPENED project with one bid from a third organization and the caller on its panel."""
    p = await make_project(
        env.session,
        community(env, inside),
        status=ProjectStatus.BIDS_OPENED,
        method=ProcurementMethod.COMPETITIVE_NEGOTIATION,
    )
    third = await make_org(env.session, env.world.street_a)
    bid = await make_bid(env.session, p, third, price_fen=100_000, opened=True)
    account_id = env.logins[role].account.id if role is not None else None
    evaluator = None
    if role in (Role.COMMUNITY_STAFF, Role.BUREAU_OFFICER, Role.EXPERT) and account_id:
        evaluator = Evaluator(project_id=p.id, account_id=account_id)
    else:
        evaluator = Evaluator(project_id=p.id, account_id=env.logins[Role.EXPERT].account.id)
    env.session.add(evaluator)
    await env.session.flush()
    from sqlalchemy import select

    from matchmaker.models import EvaluationCriterion

    criteria = list(
        await env.session.scalars(
            select(EvaluationCriterion).where(EvaluationCriterion.project_id == p.id)
        )
    )
    if scored:
        for c in criteria:
            env.session.add(
                Score(evaluator_id=evaluator.id, bid_id=bid.id, criterion_id=c.id, score_centi=1000)
            )
    await env.session.commit()
    return p, bid, criteria


@both("submitScores")
async def submit_scores(env, role, inside):
    p, bid, criteria = await _opened_with_panel(env, role, inside, scored=False)
    return await mutate(
        env,
        role,
        "submitScores",
        "SubmitScoresInput",
        {
            "projectId": gid("Project", p.id),
            "scores": [
                {
                    "bidId": gid("Bid", bid.id),
                    "criterionId": gid("EvaluationCriterion", c.id),
                    "score": "10",
                }
                for c in criteria
            ],
        },
    )


@both("confirmAward")
async def confirm_award(env, role, inside):
    p, _, _ = await _opened_with_panel(env, None, inside, scored=True)
    return await mutate(
        env, role, "confirmAward", "ProjectIdInput", {"projectId": gid("Project", p.id)}
    )


# --- contracts, reports, payments -------------------------------------------------------------


@both("createContract")
async def create_contract(env, role, inside):
    p = await make_project(env.session, community(env, inside), status=ProjectStatus.BIDS_OPENED)
    bid = await make_bid(
        env.session, p, org(env, inside), price_fen=100_000, opened=True, status=BidStatus.AWARDED
    )
    p.status = ProjectStatus.AWARDED
    p.awarded_bid_id = bid.id
    p.awarded_at = clock.now()
    await env.session.commit()
    return await mutate(
        env,
        role,
        "createContract",
        "CreateContractInput",
        {
            "projectId": gid("Project", p.id),
            "amountFen": 100_000,
            "startDate": "2027-01-01",
            "endDate": "2027-12-31",
            "milestones": [{"title": "全部", "shareBp": 10000, "dueDate": "2027-12-31"}],
        },
    )


async def _contracted(env, inside, *, milestone_status=MilestoneStatus.PENDING):
    p = await make_project(env.session, community(env, inside), status=ProjectStatus.BIDS_OPENED)
    bid = await make_bid(env.session, p, org(env, inside), price_fen=100_000, opened=True)
    contract, milestones = await make_contract(
        env.session, p, bid, milestone_status=milestone_status
    )
    return p, contract, milestones


@both("completeProject")
async def complete_project(env, role, inside):
    p, _, milestones = await _contracted(env, inside, milestone_status=MilestoneStatus.ACCEPTED)
    milestones[1].status = MilestoneStatus.ACCEPTED
    milestones[1].accepted_at = clock.now()
    await env.session.commit()
    return await mutate(
        env, role, "completeProject", "ProjectIdInput", {"projectId": gid("Project", p.id)}
    )


@both("evaluatePerformance")
async def evaluate_performance(env, role, inside):
    p, _, _ = await _contracted(env, inside)
    p.status = ProjectStatus.COMPLETED
    await env.session.commit()
    return await mutate(
        env,
        role,
        "evaluatePerformance",
        "EvaluatePerformanceInput",
        {
            "projectId": gid("Project", p.id),
            "criteria": [{"name": "成效", "score": 80, "max": 100}],
        },
    )


@both("recordPayment")
async def record_payment(env, role, inside):
    _, _, milestones = await _contracted(env, inside, milestone_status=MilestoneStatus.ACCEPTED)
    return await mutate(
        env,
        role,
        "recordPayment",
        "RecordPaymentInput",
        {
            "milestoneId": gid("Milestone", milestones[0].id),
            "amountFen": 1_000,
            "paidOn": START.date().isoformat(),
            "voucherNumber": "PZ-001",
        },
    )


@both("submitProgressReport")
async def submit_progress_report(env, role, inside):
    _, _, milestones = await _contracted(env, inside)
    return await mutate(
        env,
        role,
        "submitProgressReport",
        "SubmitProgressReportInput",
        {
            "milestoneId": gid("Milestone", milestones[0].id),
            "narrative": "进展",
            "activitiesHeld": 1,
            "beneficiariesServed": 10,
        },
    )


async def _submitted_report(env, inside):
    _, contract, milestones = await _contracted(env, inside)
    milestones[0].status = MilestoneStatus.REPORTED
    report = ProgressReport(
        milestone_id=milestones[0].id,
        organization_id=contract.organization_id,
        narrative="进展",
        activities_held=1,
        beneficiaries_served=10,
        volunteer_minutes=0,
        status=ReportStatus.SUBMITTED,
        submitted_at=clock.now(),
    )
    env.session.add(report)
    await env.session.commit()
    return report


@both("acceptProgressReport")
async def accept_progress_report(env, role, inside):
    report = await _submitted_report(env, inside)
    return await mutate(
        env,
        role,
        "acceptProgressReport",
        "ReportIdInput",
        {"reportId": gid("ProgressReport", report.id)},
    )


@both("returnProgressReport")
async def return_progress_report(env, role, inside):
    report = await _submitted_report(env, inside)
    return await mutate(
        env,
        role,
        "returnProgressReport",
        "ReturnProgressReportInput",
        {
            "reportId": gid("ProgressReport", report.id),
            "reason": "缺材料",
        },
    )


@both("contracts")
async def contracts_in_scope(env, role, inside):
    _, contract, _ = await _contracted(env, inside)
    return await listed(
        env,
        role,
        "{ contracts(first: 50) { edges { node { id } } } }",
        {},
        "contracts",
        gid("Contract", contract.id),
    )


@both("payments")
async def payments_in_scope(env, role, inside):
    _, contract, milestones = await _contracted(
        env, inside, milestone_status=MilestoneStatus.ACCEPTED
    )
    payment = Payment(
        contract_id=contract.id,
        milestone_id=milestones[0].id,
        amount_fen=100,
        paid_on=START.date(),
        voucher_number="PZ-9",
    )
    env.session.add(payment)
    await env.session.commit()
    return await listed(
        env,
        role,
        "{ payments(first: 50) { edges { node { id } } } }",
        {},
        "payments",
        gid("Payment", payment.id),
    )


@both("progressReports")
async def reports_in_scope(env, role, inside):
    report = await _submitted_report(env, inside)
    return await listed(
        env,
        role,
        "{ progressReports(first: 50) { edges { node { id } } } }",
        {},
        "progressReports",
        gid("ProgressReport", report.id),
    )


@both("trackRecord")
async def track_record_in_scope(env, role, inside):
    body = await env.gql(
        "query($o: ID!) { trackRecord(organizationId: $o) { evaluations } }",
        {"o": gid("Organization", org(env, inside).id)},
        token=env.token(role),
        expect_errors=True,
    )
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body["errors"])
    return Outcome(allowed=body["data"]["trackRecord"] is not None)
