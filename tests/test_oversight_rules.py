"""The audit rules: each plants its case and sees exactly one finding with the right evidence,
beside a near miss that raises none; a second scan changes nothing (docs/oversight.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select

from matchmaker import clock
from matchmaker.models import (
    Activity,
    Finding,
    Organization,
    Payment,
    ProgressReport,
    Project,
    Region,
    ServiceRecord,
    Shift,
)
from matchmaker.models.enums import ServiceCategory
from matchmaker.models.oversight import FindingStatus
from matchmaker.models.procurement import (
    BidStatus,
    MilestoneStatus,
    ProcurementMethod,
    ProjectStatus,
    ReportStatus,
)
from matchmaker.models.volunteering import RecordSource, RecordStatus
from matchmaker.services.bootstrap import system_context
from matchmaker.services.oversight import scan
from tests import factories
from tests.procurement_support import (
    START,
    YUAN,
    City,
    city,
    make_bid,
    make_bidder,
    make_contract,
    make_project,
)


def _snapshot(findings: list[Finding]) -> list[tuple[Any, ...]]:
    return sorted(
        (
            f.id,
            f.rule,
            f.subject_type,
            f.subject_id,
            f.evidence,
            f.money_fen,
            f.status,
            f.holds,
            f.first_seen_at,
        )
        for f in findings
    )


async def scan_twice(session: Any, settings: Any, rule: str) -> list[Finding]:
    """Scan, then scan again: the second run must change nothing. Returns the rule's findings."""
    await scan(system_context(session, settings))
    await session.commit()
    first = _snapshot(list(await session.scalars(select(Finding))))
    clock.advance(dt.timedelta(hours=1))
    await scan(system_context(session, settings))
    await session.commit()
    again = list(await session.scalars(select(Finding).execution_options(populate_existing=True)))
    assert _snapshot(again) == first
    return [f for f in again if f.rule == rule and f.holds]


async def _pay(session: Any, contract: Any, milestone: Any, yuan: int, on: dt.date) -> Payment:
    p = Payment(
        contract_id=contract.id,
        milestone_id=milestone.id,
        amount_fen=yuan * YUAN,
        paid_on=on,
        voucher_number=f"PZ-{contract.id}-{milestone.id}-{on.isoformat()}-{yuan}",
    )
    session.add(p)
    await session.commit()
    return p


async def _running(
    session: Any,
    c: City,
    *,
    price: int = 180_000,
    budget: int = 250_000,
    start: dt.date = dt.date(2027, 1, 1),
    end: dt.date = dt.date(2027, 12, 31),
    org: Organization | None = None,
    amount: int | None = None,
):
    p = await make_project(
        session, c.community, status=ProjectStatus.BIDS_OPENED, budget_fen=budget * YUAN
    )
    bid = await make_bid(session, p, org or c.bidders[0].org, price_fen=price * YUAN, opened=True)
    contract, milestones = await make_contract(
        session,
        p,
        bid,
        milestone_status=MilestoneStatus.ACCEPTED,
        start=start,
        end=end,
        amount_fen=amount * YUAN if amount else None,
    )
    return p, contract, milestones


async def _world(session: Any, settings: Any) -> City:
    clock.freeze(START)
    return await city(session, settings)


# --- money ------------------------------------------------------------------------------------


async def test_a_payment_after_the_contract_ends_is_found_but_one_on_its_last_day_is_not(
    session, settings
):
    c = await _world(session, settings)
    _, contract, (m1, _) = await _running(session, c)
    late = await _pay(session, contract, m1, 10_000, dt.date(2028, 1, 5))
    await _pay(session, contract, m1, 10_000, dt.date(2027, 12, 31))  # the last day: fine

    [f] = await scan_twice(session, settings, "PAYMENT_OUTSIDE_PERIOD")
    assert (f.subject_type, f.subject_id) == ("Payment", late.id)
    assert f.evidence == {
        "contractId": contract.id,
        "paidOn": "2028-01-05",
        "contractStart": "2027-01-01",
        "contractEnd": "2027-12-31",
        "amountFen": 10_000 * YUAN,
    }
    assert f.money_fen == 10_000 * YUAN
    assert f.region_path == c.community.path


