"""A volunteer's time on a confirmed micro-wish in the hours ledger (docs/micro_wishes.md, Hours):
an approved service record certified by the confirming staff, under the ledger's rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from matchmaker import clock
from matchmaker.models import (
    AuditEvent,
    Certificate,
    MicroWish,
    Notification,
    ServiceRecord,
    Volunteer,
    VolunteerTeam,
)
from matchmaker.models.micro_wishes import MicroWishStatus
from matchmaker.models.volunteering import RecordSource, RecordStatus
from matchmaker.schema.relay import decode_id
from matchmaker.services import certificates, hours
from matchmaker.services.errors import DomainError, ErrorCode
from tests.volunteering_helpers import T0, audit_count, count, gid, staff, volunteer

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
FIELDS = """microWish { id status minutesGiven startedAt } errors { code field message }"""
RECORD = f"""mutation($i: RecordMicroWishInput!) {{ recordMicroWish(input: $i) {{ {FIELDS} }} }}"""
CLAIM = f"""mutation($i: ClaimMicroWishInput!) {{ claimMicroWish(input: $i) {{ {FIELDS} }} }}"""
REPORT = f"""mutation($i: ReportMicroWishFulfilmentInput!) {{
  reportMicroWishFulfilment(input: $i) {{ {FIELDS} }} }}"""
CONFIRM = f"""mutation($i: MicroWishIdInput!) {{ confirmMicroWish(input: $i) {{ {FIELDS} }} }}"""
RETURN = f"""mutation($i: MicroWishReasonInput!) {{
  returnMicroWishFulfilment(input: $i) {{ {FIELDS} }} }}"""
LEDGER = """{ serviceRecords(first: 20, mine: true) { nodes {
  source status minutes startsAt endsAt activity { id } microWish { title status } } } }"""
PROFILE = "{ myVolunteerProfile { totalMinutes } }"


async def _setup(session, settings) -> dict[str, Any]:
    from tests import factories

    clock.freeze(T0)
    w = await factories.world(session)
    return {
        "w": w,
        "staff": await staff(session, settings, w.street_a),
        "vol": await volunteer(session, settings, name="李志愿"),
    }


async def _wish(gql, s, title: str = "陪独居老人散步") -> str:
    data = await gql(
        RECORD,
        {
            "i": {
                "regionId": gid("Region", s["w"].community_a1.id),
                "kind": "WISH",
                "category": "ELDERLY",
                "title": title,
                "description": "王秀兰奶奶（朝山街12号）想有人陪她在小区里散步。",
                "publicDescription": "一位独居老人想有人陪她在小区里散步。",
                "needs": "TIME",
                "deadline": (T0 + 5 * DAY).isoformat(),
                "beneficiaryName": "王秀兰",
                "beneficiaryAddress": "朝山街12号",
            }
        },
        token=s["staff"].token,
    )
    assert data["recordMicroWish"]["errors"] == []
    return str(data["recordMicroWish"]["microWish"]["id"])


async def _claimed_and_reported(
    gql, s, wish: str, minutes: int, started_at: dt.datetime | None = None
) -> dict[str, Any]:
    claimed = await gql(CLAIM, {"i": {"wishId": wish}}, token=s["vol"].token)
    assert claimed["claimMicroWish"]["errors"] == []
    report: dict[str, Any] = {"wishId": wish, "report": "陪老人散步一小时", "minutes": minutes}
    if started_at is not None:
        report["startedAt"] = started_at.isoformat()
    data = await gql(REPORT, {"i": report}, token=s["vol"].token)
    return dict(data["reportMicroWishFulfilment"])


async def _records(session) -> list[ServiceRecord]:
    rows = list(
        await session.scalars(
            select(ServiceRecord)
            .order_by(ServiceRecord.id)
            .execution_options(populate_existing=True)
        )
    )
    await session.commit()
    return rows


async def test_a_confirmed_wish_puts_the_volunteers_minutes_in_their_ledger_and_total(
    session, settings, gql, run_jobs
):
    s = await _setup(session, settings)
    wish = await _wish(gql, s)
    clock.freeze(T0 + DAY)
    began = T0 + DAY - 3 * HOUR
    reported = await _claimed_and_reported(gql, s, wish, 90, began)
    assert reported["errors"] == []
    assert reported["microWish"]["startedAt"] == began.isoformat()

    confirmed = await gql(CONFIRM, {"i": {"wishId": wish}}, token=s["staff"].token)
    assert confirmed["confirmMicroWish"]["errors"] == []

    (record,) = await _records(session)
    assert record.source is RecordSource.MICRO_WISH
    assert record.status is RecordStatus.APPROVED
    assert record.micro_wish_id == decode_id(wish, "MicroWish")
    assert record.activity_id is None
    assert record.decided_by_account_id == s["staff"].account.id
    assert record.region_path == s["w"].community_a1.path
    # 90 minutes from 21:00 the evening before: 21:00 → 22:30 UTC.
    assert (record.starts_at, record.ends_at) == (began, began + dt.timedelta(minutes=90))

    ledger = (await gql(LEDGER, token=s["vol"].token))["serviceRecords"]["nodes"]
    assert ledger == [
        {
            "source": "MICRO_WISH",
            "status": "APPROVED",
            "minutes": 90,
            "startsAt": began.isoformat(),
            "endsAt": (began + dt.timedelta(minutes=90)).isoformat(),
            "activity": None,
            "microWish": {"title": "陪独居老人散步", "status": "CONFIRMED"},
        }
    ]
    await run_jobs()
    profile = (await gql(PROFILE, token=s["vol"].token))["myVolunteerProfile"]
    assert profile == {"totalMinutes": 90}
    actions = set(
        await session.scalars(
            select(AuditEvent.action).where(AuditEvent.subject_type == "ServiceRecord")
        )
    )
    assert actions == {"service_record.micro_wish"}


async def test_a_report_without_a_start_ends_the_time_at_the_report(session, settings, gql):
    s = await _setup(session, settings)
    wish = await _wish(gql, s)
    clock.freeze(T0 + DAY)
    reported = await _claimed_and_reported(gql, s, wish, 45)
    # Reported at T0 + 1 day: the 45 minutes ran up to then.
    assert (
        reported["microWish"]["startedAt"] == (T0 + DAY - 45 * dt.timedelta(minutes=1)).isoformat()
    )
    await gql(CONFIRM, {"i": {"wishId": wish}}, token=s["staff"].token)
    (record,) = await _records(session)
    assert record.ends_at == T0 + DAY and record.minutes == 45


async def test_time_reported_to_end_in_the_future_is_refused_and_nothing_changes(
    session, settings, gql
):
    s = await _setup(session, settings)
    wish = await _wish(gql, s)
    before = await audit_count(session)
    refused = await _claimed_and_reported(gql, s, wish, 60, T0 - 30 * dt.timedelta(minutes=1))
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("INVALID_RECORD_TIME", "startedAt")
    ]
    stored = await session.get(MicroWish, decode_id(wish, "MicroWish"), populate_existing=True)
    assert stored is not None and stored.status is MicroWishStatus.CLAIMED
    assert stored.minutes_given is None and stored.started_at is None
    await session.commit()
    assert await audit_count(session) == before + 1  # the claim only


async def test_confirming_time_that_overlaps_an_approved_record_is_refused_and_writes_nothing(
    session, settings, gql
):
    s = await _setup(session, settings)
    first, second = await _wish(gql, s, "陪老人散步"), await _wish(gql, s, "陪老人买菜")
    clock.freeze(T0 + DAY)
    # Both reported for 20:00-21:00 and 20:30-21:30 before either was confirmed.
    assert (await _claimed_and_reported(gql, s, first, 60, T0 + DAY - 5 * HOUR))["errors"] == []
    late = T0 + DAY - 5 * HOUR + 30 * dt.timedelta(minutes=1)
    assert (await _claimed_and_reported(gql, s, second, 60, late))["errors"] == []
    assert (await gql(CONFIRM, {"i": {"wishId": first}}, token=s["staff"].token))[
        "confirmMicroWish"
    ]["errors"] == []
    before_audit = await audit_count(session)
    before_notes = await count(session, Notification)

    refused = (await gql(CONFIRM, {"i": {"wishId": second}}, token=s["staff"].token))[
        "confirmMicroWish"
    ]
    assert [e["code"] for e in refused["errors"]] == ["RECORD_OVERLAP"]
    assert refused["microWish"] is None
    assert len(await _records(session)) == 1
    stored = await session.get(MicroWish, decode_id(second, "MicroWish"), populate_existing=True)
    assert stored is not None and stored.status is MicroWishStatus.FULFILLED
    await session.commit()
    assert await audit_count(session) == before_audit
    assert await count(session, Notification) == before_notes


async def test_reporting_time_that_overlaps_a_record_already_in_the_ledger_is_refused(
    session, settings, gql
):
    s = await _setup(session, settings)
    first, second = await _wish(gql, s, "陪老人散步"), await _wish(gql, s, "陪老人买菜")
    clock.freeze(T0 + DAY)
    await _claimed_and_reported(gql, s, first, 60, T0 + DAY - 5 * HOUR)
    await gql(CONFIRM, {"i": {"wishId": first}}, token=s["staff"].token)
    refused = await _claimed_and_reported(gql, s, second, 60, T0 + DAY - 5 * HOUR)
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("RECORD_OVERLAP", "startedAt")]


async def test_a_teams_confirmed_wish_makes_no_service_record(session, settings, gql):
    s = await _setup(session, settings)
    team = VolunteerTeam(name="朝山街志愿服务队", region_id=s["w"].community_a1.id)
    session.add(team)
    await session.commit()
    wish = await _wish(gql, s)
    claim = {"i": {"wishId": wish, "teamId": gid("VolunteerTeam", team.id)}}
    assert (await gql(CLAIM, claim, token=s["staff"].token))["claimMicroWish"]["errors"] == []
    done = await gql(
        REPORT, {"i": {"wishId": wish, "report": "队员已完成"}}, token=s["staff"].token
    )
    assert done["reportMicroWishFulfilment"]["errors"] == []
    colleague = await staff(session, settings, s["w"].street_a)
    confirmed = await gql(CONFIRM, {"i": {"wishId": wish}}, token=colleague.token)
    assert confirmed["confirmMicroWish"]["microWish"]["status"] == "CONFIRMED"
    assert await _records(session) == []


async def test_a_returned_report_makes_no_record_and_the_next_confirmation_makes_one(
    session, settings, gql
):
    s = await _setup(session, settings)
    wish = await _wish(gql, s)
    clock.freeze(T0 + DAY)
    await _claimed_and_reported(gql, s, wish, 60, T0 + DAY - 4 * HOUR)
    returned = await gql(
        RETURN, {"i": {"wishId": wish, "reason": "老人说还没来"}}, token=s["staff"].token
    )
    assert returned["returnMicroWishFulfilment"]["microWish"]["startedAt"] is None
    assert await _records(session) == []
    again = await gql(
        REPORT,
        {"i": {"wishId": wish, "report": "已陪同散步", "minutes": 30}},
        token=s["vol"].token,
    )
    assert again["reportMicroWishFulfilment"]["errors"] == []
    await gql(CONFIRM, {"i": {"wishId": wish}}, token=s["staff"].token)
    assert [r.minutes for r in await _records(session)] == [30]


async def test_a_retried_confirmation_is_refused_and_the_ledger_keeps_one_entry(
    session, settings, gql
):
    s = await _setup(session, settings)
    wish = await _wish(gql, s)
    clock.freeze(T0 + DAY)
    await _claimed_and_reported(gql, s, wish, 60, T0 + DAY - 4 * HOUR)
    await gql(CONFIRM, {"i": {"wishId": wish}}, token=s["staff"].token)
    retry = (await gql(CONFIRM, {"i": {"wishId": wish}}, token=s["staff"].token))[
        "confirmMicroWish"
    ]
    assert [e["code"] for e in retry["errors"]] == ["INVALID_STATE"]
    (record,) = await _records(session)

    # The ledger's own entry point is idempotent too: a second call returns the same entry.
    from tests.volunteering_helpers import context_for

    sc = await context_for(session, settings, s["staff"])
    same = await hours.record_micro_wish_time(
        sc,
        micro_wish_id=record.micro_wish_id or 0,
        volunteer_id=record.volunteer_id,
        region_path=record.region_path,
        starts_at=record.starts_at,
        minutes=record.minutes,
        description="again",
    )
    assert same.id == record.id
    await session.commit()
    assert len(await _records(session)) == 1


async def test_nobody_certifies_their_own_time_on_a_wish(session, settings):
    s = await _setup(session, settings)
    from tests.volunteering_helpers import context_for

    sc = await context_for(session, settings, s["staff"])
    own = await session.scalar(select(Volunteer).where(Volunteer.id == s["vol"].volunteer.id))
    assert own is not None
    own.account_id = s["staff"].account.id  # the staff member volunteers, too
    await session.flush()
    try:
        await hours.record_micro_wish_time(
            sc,
            micro_wish_id=1,
            volunteer_id=own.id,
            region_path=s["w"].community_a1.path,
            starts_at=T0 - 2 * HOUR,
            minutes=60,
            description="x",
        )
    except DomainError as exc:
        assert exc.code is ErrorCode.SELF_CERTIFICATION
    else:
        raise AssertionError("a staff member certified their own time")
    await session.rollback()


async def test_community_staff_correct_a_wishs_record_and_the_certificate_lists_the_wish(
    session, settings, gql
):
    s = await _setup(session, settings)
    wish = await _wish(gql, s)
    clock.freeze(T0 + DAY)
    await _claimed_and_reported(gql, s, wish, 60, T0 + DAY - 4 * HOUR)
    await gql(CONFIRM, {"i": {"wishId": wish}}, token=s["staff"].token)
    (record,) = await _records(session)
    correct = """mutation($i: CorrectServiceRecordInput!) { correctServiceRecord(input: $i) {
      reversal { minutes source } correction { minutes source microWish { title } }
      errors { code } } }"""
    fixed = await gql(
        correct,
        {
            "i": {
                "recordId": gid("ServiceRecord", record.id),
                "startsAt": (T0 + DAY - 4 * HOUR).isoformat(),
                "endsAt": (T0 + DAY - 3 * HOUR + 30 * dt.timedelta(minutes=1)).isoformat(),
                "reason": "老人说陪了一个半小时",
            }
        },
        token=s["staff"].token,
    )
    assert fixed["correctServiceRecord"] == {
        "reversal": {"minutes": -60, "source": "REVERSAL"},
        "correction": {
            "minutes": 90,
            "source": "CORRECTION",
            "microWish": {"title": "陪独居老人散步"},
        },
        "errors": [],
    }
    cert = Certificate(
        volunteer_id=record.volunteer_id,
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
    )
    total, content = await certificates.certificate_content(session, cert)
    assert total == 90
    assert content == [
        {"micro_wish_id": record.micro_wish_id, "title": "微心愿：陪独居老人散步", "minutes": 90}
    ]


async def test_no_notification_of_the_hours_names_the_beneficiary(session, settings, gql):
    s = await _setup(session, settings)
    wish = await _wish(gql, s)
    clock.freeze(T0 + DAY)
    await _claimed_and_reported(gql, s, wish, 60, T0 + DAY - 4 * HOUR)
    await gql(CONFIRM, {"i": {"wishId": wish}}, token=s["staff"].token)
    notes = (await session.execute(select(Notification.title, Notification.body))).all()
    assert any("小时已认证" in body for _t, body in notes)
    for title, body in notes:
        assert "王秀兰" not in title + body and "朝山街12号" not in title + body
    (record,) = await _records(session)
    assert "王秀兰" not in record.description and "朝山街12号" not in record.description
