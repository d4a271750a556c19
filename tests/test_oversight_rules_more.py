"""The audit rules about ties, patterns and double counting (docs/oversight.md, "Rules"): each
plants its case and sees exactly one finding with the right evidence, beside a near miss that
raises none; a second scan changes nothing (``scan_twice``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from matchmaker import clock
from matchmaker.models import (
    Evaluator,
    Finding,
    Organization,
    OutboxJob,
    Project,
    ReportBeneficiary,
)
from matchmaker.models.enums import JobStatus, Role
from matchmaker.models.procurement import ProcurementMethod, ProjectStatus
from matchmaker.services import accounts, audit
from matchmaker.services.bootstrap import system_context
from matchmaker.services.oversight import findings_statement
from matchmaker.services.oversight.rules_more import price_patterns
from matchmaker.services.reports import BeneficiarySpec, beneficiary_hashes
from tests import factories
from tests.procurement_support import (
    YUAN,
    City,
    gid,
    make_bid,
    make_contract,
    make_org,
    make_project,
)
from tests.test_oversight_rules import _activity, _record, _running, _world, scan_twice

# --- procedure: evaluators --------------------------------------------------------------------


async def _opened(session: Any, c: City, *orgs: Organization) -> Project:
    p = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    for i, org in enumerate(orgs):
        await make_bid(session, p, org, price_fen=(100_000 + 7_000 * i) * YUAN, opened=True)
    return p


async def _seat(session: Any, project: Project, account_id: int) -> Evaluator:
    e = Evaluator(project_id=project.id, account_id=account_id)
    session.add(e)
    await session.commit()
    return e


async def _expert(session: Any, settings: Any, c: City) -> factories.Login:
    return await factories.account(session, settings, role=Role.EXPERT, region=c.world.district)


async def _leave(session: Any, settings: Any, login: factories.Login, org: Organization) -> None:
    """The account gets a role in the organization and loses it again (both audited)."""
    sc = system_context(session, settings)
    grant = await accounts.add_grant(
        sc, account_id=login.account.id, role=Role.ORG_ADMIN, organization_id=org.id
    )
    await session.commit()
    await accounts.revoke_role(sc, grant_id=grant.id)
    await session.commit()


async def test_an_evaluator_who_left_a_bidder_within_36_months_is_tied_but_earlier_is_not(
    session, settings
):
    c = await _world(session, settings)
    org1, org2, org3 = (b.org for b in c.bidders)
    recent, long_ago = await _expert(session, settings, c), await _expert(session, settings, c)
    clock.advance(dt.timedelta(days=-(37 * 31)))
    await _leave(session, settings, long_ago, org2)  # 37 months before the assignment
    clock.advance(dt.timedelta(days=37 * 31 - 300))
    await _leave(session, settings, recent, org1)  # 300 days before it
    clock.advance(dt.timedelta(days=300))
    p = await _opened(session, c, org1, org2, org3)
    tied = await _seat(session, p, recent.account.id)
    await _seat(session, p, long_ago.account.id)
    # A bidder's own admin on a panel whose bids are still sealed: nothing is known yet.
    sealed = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    await make_bid(session, sealed, org1, price_fen=100_000 * YUAN)
    await _seat(session, sealed, c.bidders[0].admin.account.id)

    [f] = await scan_twice(session, settings, "EVALUATOR_TIED_TO_BIDDER")
    assert (f.subject_type, f.subject_id) == ("Evaluator", tied.id)
    left_on = (clock.now() - dt.timedelta(days=300)).astimezone(clock.SHANGHAI).date()
    assert f.evidence == {
        "projectId": p.id,
        "evaluatorAccountId": recent.account.id,
        "ties": [
            {"organizationId": org1.id, "tie": "formerMember", "endedOn": left_on.isoformat()}
        ],
        "windowMonths": 36,
    }
    assert f.money_fen == p.budget_ceiling_fen and f.region_path == c.community.path


async def test_a_bidders_staff_on_the_panel_is_tied_but_staff_of_a_non_bidder_is_not(
    session, settings
):
    c = await _world(session, settings)
    org1, org2, org3 = (b.org for b in c.bidders)
    p = await _opened(session, c, org1, org2)
    # org1's social worker (a role and an active membership) and org3's, which did not bid.
    tied = await _seat(session, p, c.bidders[0].worker_login.account.id)
    await _seat(session, p, c.bidders[2].worker_login.account.id)

    [f] = await scan_twice(session, settings, "EVALUATOR_TIED_TO_BIDDER")
    assert (f.subject_type, f.subject_id) == ("Evaluator", tied.id)
    assert f.evidence["ties"] == [{"organizationId": org1.id, "tie": "member"}]
    assert org3.id not in [t["organizationId"] for t in f.evidence["ties"]]


async def test_an_evaluator_of_a_bidders_sister_organization_is_tied_but_not_of_an_unrelated_one(
    session, settings
):
    c = await _world(session, settings)
    org1, org2, _ = (b.org for b in c.bidders)
    sister = await make_org(
        session, c.world.street_a, legal_representative=org1.legal_representative
    )
    unrelated = await make_org(session, c.world.street_a, legal_representative="王不相干")
    via_sister = await factories.account(
        session, settings, role=Role.ORG_ADMIN, organization_id=sister.id
    )
    via_unrelated = await factories.account(
        session, settings, role=Role.ORG_ADMIN, organization_id=unrelated.id
    )
    p = await _opened(session, c, org1, org2)
    tied = await _seat(session, p, via_sister.account.id)
    await _seat(session, p, via_unrelated.account.id)

    [f] = await scan_twice(session, settings, "EVALUATOR_TIED_TO_BIDDER")
    assert (f.subject_type, f.subject_id) == ("Evaluator", tied.id)
    assert f.evidence["ties"] == [
        {
            "organizationId": org1.id,
            "tie": "sameLegalRepresentative",
            "viaOrganizationIds": [sister.id],
        }
    ]


# --- procedure and collusion: awards in a community -------------------------------------------


async def _award(
    session: Any,
    c: City,
    region: Any,
    org: Organization,
    price_yuan: int,
    *,
    method: ProcurementMethod = ProcurementMethod.OPEN_TENDER,
    days_ago: int = 10,
) -> Project:
    p = await make_project(session, region, status=ProjectStatus.BIDS_OPENED, method=method)
    bid = await make_bid(session, p, org, price_fen=price_yuan * YUAN, opened=True)
    await make_contract(session, p, bid)
    p.awarded_at = clock.now() - dt.timedelta(days=days_ago)
    await session.commit()
    return p


async def test_one_organization_winning_3_of_4_awards_in_a_community_is_found_but_2_of_2_is_not(
    session, settings
):
    c = await _world(session, settings)
    w = c.world
    org1, org2, _ = (b.org for b in c.bidders)
    won = [await _award(session, c, w.community_a1, org1, 100_000) for _ in range(3)]
    await _award(session, c, w.community_a1, org2, 90_000)
    await _award(session, c, w.community_a1, org2, 90_000, days_ago=800)  # outside 730 days
    # Two of two in another community: below the minimum of three wins.
    for _ in range(2):
        await _award(session, c, w.community_a2, org1, 100_000)

    [f] = await scan_twice(session, settings, "REPEATED_WINS")
    assert (f.subject_type, f.subject_id) == ("Region", w.community_a1.id)
    assert f.subject_label == w.community_a1.name
    assert f.evidence == {
        "organizationId": org1.id,
        "wins": 3,
        "awards": 4,
        "sharePct": 75.0,
        "awardedFen": 300_000 * YUAN,
        "windowDays": 730,
        "projectIds": [p.id for p in won],
    }
    assert f.money_fen == 300_000 * YUAN


async def test_single_source_above_half_of_a_communitys_awarded_value_is_found_but_half_is_not(
    session, settings
):
    c = await _world(session, settings)
    w = c.world
    org1, org2, org3 = (b.org for b in c.bidders)
    sole = ProcurementMethod.SINGLE_SOURCE
    # Community A1: ¥150k of ¥250k single source (60 %).
    s1 = await _award(session, c, w.community_a1, org1, 100_000, method=sole)
    s2 = await _award(session, c, w.community_a1, org2, 50_000, method=sole)
    await _award(session, c, w.community_a1, org3, 100_000)
    await _award(session, c, w.community_a1, org3, 20_000, method=sole, days_ago=400)  # too old
    # Community A2: exactly half single source: not above the limit.
    await _award(session, c, w.community_a2, org1, 100_000, method=sole)
    await _award(session, c, w.community_a2, org2, 60_000)
    await _award(session, c, w.community_a2, org3, 40_000)

    [f] = await scan_twice(session, settings, "SINGLE_SOURCE_SHARE")
    assert (f.subject_type, f.subject_id) == ("Region", w.community_a1.id)
    assert f.evidence == {
        "awards": 3,
        "singleSourceAwards": 2,
        "awardedFen": 250_000 * YUAN,
        "singleSourceFen": 150_000 * YUAN,
        "sharePct": 60.0,
        "limitPct": 50,
        "windowDays": 365,
        "projectIds": [s1.id, s2.id],
    }


# --- collusion: prices ------------------------------------------------------------------------


def test_price_patterns_are_equal_steps_or_equal_ratios_within_the_tolerance():
    ceiling = 250_000 * YUAN
    assert price_patterns([200_000, 210_000, 220_000], ceiling // YUAN, 10) == ["STEP"]
    assert price_patterns([200_000, 220_000, 242_000], ceiling // YUAN, 10) == ["RATIO"]
    assert price_patterns([200_000, 210_000, 222_000], ceiling // YUAN, 10) == []
    assert price_patterns([200_000, 200_000, 200_000], ceiling // YUAN, 10) == []
    assert price_patterns([200_000, 210_000], ceiling // YUAN, 10) == []


async def _priced(session: Any, c: City, *prices_yuan: int, budget: int = 250_000) -> Project:
    p = await make_project(
        session, c.community, status=ProjectStatus.BIDS_OPENED, budget_fen=budget * YUAN
    )
    for org, price in zip((b.org for b in c.bidders), prices_yuan, strict=False):
        await make_bid(session, p, org, price_fen=price * YUAN, opened=True)
    return p


async def test_bids_in_equal_steps_are_a_regular_pattern_but_uneven_steps_are_not(
    session, settings
):
    c = await _world(session, settings)
    stepped = await _priced(session, c, 200_000, 210_000, 220_000)
    await _priced(session, c, 200_000, 210_000, 222_000)  # steps ¥10,000 and ¥12,000
    sealed = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    for org, price in zip((b.org for b in c.bidders), (200_000, 210_000, 220_000), strict=True):
        await make_bid(session, sealed, org, price_fen=price * YUAN)

    [f] = await scan_twice(session, settings, "REGULAR_PRICE_PATTERN")
    assert (f.subject_type, f.subject_id) == ("Project", stepped.id)
    assert f.evidence == {
        "patterns": ["STEP"],
        "pricesFen": [200_000 * YUAN, 210_000 * YUAN, 220_000 * YUAN],
        "stepsFen": [10_000 * YUAN, 10_000 * YUAN],
        "budgetCeilingFen": 250_000 * YUAN,
        "toleranceBp": 10,
    }


async def test_every_bid_within_2_percent_under_the_ceiling_is_found_but_one_lower_bid_is_not(
    session, settings
):
    c = await _world(session, settings)
    clustered = await _priced(session, c, 245_000, 248_000, 249_500)  # 98 %, 99.2 %, 99.8 %
    await _priced(session, c, 244_000, 248_000, 249_500)  # 97.6 %: one bid below the band

    [f] = await scan_twice(session, settings, "BIDS_CLUSTER_UNDER_CEILING")
    assert (f.subject_type, f.subject_id) == ("Project", clustered.id)
    assert f.evidence == {
        "pricesFen": [245_000 * YUAN, 248_000 * YUAN, 249_500 * YUAN],
        "budgetCeilingFen": 250_000 * YUAN,
        "bandBp": 200,
        "lowestShareBp": 9800,
    }


# --- delivery: paid staff as volunteers -------------------------------------------------------


async def test_contracted_staff_logging_volunteer_hours_on_the_project_is_found_but_others_not(
    session, settings
):
    c = await _world(session, settings)
    b1, b2, _ = c.bidders
    p, contract, _ = await _running(session, c, org=b1.org)  # contract 2027-01-01 … 2027-12-31
    _, activity, _ = await _activity(session, settings, c)
    activity.project_id = p.id
    await session.commit()
    # b1's social worker (staff of the contracted organization) and b2's, both volunteers too.
    _, paid = await factories.volunteer(session, settings, home=c.community, login=b1.worker_login)
    _, other = await factories.volunteer(
        session, settings, home=c.community, login=b2.worker_login, real_name="李四"
    )
    first = await _record(session, paid, activity, dt.datetime(2027, 3, 1, 1, tzinfo=dt.UTC), 120)
    await _record(session, paid, activity, dt.datetime(2027, 3, 8, 1, tzinfo=dt.UTC), 60)
    # Outside the contract period, and another organization's worker: not counted.
    await _record(session, paid, activity, dt.datetime(2026, 12, 1, 1, tzinfo=dt.UTC), 60)
    await _record(session, other, activity, dt.datetime(2027, 3, 1, 1, tzinfo=dt.UTC), 120)

    [f] = await scan_twice(session, settings, "STAFF_LOGGING_VOLUNTEER_HOURS")
    assert (f.subject_type, f.subject_id) == ("ServiceRecord", first.id)
    assert f.evidence == {
        "projectId": p.id,
        "contractId": contract.id,
        "organizationId": b1.org.id,
        "volunteerId": paid.id,
        "socialWorkerId": b1.worker.id,
        "records": 2,
        "totalMinutes": 180,
    }


# --- delivery: the same beneficiary in several projects ---------------------------------------

REPORT = """mutation($i: SubmitProgressReportInput!) { submitProgressReport(input: $i) {
  report { id beneficiariesServed listedBeneficiaries } errors { code field message } } }"""

ZHANG = {"name": "张 三", "idNumber": "370102199001011231"}
LI = {"name": "李四", "phone": "13912345678"}
WANG = {"name": "王五", "phone": "13987654321"}


async def _report_with(
    gql: Any,
    session: Any,
    c: City,
    bidder: Any,
    people: list[dict[str, str]],
    *,
    start: dt.date = dt.date(2027, 1, 1),
) -> tuple[int | None, int, dict[str, Any]]:
    p = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    bid = await make_bid(session, p, bidder.org, price_fen=100_000 * YUAN, opened=True)
    _, (m1, _) = await make_contract(
        session, p, bid, start=start, end=start + dt.timedelta(days=364)
    )
    body = await gql(
        REPORT,
        {
            "i": {
                "milestoneId": gid("Milestone", m1.id),
                "narrative": "第一期服务",
                "activitiesHeld": 3,
                "beneficiariesServed": 10,
                "beneficiaries": people,
            }
        },
        token=bidder.admin.token,
    )
    payload = body["submitProgressReport"]
    report = payload["report"]
    return (int(_pk(report["id"])) if report else None), p.id, payload


def _pk(global_id: str) -> str:
    import base64

    return base64.urlsafe_b64decode(global_id.encode()).decode().split(":")[1]


async def test_a_beneficiary_listed_by_two_organizations_in_one_period_is_found_by_hash_only(
    gql, session, settings
):
    c = await _world(session, settings)
    b1, b2, b3 = c.bidders
    mine, _, payload = await _report_with(gql, session, c, b1, [ZHANG, LI])
    assert payload["errors"] == []
    assert payload["report"]["listedBeneficiaries"] == 2
    # The same person written with an ideographic space in the name: the same hash.
    theirs, theirs_project, _ = await _report_with(
        gql, session, c, b2, [{**ZHANG, "name": "张\u3000三"}, WANG]
    )
    # The same people a year later (periods don't overlap): not double counting.
    await _report_with(gql, session, c, b3, [ZHANG, LI], start=dt.date(2029, 1, 1))

    findings = await scan_twice(session, settings, "BENEFICIARY_IN_SEVERAL_PROJECTS")
    assert sorted((f.subject_type, f.subject_id) for f in findings) == [
        ("ProgressReport", mine),
        ("ProgressReport", theirs),
    ]
    f = next(f for f in findings if f.subject_id == mine)
    assert f.evidence["claimedBeneficiaries"] == 10
    assert f.evidence["listedBeneficiaries"] == 2
    assert f.evidence["sharedBeneficiaries"] == 1
    assert f.evidence["otherReports"] == [
        {"reportId": theirs, "projectId": theirs_project, "organizationId": b2.org.id, "shared": 1}
    ]
    # Neither the evidence nor the table holds a name, a number or a phone.
    stored = str(f.evidence) + str(
        list(await session.scalars(select(ReportBeneficiary.identity_hash)))
    )
    for text in ("张", "370102199001011231", "13912345678"):
        assert text not in stored
    assert beneficiary_hashes(settings.secret_key, [BeneficiarySpec("张三", "370102199001011231")])[
        0
    ] in set(await session.scalars(select(ReportBeneficiary.identity_hash)))


async def test_a_beneficiary_list_longer_than_the_count_or_with_a_bad_id_writes_nothing(
    gql, session, settings
):
    c = await _world(session, settings)
    too_many = [{"name": f"居民{i}", "phone": f"1390000{i:04d}"} for i in range(11)]
    rid, _, payload = await _report_with(gql, session, c, c.bidders[0], too_many)
    assert rid is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("INVALID_INPUT", "beneficiaries")
    ]
    rid, _, payload = await _report_with(
        gql, session, c, c.bidders[1], [{"name": "张三", "idNumber": "370102199001011232"}]
    )
    assert rid is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("INVALID_INPUT", "beneficiaries.0.idNumber")
    ]
    rid, _, payload = await _report_with(gql, session, c, c.bidders[2], [LI, LI])
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("INVALID_INPUT", "beneficiaries.1")
    ]
    assert await session.scalar(select(func.count()).select_from(ReportBeneficiary)) == 0


# --- the audit log ----------------------------------------------------------------------------


async def _verification(session: Any, result: dict[str, Any]) -> OutboxJob:
    job = OutboxJob(
        name=audit.VERIFY_JOB,
        args={},
        status=JobStatus.DONE,
        run_at=clock.now(),
        finished_at=clock.now(),
        result=result,
    )
    session.add(job)
    await session.commit()
    return job


async def test_a_failed_chain_verification_is_an_alarm_finding_until_acknowledged(
    session, settings
):
    c = await _world(session, settings)
    await _verification(session, {"ok": True, "checked": 3, "last_id": None})  # a good run
    failed = await _verification(
        session, {"ok": False, "checked": 3, "first_broken_id": 7, "reason": "content changed"}
    )

    [f] = await scan_twice(session, settings, "AUDIT_CHAIN_BROKEN")
    assert (f.subject_type, f.subject_id) == ("Job", failed.id)
    assert f.severity.value == "HIGH" and f.region_path == "/"
    assert f.evidence == {
        "verificationRunId": failed.id,
        "firstBrokenId": 7,
        "reason": "content changed",
    }
    # Every auditor reads it, whatever their region; a bureau officer does not.
    other = await factories.account(session, settings, role=Role.AUDITOR, region=c.world.street_b)
    for login, sees in ((c.auditor, True), (other, True), (c.bureau, False)):
        sc = await _context(session, settings, login)
        found = await session.scalar(findings_statement(sc).where(Finding.id == f.id))
        assert (found is not None) is sees

    # Acknowledged: the next scan no longer sees the alarm, and the finding stays for a decision.
    sc = await _context(session, settings, c.auditor)
    await audit.acknowledge_alarm(sc, note="已核实：测试环境手工修改")
    await session.commit()
    from matchmaker.services.oversight import scan

    await scan(system_context(session, settings))
    await session.commit()
    kept = await session.scalar(
        select(Finding).where(Finding.id == f.id).execution_options(populate_existing=True)
    )
    assert kept is not None and kept.holds is False and kept.status.value == "OPEN"


async def test_a_chain_that_verified_raises_no_alarm_finding(session, settings):
    await _world(session, settings)
    await _verification(session, {"ok": True, "checked": 3, "last_id": None})
    await scan_twice(session, settings, "AUDIT_CHAIN_BROKEN")
    assert await session.scalar(select(func.count()).select_from(Finding)) == 0


async def _context(session: Any, settings: Any, login: factories.Login) -> Any:
    from matchmaker.services.accounts import actor_for_account

    sc = system_context(session, settings)
    sc.actor = await actor_for_account(session, login.account.id)
    return sc


def test_every_rule_has_chinese_and_english_text_in_the_findings_catalogue():
    from pathlib import Path

    from matchmaker.services.oversight import RULES

    catalogue = (
        Path(__file__).resolve().parents[1] / "frontend" / "src" / "i18n" / "oversight.ts"
    ).read_text(encoding="utf-8")
    codes_block = catalogue.split("export const RULE_CODES = [", 1)[1].split("] as const;", 1)[0]
    for code in RULES:
        assert f"'{code}'" in codes_block, code
        # One title in the Chinese catalogue and one in the English one.
        assert catalogue.count(f"'find.rule.{code}':") == 2, code


async def test_a_failed_nightly_verification_queues_the_scan_that_raises_the_alarm_finding(
    session, settings, session_factory, app, run_jobs
):
    from sqlalchemy import delete

    from matchmaker.models import AuditEvent
    from tests.audit_helpers import tamper

    clock.freeze(dt.datetime(2026, 3, 2, 18, 45, tzinfo=dt.UTC))  # after the 02:30 Beijing run
    await factories.world(session)
    for i in range(3):
        async with session_factory() as s, s.begin():
            await audit.record(
                system_context(s, settings), action="test.event", subject_type="Test", subject_id=i
            )
    await run_jobs()  # the first night verifies the chain
    async with session_factory() as s:
        last = await s.scalar(select(func.max(AuditEvent.id)))
    await tamper(session_factory, delete(AuditEvent).where(AuditEvent.id == last))
    clock.advance(dt.timedelta(days=1))
    await run_jobs()  # the second night fails, and queues a scan for the end of the window
    clock.advance(dt.timedelta(minutes=11))
    await run_jobs()

    async with session_factory() as s:
        failed = await s.scalar(
            select(OutboxJob.id)
            .where(OutboxJob.name == audit.VERIFY_JOB, OutboxJob.status == JobStatus.DONE)
            .order_by(OutboxJob.id.desc())
            .limit(1)
        )
        [f] = list(await s.scalars(select(Finding).where(Finding.rule == "AUDIT_CHAIN_BROKEN")))
    assert (f.subject_type, f.subject_id) == ("Job", failed)
    assert f.evidence["firstBrokenId"] == last and f.holds