async def test_payments_above_a_milestones_share_are_found_but_exactly_the_share_is_not(
    session, settings
):
    c = await _world(session, settings)
    _, contract, (m1, m2) = await _running(session, c)  # ¥180k: two milestones of ¥90k
    await _pay(session, contract, m1, 60_000, dt.date(2027, 3, 1))
    await _pay(session, contract, m1, 40_000, dt.date(2027, 4, 1))  # ¥100k on a ¥90k share
    m2.status, m2.accepted_at = MilestoneStatus.ACCEPTED, clock.now()
    await session.commit()
    await _pay(session, contract, m2, 80_000, dt.date(2027, 12, 1))  # within its share

    [f] = await scan_twice(session, settings, "PAYMENT_ABOVE_MILESTONE")
    assert (f.subject_type, f.subject_id) == ("Milestone", m1.id)
    assert f.evidence == {
        "contractId": contract.id,
        "milestoneAmountFen": 90_000 * YUAN,
        "paidFen": 100_000 * YUAN,
        "excessFen": 10_000 * YUAN,
        "payments": 2,
    }
    assert f.money_fen == 10_000 * YUAN


async def test_a_payment_the_day_before_acceptance_is_found_but_one_the_same_day_is_not(
    session, settings
):
    c = await _world(session, settings)
    _, contract, (m1, _) = await _running(session, c)
    # Accepted at 09:00 Beijing on 2027-03-10.
    m1.accepted_at = dt.datetime(2027, 3, 10, 1, 0, tzinfo=dt.UTC)
    await session.commit()
    early = await _pay(session, contract, m1, 20_000, dt.date(2027, 3, 9))
    await _pay(session, contract, m1, 20_000, dt.date(2027, 3, 10))

    [f] = await scan_twice(session, settings, "PAYMENT_BEFORE_ACCEPTANCE")
    assert (f.subject_type, f.subject_id) == ("Payment", early.id)
    assert f.evidence == {
        "milestoneId": m1.id,
        "milestoneSequence": 1,
        "paidOn": "2027-03-09",
        "acceptedOn": "2027-03-10",
        "amountFen": 20_000 * YUAN,
    }


async def test_payments_summing_above_the_contract_are_found_but_exactly_the_amount_is_not(
    session, settings
):
    c = await _world(session, settings)
    _, over, (m1, m2) = await _running(session, c)  # ¥180k
    await _pay(session, over, m1, 90_000, dt.date(2027, 3, 1))
    await _pay(session, over, m2, 95_000, dt.date(2027, 12, 1))  # ¥185k in all
    _, exact, (n1, n2) = await _running(session, c, org=c.bidders[1].org)
    await _pay(session, exact, n1, 90_000, dt.date(2027, 3, 1))
    await _pay(session, exact, n2, 90_000, dt.date(2027, 12, 1))

    [f] = await scan_twice(session, settings, "PAYMENTS_ABOVE_CONTRACT")
    assert (f.subject_type, f.subject_id) == ("Contract", over.id)
    assert f.evidence == {
        "contractAmountFen": 180_000 * YUAN,
        "paidFen": 185_000 * YUAN,
        "excessFen": 5_000 * YUAN,
    }


async def test_a_contract_above_the_budget_ceiling_is_found_but_one_at_the_ceiling_is_not(
    session, settings
):
    c = await _world(session, settings)
    p, above, _ = await _running(session, c, budget=250_000, amount=260_000)
    await _running(session, c, budget=250_000, amount=250_000, org=c.bidders[1].org)

    [f] = await scan_twice(session, settings, "CONTRACT_ABOVE_BUDGET")
    assert (f.subject_type, f.subject_id) == ("Contract", above.id)
    assert f.evidence == {
        "projectId": p.id,
        "contractAmountFen": 260_000 * YUAN,
        "budgetCeilingFen": 250_000 * YUAN,
        "excessFen": 10_000 * YUAN,
    }
    assert f.money_fen == 10_000 * YUAN


async def test_an_award_below_the_required_grade_is_found_but_one_at_the_grade_is_not(
    session, settings
):
    c = await _world(session, settings)
    grade3 = (await make_bidder(session, settings, c.world.street_a, grade=3)).org
    below, _, _ = await _running(session, c, org=grade3)
    below.min_grade = 4
    at, _, _ = await _running(session, c, org=grade3)
    at.min_grade = 3
    await session.commit()

    [f] = await scan_twice(session, settings, "AWARD_BELOW_GRADE")
    assert (f.subject_type, f.subject_id) == ("Project", below.id)
    assert f.evidence == {
        "organizationId": grade3.id,
        "organizationGrade": 3,
        "requiredGrade": 4,
        "awardedPriceFen": 180_000 * YUAN,
    }


