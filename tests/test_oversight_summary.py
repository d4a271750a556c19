"""spendingSummary: every figure against a small hand-computed dataset, scope, sealed bids,
and a statement count that does not grow with the number of projects (docs/oversight.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event

from matchmaker import clock
from matchmaker.models import (
    Activity,
    Payment,
    ProgressReport,
    Project,
    Region,
    ServiceRecord,
)
from matchmaker.models.enums import Role, ServiceCategory
from matchmaker.models.procurement import (
    BidStatus,
    FundingSource,
    MilestoneStatus,
    ProcurementMethod,
    ProjectStatus,
    ReportStatus,
)
from matchmaker.models.volunteering import RecordSource, RecordStatus
from tests import factories
from tests.procurement_support import (
    START,
    YUAN,
    City,
    city,
    gid,
    make_bid,
    make_contract,
    make_project,
    make_worker,
)

SUMMARY = """query($r: ID, $y: Int) { spendingSummary(regionId: $r, year: $y) {
  projects budgetedFen contractedFen paidFen outstandingFen approvedServiceMinutes
  activitiesHeld beneficiaries costPerBeneficiaryFen costPerServiceHourFen
  projectsByState { status count }
  competition { tenders openTenderShare singleBidShare singleBidValueShare medianValidBids
    failedTenders }
  concentration { awardedFen organizations hhi hhiFlagged topOrganizationId
    topOrganizationShare smallOrNewShare }
  byRegion { key label projects budgetedFen contractedFen paidFen approvedServiceMinutes }
  byCategory { key projects budgetedFen contractedFen paidFen }
  byFundingSource { key projects budgetedFen }
  byMonth { month paidFen }
} }"""


async def _pay(session: Any, contract: Any, milestone: Any, yuan: int, on: dt.date, n: int) -> None:
    session.add(
        Payment(
            contract_id=contract.id,
            milestone_id=milestone.id,
            amount_fen=yuan * YUAN,
            paid_on=on,
            voucher_number=f"PZ{contract.id}-{n}",
        )
    )
    await session.commit()


async def _records(session: Any, settings: Any, project: Project, region: Region, c: City) -> None:
    """Volunteer minutes on the project's activity: 120 + 180 approved, 60 pending, 90 rejected."""
    _, vol = await factories.volunteer(session, settings, home=region)
    activity = Activity(
        title="探访独居老人",
        project_id=project.id,
        region_id=region.id,
        region_path=region.path,
        created_by_account_id=c.staff.account.id,
        place_name="社区服务站",
        category=ServiceCategory.ELDERLY,
    )
    session.add(activity)
    await session.flush()
    base = dt.datetime(2027, 3, 1, 1, 0, tzinfo=dt.UTC)
    for day, (minutes, status) in enumerate(
        [
            (120, RecordStatus.APPROVED),
            (180, RecordStatus.APPROVED),
            (60, RecordStatus.PENDING),
            (90, RecordStatus.REJECTED),
        ]
    ):
        start = base + dt.timedelta(days=day)
        session.add(
            ServiceRecord(
                volunteer_id=vol.id,
                activity_id=activity.id,
                region_path=region.path,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=minutes),
                minutes=minutes,
                source=RecordSource.MANUAL,
                status=status,
            )
        )
    await session.commit()


@dataclass
class Dataset:
    c: City
    p1: Project
    p2: Project
    p4: Project


