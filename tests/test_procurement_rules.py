"""The procurement rules: formulas with worked numbers, typed refusals that write nothing,
bid eligibility, evaluator conflicts, contract and payment limits, evidence files, reminders."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from sqlalchemy import func, select

from matchmaker import clock
from matchmaker.models import (
    AuditEvent,
    Bid,
    Contract,
    EvaluationCriterion,
    Evaluator,
    EvidenceFile,
    Notification,
    Payment,
    PerformanceEvaluation,
    Project,
    RoleGrant,
    Score,
)
from matchmaker.models.enums import Role, WorkerLevel
from matchmaker.models.procurement import MilestoneStatus, ProcurementMethod, ProjectStatus
from matchmaker.services import bids as bid_service
from matchmaker.services import evaluation as evaluation_service
from matchmaker.services import projects as project_service
from matchmaker.services.accounts import actor_for_token
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError
from matchmaker.services.evaluation import mean_centi, price_score_centi
from tests.procurement_support import (
    PDF_BYTES,
    PNG_BYTES,
    START,
    YUAN,
    city,
    gid,
    make_bid,
    make_bidder,
    make_contract,
    make_project,
    make_worker,
    relogin,
    spec,
)


async def count(session, model) -> int:
    n = await session.scalar(select(func.count()).select_from(model))
    await session.commit()
    return int(n or 0)


async def ctx(session, settings, login) -> ServiceContext:
    """The service context of a logged-in account, for rules tested below the API."""
    return ServiceContext(
        session=session, actor=await actor_for_token(session, login.token), settings=settings
    )


# --- formulas ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price_yuan", "expected"),
    [(180_000, 3000), (200_000, 2700), (240_000, 2250)],
)
def test_price_score_is_lowest_over_price_times_weight(price_yuan, expected):
    # ¥180,000 / ¥200,000 / ¥240,000 with price weight 30 → 30.00 / 27.00 / 22.50
    assert price_score_centi(180_000 * YUAN, price_yuan * YUAN, 30) == expected


def test_price_score_rounds_half_up_to_hundredths():
    # 100 / 300 × 30 = 10.000 exactly; 100 / 301 × 30 = 9.9668 → 9.97
    assert price_score_centi(100, 300, 30) == 1000
    assert price_score_centi(100, 301, 30) == 997


def test_technical_score_is_the_mean_of_the_evaluators_rounded_half_up():
    assert mean_centi([6000, 6500]) == 6250
    assert mean_centi([6000, 6001]) == 6001  # 6000.5 → 6001


async def _ranked(session, settings, prices_and_tech: list[tuple[int, list[int]]]):
    clock.freeze(START)
    c = await city(session, settings, bidders=len(prices_and_tech))
    project = await make_project(
        session, c.community, status=ProjectStatus.BIDS_OPENED, method=ProcurementMethod.OPEN_TENDER
    )
    criteria = list(
        await session.scalars(
            select(EvaluationCriterion)
            .where(EvaluationCriterion.project_id == project.id)
            .order_by(EvaluationCriterion.position)
        )
    )
    panel = [
        Evaluator(project_id=project.id, account_id=c.expert.account.id),
        Evaluator(project_id=project.id, account_id=c.bureau.account.id),
    ]
    session.add_all(panel)
    await session.flush()
    bids = []
    for (price, tech), bidder in zip(prices_and_tech, c.bidders, strict=True):
        bid = await make_bid(session, project, bidder.org, price_fen=price * YUAN, opened=True)
        bids.append(bid)
        for evaluator, total in zip(panel, tech, strict=True):
            # split each evaluator's technical total over the two criteria (40 + 30 points)
            first = min(total, 4000)
            session.add(
                Score(
                    evaluator_id=evaluator.id,
                    bid_id=bid.id,
                    criterion_id=criteria[0].id,
                    score_centi=first,
                )
            )
            session.add(
                Score(
                    evaluator_id=evaluator.id,
                    bid_id=bid.id,
                    criterion_id=criteria[1].id,
                    score_centi=total - first,
                )
            )
    await session.commit()
    return c, project, bids


async def test_award_goes_to_the_highest_total_with_worked_numbers(session, settings):
    # technical means: A 55.00, B 62.50, C 66.00; price scores 30.00 / 27.00 / 22.50
    # totals: A 85.00, B 89.50, C 88.50 → B wins
    c, project, bids = await _ranked(
        session,
        settings,
        [(180_000, [5500, 5500]), (200_000, [6000, 6500]), (240_000, [6600, 6600])],
    )
    sc = await ctx(session, settings, c.bureau)
    await evaluation_service.confirm_award(sc, project_id=project.id)
    await session.commit()
    rows = {b.id: b for b in await session.scalars(select(Bid))}
    assert [rows[b.id].price_score_centi for b in bids] == [3000, 2700, 2250]
    assert [rows[b.id].technical_score_centi for b in bids] == [5500, 6250, 6600]
    assert [rows[b.id].total_score_centi for b in bids] == [8500, 8950, 8850]
    assert [rows[b.id].rank for b in bids] == [3, 1, 2]
    assert (await session.get(Project, project.id)).awarded_bid_id == bids[1].id


async def test_a_tie_on_total_goes_to_the_lower_price(session, settings):
    # A: 30.00 + 60.00 = 90.00; B: 27.00 + 63.00 = 90.00 → A (cheaper) wins
    c, project, bids = await _ranked(
        session, settings, [(180_000, [6000, 6000]), (200_000, [6300, 6300])]
    )
    sc = await ctx(session, settings, c.bureau)
    await evaluation_service.confirm_award(sc, project_id=project.id)
    await session.commit()
    assert (await session.get(Project, project.id)).awarded_bid_id == bids[0].id


# --- project validation -----------------------------------------------------------------------

CREATE = """mutation($i: CreateProjectInput!) { createProject(input: $i) { project { id } errors { code field } } }"""


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"budgetCeilingFen": 0}, "INVALID_BUDGET"),
        ({"serviceStart": "2026-05-01", "serviceEnd": "2029-06-30"}, "SERVICE_PERIOD_TOO_LONG"),
        ({"priceWeight": 5, "criteria": [{"name": "方案", "weight": 95}]}, "PRICE_WEIGHT_TOO_LOW"),
        ({"priceWeight": 30, "criteria": [{"name": "方案", "weight": 60}]}, "INVALID_WEIGHTS"),
        ({"minGrade": 6}, "INVALID_REQUIREMENTS"),
        ({"workerRequirements": [{"level": "NONE", "count": 1}]}, "INVALID_REQUIREMENTS"),
        ({"workerRequirements": [{"level": "SENIOR", "count": 0}]}, "INVALID_REQUIREMENTS"),
    ],
)
async def test_a_bad_project_is_refused_with_a_typed_error_and_nothing_is_written(
    gql, session, settings, overrides, code
):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    body = await gql(
        CREATE,
        {"i": {"regionId": gid("Region", c.community.id), "project": spec(**overrides)}},
        token=c.staff.token,
    )
    assert [e["code"] for e in body["createProject"]["errors"]] == [code]
    assert await count(session, Project) == 0
    assert not list(
        await session.scalars(select(AuditEvent).where(AuditEvent.action.like("project.%")))
    )
    await session.commit()


PUBLISH = """mutation($i: PublishProjectInput!) { publishProject(input: $i) { project { status } errors { code field } } }"""


async def test_an_open_tender_deadline_under_twenty_days_is_refused(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    p = await make_project(
        session, c.community, status=ProjectStatus.PENDING_APPROVAL, approved=True
    )
    body = await gql(
        PUBLISH,
        {
            "i": {
                "projectId": gid("Project", p.id),
                "bidDeadline": (START + dt.timedelta(days=19)).isoformat(),
            }
        },
        token=c.staff.token,
    )
    assert body["publishProject"]["errors"][0]["code"] == "BID_DEADLINE_TOO_SOON"
    await session.refresh(p)
    assert p.status is ProjectStatus.PENDING_APPROVAL
    await session.commit()


async def test_the_open_tender_minimum_is_configurable_per_deployment(session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    p = await make_project(
        session, c.community, status=ProjectStatus.PENDING_APPROVAL, approved=True
    )
    sc = await ctx(session, dataclasses.replace(settings, open_tender_min_days=5), c.staff)
    await project_service.publish_project(
        sc, project_id=p.id, bid_deadline=START + dt.timedelta(days=6)
    )
    assert p.status is ProjectStatus.OPEN_FOR_BIDS
    await session.rollback()


async def test_publishing_before_the_bureau_approves_is_refused(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    p = await make_project(session, c.community, status=ProjectStatus.PENDING_APPROVAL)
    body = await gql(
        PUBLISH,
        {
            "i": {
                "projectId": gid("Project", p.id),
                "bidDeadline": (START + dt.timedelta(days=30)).isoformat(),
            }
        },
        token=c.staff.token,
    )
    assert body["publishProject"]["errors"][0]["code"] == "INVALID_STATE"


async def test_an_illegal_transition_is_a_typed_error(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    p = await make_project(session, c.community, status=ProjectStatus.DRAFT)
    body = await gql(
        """mutation($i: ProjectIdInput!) { approveProject(input: $i) { errors { code } } }""",
        {"i": {"projectId": gid("Project", p.id)}},
        token=c.bureau.token,
    )
    assert body["approveProject"]["errors"] == [{"code": "INVALID_STATE"}]


# --- bids -------------------------------------------------------------------------------------


async def _open_project(session, c, **kw) -> Project:
    return await make_project(
        session,
        c.community,
        status=ProjectStatus.OPEN_FOR_BIDS,
        deadline=START + dt.timedelta(days=25),
        **kw,
    )


async def _submit(session, settings, bidder, project, *, price=100_000 * YUAN, team=None):
    sc = await ctx(session, settings, bidder.admin)
    return await bid_service.submit_bid(
        sc,
        project_id=project.id,
        organization_id=bidder.org.id,
        price_fen=price,
        technical_proposal="方案",
        volunteer_plan="",
        team=team if team is not None else [bid_service.TeamSpec(bidder.worker.id, "主管")],
    )


async def test_two_organizations_with_one_legal_representative_are_disqualified_at_opening(
    session, settings
):
    # Both bids are taken (refusing the second would tell it the first has bid); the opening
    # disqualifies both, whoever came first.
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    first = await make_bidder(session, settings, c.world.street_a, legal_representative="张三")
    second = await make_bidder(session, settings, c.world.street_a, legal_representative="张三")
    project = await _open_project(session, c)
    await _submit(session, settings, first, project)
    await _submit(session, settings, second, project)
    await session.commit()
    clock.freeze(START + dt.timedelta(days=26))
    await relogin(session, settings, c)
    await bid_service.open_bids(await ctx(session, settings, c.bureau), project_id=project.id)
    await session.commit()
    bids = list(await session.scalars(select(Bid).where(Bid.project_id == project.id)))
    assert {b.status.value for b in bids} == {"DISQUALIFIED"}
    assert all(b.disqualified_reason.startswith("SAME_LEGAL_REPRESENTATIVE") for b in bids)
    await session.commit()


async def test_an_organization_below_the_required_grade_cannot_bid(session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    low = await make_bidder(session, settings, c.world.street_a, grade=2)
    project = await _open_project(session, c, min_grade=3)
    with pytest.raises(DomainError) as exc:
        await _submit(session, settings, low, project)
    assert exc.value.code == "NOT_QUALIFIED"


async def test_the_team_must_meet_the_worker_requirements(session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    project = await _open_project(session, c)
    project.worker_requirements = {"SENIOR": 1}
    await session.commit()
    with pytest.raises(DomainError) as exc:
        await _submit(session, settings, c.bidders[0], project)
    assert exc.value.code == "NOT_QUALIFIED"  # refused before writing: the session goes on
    _, senior = await make_worker(session, settings, c.bidders[0].org, level=WorkerLevel.SENIOR)
    bid = await _submit(
        session, settings, c.bidders[0], project, team=[bid_service.TeamSpec(senior.id, "督导")]
    )
    assert bid.id is not None


async def test_the_team_lists_only_the_organizations_own_workers(session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=2)
    project = await _open_project(session, c)
    with pytest.raises(DomainError) as exc:
        await _submit(
            session,
            settings,
            c.bidders[0],
            project,
            team=[bid_service.TeamSpec(c.bidders[1].worker.id, "借来的人")],
        )
    assert exc.value.code == "INVALID_TEAM"


async def test_resubmitting_replaces_the_one_bid_and_withdrawing_leaves_none_live(
    session, settings
):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    project = await _open_project(session, c)
    first = await _submit(session, settings, c.bidders[0], project, price=120_000 * YUAN)
    await session.commit()
    second = await _submit(session, settings, c.bidders[0], project, price=110_000 * YUAN)
    await session.commit()
    assert first.id == second.id
    assert await count(session, Bid) == 1
    assert await project_service.bid_count(session, project.id) == 1
    sc = await ctx(session, settings, c.bidders[0].admin)
    await bid_service.withdraw_bid(sc, bid_id=second.id)
    await session.commit()
    assert await project_service.bid_count(session, project.id) == 0
    events = list(
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("bid.%")).order_by(AuditEvent.id)
        )
    )
    assert [e.action for e in events] == ["bid.submit", "bid.replace", "bid.withdraw"]
    for e in events:
        assert "price_fen" not in e.after and "technical_proposal" not in e.after


async def test_an_evaluator_with_a_role_in_a_bidding_organization_is_refused(session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    await make_bid(session, project, c.bidders[0].org, price_fen=100_000, opened=True)
    session.add(
        RoleGrant(
            account_id=c.expert.account.id, role=Role.ORG_ADMIN, organization_id=c.bidders[0].org.id
        )
    )
    await session.commit()
    sc = await ctx(session, settings, c.bureau)
    with pytest.raises(DomainError) as exc:
        await evaluation_service.assign_evaluator(
            sc, project_id=project.id, account_id=c.expert.account.id
        )
    assert exc.value.code == "EVALUATOR_CONFLICT"
    await session.rollback()
    assert await count(session, Evaluator) == 0


# --- contracts and payments -------------------------------------------------------------------

CONTRACT = """mutation($i: CreateContractInput!) { createContract(input: $i) { contract { id } errors { code field } } }"""
PAY = """mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { id } errors { code field } } }"""


async def _awarded(session, c, price=100_000 * YUAN):
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    bid = await make_bid(session, project, c.bidders[0].org, price_fen=price, opened=True)
    project.status = ProjectStatus.AWARDED
    project.awarded_bid_id = bid.id
    project.awarded_at = clock.now()
    await session.commit()
    return project


@pytest.mark.parametrize(
    ("amount", "milestones", "code"),
    [
        (100_001 * YUAN, [(10000, "2027-06-30")], "INVALID_CONTRACT_AMOUNT"),
        (100_000 * YUAN, [(6000, "2027-03-31"), (3000, "2027-06-30")], "INVALID_MILESTONES"),
        (100_000 * YUAN, [(10000, "2028-01-31")], "INVALID_MILESTONES"),
    ],
)
async def test_a_bad_contract_is_refused_and_nothing_is_written(
    gql, session, settings, amount, milestones, code
):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    project = await _awarded(session, c)
    body = await gql(
        CONTRACT,
        {
            "i": {
                "projectId": gid("Project", project.id),
                "amountFen": amount,
                "startDate": "2027-01-01",
                "endDate": "2027-12-31",
                "milestones": [
                    {"title": f"第{i}期", "shareBp": s, "dueDate": d}
                    for i, (s, d) in enumerate(milestones)
                ],
            }
        },
        token=c.bureau.token,
    )
    assert [e["code"] for e in body["createContract"]["errors"]] == [code]
    assert await count(session, Contract) == 0
    await session.refresh(project)
    assert project.status is ProjectStatus.AWARDED
    await session.commit()


async def _payable(session, c):
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    bid = await make_bid(session, project, c.bidders[0].org, price_fen=100_000 * YUAN, opened=True)
    return await make_contract(
        session,
        project,
        bid,
        milestone_status=MilestoneStatus.ACCEPTED,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
    )


@pytest.mark.parametrize(
    ("milestone", "amount", "paid_on", "code"),
    [
        (0, 50_000 * YUAN + 1, "2026-03-01", "PAYMENT_EXCEEDS_LIMIT"),
        (0, 1_000 * YUAN, "2025-12-31", "PAYMENT_OUTSIDE_PERIOD"),
        (1, 1_000 * YUAN, "2026-03-01", "MILESTONE_NOT_ACCEPTED"),
        (0, 0, "2026-03-01", "INVALID_INPUT"),
    ],
)
async def test_a_bad_payment_is_refused_and_nothing_is_written(
    gql, session, settings, milestone, amount, paid_on, code
):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    _, milestones = await _payable(session, c)
    body = await gql(
        PAY,
        {
            "i": {
                "milestoneId": gid("Milestone", milestones[milestone].id),
                "amountFen": amount,
                "paidOn": paid_on,
                "voucherNumber": "PZ-1",
            }
        },
        token=c.bureau.token,
    )
    assert [e["code"] for e in body["recordPayment"]["errors"]] == [code]
    assert await count(session, Payment) == 0


async def test_payments_never_exceed_the_milestone_share(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    contract, milestones = await _payable(session, c)
    inp = {"milestoneId": gid("Milestone", milestones[0].id), "paidOn": "2026-03-01"}
    first = await gql(
        PAY,
        {"i": {**inp, "amountFen": 30_000 * YUAN, "voucherNumber": "PZ-1"}},
        token=c.bureau.token,
    )
    assert first["recordPayment"]["errors"] == []
    second = await gql(
        PAY,
        {"i": {**inp, "amountFen": 20_000 * YUAN + 1, "voucherNumber": "PZ-2"}},
        token=c.bureau.token,
    )
    assert second["recordPayment"]["errors"][0]["code"] == "PAYMENT_EXCEEDS_LIMIT"
    third = await gql(
        PAY,
        {"i": {**inp, "amountFen": 20_000 * YUAN, "voucherNumber": "PZ-3"}},
        token=c.bureau.token,
    )
    assert third["recordPayment"]["errors"] == []
    await session.refresh(contract)
    assert contract.paid_fen == 50_000 * YUAN
    await session.commit()


# --- progress reports and evidence ------------------------------------------------------------

REPORT = """mutation($i: SubmitProgressReportInput!) { submitProgressReport(input: $i) {
  report { id volunteerMinutes files { id url } } errors { code field } } }"""


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def _file(data: bytes, content_type: str, name: str = "证据") -> dict[str, Any]:
    return {
        "filename": name,
        "contentType": content_type,
        "contentBase64": base64.b64encode(data).decode(),
    }


async def _reportable(session, c):
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    bid = await make_bid(session, project, c.bidders[0].org, price_fen=100_000 * YUAN, opened=True)
    _, milestones = await make_contract(session, project, bid)
    return milestones


@pytest.mark.parametrize(
    ("data", "content_type", "code"),
    [
        (b"MZ\x90\x00 not a pdf", "application/pdf", "FILE_TYPE_NOT_ALLOWED"),
        (PNG_BYTES, "application/pdf", "FILE_TYPE_NOT_ALLOWED"),
        (
            b"PK\x03\x04broken zip",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "FILE_TYPE_NOT_ALLOWED",
        ),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf", "FILE_TOO_LARGE"),
    ],
)
async def test_a_bad_evidence_file_is_refused_and_nothing_is_written(
    gql, session, settings, data, content_type, code
):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    milestones = await _reportable(session, c)
    body = await gql(
        REPORT,
        {
            "i": {
                "milestoneId": gid("Milestone", milestones[0].id),
                "narrative": "进展",
                "activitiesHeld": 1,
                "beneficiariesServed": 1,
                "files": [_file(data, content_type)],
            }
        },
        token=c.bidders[0].admin.token,
    )
    assert [e["code"] for e in body["submitProgressReport"]["errors"]] == [code]
    assert await count(session, EvidenceFile) == 0


async def test_evidence_is_downloaded_only_within_scope(gql, http, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=2)
    milestones = await _reportable(session, c)
    body = await gql(
        REPORT,
        {
            "i": {
                "milestoneId": gid("Milestone", milestones[0].id),
                "narrative": "进展",
                "activitiesHeld": 1,
                "beneficiariesServed": 1,
                "files": [
                    _file(PDF_BYTES, "application/pdf", "报告.pdf"),
                    _file(
                        _docx(),
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        "总结.docx",
                    ),
                ],
            }
        },
        token=c.bidders[0].admin.token,
    )
    files = body["submitProgressReport"]["report"]["files"]
    assert len(files) == 2
    url = files[0]["url"]
    for login in (c.bidders[0].admin, c.staff, c.bureau, c.auditor):
        r = await http.get(url, headers={"Authorization": f"Bearer {login.token}"})
        assert r.status_code == 200
        assert r.content == PDF_BYTES
        assert r.headers["content-type"].startswith("application/pdf")
        assert r.headers["content-disposition"].startswith("attachment")
    for login in (c.bidders[1].admin, c.volunteer):
        r = await http.get(url, headers={"Authorization": f"Bearer {login.token}"})
        assert r.status_code == 404
    assert (await http.get(url)).status_code == 404


async def test_volunteer_hours_in_a_report_come_from_the_ledger(
    gql, session, settings, monkeypatch
):
    from matchmaker.services import hours

    seen: dict[str, Any] = {}

    async def ledger(session_, *, project_id, start, end):
        seen.update(project_id=project_id, start=start, end=end)
        return 90

    monkeypatch.setattr(hours, "approved_minutes_for_project", ledger)
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    milestones = await _reportable(session, c)
    body = await gql(
        REPORT,
        {
            "i": {
                "milestoneId": gid("Milestone", milestones[0].id),
                "narrative": "进展",
                "activitiesHeld": 1,
                "beneficiariesServed": 1,
            }
        },
        token=c.bidders[0].admin.token,
    )
    assert body["submitProgressReport"]["report"]["volunteerMinutes"] == 90
    assert seen["end"] > seen["start"]


async def test_the_report_input_has_no_volunteer_hours_field(gql):
    body = await gql('{ __type(name: "SubmitProgressReportInput") { inputFields { name } } }')
    names = {f["name"] for f in body["__type"]["inputFields"]}
    assert not {
        n for n in names if "volunteer" in n.lower() or "minute" in n.lower() or "hour" in n.lower()
    }


# --- reminders --------------------------------------------------------------------------------


async def test_milestones_due_in_seven_days_are_reminded_once(session, settings, session_factory):
    from matchmaker.jobs.procurement import milestone_due_reminders
    from matchmaker.queue.registry import JobContext

    clock.freeze(dt.datetime(2026, 6, 23, 1, 0, tzinfo=dt.UTC))  # due 2026-06-30 (start + 180d)
    c = await city(session, settings, bidders=1)
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    bid = await make_bid(session, project, c.bidders[0].org, price_fen=100_000 * YUAN, opened=True)
    await make_contract(session, project, bid, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    for _ in range(2):
        async with session_factory() as s, s.begin():
            await milestone_due_reminders(
                JobContext(session=s, settings=settings, job_id=1, args={})
            )
    kinds = list(
        await session.scalars(
            select(Notification.account_id).where(Notification.kind == "milestone.due")
        )
    )
    assert kinds == [c.bidders[0].admin.account.id]


OPEN_FOR_ORG = """query($o: ID!) { openProjectsForOrganization(organizationId: $o, first: 50) {
  nodes { id } } }"""


async def test_an_organization_sees_the_open_projects_it_qualifies_for(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)  # grade 4, one SOCIAL_WORKER-level worker
    fits = await _open_project(session, c, min_grade=4)
    fits.worker_requirements = {"SOCIAL_WORKER": 1}
    too_senior = await _open_project(session, c)
    too_senior.worker_requirements = {"SENIOR": 1}
    too_high_grade = await _open_project(session, c, min_grade=5)
    closed = await make_project(session, c.community, status=ProjectStatus.DRAFT)
    await session.commit()
    body = await gql(
        OPEN_FOR_ORG,
        {"o": gid("Organization", c.bidders[0].org.id)},
        token=c.bidders[0].admin.token,
    )
    ids = {n["id"] for n in body["openProjectsForOrganization"]["nodes"]}
    assert ids == {gid("Project", fits.id)}
    assert not ids & {gid("Project", p.id) for p in (too_senior, too_high_grade, closed)}


async def test_an_expired_registration_does_not_make_an_organization_qualify_for_open_projects(
    gql, session, settings
):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)  # grade 4, one SOCIAL_WORKER-level worker
    fits = await _open_project(session, c, min_grade=4)
    fits.worker_requirements = {"SOCIAL_WORKER": 1}
    await session.commit()
    variables = {"o": gid("Organization", c.bidders[0].org.id)}
    body = await gql(OPEN_FOR_ORG, variables, token=c.bidders[0].admin.token)
    assert [n["id"] for n in body["openProjectsForOrganization"]["nodes"]] == [
        gid("Project", fits.id)
    ]
    # The only worker's registration lapsed yesterday: the project needs one valid worker.
    c.bidders[0].worker.registration_expires_on = START.date() - dt.timedelta(days=1)
    await session.commit()
    body = await gql(OPEN_FOR_ORG, variables, token=c.bidders[0].admin.token)
    assert body["openProjectsForOrganization"]["nodes"] == []


NODE = """query($id: ID!) { node(id: $id) { id } }"""


async def test_contract_records_resolve_by_id_only_within_scope(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=2)
    contract, milestones = await _payable(session, c)
    payment = Payment(
        contract_id=contract.id,
        milestone_id=milestones[0].id,
        amount_fen=100,
        paid_on=dt.date(2026, 3, 1),
        voucher_number="PZ-N",
    )
    session.add(payment)
    await session.commit()
    ids = [
        gid("Contract", contract.id),
        gid("Milestone", milestones[0].id),
        gid("Payment", payment.id),
    ]
    for login in (c.bidders[0].admin, c.staff, c.bureau, c.auditor, c.admin):
        for global_id in ids:
            assert (await gql(NODE, {"id": global_id}, token=login.token))["node"] is not None
    for login in (c.bidders[1].admin, c.volunteer, None):
        for global_id in ids:
            token = login.token if login else None
            assert (await gql(NODE, {"id": global_id}, token=token))["node"] is None


NEED = """mutation($i: RecordNeedInput!) { recordNeed(input: $i) { need { id } errors { code field } } }"""


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"peopleAffected": 0}, "peopleAffected"),
        ({"description": "  "}, "description"),
        ({"targetGroup": ""}, "targetGroup"),
    ],
)
async def test_a_bad_need_is_refused_and_nothing_is_written(
    gql, session, settings, overrides, field
):
    from matchmaker.models import Need

    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    inp = {
        "regionId": gid("Region", c.community.id),
        "category": "ELDERLY",
        "targetGroup": "老人",
        "description": "助餐",
        "peopleAffected": 5,
        **overrides,
    }
    body = await gql(NEED, {"i": inp}, token=c.staff.token)
    assert body["recordNeed"]["errors"] == [{"code": "INVALID_INPUT", "field": field}]
    assert await count(session, Need) == 0


async def test_a_need_is_recorded_only_for_a_community(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=0)
    body = await gql(
        NEED,
        {
            "i": {
                "regionId": gid("Region", c.world.street_a.id),
                "category": "ELDERLY",
                "targetGroup": "老人",
                "description": "助餐",
                "peopleAffected": 5,
            }
        },
        token=c.staff.token,
    )
    assert body["recordNeed"]["errors"] == [{"code": "INVALID_INPUT", "field": "regionId"}]


async def test_a_score_above_the_criterion_weight_is_refused(session, settings):
    c, project, bids = await _ranked(session, settings, [(100_000, [0, 0])])
    criterion = await session.scalar(
        select(EvaluationCriterion).where(EvaluationCriterion.project_id == project.id).limit(1)
    )
    sc = await ctx(session, settings, c.expert)
    with pytest.raises(DomainError) as exc:
        await evaluation_service.submit_scores(
            sc,
            project_id=project.id,
            scores=[
                evaluation_service.ScoreSpec(bids[0].id, criterion.id, criterion.weight * 100 + 1)
            ],
        )
    assert exc.value.code == "INVALID_INPUT"


async def test_awarding_before_every_score_is_in_is_refused(session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    await make_bid(session, project, c.bidders[0].org, price_fen=100_000, opened=True)
    session.add(Evaluator(project_id=project.id, account_id=c.expert.account.id))
    await session.commit()
    sc = await ctx(session, settings, c.bureau)
    with pytest.raises(DomainError) as exc:
        await evaluation_service.confirm_award(sc, project_id=project.id)
    assert exc.value.code == "SCORES_INCOMPLETE"


EVALUATE = """mutation($i: EvaluatePerformanceInput!) { evaluatePerformance(input: $i) {
  evaluation { id } errors { code field } } }"""


async def test_a_performance_evaluation_whose_maxima_are_not_100_is_refused(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    contract, _ = await _payable(session, c)
    project = await session.get(Project, contract.project_id)
    project.status = ProjectStatus.COMPLETED
    await session.commit()
    body = await gql(
        EVALUATE,
        {
            "i": {
                "projectId": gid("Project", project.id),
                "criteria": [{"name": "成效", "score": 50, "max": 60}],
            }
        },
        token=c.bureau.token,
    )
    assert body["evaluatePerformance"]["errors"] == [
        {"code": "INVALID_WEIGHTS", "field": "criteria"}
    ]
    assert await count(session, PerformanceEvaluation) == 0


RANKING = """query($id: ID!) { node(id: $id) { ... on Project {
  ranking { rank priceFen priceScore technicalScore totalScore } } } }"""


async def test_the_bureau_sees_the_ranking_before_confirming_the_award(gql, session, settings):
    c, project, _ = await _ranked(
        session,
        settings,
        [(180_000, [5500, 5500]), (200_000, [6000, 6500]), (240_000, [6600, 6600])],
    )
    body = await gql(RANKING, {"id": gid("Project", project.id)}, token=c.bureau.token)
    assert body["node"]["ranking"] == [
        {
            "rank": 1,
            "priceFen": 20_000_000,
            "priceScore": "27.00",
            "technicalScore": "62.50",
            "totalScore": "89.50",
        },
        {
            "rank": 2,
            "priceFen": 24_000_000,
            "priceScore": "22.50",
            "technicalScore": "66.00",
            "totalScore": "88.50",
        },
        {
            "rank": 3,
            "priceFen": 18_000_000,
            "priceScore": "30.00",
            "technicalScore": "55.00",
            "totalScore": "85.00",
        },
    ]
    for token in (None, c.volunteer.token, c.bidders[0].admin.token):
        hidden = await gql(RANKING, {"id": gid("Project", project.id)}, token=token)
        assert hidden["node"] is None or hidden["node"]["ranking"] == []


async def test_there_is_no_ranking_before_the_opening(gql, session, settings):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    project = await _open_project(session, c)
    await make_bid(session, project, c.bidders[0].org, price_fen=100_000)
    body = await gql(RANKING, {"id": gid("Project", project.id)}, token=c.bureau.token)
    assert body["node"]["ranking"] == []