# --- procedure --------------------------------------------------------------------------------


async def test_an_open_tender_of_19_days_is_found_but_20_days_or_an_invited_tender_are_not(
    session, settings
):
    c = await _world(session, settings)
    now = clock.now()
    short = await make_project(
        session,
        c.community,
        status=ProjectStatus.OPEN_FOR_BIDS,
        deadline=now + dt.timedelta(days=19),
    )
    await make_project(
        session,
        c.community,
        status=ProjectStatus.OPEN_FOR_BIDS,
        deadline=now + dt.timedelta(days=20),
    )
    await make_project(
        session,
        c.community,
        status=ProjectStatus.OPEN_FOR_BIDS,
        method=ProcurementMethod.INVITED_TENDER,
        deadline=now + dt.timedelta(days=5),
    )

    [f] = await scan_twice(session, settings, "SHORT_TENDER_PERIOD")
    assert (f.subject_type, f.subject_id) == ("Project", short.id)
    assert f.evidence["periodDays"] == 19.0 and f.evidence["minimumDays"] == 20


async def test_a_negotiation_with_one_valid_bid_is_found_but_single_source_is_not(
    session, settings
):
    c = await _world(session, settings)
    org1, org2, org3 = (b.org for b in c.bidders)
    single = await make_project(
        session,
        c.community,
        status=ProjectStatus.BIDS_OPENED,
        method=ProcurementMethod.COMPETITIVE_NEGOTIATION,
    )
    await make_bid(session, single, org1, price_fen=100_000 * YUAN, opened=True)
    await make_bid(
        session, single, org2, price_fen=90_000 * YUAN, status=BidStatus.DISQUALIFIED, opened=True
    )
    sole = await make_project(
        session,
        c.community,
        status=ProjectStatus.BIDS_OPENED,
        method=ProcurementMethod.SINGLE_SOURCE,
    )
    await make_bid(session, sole, org1, price_fen=100_000 * YUAN, opened=True)
    two = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    await make_bid(session, two, org1, price_fen=100_000 * YUAN, opened=True)
    await make_bid(session, two, org3, price_fen=110_000 * YUAN, opened=True)

    [f] = await scan_twice(session, settings, "SINGLE_VALID_BID")
    assert (f.subject_type, f.subject_id) == ("Project", single.id)
    assert f.evidence == {"method": "COMPETITIVE_NEGOTIATION", "validBids": 1, "openedBids": 2}


async def test_a_disqualified_lowest_bid_is_found_but_a_disqualified_higher_one_is_not(
    session, settings
):
    c = await _world(session, settings)
    org1, org2, org3 = (b.org for b in c.bidders)
    low = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    await make_bid(session, low, org1, price_fen=100_000 * YUAN, opened=True)
    await make_bid(session, low, org2, price_fen=110_000 * YUAN, opened=True)
    await make_bid(
        session, low, org3, price_fen=90_000 * YUAN, status=BidStatus.DISQUALIFIED, opened=True
    )
    high = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    await make_bid(session, high, org1, price_fen=100_000 * YUAN, opened=True)
    await make_bid(
        session, high, org3, price_fen=120_000 * YUAN, status=BidStatus.DISQUALIFIED, opened=True
    )

    [f] = await scan_twice(session, settings, "LOWEST_BID_DISQUALIFIED")
    assert (f.subject_type, f.subject_id) == ("Project", low.id)
    assert f.evidence == {
        "lowestDisqualifiedPriceFen": 90_000 * YUAN,
        "lowestValidPriceFen": 100_000 * YUAN,
    }


async def _created(session: Any, region: Region, budget_yuan: int, at: dt.datetime) -> Project:
    p = await make_project(session, region, budget_fen=budget_yuan * YUAN)
    p.created_at = at
    await session.commit()
    return p


