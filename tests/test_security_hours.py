"""Self-certified hours: nobody certifies their own record, and a manual record falls inside one
of its activity's shifts, so it can't be back-dated (docs/volunteering.md, The ledger)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from matchmaker import clock
from matchmaker.models import ServiceRecord, Volunteer
from matchmaker.models.enums import Role
from matchmaker.models.volunteering import RecordSource, RecordStatus
from matchmaker.services import accounts, crypto
from matchmaker.services.bootstrap import system_context
from matchmaker.services.validation import mask_id_number, parse_id_number
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

CORRECT = """mutation($i: CorrectServiceRecordInput!) { correctServiceRecord(input: $i) {
  errors { code field } } }"""


async def _also_a_volunteer(session, settings, login: factories.Login) -> Volunteer:
    """Give a staff account a volunteer grant and profile: an organizer who also volunteers."""
    await accounts.add_grant(
        system_context(session, settings), account_id=login.account.id, role=Role.VOLUNTEER
    )
    number = factories.valid_id_number(1, birth="19850505")
    parsed = parse_id_number(number)
    assert parsed is not None
    v = Volunteer(
        account_id=login.account.id,
        real_name="王组织",
        id_number_encrypted=crypto.encrypt_pii(settings.secret_key, number),
        id_number_hash=crypto.keyed_hash(settings.secret_key, number),
        id_number_masked=mask_id_number(number),
        birth_date=parsed[1],
        gender=parsed[2],
        volunteer_number="V9000007001",
        skills=[],
        interests=[],
        home_region_id=login.grant.region_id if login.grant else None,
    )
    session.add(v)
    await session.commit()
    return v


async def _submit(gql, token, activity_id: int, start: dt.datetime, end: dt.datetime):
    i = {
        "activityId": gid("Activity", activity_id),
        "startsAt": start.isoformat(),
        "endsAt": end.isoformat(),
        "description": "整理活动室",
    }
    return (await gql(SUBMIT, {"i": i}, token=token))["submitServiceRecord"]


async def _organizer_with_a_finished_shift(session, settings):
    """A community organizer who volunteers too; their activity ran T0+1h..T0+4h."""
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    me_as_volunteer = await _also_a_volunteer(session, settings, organizer)
    activity, (shift,) = await community_activity(
        session, settings, organizer, w.community_a1, shifts=[(T0 + HOUR, T0 + 4 * HOUR, 10)]
    )
    clock.freeze(T0 + 5 * HOUR)
    return w, organizer, me_as_volunteer, activity, shift


async def test_an_organizer_who_volunteers_cannot_approve_their_own_manual_record(
    session, settings, gql
):
    _, organizer, _, activity, _ = await _organizer_with_a_finished_shift(session, settings)
    # Submitting their own hours is fine (they did serve)...
    submitted = await _submit(gql, organizer.token, activity.id, T0 + HOUR, T0 + 4 * HOUR)
    assert submitted["errors"] == []
    record_id = submitted["record"]["id"]
    before = await audit_count(session)
    # ...approving (or rejecting) them is not: 3 hours certified by the person who earns them.
    for mutation, name, extra in (
        (APPROVE, "approveServiceRecords", {}),
        (REJECT, "rejectServiceRecords", {"note": "自己驳回"}),
    ):
        data = await gql(
            mutation, {"i": {"recordIds": [record_id], **extra}}, token=organizer.token
        )
        assert [(e["code"], e["field"]) for e in data[name]["errors"]] == [
            ("SELF_CERTIFICATION", "recordIds")
        ]
    assert await count(session, ServiceRecord, ServiceRecord.status == RecordStatus.PENDING) == 1
    assert await audit_count(session) == before


async def test_a_batch_hiding_the_organizer_s_own_record_among_others_is_refused_whole(
    session, settings, gql
):
    _, organizer, _, activity, _ = await _organizer_with_a_finished_shift(session, settings)
    other = await volunteer(session, settings)
    theirs = (await _submit(gql, other.token, activity.id, T0 + HOUR, T0 + 2 * HOUR))["record"]
    mine = (await _submit(gql, organizer.token, activity.id, T0 + HOUR, T0 + 2 * HOUR))["record"]
    data = await gql(
        APPROVE, {"i": {"recordIds": [theirs["id"], mine["id"]]}}, token=organizer.token
    )
    assert [e["code"] for e in data["approveServiceRecords"]["errors"]] == ["SELF_CERTIFICATION"]
    assert await count(session, ServiceRecord, ServiceRecord.status == RecordStatus.APPROVED) == 0


async def test_an_organizer_cannot_raise_their_own_approved_hours_by_correcting_them(
    session, settings, gql
):
    _, organizer, me, activity, shift = await _organizer_with_a_finished_shift(session, settings)
    # An approved 1-hour record of theirs (certified by someone else at the time).
    record = ServiceRecord(
        volunteer_id=me.id,
        activity_id=activity.id,
        shift_id=shift.id,
        region_path=activity.region_path,
        organization_id=None,
        starts_at=T0 + HOUR,
        ends_at=T0 + 2 * HOUR,
        minutes=60,
        source=RecordSource.MANUAL,
        status=RecordStatus.APPROVED,
        description="整理活动室",
    )
    session.add(record)
    await session.commit()
    data = await gql(
        CORRECT,
        {
            "i": {
                "recordId": gid("ServiceRecord", record.id),
                "startsAt": (T0 + HOUR).isoformat(),
                "endsAt": (T0 + 4 * HOUR).isoformat(),  # 1 h → 3 h
                "reason": "补全时长",
            }
        },
        token=organizer.token,
    )
    assert [(e["code"], e["field"]) for e in data["correctServiceRecord"]["errors"]] == [
        ("SELF_CERTIFICATION", "recordId")
    ]
    assert await count(session, ServiceRecord) == 1


async def test_a_manual_record_back_dated_before_the_activity_existed_is_refused(
    session, settings, gql
):
    _, _, _, activity, _ = await _organizer_with_a_finished_shift(session, settings)
    v = await volunteer(session, settings)
    # The activity was created at T0; two days earlier it didn't exist.
    back_dated = await _submit(gql, v.token, activity.id, T0 - 48 * HOUR, T0 - 45 * HOUR)
    assert [(e["code"], e["field"]) for e in back_dated["errors"]] == [
        ("INVALID_RECORD_TIME", "startsAt")
    ]
    assert await count(session, ServiceRecord) == 0


async def test_a_manual_record_outside_every_shift_of_the_activity_is_refused(
    session, settings, gql
):
    _, _, _, activity, shift = await _organizer_with_a_finished_shift(session, settings)
    v = await volunteer(session, settings)
    # After the activity was created but before its only shift (T0+1h..T0+4h) began, and one
    # running past its end: neither lies inside the shift.
    for start, end in (
        (T0 + 10 * dt.timedelta(minutes=1), T0 + HOUR),
        (T0 + 3 * HOUR, T0 + 5 * HOUR),
    ):
        refused = await _submit(gql, v.token, activity.id, start, end)
        assert [e["code"] for e in refused["errors"]] == ["INVALID_RECORD_TIME"]
    inside = await _submit(gql, v.token, activity.id, T0 + 2 * HOUR, T0 + 3 * HOUR)
    assert inside["errors"] == [] and inside["record"]["minutes"] == 60
    record = await session.scalar(select(ServiceRecord))
    assert record is not None and record.shift_id == shift.id  # attached to its shift