async def dataset(session: Any, settings: Any) -> Dataset:
    """Five projects of 2027 in the district (plus one of 2026), worked through below.

    P1 a1  ¥200k open tender, 3 valid bids (¥180k/190k/195k), contract ¥180k to org1, paid
           ¥50k (2027-02-10) + ¥40k (2027-06-15); accepted report: 4 activities, 60 people
           (a returned report claiming 99 does not count); 300 approved volunteer minutes.
    P2 a2  ¥100k negotiation, CHILDREN_YOUTH, venture philanthropy: 1 valid bid (org2 ¥90k)
           and a lower disqualified one (org3 ¥85k); contract ¥90k, paid ¥30k (2027-02-20).
    P3 a1  ¥50k open tender, FAILED with 2 valid bids.
    P4 b1  ¥300k open tender still taking bids: org3's sealed ¥1 bid counts nowhere.
    P5 a1  ¥70k draft: no budget yet, but counted among projects by state.
    P6 a1  ¥999k approved for 2026: outside year 2027.
    """
    clock.freeze(START)
    c = await city(session, settings)
    w = c.world
    org1, org2, org3 = (b.org for b in c.bidders)
    # org1 has 6 active social workers: no longer "small" (at most 5); org2 and org3 have one.
    for _ in range(5):
        await make_worker(session, settings, org1)

    p1 = await make_project(
        session, w.community_a1, status=ProjectStatus.BIDS_OPENED, budget_fen=200_000 * YUAN
    )
    b11 = await make_bid(session, p1, org1, price_fen=180_000 * YUAN, opened=True)
    await make_bid(session, p1, org2, price_fen=190_000 * YUAN, opened=True)
    await make_bid(session, p1, org3, price_fen=195_000 * YUAN, opened=True)
    contract1, (m11, _m12) = await make_contract(
        session,
        p1,
        b11,
        milestone_status=MilestoneStatus.ACCEPTED,
        start=dt.date(2027, 1, 1),
        end=dt.date(2027, 12, 31),
    )
    await _pay(session, contract1, m11, 50_000, dt.date(2027, 2, 10), 1)
    await _pay(session, contract1, m11, 40_000, dt.date(2027, 6, 15), 2)
    for status, activities, people in (
        (ReportStatus.ACCEPTED, 4, 60),
        (ReportStatus.RETURNED, 9, 99),
    ):
        session.add(
            ProgressReport(
                milestone_id=m11.id,
                organization_id=org1.id,
                narrative="中期报告",
                activities_held=activities,
                beneficiaries_served=people,
                status=status,
                submitted_at=clock.now(),
            )
        )
    await session.commit()
    await _records(session, settings, p1, w.community_a1, c)

    p2 = await make_project(
        session,
        w.community_a2,
        status=ProjectStatus.BIDS_OPENED,
        method=ProcurementMethod.COMPETITIVE_NEGOTIATION,
        budget_fen=100_000 * YUAN,
    )
    p2.category = ServiceCategory.CHILDREN_YOUTH
    p2.funding_source = FundingSource.VENTURE_PHILANTHROPY
    await session.commit()
    b21 = await make_bid(session, p2, org2, price_fen=90_000 * YUAN, opened=True)
    await make_bid(
        session, p2, org3, price_fen=85_000 * YUAN, status=BidStatus.DISQUALIFIED, opened=True
    )
    contract2, (m21, _) = await make_contract(
        session,
        p2,
        b21,
        milestone_status=MilestoneStatus.ACCEPTED,
        start=dt.date(2027, 1, 1),
        end=dt.date(2027, 12, 31),
    )
    await _pay(session, contract2, m21, 30_000, dt.date(2027, 2, 20), 1)

    p3 = await make_project(
        session, w.community_a1, status=ProjectStatus.FAILED, budget_fen=50_000 * YUAN
    )
    await make_bid(session, p3, org1, price_fen=40_000 * YUAN, opened=True)
    await make_bid(session, p3, org2, price_fen=45_000 * YUAN, opened=True)

    p4 = await make_project(
        session, w.community_b1, status=ProjectStatus.OPEN_FOR_BIDS, budget_fen=300_000 * YUAN
    )
    await make_bid(session, p4, org3, price_fen=1 * YUAN)

    await make_project(
        session, w.community_a1, status=ProjectStatus.DRAFT, budget_fen=70_000 * YUAN
    )
    p6 = await make_project(
        session, w.community_a1, status=ProjectStatus.BIDS_OPENED, budget_fen=999_000 * YUAN
    )
    p6.service_start, p6.service_end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    await session.commit()
    return Dataset(c, p1, p2, p4)


def _by(rows: list[dict[str, Any]], key: str = "key") -> dict[str, dict[str, Any]]:
    return {r[key]: r for r in rows}