async def test_two_projects_of_a_community_crossing_the_threshold_in_90_days_are_a_split(
    session, settings
):
    c = await _world(session, settings)
    w, now = c.world, clock.now()
    # ¥1.2M + ¥0.9M = ¥2.1M ≥ ¥2M, each below it, 30 days apart in one community: a split.
    first = await _created(session, w.community_a1, 1_200_000, now)
    second = await _created(session, w.community_a1, 900_000, now + dt.timedelta(days=30))
    # The same amounts 100 days apart in another community: outside the window.
    await _created(session, w.community_a2, 1_200_000, now)
    await _created(session, w.community_a2, 900_000, now + dt.timedelta(days=100))

    [f] = await scan_twice(session, settings, "SPLIT_PURCHASE")
    assert (f.subject_type, f.subject_id) == ("Project", first.id)
    assert f.evidence == {
        "category": "ELDERLY",
        "projectIds": [first.id, second.id],
        "budgetsFen": [1_200_000 * YUAN, 900_000 * YUAN],
        "totalFen": 2_100_000 * YUAN,
        "thresholdFen": 2_000_000 * YUAN,
        "windowDays": 90,
    }


# --- collusion signs --------------------------------------------------------------------------


async def test_bidders_sharing_a_phone_are_found_once_opened_and_never_while_sealed(
    session, settings
):
    c = await _world(session, settings)
    org1, org2, org3 = (b.org for b in c.bidders)
    org2.contact_phone = org1.contact_phone
    await session.commit()
    opened = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    for org, price in ((org1, 100_000), (org2, 101_000), (org3, 102_000)):
        await make_bid(session, opened, org, price_fen=price * YUAN, opened=True)
    apart = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    await make_bid(session, apart, org1, price_fen=100_000 * YUAN, opened=True)
    await make_bid(session, apart, org3, price_fen=101_000 * YUAN, opened=True)
    sealed = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    await make_bid(session, sealed, org1, price_fen=100_000 * YUAN)
    await make_bid(session, sealed, org2, price_fen=100_000 * YUAN)

    [f] = await scan_twice(session, settings, "SHARED_CONTACT")
    assert (f.subject_type, f.subject_id) == ("Project", opened.id)
    assert f.evidence == {
        "pairs": [{"organizationIds": sorted([org1.id, org2.id]), "shared": "phone"}]
    }
    # The sealed project (same phone, same price) raised nothing at all.
    assert await session.scalar(select(Finding).where(Finding.subject_id == sealed.id)) is None


async def test_identical_prices_from_two_bidders_are_found_but_one_yuan_apart_are_not(
    session, settings
):
    c = await _world(session, settings)
    org1, org2, _ = (b.org for b in c.bidders)
    same = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    await make_bid(session, same, org1, price_fen=100_000 * YUAN, opened=True)
    await make_bid(session, same, org2, price_fen=100_000 * YUAN, opened=True)
    near = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    await make_bid(session, near, org1, price_fen=100_000 * YUAN, opened=True)
    await make_bid(session, near, org2, price_fen=100_001 * YUAN, opened=True)

    [f] = await scan_twice(session, settings, "IDENTICAL_PRICES")
    assert (f.subject_type, f.subject_id) == ("Project", same.id)
    assert f.evidence == {"prices": [{"priceFen": 100_000 * YUAN, "bidders": 2}]}


PROPOSAL = (
    "本项目面向辖区独居老人，每周两次入户探访，建立健康档案，链接社区卫生服务中心开展义诊，"
    "组织志愿者开展助餐、陪伴和心理疏导服务，每季度召开一次居民议事会评估服务成效。"
)


async def test_near_identical_proposals_are_found_but_different_ones_are_not(session, settings):
    c = await _world(session, settings)
    org1, org2, org3 = (b.org for b in c.bidders)
    copied = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    b1 = await make_bid(session, copied, org1, price_fen=100_000 * YUAN, opened=True)
    b2 = await make_bid(session, copied, org2, price_fen=101_000 * YUAN, opened=True)
    b3 = await make_bid(session, copied, org3, price_fen=102_000 * YUAN, opened=True)
    b1.technical_proposal = PROPOSAL
    b2.technical_proposal = PROPOSAL.replace("每周两次", "每周三次")  # one character changed
    b3.technical_proposal = "以儿童课后托管为主，开设四点半课堂、亲子阅读与暑期夏令营。"
    await session.commit()

    [f] = await scan_twice(session, settings, "SIMILAR_PROPOSALS")
    assert (f.subject_type, f.subject_id) == ("Project", copied.id)
    [pair] = f.evidence["pairs"]
    assert pair["bidIds"] == [b1.id, b2.id]
    assert pair["organizationIds"] == [org1.id, org2.id]
    assert 0.9 <= pair["similarity"] < 1.0


# --- delivery ---------------------------------------------------------------------------------


