"""The hours ledger: manual records, approval by the organizer only, immutability,
corrections, disputes; totals, star levels and the reconciliation."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from matchmaker import clock
from matchmaker.models import (
    HoursDispute,
    Notification,
    ServiceRecord,
    Volunteer,
    VolunteerTotalChange,
)
from matchmaker.models.volunteering import RecordSource, RecordStatus
from matchmaker.services import hours
from tests import factories
from tests.volunteering_helpers import (
    APPROVE,
    HOUR,
    REJECT,
    SUBMIT,
    T0,
    audit_count,
    community_activity,
    count,
    gid,
    staff,
    volunteer,
)

PAST = T0 - 48 * HOUR


async def _past_activity(session, settings, organizer, community, title="敬老院陪伴"):
    """An activity created before PAST with one 24-hour shift (PAST - 1 h … PAST + 23 h): the
    manual records below fall inside it (docs/volunteering.md, The ledger). The clock ends
    at T0."""
    clock.freeze(PAST - 2 * HOUR)
    activity, _ = await community_activity(
        session,
        settings,
        organizer,
        community,
        shifts=[(PAST - HOUR, PAST + 23 * HOUR, 10)],
        title=title,
    )
    clock.freeze(T0)
    return activity


async def _world(session, settings):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    activity = await _past_activity(session, settings, organizer, w.community_a1)
    v = await volunteer(session, settings)
    return w, organizer, activity, v


async def _submit(gql, v, activity, start, end, key=None):
    i = {
        "activityId": gid("Activity", activity.id),
        "startsAt": start.isoformat(),
        "endsAt": end.isoformat(),
        "description": "陪老人聊天",
    }
    if key:
        i["idempotencyKey"] = key
    return (await gql(SUBMIT, {"i": i}, token=v.token))["submitServiceRecord"]


async def test_negative_over_long_and_overlapping_manual_records_are_refused(
    session, settings, gql
):
    _, _, activity, v = await _world(session, settings)
    ok = await _submit(gql, v, activity, PAST, PAST + 2 * HOUR)
    assert ok["errors"] == []
    before = await audit_count(session)
    cases = {
        "INVALID_RECORD_TIME": (PAST + 10 * HOUR, PAST + 9 * HOUR),
        "RECORD_TOO_LONG": (PAST + 10 * HOUR, PAST + 23 * HOUR),
        "RECORD_OVERLAP": (PAST + HOUR, PAST + 3 * HOUR),
    }
    for code, (start, end) in cases.items():
        result = await _submit(gql, v, activity, start, end)
        assert [e["code"] for e in result["errors"]] == [code]
    assert await count(session, ServiceRecord) == 1
    assert await audit_count(session) == before


async def test_a_retried_manual_submission_creates_one_record(session, settings, gql):
    _, _, activity, v = await _world(session, settings)
    first = await _submit(gql, v, activity, PAST, PAST + HOUR, key="manual-key-0001")
    second = await _submit(gql, v, activity, PAST, PAST + HOUR, key="manual-key-0001")
    assert first["record"]["id"] == second["record"]["id"]
    assert await count(session, ServiceRecord) == 1


async def test_only_the_activity_s_organizer_approves(session, settings, gql):
    w, _, activity, v = await _world(session, settings)
    record = (await _submit(gql, v, activity, PAST, PAST + HOUR))["record"]
    colleague = await staff(session, settings, w.street_a)  # same street, didn't create it
    other_street = await staff(session, settings, w.street_b)
    before = await audit_count(session)
    for who, code in ((colleague, "NOT_ORGANIZER"), (other_street, "NOT_FOUND")):
        data = await gql(APPROVE, {"i": {"recordIds": [record["id"]]}}, token=who.token)
        assert [e["code"] for e in data["approveServiceRecords"]["errors"]] == [code]
    assert await count(session, ServiceRecord, ServiceRecord.status == RecordStatus.PENDING) == 1
    assert await audit_count(session) == before


async def test_bulk_approval_is_all_or_nothing(session, settings, gql):
    w, organizer, activity, v = await _world(session, settings)
    mine = (await _submit(gql, v, activity, PAST, PAST + HOUR))["record"]
    elsewhere_staff = await staff(session, settings, w.street_b)
    foreign_activity = await _past_activity(
        session, settings, elsewhere_staff, w.community_b1, title="别处活动"
    )
    foreign = (await _submit(gql, v, foreign_activity, PAST + 2 * HOUR, PAST + 3 * HOUR))["record"]
    data = await gql(
        APPROVE, {"i": {"recordIds": [mine["id"], foreign["id"]]}}, token=organizer.token
    )
    assert [e["code"] for e in data["approveServiceRecords"]["errors"]] == ["NOT_FOUND"]
    assert await count(session, ServiceRecord, ServiceRecord.status == RecordStatus.APPROVED) == 0


async def test_approving_in_bulk_notifies_and_updates_totals(session, settings, gql, run_jobs):
    _, organizer, activity, v = await _world(session, settings)
    ids = [
        (await _submit(gql, v, activity, PAST + k * 2 * HOUR, PAST + (k * 2 + 1) * HOUR))["record"][
            "id"
        ]
        for k in range(3)
    ]
    data = await gql(APPROVE, {"i": {"recordIds": ids}}, token=organizer.token)
    assert {r["status"] for r in data["approveServiceRecords"]["records"]} == {"APPROVED"}
    await run_jobs()
    fresh = await session.scalar(
        select(Volunteer)
        .where(Volunteer.id == v.volunteer.id)
        .execution_options(populate_existing=True)
    )
    assert fresh is not None and fresh.total_minutes == 180
    approved_notes = await count(
        session,
        Notification,
        Notification.account_id == v.login.account.id,
        Notification.kind == "hours.approved",
    )
    assert approved_notes == 3


async def test_rejection_needs_a_reason(session, settings, gql):
    _, organizer, activity, v = await _world(session, settings)
    record = (await _submit(gql, v, activity, PAST, PAST + HOUR))["record"]
    bare = await gql(REJECT, {"i": {"recordIds": [record["id"]]}}, token=organizer.token)
    assert [e["code"] for e in bare["rejectServiceRecords"]["errors"]] == ["INVALID_INPUT"]
    done = await gql(
        REJECT, {"i": {"recordIds": [record["id"]], "note": "当天未到场"}}, token=organizer.token
    )
    assert done["rejectServiceRecords"]["records"][0]["status"] == "REJECTED"


async def test_an_approved_record_can_not_be_edited(session, settings, gql):
    _, organizer, activity, v = await _world(session, settings)
    record = (await _submit(gql, v, activity, PAST, PAST + HOUR))["record"]
    await gql(APPROVE, {"i": {"recordIds": [record["id"]]}}, token=organizer.token)
    before = await audit_count(session)
    data = await gql(
        """mutation($i: UpdateServiceRecordInput!) { updateServiceRecord(input: $i) {
          record { id } errors { code } } }""",
        {
            "i": {
                "recordId": record["id"],
                "startsAt": PAST.isoformat(),
                "endsAt": (PAST + 5 * HOUR).isoformat(),
                "description": "改成五小时",
                "version": 2,
            }
        },
        token=v.token,
    )
    assert [e["code"] for e in data["updateServiceRecord"]["errors"]] == ["RECORD_IMMUTABLE"]
    row = await session.scalar(select(ServiceRecord))
    assert row is not None and row.minutes == 60
    assert await audit_count(session) == before
    again = await gql(APPROVE, {"i": {"recordIds": [record["id"]]}}, token=organizer.token)
    assert [e["code"] for e in again["approveServiceRecords"]["errors"]] == ["RECORD_IMMUTABLE"]


async def test_a_correction_is_a_reversal_plus_a_new_record(session, settings, gql, run_jobs):
    _, organizer, activity, v = await _world(session, settings)
    record = (await _submit(gql, v, activity, PAST, PAST + 2 * HOUR))["record"]
    await gql(APPROVE, {"i": {"recordIds": [record["id"]]}}, token=organizer.token)
    data = await gql(
        """mutation($i: CorrectServiceRecordInput!) { correctServiceRecord(input: $i) {
          reversal { minutes source reversesId } correction { minutes source status }
          errors { code } } }""",
        {
            "i": {
                "recordId": record["id"],
                "startsAt": PAST.isoformat(),
                "endsAt": (PAST + 90 * dt.timedelta(minutes=1)).isoformat(),
                "reason": "提前离开",
            }
        },
        token=organizer.token,
    )
    payload = data["correctServiceRecord"]
    assert payload["reversal"] == {
        "minutes": -120,
        "source": "REVERSAL",
        "reversesId": record["id"],
    }
    assert payload["correction"] == {"minutes": 90, "source": "CORRECTION", "status": "APPROVED"}
    await run_jobs()
    total = await session.scalar(
        select(Volunteer.total_minutes).where(Volunteer.id == v.volunteer.id)
    )
    assert total == 90
    original = await session.scalar(
        select(ServiceRecord).where(ServiceRecord.source == RecordSource.MANUAL)
    )
    assert original is not None and original.minutes == 120  # kept, unchanged


async def test_a_disputed_rejection_upheld_by_the_organizer_is_approved(
    session, settings, gql, run_jobs
):
    _, organizer, activity, v = await _world(session, settings)
    record = (await _submit(gql, v, activity, PAST, PAST + HOUR))["record"]
    await gql(REJECT, {"i": {"recordIds": [record["id"]], "note": "未签到"}}, token=organizer.token)
    opened = await gql(
        """mutation($i: DisputeServiceRecordInput!) { disputeServiceRecord(input: $i) {
          dispute { id status } errors { code } } }""",
        {"i": {"recordId": record["id"], "reason": "我忘了签到，但全程在场"}},
        token=v.token,
    )
    dispute_id = opened["disputeServiceRecord"]["dispute"]["id"]
    resolved = await gql(
        """mutation($i: ResolveHoursDisputeInput!) { resolveHoursDispute(input: $i) {
          dispute { status record { status } } errors { code } } }""",
        {"i": {"disputeId": dispute_id, "upheld": True, "note": "经核实在场"}},
        token=organizer.token,
    )
    assert resolved["resolveHoursDispute"]["dispute"] == {
        "status": "UPHELD",
        "record": {"status": "APPROVED"},
    }
    await run_jobs()
    assert await count(session, Notification, Notification.kind == "hours.dispute_upheld") == 1
    total = await session.scalar(
        select(Volunteer.total_minutes).where(Volunteer.id == v.volunteer.id)
    )
    assert total == 60


async def test_auditors_read_records_in_their_region_only(session, settings, gql):
    w, _, activity, v = await _world(session, settings)
    await _submit(gql, v, activity, PAST, PAST + HOUR)
    auditor_a = await factories.account(session, settings, role="AUDITOR", region=w.street_a)
    auditor_b = await factories.account(session, settings, role="AUDITOR", region=w.street_b)
    q = "{ serviceRecords(first: 10) { edges { node { minutes participant { name } } } } }"
    seen = await gql(q, token=auditor_a.token)
    hidden = await gql(q, token=auditor_b.token)
    assert len(seen["serviceRecords"]["edges"]) == 1
    # The volunteer lives in street A: the auditor there may see the real name (PIPL policy).
    assert seen["serviceRecords"]["edges"][0]["node"]["participant"]["name"] == "李志愿"
    assert hidden["serviceRecords"]["edges"] == []


# --- totals ----------------------------------------------------------------------------------


def test_star_levels_start_at_100_300_600_1000_1500_hours():
    assert [hours.star_level(h * 60) for h in (99, 100, 299, 300, 600, 1000, 1499, 1500, 9000)] == [
        0,
        1,
        1,
        2,
        3,
        4,
        4,
        5,
        5,
    ]


async def _approved_ledger(session, settings, gql, minutes_each, n):
    _, _, activity, v = await _world(session, settings)
    session.add_all(
        ServiceRecord(
            volunteer_id=v.volunteer.id,
            activity_id=activity.id,
            region_path=activity.region_path,
            starts_at=PAST - dt.timedelta(days=k + 1),
            ends_at=PAST - dt.timedelta(days=k + 1) + dt.timedelta(minutes=minutes_each),
            minutes=minutes_each,
            source=RecordSource.MANUAL,
            status=RecordStatus.APPROVED,
        )
        for k in range(n)
    )
    await session.commit()
    return v


async def test_reaching_a_star_level_notifies_once(session, settings, gql, run_jobs):
    v = await _approved_ledger(session, settings, gql, 600, 10)  # 100 hours
    changes = await hours.recompute_totals(session, [v.volunteer.id])
    await hours.notify_new_star_levels(session, changes)
    again = await hours.recompute_totals(session, [v.volunteer.id])
    await hours.notify_new_star_levels(session, again)
    await session.commit()
    assert [c.stars_after for c in changes] == [1] and again == []
    assert await count(session, Notification, Notification.kind == "volunteer.star_level") == 1


async def test_reconciliation_repairs_drift_of_changed_volunteers_and_reports_it(
    session, settings, gql
):
    v = await _approved_ledger(session, settings, gql, 60, 5)
    await session.execute(
        update(Volunteer).where(Volunteer.id == v.volunteer.id).values(total_minutes=9999)
    )
    session.add(VolunteerTotalChange(volunteer_id=v.volunteer.id, changed_at=T0, seq=1))
    await session.commit()
    report = await hours.reconcile_changed(session)
    await session.commit()
    assert report.checked == 1
    assert [(c.minutes_before, c.minutes_after) for c in report.repaired] == [(9999, 300)]
    assert await count(session, VolunteerTotalChange) == 0
    second = await hours.reconcile_changed(session)
    assert second.checked == 0 and second.repaired == []


async def test_reconciliation_leaves_unchanged_volunteers_alone(session, settings, gql):
    v = await _approved_ledger(session, settings, gql, 60, 5)
    await session.execute(
        update(Volunteer).where(Volunteer.id == v.volunteer.id).values(total_minutes=1)
    )
    await session.commit()
    report = await hours.reconcile_changed(session)  # no marker: not looked at (cost ∝ changes)
    assert report.checked == 0
    full = await hours.reconcile_all(session)
    await session.commit()
    assert [(c.minutes_before, c.minutes_after) for c in full.repaired] == [(1, 300)]


async def test_dispute_of_an_approved_record_stays_counted_until_resolved(session, settings, gql):
    _, organizer, activity, v = await _world(session, settings)
    record = (await _submit(gql, v, activity, PAST, PAST + HOUR))["record"]
    await gql(APPROVE, {"i": {"recordIds": [record["id"]]}}, token=organizer.token)
    await gql(
        """mutation($i: DisputeServiceRecordInput!) { disputeServiceRecord(input: $i) {
          errors { code } } }""",
        {"i": {"recordId": record["id"], "reason": "少算了半小时"}},
        token=v.token,
    )
    row = await session.scalar(select(ServiceRecord))
    dispute = await session.scalar(select(HoursDispute))
    assert row is not None and row.status is RecordStatus.APPROVED
    assert dispute is not None and dispute.record_status_before is RecordStatus.APPROVED


async def test_the_nightly_job_reports_what_it_repaired(session, settings, gql, run_jobs):
    from matchmaker.models import OutboxJob
    from matchmaker.queue.outbox import schedule

    v = await _approved_ledger(session, settings, gql, 60, 2)
    await session.execute(
        update(Volunteer).where(Volunteer.id == v.volunteer.id).values(total_minutes=7)
    )
    session.add(VolunteerTotalChange(volunteer_id=v.volunteer.id, changed_at=T0, seq=1))
    job_id = await schedule(session, "reconcile_volunteer_totals", {})
    await session.commit()
    await run_jobs()
    job = await session.get(OutboxJob, job_id)
    assert job is not None and job.result is not None
    assert job.result["repaired_count"] == 1
    assert job.result["repaired"][0]["minutes_before"] == 7
    assert job.result["repaired"][0]["minutes_after"] == 120