async def test_every_figure_of_the_district_matches_the_hand_computed_dataset(
    gql, session, settings
):
    d = await dataset(session, settings)
    s = (await gql(SUMMARY, {"y": 2027}, token=d.c.auditor.token))["spendingSummary"]

    assert s["projects"] == 5  # P1–P5; P6 is of 2026
    # P1 200k + P2 100k + P3 50k + P4 300k (the draft P5 has no approved budget)
    assert s["budgetedFen"] == 650_000 * YUAN
    assert s["contractedFen"] == (180_000 + 90_000) * YUAN
    assert s["paidFen"] == (50_000 + 40_000 + 30_000) * YUAN
    assert s["outstandingFen"] == 150_000 * YUAN
    assert s["approvedServiceMinutes"] == 120 + 180
    assert s["activitiesHeld"] == 4 and s["beneficiaries"] == 60
    assert s["costPerBeneficiaryFen"] == 120_000 * YUAN // 60  # ¥2,000
    assert s["costPerServiceHourFen"] == 120_000 * YUAN * 60 // 300  # ¥24,000 per hour
    assert _by(s["projectsByState"], "status") == {
        "IN_PROGRESS": {"status": "IN_PROGRESS", "count": 2},
        "FAILED": {"status": "FAILED", "count": 1},
        "OPEN_FOR_BIDS": {"status": "OPEN_FOR_BIDS", "count": 1},
        "DRAFT": {"status": "DRAFT", "count": 1},
    }
    comp = s["competition"]
    # Tenders are P1 (3 valid), P2 (1 valid, 1 disqualified), P3 (2 valid, failed).
    assert comp["tenders"] == 3
    assert abs(comp["openTenderShare"] - 2 / 3) < 1e-9
    assert abs(comp["singleBidShare"] - 1 / 3) < 1e-9
    assert abs(comp["singleBidValueShare"] - 100 / 350) < 1e-9
    assert comp["medianValidBids"] == 2
    assert comp["failedTenders"] == 1
    conc = s["concentration"]
    # Awards: org1 ¥180k (2/3), org2 ¥90k (1/3): HHI = 66.67² + 33.33² = 5556 > 2500.
    assert conc["awardedFen"] == 270_000 * YUAN
    assert conc["organizations"] == 2
    assert conc["hhi"] == 5556 and conc["hhiFlagged"] is True
    assert conc["topOrganizationId"] == gid("Organization", d.c.bidders[0].org.id)
    assert abs(conc["topOrganizationShare"] - 2 / 3) < 1e-9
    assert abs(conc["smallOrNewShare"] - 1 / 3) < 1e-9  # org2 (one worker) is small

    w = d.c.world
    regions = _by(s["byRegion"])
    assert set(regions) == {gid("Region", w.street_a.id), gid("Region", w.street_b.id)}
    a = regions[gid("Region", w.street_a.id)]
    assert (a["projects"], a["budgetedFen"], a["contractedFen"], a["paidFen"]) == (
        4,
        350_000 * YUAN,
        270_000 * YUAN,
        120_000 * YUAN,
    )
    assert a["approvedServiceMinutes"] == 300
    b = regions[gid("Region", w.street_b.id)]
    assert (b["projects"], b["budgetedFen"], b["contractedFen"], b["paidFen"]) == (
        1,
        300_000 * YUAN,
        0,
        0,
    )
    categories = _by(s["byCategory"])
    assert categories["CHILDREN_YOUTH"] == {
        "key": "CHILDREN_YOUTH",
        "projects": 1,
        "budgetedFen": 100_000 * YUAN,
        "contractedFen": 90_000 * YUAN,
        "paidFen": 30_000 * YUAN,
    }
    assert categories["ELDERLY"]["projects"] == 4
    assert categories["ELDERLY"]["budgetedFen"] == 550_000 * YUAN
    funding = _by(s["byFundingSource"])
    assert funding["VENTURE_PHILANTHROPY"]["budgetedFen"] == 100_000 * YUAN
    assert funding["GOVERNMENT_PURCHASE"]["budgetedFen"] == 550_000 * YUAN
    assert s["byMonth"] == [
        {"month": "2027-02", "paidFen": 80_000 * YUAN},
        {"month": "2027-06", "paidFen": 40_000 * YUAN},
    ]


async def test_drilling_down_to_a_street_splits_it_by_community(gql, session, settings):
    d = await dataset(session, settings)
    w = d.c.world
    s = (
        await gql(SUMMARY, {"r": gid("Region", w.street_a.id), "y": 2027}, token=d.c.auditor.token)
    )["spendingSummary"]
    assert s["projects"] == 4
    rows = _by(s["byRegion"])
    a1 = rows[gid("Region", w.community_a1.id)]
    a2 = rows[gid("Region", w.community_a2.id)]
    assert (a1["projects"], a1["budgetedFen"], a1["contractedFen"], a1["paidFen"]) == (
        3,
        250_000 * YUAN,
        180_000 * YUAN,
        90_000 * YUAN,
    )
    assert (a2["projects"], a2["budgetedFen"], a2["contractedFen"], a2["paidFen"]) == (
        1,
        100_000 * YUAN,
        90_000 * YUAN,
        30_000 * YUAN,
    )