async def _activity(session: Any, settings: Any, c: City) -> tuple[Any, Activity, Shift]:
    _, vol = await factories.volunteer(session, settings, home=c.community)
    activity = Activity(
        title="助餐",
        region_id=c.community.id,
        region_path=c.community.path,
        created_by_account_id=c.staff.account.id,
        place_name="服务站",
        category=ServiceCategory.ELDERLY,
    )
    session.add(activity)
    await session.flush()
    shift = Shift(
        activity_id=activity.id,
        starts_at=dt.datetime(2026, 3, 10, 1, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 3, 10, 3, 0, tzinfo=dt.UTC),
        capacity=10,
        secret=b"s" * 32,
    )
    session.add(shift)
    await session.commit()
    return vol, activity, shift


async def _record(
    session: Any,
    vol: Any,
    activity: Activity,
    start: dt.datetime,
    minutes: int,
    *,
    shift: Shift | None = None,
    status: RecordStatus = RecordStatus.APPROVED,
) -> ServiceRecord:
    r = ServiceRecord(
        volunteer_id=vol.id,
        activity_id=activity.id,
        shift_id=shift.id if shift else None,
        region_path=activity.region_path,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes),
        minutes=minutes,
        source=RecordSource.MANUAL,
        status=status,
    )
    session.add(r)
    await session.commit()
    return r


def _utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=dt.UTC)


async def test_overlapping_approved_records_are_found_but_back_to_back_ones_are_not(
    session, settings
):
    c = await _world(session, settings)
    vol, activity, _ = await _activity(session, settings, c)
    first = await _record(session, vol, activity, _utc(10, 1), 120)  # 01:00–03:00
    second = await _record(session, vol, activity, _utc(10, 2, 30), 90)  # 02:30–04:00
    await _record(session, vol, activity, _utc(10, 4), 60)  # 04:00–05:00: back to back
    await _record(session, vol, activity, _utc(10, 1), 60, status=RecordStatus.PENDING)

    [f] = await scan_twice(session, settings, "OVERLAPPING_RECORDS")
    assert (f.subject_type, f.subject_id) == ("ServiceRecord", second.id)
    assert f.evidence["volunteerId"] == vol.id
    assert [o["recordId"] for o in f.evidence["overlaps"]] == [first.id]


async def test_a_record_longer_than_its_shift_is_found_but_one_as_long_is_not(session, settings):
    c = await _world(session, settings)
    vol, activity, shift = await _activity(session, settings, c)  # a 120-minute shift
    longer = await _record(session, vol, activity, _utc(10, 1), 150, shift=shift)
    await _record(session, vol, activity, _utc(11, 1), 120, shift=shift)

    [f] = await scan_twice(session, settings, "RECORD_LONGER_THAN_SHIFT")
    assert (f.subject_type, f.subject_id) == ("ServiceRecord", longer.id)
    assert f.evidence == {
        "volunteerId": vol.id,
        "shiftId": shift.id,
        "recordMinutes": 150,
        "shiftMinutes": 120,
    }


async def test_more_than_16_hours_in_one_beijing_day_is_found_but_exactly_16_is_not(
    session, settings
):
    c = await _world(session, settings)
    vol, activity, _ = await _activity(session, settings, c)
    # 2026-03-11 in Beijing starts at 16:00 UTC on the 10th: 600 + 400 = 1000 minutes.
    first = await _record(session, vol, activity, _utc(10, 16), 600)
    await _record(session, vol, activity, _utc(11, 2), 400)
    # 2026-03-13 in Beijing: 480 + 480 = 960 minutes, exactly the limit.
    await _record(session, vol, activity, _utc(12, 16), 480)
    await _record(session, vol, activity, _utc(13, 0), 480)

    [f] = await scan_twice(session, settings, "IMPLAUSIBLE_DAILY_TOTAL")
    assert (f.subject_type, f.subject_id) == ("ServiceRecord", first.id)
    assert f.evidence == {
        "volunteerId": vol.id,
        "day": "2026-03-11",
        "totalMinutes": 1000,
        "records": 2,
        "limitMinutes": 960,
    }


# --- the scan ---------------------------------------------------------------------------------


