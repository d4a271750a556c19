"""Check-in and check-out with the rotating code; forgotten check-outs; pure helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from matchmaker import clock
from matchmaker.models import Attendance, AuditEvent, Region, ServiceRecord, Signup
from matchmaker.models.volunteering import CheckoutBy, RecordStatus, SignupStatus
from matchmaker.services.activities import code_is_valid, current_code, distance_m, hotp
from tests import factories
from tests.volunteering_helpers import (
    CANCEL_SIGNUP,
    CHECK_IN,
    CHECK_OUT,
    HOUR,
    LAT,
    LNG,
    SIGN_UP,
    SUBMIT,
    T0,
    audit_count,
    community_activity,
    count,
    gid,
    staff,
    volunteer,
)

MIN = dt.timedelta(minutes=1)


def test_hotp_matches_the_rfc_4226_test_vectors():
    secret = b"12345678901234567890"
    assert [hotp(secret, c) for c in range(3)] == ["755224", "287082", "359152"]


def test_a_code_is_accepted_one_step_either_side_and_not_beyond():
    secret = b"shift-secret-000000a"
    shown = current_code(secret, T0)
    assert code_is_valid(secret, shown, T0 + MIN)
    assert code_is_valid(secret, shown, T0 - MIN)
    assert not code_is_valid(secret, shown, T0 + 2 * MIN + dt.timedelta(seconds=1))


def test_haversine_distance_is_in_metres():
    assert distance_m(LAT, LNG, LAT, LNG) == 0
    # 0.001 degree of latitude is about 111 m everywhere
    assert 110 < distance_m(LAT, LNG, LAT + 0.001, LNG) < 112


async def _signed_up(session, settings, gql, *, radius=None, start=None):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    start = start or T0 + 20 * MIN
    _, (shift,) = await community_activity(
        session,
        settings,
        organizer,
        w.community_a1,
        shifts=[(start, start + 2 * HOUR, 5)],
        radius=radius,
    )
    v = await volunteer(session, settings)
    await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", shift.id)}}, token=v.token)
    return organizer, shift, v


async def test_check_in_with_the_current_code_marks_the_signup_attended(session, settings, gql):
    _, shift, v = await _signed_up(session, settings, gql)
    data = await gql(
        CHECK_IN,
        {"i": {"shiftId": gid("Shift", shift.id), "code": current_code(shift.secret, T0)}},
        token=v.token,
    )
    assert data["checkIn"]["errors"] == []
    signup = await session.scalar(select(Signup))
    assert signup is not None and signup.status is SignupStatus.ATTENDED


async def test_a_retried_check_in_with_one_idempotency_key_creates_one_record(
    session, settings, gql
):
    _, shift, v = await _signed_up(session, settings, gql)
    variables = {
        "i": {
            "shiftId": gid("Shift", shift.id),
            "code": current_code(shift.secret, T0),
            "idempotencyKey": "phone-retry-0001",
        }
    }
    first = await gql(CHECK_IN, variables, token=v.token)
    clock.advance(3 * MIN)  # the retry arrives after the code has rotated: still the same answer
    second = await gql(CHECK_IN, variables, token=v.token)
    assert first["checkIn"]["attendance"]["id"] == second["checkIn"]["attendance"]["id"]
    assert second["checkIn"]["errors"] == []
    assert await count(session, Attendance) == 1


async def test_wrong_and_expired_codes_are_refused_and_nothing_is_written(session, settings, gql):
    _, shift, v = await _signed_up(session, settings, gql)
    before = await audit_count(session)
    stale = current_code(shift.secret, T0 - 3 * MIN)
    wrong = "000000" if current_code(shift.secret, T0) != "000000" else "111111"
    for code in (wrong, stale):
        data = await gql(
            CHECK_IN, {"i": {"shiftId": gid("Shift", shift.id), "code": code}}, token=v.token
        )
        assert [e["code"] for e in data["checkIn"]["errors"]] == ["INVALID_CHECKIN_CODE"]
    assert await count(session, Attendance) == 0
    assert await audit_count(session) == before


async def test_check_in_outside_the_radius_is_refused(session, settings, gql):
    _, shift, v = await _signed_up(session, settings, gql, radius=200)
    code = current_code(shift.secret, T0)
    far = await gql(
        CHECK_IN,
        {
            "i": {
                "shiftId": gid("Shift", shift.id),
                "code": code,
                "latitude": LAT + 0.01,
                "longitude": LNG,
            }
        },
        token=v.token,
    )
    assert [e["code"] for e in far["checkIn"]["errors"]] == ["OUTSIDE_RADIUS"]
    unknown = await gql(
        CHECK_IN, {"i": {"shiftId": gid("Shift", shift.id), "code": code}}, token=v.token
    )
    assert [e["code"] for e in unknown["checkIn"]["errors"]] == ["LOCATION_REQUIRED"]
    assert await count(session, Attendance) == 0
    near = await gql(
        CHECK_IN,
        {
            "i": {
                "shiftId": gid("Shift", shift.id),
                "code": code,
                "latitude": LAT + 0.001,
                "longitude": LNG,
            }
        },
        token=v.token,
    )
    assert near["checkIn"]["errors"] == []


async def test_check_in_opens_thirty_minutes_before_the_start(session, settings, gql):
    _, shift, v = await _signed_up(session, settings, gql, start=T0 + 31 * MIN)
    early = await gql(
        CHECK_IN,
        {"i": {"shiftId": gid("Shift", shift.id), "code": current_code(shift.secret, T0)}},
        token=v.token,
    )
    assert [e["code"] for e in early["checkIn"]["errors"]] == ["CHECKIN_NOT_OPEN"]
    clock.advance(MIN)
    on_time = await gql(
        CHECK_IN,
        {"i": {"shiftId": gid("Shift", shift.id), "code": current_code(shift.secret, clock.now())}},
        token=v.token,
    )
    assert on_time["checkIn"]["errors"] == []


async def test_check_out_records_minutes_clipped_to_the_shift(session, settings, gql):
    _, shift, v = await _signed_up(session, settings, gql)  # shift 01:20–03:20 UTC
    await gql(
        CHECK_IN,
        {"i": {"shiftId": gid("Shift", shift.id), "code": current_code(shift.secret, T0)}},
        token=v.token,
    )
    clock.advance(2 * HOUR + 40 * MIN)  # 03:40: twenty minutes after the end
    data = await gql(
        CHECK_OUT,
        {"i": {"shiftId": gid("Shift", shift.id), "code": current_code(shift.secret, clock.now())}},
        token=v.token,
    )
    record = data["checkOut"]["record"]
    assert record["minutes"] == 120
    assert (record["status"], record["source"]) == ("PENDING", "ATTENDANCE")


async def test_the_organizer_checks_out_the_whole_roster(session, settings, gql):
    organizer, shift, v = await _signed_up(session, settings, gql)
    await gql(
        CHECK_IN,
        {"i": {"shiftId": gid("Shift", shift.id), "code": current_code(shift.secret, T0)}},
        token=v.token,
    )
    clock.advance(HOUR + 20 * MIN)
    data = await gql(
        """mutation($i: ShiftIdInput!) { checkOutRoster(input: $i) { checkedOut errors { code } } }""",
        {"i": {"shiftId": gid("Shift", shift.id)}},
        token=organizer.token,
    )
    assert data["checkOutRoster"]["checkedOut"] == 1
    record = await session.scalar(select(ServiceRecord))
    assert record is not None and record.minutes == 60


async def test_a_forgotten_check_out_is_closed_at_the_end_and_flagged(
    session, settings, gql, run_jobs
):
    _, shift, v = await _signed_up(session, settings, gql)
    await gql(
        CHECK_IN,
        {"i": {"shiftId": gid("Shift", shift.id), "code": current_code(shift.secret, T0)}},
        token=v.token,
    )
    clock.advance(3 * HOUR)
    await run_jobs()
    attendance = await session.scalar(select(Attendance))
    record = await session.scalar(select(ServiceRecord))
    assert attendance is not None and attendance.checkout_by is CheckoutBy.SYSTEM
    assert attendance.checked_out_at == shift.ends_at
    assert record is not None and record.needs_review and record.status is RecordStatus.PENDING
    assert record.minutes == 120


# --- the organizer marks attendance ---------------------------------------------------------

MARK_ATTENDED = """mutation($i: MarkAttendedInput!) { markAttended(input: $i) {
    attendance { id checkedInAt checkedOutAt }
    record { id minutes status source }
    errors { code field } } }"""


async def _marked(gql, organizer, signup_id, **times):
    data = await gql(
        MARK_ATTENDED, {"i": {"signupId": gid("Signup", signup_id), **times}}, token=organizer.token
    )
    return data["markAttended"]


@dataclass(frozen=True)
class _SignupState:
    id: int
    status: SignupStatus


async def _signup(session) -> _SignupState:
    """The only signup, read and released (SQLite: an open read would block the API's writes)."""
    signup = await session.scalar(select(Signup).execution_options(populate_existing=True))
    assert signup is not None
    state = _SignupState(signup.id, signup.status)
    await session.rollback()
    return state


async def test_the_organizer_marks_a_volunteer_attended_for_the_whole_shift(session, settings, gql):
    organizer, shift, _ = await _signed_up(session, settings, gql)
    starts_at, ends_at = shift.starts_at, shift.ends_at  # shift 01:20–03:20 UTC
    clock.advance(3 * HOUR)
    signup = await _signup(session)
    result = await _marked(gql, organizer, signup.id)
    assert result["errors"] == []
    assert result["record"]["minutes"] == 120
    assert (result["record"]["status"], result["record"]["source"]) == ("PENDING", "ATTENDANCE")
    attendance = await session.scalar(select(Attendance))
    assert attendance is not None
    assert (attendance.checked_in_at, attendance.checked_out_at) == (starts_at, ends_at)
    assert attendance.checkout_by is CheckoutBy.ORGANIZER
    assert (await _signup(session)).status is SignupStatus.ATTENDED
    assert await count(session, AuditEvent, AuditEvent.action == "attendance.mark_attended") == 1


async def test_marking_attendance_twice_returns_the_same_record(session, settings, gql):
    organizer, _, _ = await _signed_up(session, settings, gql)
    clock.advance(3 * HOUR)
    signup = await _signup(session)
    first = await _marked(gql, organizer, signup.id)
    second = await _marked(gql, organizer, signup.id)
    assert second["errors"] == []
    assert second["record"]["id"] == first["record"]["id"]
    assert await count(session, ServiceRecord) == 1
    assert await count(session, Attendance) == 1


async def test_marking_a_no_show_attended_corrects_it(session, settings, gql):
    organizer, _, _ = await _signed_up(session, settings, gql)
    clock.advance(3 * HOUR)
    signup = await _signup(session)
    await gql(
        """mutation($i: SetNoShowInput!) { setNoShow(input: $i) { errors { code } } }""",
        {"i": {"signupId": gid("Signup", signup.id), "noShow": True}},
        token=organizer.token,
    )
    assert (await _signup(session)).status is SignupStatus.NO_SHOW
    result = await _marked(gql, organizer, signup.id)
    assert result["errors"] == []
    assert (await _signup(session)).status is SignupStatus.ATTENDED


async def test_marked_times_are_kept_within_the_shift(session, settings, gql):
    organizer, shift, _ = await _signed_up(session, settings, gql)
    starts_at = shift.starts_at
    clock.advance(3 * HOUR)
    signup = await _signup(session)
    result = await _marked(
        gql,
        organizer,
        signup.id,
        checkInAt=(starts_at + 30 * MIN).isoformat(),
        checkOutAt=(starts_at + 90 * MIN).isoformat(),
    )
    assert result["errors"] == []
    assert result["record"]["minutes"] == 60


async def test_marked_times_outside_the_shift_or_reversed_are_refused_and_nothing_is_written(
    session, settings, gql
):
    organizer, shift, _ = await _signed_up(session, settings, gql)
    starts_at, ends_at = shift.starts_at, shift.ends_at
    clock.advance(3 * HOUR)
    signup = await _signup(session)
    before = await audit_count(session)
    bad = [
        ({"checkInAt": (starts_at - MIN).isoformat()}, "checkInAt"),
        ({"checkOutAt": (ends_at + MIN).isoformat()}, "checkOutAt"),
        (
            {
                "checkInAt": (starts_at + HOUR).isoformat(),
                "checkOutAt": (starts_at + 30 * MIN).isoformat(),
            },
            "checkOutAt",
        ),
    ]
    for times, field in bad:
        result = await _marked(gql, organizer, signup.id, **times)
        assert result["errors"] == [{"code": "INVALID_RECORD_TIME", "field": field}]
    assert await count(session, Attendance) == 0
    assert await count(session, ServiceRecord) == 0
    assert (await _signup(session)).status is SignupStatus.CONFIRMED
    assert await audit_count(session) == before


async def test_a_cancelled_signup_cannot_be_marked_attended(session, settings, gql):
    organizer, _, v = await _signed_up(session, settings, gql)
    signup = await _signup(session)
    await gql(CANCEL_SIGNUP, {"i": {"signupId": gid("Signup", signup.id)}}, token=v.token)
    clock.advance(3 * HOUR)
    before = await audit_count(session)
    result = await _marked(gql, organizer, signup.id)
    assert [e["code"] for e in result["errors"]] == ["INVALID_STATE"]
    assert await count(session, Attendance) == 0
    assert await audit_count(session) == before


async def test_attendance_is_not_marked_before_the_shift_starts(session, settings, gql):
    organizer, _, _ = await _signed_up(session, settings, gql)
    signup = await _signup(session)
    result = await _marked(gql, organizer, signup.id)
    assert [e["code"] for e in result["errors"]] == ["INVALID_STATE"]
    assert await count(session, Attendance) == 0


async def test_a_colleague_who_does_not_organize_the_activity_cannot_mark_attendance(
    session, settings, gql
):
    await _signed_up(session, settings, gql)
    clock.advance(3 * HOUR)
    street_a = await session.scalar(select(Region).where(Region.code == "370102001000"))
    colleague = await staff(session, settings, street_a)
    result = await _marked(gql, colleague, (await _signup(session)).id)
    assert [e["code"] for e in result["errors"]] == ["NOT_ORGANIZER"]
    assert await count(session, Attendance) == 0


async def test_marking_a_volunteer_who_checked_in_closes_their_attendance(session, settings, gql):
    organizer, shift, v = await _signed_up(session, settings, gql)
    await gql(
        CHECK_IN,
        {"i": {"shiftId": gid("Shift", shift.id), "code": current_code(shift.secret, T0)}},
        token=v.token,
    )
    clock.advance(HOUR + 20 * MIN)  # 02:20, the shift runs until 03:20
    result = await _marked(gql, organizer, (await _signup(session)).id)
    assert result["errors"] == []
    assert result["record"]["minutes"] == 60  # from the start to now: not in the future
    assert await count(session, Attendance) == 1


async def test_a_marked_attendance_overlapping_another_record_is_flagged_for_review(
    session, settings, gql
):
    organizer, shift, v = await _signed_up(session, settings, gql)
    starts_at, activity_id = shift.starts_at, shift.activity_id
    clock.advance(3 * HOUR)
    reported = await gql(
        SUBMIT,
        {
            "i": {
                "activityId": gid("Activity", activity_id),
                "startsAt": starts_at.isoformat(),
                "endsAt": (starts_at + HOUR).isoformat(),
                "description": "自己补报的时长",
            }
        },
        token=v.token,
    )
    assert reported["submitServiceRecord"]["errors"] == []
    result = await _marked(gql, organizer, (await _signup(session)).id)
    assert result["errors"] == []
    record = await session.scalar(
        select(ServiceRecord).where(ServiceRecord.attendance_id.is_not(None))
    )
    assert record is not None and record.needs_review