async def test_without_a_year_every_year_counts(gql, session, settings):
    d = await dataset(session, settings)
    s = (await gql(SUMMARY, {}, token=d.c.auditor.token))["spendingSummary"]
    assert s["projects"] == 6
    assert s["budgetedFen"] == (650_000 + 999_000) * YUAN


async def test_an_auditor_of_one_street_sees_nothing_of_the_other(gql, session, settings):
    d = await dataset(session, settings)
    w = d.c.world
    auditor_b = await factories.account(session, settings, role=Role.AUDITOR, region=w.street_b)
    s = (await gql(SUMMARY, {"y": 2027}, token=auditor_b.token))["spendingSummary"]
    # Only P4, whose only bid is sealed: no tender, no award, no money but its budget.
    assert s["projects"] == 1
    assert s["budgetedFen"] == 300_000 * YUAN
    assert s["contractedFen"] == 0 and s["paidFen"] == 0
    assert s["competition"]["tenders"] == 0
    assert s["concentration"]["awardedFen"] == 0 and s["concentration"]["hhi"] is None
    body = await gql(
        SUMMARY, {"r": gid("Region", w.street_a.id)}, token=auditor_b.token, expect_errors=True
    )
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_community_staff_read_their_street_and_volunteers_are_refused(gql, session, settings):
    d = await dataset(session, settings)
    s = (await gql(SUMMARY, {"y": 2027}, token=d.c.staff.token))["spendingSummary"]
    assert s["projects"] == 4  # street A only
    body = await gql(SUMMARY, {}, token=d.c.volunteer.token, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_sealed_bid_counts_in_no_figure_until_it_is_opened(gql, session, settings):
    d = await dataset(session, settings)
    before = (await gql(SUMMARY, {"y": 2027}, token=d.c.auditor.token))["spendingSummary"]
    # The same bid once opened (an invalid 1-yuan bid is still a valid bid by status here):
    from sqlalchemy import select

    from matchmaker.models import Bid

    bid = await session.scalar(select(Bid).where(Bid.project_id == d.p4.id))
    bid.status, bid.opened_at = BidStatus.OPENED, clock.now()
    d.p4.status, d.p4.opened_at = ProjectStatus.BIDS_OPENED, clock.now()
    await session.commit()
    after = (await gql(SUMMARY, {"y": 2027}, token=d.c.auditor.token))["spendingSummary"]
    assert before["competition"]["tenders"] == 3
    assert after["competition"]["tenders"] == 4
    assert after["competition"]["singleBidShare"] == 0.5


async def test_the_summary_costs_the_same_statements_for_few_or_many_projects(
    gql, session, settings, app
):
    d = await dataset(session, settings)
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    async def run() -> int:
        statements.clear()
        event.listen(app.state.mm.engine.sync_engine, "before_cursor_execute", count)
        try:
            await gql(SUMMARY, {"y": 2027}, token=d.c.auditor.token)
        finally:
            event.remove(app.state.mm.engine.sync_engine, "before_cursor_execute", count)
        return len(statements)

    few = await run()
    for i in range(8):
        p = await make_project(session, d.c.world.community_a2, status=ProjectStatus.BIDS_OPENED)
        bid = await make_bid(session, p, d.c.bidders[i % 3].org, price_fen=1000 * YUAN, opened=True)
        contract, (m, _) = await make_contract(
            session, p, bid, milestone_status=MilestoneStatus.ACCEPTED
        )
        await _pay(session, contract, m, 100, dt.date(2027, 3, 1), 1)
    assert await run() == few


async def test_a_second_grant_inside_the_first_ones_region_counts_nothing_twice(
    gql, session, settings
):
    from matchmaker.services import accounts
    from matchmaker.services.bootstrap import system_context

    d = await dataset(session, settings)
    w = d.c.world
    await accounts.add_grant(
        system_context(session, settings),
        account_id=d.c.auditor.account.id,
        role=Role.AUDITOR,
        region_id=w.street_a.id,
    )
    await session.commit()
    s = (await gql(SUMMARY, {"y": 2027}, token=d.c.auditor.token))["spendingSummary"]
    assert s["projects"] == 5 and s["budgetedFen"] == 650_000 * YUAN
    assert [r["key"] for r in s["byRegion"]] == [
        gid("Region", w.street_a.id),
        gid("Region", w.street_b.id),
    ]