async def test_a_finding_whose_condition_is_gone_is_kept_as_no_longer_holding_with_its_decision(
    session, settings
):
    c = await _world(session, settings)
    _, contract, (m1, _) = await _running(session, c)
    late = await _pay(session, contract, m1, 10_000, dt.date(2028, 1, 5))
    [f] = await scan_twice(session, settings, "PAYMENT_OUTSIDE_PERIOD")
    f.status, f.note = FindingStatus.CONFIRMED, "凭证日期有误"
    await session.commit()
    await session.execute(delete(Payment).where(Payment.id == late.id))
    await session.commit()

    await scan(system_context(session, settings))
    await session.commit()
    [kept] = list(
        await session.scalars(
            select(Finding).where(Finding.id == f.id).execution_options(populate_existing=True)
        )
    )
    assert kept.holds is False
    assert kept.status is FindingStatus.CONFIRMED and kept.note == "凭证日期有误"


async def _report(
    session: Any, milestone: Any, org: Organization, *, minutes: int = 0, people: int = 0
) -> ProgressReport:
    r = ProgressReport(
        milestone_id=milestone.id,
        organization_id=org.id,
        narrative="报告",
        activities_held=1,
        beneficiaries_served=people,
        volunteer_minutes=minutes,
        status=ReportStatus.ACCEPTED,
        submitted_at=clock.now(),
    )
    session.add(r)
    await session.commit()
    return r


async def test_report_minutes_that_differ_from_the_ledger_are_found_but_matching_ones_are_not(
    session, settings
):
    c = await _world(session, settings)
    org = c.bidders[0].org
    p, _, (m1, m2) = await _running(session, c)  # milestone 1 due 2027-06-30, 2 due 2027-12-31
    vol, activity, _ = await _activity(session, settings, c)
    activity.project_id = p.id
    await session.commit()
    # 120 + 60 approved minutes in March (milestone 1's period), none after.
    await _record(session, vol, activity, dt.datetime(2027, 3, 1, 1, tzinfo=dt.UTC), 120)
    await _record(session, vol, activity, dt.datetime(2027, 3, 2, 1, tzinfo=dt.UTC), 60)
    await _report(session, m1, org, minutes=180)  # matches the ledger
    claimed = await _report(session, m2, org, minutes=90)  # the ledger has 0 in its period

    [f] = await scan_twice(session, settings, "REPORT_MINUTES_MISMATCH")
    assert (f.subject_type, f.subject_id) == ("ProgressReport", claimed.id)
    assert f.evidence == {
        "reportedMinutes": 90,
        "ledgerMinutes": 0,
        "differenceMinutes": 90,
        "periodStart": "2027-07-01",
        "periodEnd": "2027-12-31",
    }


async def _served(
    session: Any, c: City, org: Organization, category: ServiceCategory, cost_yuan: int
) -> Project:
    """A running project that paid 10 × ``cost_yuan`` for 10 beneficiaries."""
    p, contract, (m1, _) = await _running(session, c, org=org, price=100_000)
    p.category = category
    await session.commit()
    await _pay(session, contract, m1, cost_yuan * 10, dt.date(2027, 3, 1))
    await _report(session, m1, org, people=10)
    return p


async def test_a_cost_per_beneficiary_above_the_fence_is_found_but_not_in_a_small_sample(
    session, settings
):
    c = await _world(session, settings)
    orgs = [b.org for b in c.bidders]
    # Nine ELDERLY projects of 2027: Q1 ¥1,050, Q3 ¥1,200, fence 1,200 + 1.5 × 150 = ¥1,425.
    costs = [1000, 1000, 1050, 1100, 1100, 1150, 1200, 1250, 5000]
    projects = [
        await _served(session, c, orgs[i % 3], ServiceCategory.ELDERLY, cost)
        for i, cost in enumerate(costs)
    ]
    # Seven CHILDREN_YOUTH projects, one at ¥9,000: below the minimum sample of 8.
    for i, cost in enumerate([1000, 1000, 1000, 1000, 1000, 1000, 9000]):
        await _served(session, c, orgs[i % 3], ServiceCategory.CHILDREN_YOUTH, cost)

    [f] = await scan_twice(session, settings, "COST_PER_BENEFICIARY_OUTLIER")
    assert (f.subject_type, f.subject_id) == ("Project", projects[-1].id)
    assert f.evidence == {
        "category": "ELDERLY",
        "year": 2027,
        "costPerBeneficiaryFen": 5000 * YUAN,
        "paidFen": 50_000 * YUAN,
        "beneficiaries": 10,
        "q1Fen": 1050 * YUAN,
        "q3Fen": 1200 * YUAN,
        "fenceFen": 1425 * YUAN,
        "sample": 9,
    }
