"""Check-in and check-out with the shift's rotating code; closing forgotten check-outs.

Check-in opens 30 minutes before the shift and needs the current code (±1 step) and, where
the activity sets a radius, a position inside it. An idempotency key makes a retried request
(a phone on a bad network) return the first request's row instead of a second one: requests of
one volunteer are serialised on the volunteer row, and ``(volunteer_id, idempotency_key)`` is
unique as a backstop.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from matchmaker import clock
from matchmaker.db.engine import dialect_name
from matchmaker.models import Activity, Attendance, ServiceRecord, Shift, Signup, Volunteer
from matchmaker.models.volunteering import ActivityStatus, CheckoutBy, SignupStatus
from matchmaker.queue.outbox import schedule
from matchmaker.services import audit, hours
from matchmaker.services.activities import (
    code_is_valid,
    distance_m,
    lock_shift,
    my_volunteer,
    organized_activity,
)
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.matching import store as matching_store
from matchmaker.services.matching.store import SUCCEEDED
from matchmaker.services.ratelimit import LoginAttempt, checkin_keys

CHECKIN_OPENS_BEFORE = dt.timedelta(minutes=30)
ATTENDANCE_FIELDS = Attendance.AUDITED


def _check_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = key.strip()
    if not 8 <= len(key) <= 100:
        raise invalid("idempotencyKey", "An idempotency key has 8 to 100 characters")
    return key


async def reserve_code_attempt(sc: ServiceContext, *, shift_id: int) -> LoginAttempt | None:
    """Take a place among this volunteer's code attempts for the shift before a code is checked
    (settings.checkin_max_failures wrong codes per login window; docs/security.md)."""
    limiter = sc.login_limiter
    if limiter is None:
        return None
    volunteer = await my_volunteer(sc)
    attempt = await limiter.reserve(checkin_keys(volunteer.id, shift_id), sc.session)
    if attempt is None:
        raise DomainError(
            ErrorCode.RATE_LIMITED, "Too many wrong codes; try again in 15 minutes", "code"
        )
    return attempt


async def check_in(
    sc: ServiceContext,
    *,
    shift_id: int,
    code: str,
    latitude: float | None = None,
    longitude: float | None = None,
    idempotency_key: str | None = None,
) -> Attendance:
    key = _check_key(idempotency_key)
    volunteer = await my_volunteer(sc, lock=True)
    if key is not None:
        earlier = await sc.session.scalar(
            select(Attendance).where(
                Attendance.volunteer_id == volunteer.id, Attendance.idempotency_key == key
            )
        )
        if earlier is not None:
            if earlier.shift_id != shift_id:
                raise invalid(
                    "idempotencyKey", "This key was used for another shift", ErrorCode.CONFLICT
                )
            return earlier
    shift = await sc.session.get(Shift, shift_id)
    if shift is None:
        raise not_found("Shift")
    activity = await sc.session.get(Activity, shift.activity_id)
    assert activity is not None
    if activity.status is ActivityStatus.CANCELLED or shift.is_cancelled:
        raise DomainError(ErrorCode.ACTIVITY_CANCELLED, "The activity is cancelled")
    now = clock.now()
    if not shift.starts_at - CHECKIN_OPENS_BEFORE <= now < shift.ends_at:
        raise DomainError(
            ErrorCode.CHECKIN_NOT_OPEN,
            "Check-in opens 30 minutes before the shift and closes at its end",
            "shiftId",
        )
    if not code_is_valid(shift.secret, code, now):
        raise DomainError(ErrorCode.INVALID_CHECKIN_CODE, "Wrong or expired code", "code")
    if activity.checkin_radius_m is not None and activity.latitude is not None:
        if latitude is None or longitude is None:
            raise DomainError(
                ErrorCode.LOCATION_REQUIRED, "This activity checks your location", "latitude"
            )
        assert activity.longitude is not None
        away = distance_m(latitude, longitude, activity.latitude, activity.longitude)
        if away > activity.checkin_radius_m:
            raise DomainError(
                # Not the distance: it would tell a stranger where the activity is.
                ErrorCode.OUTSIDE_RADIUS,
                "You are outside the activity's check-in radius",
                "latitude",
            )
    signup = await sc.session.scalar(
        select(Signup).where(Signup.shift_id == shift.id, Signup.volunteer_id == volunteer.id)
    )
    if signup is None or signup.status not in (SignupStatus.CONFIRMED, SignupStatus.NO_SHOW):
        raise DomainError(
            ErrorCode.NOT_SIGNED_UP, "You don't hold a place on this shift", "shiftId"
        )
    if await sc.session.scalar(
        select(Attendance.id).where(
            Attendance.shift_id == shift.id, Attendance.volunteer_id == volunteer.id
        )
    ):
        raise DomainError(ErrorCode.ALREADY_CHECKED_IN, "You are checked in already", "shiftId")
    attendance = Attendance(
        shift_id=shift.id,
        volunteer_id=volunteer.id,
        signup_id=signup.id,
        checked_in_at=now,
        checkin_latitude=latitude,
        checkin_longitude=longitude,
        idempotency_key=key,
    )
    sc.session.add(attendance)
    # A late arrival marked as a no-show is simply present after all.
    signup.status = SignupStatus.ATTENDED
    await sc.session.flush()
    await matching_store.record_volunteer_outcome(
        sc.session, sc.settings, volunteer_id=volunteer.id, shift_id=shift.id, stage=SUCCEEDED
    )
    await audit.record(
        sc,
        action="attendance.check_in",
        subject_type="Attendance",
        subject_id=attendance.id,
        after=audit.snapshot(attendance, ATTENDANCE_FIELDS),
        region_path=activity.region_path,
    )
    # Closes this shift's forgotten check-outs at its end (keyed: one job per shift).
    await schedule(
        sc.session,
        "close_forgotten_checkouts",
        {"shift_id": shift.id},
        key=f"close_checkouts:{shift.id}",
        run_at=shift.ends_at,
    )
    return attendance


async def _close(
    sc: ServiceContext,
    attendance: Attendance,
    shift: Shift,
    activity: Activity,
    *,
    at: dt.datetime,
    by: CheckoutBy,
) -> ServiceRecord | None:
    before = audit.snapshot(attendance, ATTENDANCE_FIELDS)
    attendance.checked_out_at = max(at, attendance.checked_in_at)
    attendance.checkout_by = by
    await sc.session.flush()
    await audit.record(
        sc,
        action="attendance.check_out",
        subject_type="Attendance",
        subject_id=attendance.id,
        before=before,
        after=audit.snapshot(attendance, ATTENDANCE_FIELDS),
        region_path=activity.region_path,
    )
    return await hours.record_from_attendance(
        sc, attendance, shift, activity, needs_review=by is CheckoutBy.SYSTEM
    )


async def check_out(
    sc: ServiceContext, *, shift_id: int, code: str
) -> tuple[Attendance, ServiceRecord | None]:
    """Check out with the current code; the pending service record is created now."""
    volunteer = await my_volunteer(sc, lock=True)
    attendance = await sc.session.scalar(
        select(Attendance).where(
            Attendance.shift_id == shift_id, Attendance.volunteer_id == volunteer.id
        )
    )
    if attendance is None:
        raise DomainError(ErrorCode.NOT_CHECKED_IN, "You are not checked in", "shiftId")
    if attendance.checked_out_at is not None:
        record = await sc.session.scalar(
            select(ServiceRecord).where(ServiceRecord.attendance_id == attendance.id)
        )
        return attendance, record  # a retried check-out: same answer, nothing new
    shift = await sc.session.get(Shift, shift_id)
    assert shift is not None
    if not code_is_valid(shift.secret, code, clock.now()):
        raise DomainError(ErrorCode.INVALID_CHECKIN_CODE, "Wrong or expired code", "code")
    activity = await sc.session.get(Activity, shift.activity_id)
    assert activity is not None
    record = await _close(sc, attendance, shift, activity, at=clock.now(), by=CheckoutBy.VOLUNTEER)
    return attendance, record


async def check_out_roster(sc: ServiceContext, *, shift_id: int) -> list[Attendance]:
    """The organizer checks out everyone still checked in (at now, or the shift's end)."""
    shift = await lock_shift(sc.session, shift_id)
    if shift is None:
        raise not_found("Shift")
    activity = await organized_activity(sc, shift.activity_id)
    open_rows = list(
        await sc.session.scalars(
            select(Attendance)
            .where(Attendance.shift_id == shift.id, Attendance.checked_out_at.is_(None))
            .order_by(Attendance.id)
        )
    )
    at = min(clock.now(), shift.ends_at)
    for attendance in open_rows:
        await _close(sc, attendance, shift, activity, at=at, by=CheckoutBy.ORGANIZER)
    return open_rows


async def close_forgotten_checkouts(sc: ServiceContext, *, shift_id: int) -> int:
    """At the shift's end: close whatever is still open, marked for the organizer's review."""
    shift = await lock_shift(sc.session, shift_id)
    if shift is None or shift.ends_at > clock.now():
        return 0
    activity = await sc.session.get(Activity, shift.activity_id)
    assert activity is not None
    open_rows = list(
        await sc.session.scalars(
            select(Attendance)
            .where(Attendance.shift_id == shift.id, Attendance.checked_out_at.is_(None))
            .order_by(Attendance.id)
        )
    )
    for attendance in open_rows:
        await _close(sc, attendance, shift, activity, at=shift.ends_at, by=CheckoutBy.SYSTEM)
    shift.checkouts_closed_at = clock.now()
    return len(open_rows)


async def shifts_with_forgotten_checkouts(sc: ServiceContext, *, limit: int = 500) -> list[int]:
    """Ended shifts not swept yet (the cron safety net behind the per-shift job)."""
    now = clock.now()
    return list(
        await sc.session.scalars(
            select(Shift.id)
            .where(
                Shift.ends_at <= now,
                Shift.ends_at > now - dt.timedelta(days=7),
                Shift.checkouts_closed_at.is_(None),
            )
            .order_by(Shift.ends_at)
            .limit(limit)
        )
    )


async def _lock_volunteer(sc: ServiceContext, volunteer_id: int) -> None:
    """The volunteer row, locked first (lock order: volunteer → shift → audit chain)."""
    stmt = select(Volunteer.id).where(Volunteer.id == volunteer_id)
    if dialect_name(sc.session) == "postgresql":
        stmt = stmt.with_for_update()
    await sc.session.scalar(stmt)


def _check_marked_times(
    shift: Shift, check_in_at: dt.datetime | None, check_out_at: dt.datetime | None
) -> tuple[dt.datetime, dt.datetime]:
    now = clock.now()
    start = check_in_at if check_in_at is not None else shift.starts_at
    end = check_out_at if check_out_at is not None else min(shift.ends_at, now)
    for field, value in (("checkInAt", start), ("checkOutAt", end)):
        if value.tzinfo is None:
            raise invalid(field, "Give the time with its time zone", ErrorCode.INVALID_RECORD_TIME)
        if not shift.starts_at <= value <= shift.ends_at:
            raise invalid(
                field, "The time must fall within the shift", ErrorCode.INVALID_RECORD_TIME
            )
    if end > now:
        raise invalid(
            "checkOutAt", "Check-out can't be in the future", ErrorCode.INVALID_RECORD_TIME
        )
    if end <= start:
        raise invalid(
            "checkOutAt", "Check-out must come after check-in", ErrorCode.INVALID_RECORD_TIME
        )
    return start, end


async def mark_attended(
    sc: ServiceContext,
    *,
    signup_id: int,
    check_in_at: dt.datetime | None = None,
    check_out_at: dt.datetime | None = None,
) -> tuple[Attendance, ServiceRecord | None]:
    """The organizer records that a volunteer (without a phone, say) served on a shift.

    For a CONFIRMED signup, or a NO_SHOW one (correcting it), once the shift has started.
    Check-in and check-out default to the shift's start and end (or now, if the shift is
    still running) and must fall within the shift. The signup becomes ATTENDED and the
    PENDING record is created as at check-out. Idempotent: a signup already attended with a
    closed attendance returns that attendance and its record; one the volunteer checked in
    themselves and never checked out is closed now by the organizer.
    """
    signup = await sc.session.get(Signup, signup_id)
    if signup is None:
        raise not_found("Signup")
    await _lock_volunteer(sc, signup.volunteer_id)
    shift = await lock_shift(sc.session, signup.shift_id)
    assert shift is not None
    activity = await organized_activity(sc, shift.activity_id)
    await sc.session.refresh(signup)
    if activity.status is ActivityStatus.CANCELLED or shift.is_cancelled:
        raise DomainError(ErrorCode.ACTIVITY_CANCELLED, "The activity is cancelled")
    if shift.starts_at > clock.now():
        raise DomainError(
            ErrorCode.INVALID_STATE, "Attendance is marked once the shift starts", "signupId"
        )
    attendance = await sc.session.scalar(
        select(Attendance).where(
            Attendance.shift_id == shift.id, Attendance.volunteer_id == signup.volunteer_id
        )
    )
    if attendance is not None and attendance.checked_out_at is not None:
        record = await sc.session.scalar(
            select(ServiceRecord).where(ServiceRecord.attendance_id == attendance.id)
        )
        return attendance, record  # marked (or checked out) already: same answer, nothing new
    if signup.status not in (SignupStatus.CONFIRMED, SignupStatus.NO_SHOW, SignupStatus.ATTENDED):
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"A {signup.status.value} signup can't be marked as attended",
            "signupId",
        )
    if attendance is not None:
        # Checked in on their phone, never checked out: the organizer closes it.
        # Their own check-in may precede the shift (it opens 30 minutes early): clipped.
        checked_in = max(attendance.checked_in_at, shift.starts_at)
        _, end = _check_marked_times(shift, checked_in, check_out_at)
        record = await _close(sc, attendance, shift, activity, at=end, by=CheckoutBy.ORGANIZER)
        return attendance, record
    start, end = _check_marked_times(shift, check_in_at, check_out_at)
    signup_before = signup.status
    attendance = Attendance(
        shift_id=shift.id,
        volunteer_id=signup.volunteer_id,
        signup_id=signup.id,
        checked_in_at=start,
        checked_out_at=end,
        checkout_by=CheckoutBy.ORGANIZER,
    )
    sc.session.add(attendance)
    signup.status = SignupStatus.ATTENDED
    await sc.session.flush()
    await matching_store.record_volunteer_outcome(
        sc.session,
        sc.settings,
        volunteer_id=signup.volunteer_id,
        shift_id=shift.id,
        stage=SUCCEEDED,
    )
    await audit.record(
        sc,
        action="attendance.mark_attended",
        subject_type="Attendance",
        subject_id=attendance.id,
        before={"signup_status": signup_before.value},
        after={
            **audit.snapshot(attendance, ATTENDANCE_FIELDS),
            "signup_status": signup.status.value,
        },
        region_path=activity.region_path,
    )
    record = await hours.record_from_attendance(sc, attendance, shift, activity, needs_review=False)
    return attendance, record
