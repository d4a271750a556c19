"""The hours ledger (志愿服务记录): records, approval, corrections, disputes, totals.

"谁组织谁记录，谁记录谁证明": only an activity's organizer approves or rejects its records, and
never their own (an organizer who also volunteers). A manual record falls inside one of its
activity's shifts (docs/volunteering.md, The ledger).
Approved records are immutable; a correction appends a reversing record (negative minutes) and
a new one. Volunteer totals are a cache of the ledger: every change to approved minutes marks
the volunteer in ``volunteer_total_changes`` and schedules a recompute job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    bindparam,
    delete,
    exists,
    func,
    or_,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from matchmaker import clock
from matchmaker.db.engine import dialect_name
from matchmaker.models import (
    Activity,
    Attendance,
    HoursDispute,
    ServiceRecord,
    Shift,
    Volunteer,
    VolunteerTotalChange,
)
from matchmaker.models.volunteering import DisputeStatus, RecordSource, RecordStatus
from matchmaker.queue.outbox import schedule
from matchmaker.services import audit, notifications
from matchmaker.services.activities import is_organizer, my_volunteer, organizer_clause
from matchmaker.services.authz import Capability, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found


async def approved_minutes_for_project(
    session: AsyncSession, *, project_id: int, start: dt.datetime, end: dt.datetime
) -> int:
    """Approved volunteer minutes on the project's activities with a start in [start, end).

    Reversals count negatively, so a corrected record is counted once, with its new value.
    Stable API: progress reports compute their volunteer hours with it.
    """
    total = await session.scalar(
        select(func.coalesce(func.sum(ServiceRecord.minutes), 0))
        .join(Activity, Activity.id == ServiceRecord.activity_id)
        .where(
            Activity.project_id == project_id,
            ServiceRecord.status == RecordStatus.APPROVED,
            ServiceRecord.starts_at >= start,
            ServiceRecord.starts_at < end,
        )
    )
    return int(total or 0)


# --- shared rules ----------------------------------------------------------------------------

RECORD_FIELDS = ServiceRecord.AUDITED
#: A manual record longer than this is refused (a shift is at most 24 h; a day's service less).
MAX_MANUAL_MINUTES = 12 * 60
MAX_BATCH = 100
#: Star levels (星级志愿者) at 100 / 300 / 600 / 1000 / 1500 approved hours.
STAR_HOURS = (100, 300, 600, 1000, 1500)
LIVE_STATUSES = (RecordStatus.PENDING, RecordStatus.APPROVED, RecordStatus.DISPUTED)


def star_level(total_minutes: int) -> int:
    hours_done = total_minutes // 60
    return sum(1 for threshold in STAR_HOURS if hours_done >= threshold)


def minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    return int((end - start).total_seconds() // 60)


def _not_reversed() -> ColumnElement[bool]:
    reversal = aliased(ServiceRecord)
    return ~exists().where(reversal.reverses_id == ServiceRecord.id)


async def overlapping_record(
    session: AsyncSession,
    *,
    volunteer_id: int,
    start: dt.datetime,
    end: dt.datetime,
    statuses: tuple[RecordStatus, ...] = LIVE_STATUSES,
    exclude_ids: tuple[int, ...] = (),
) -> ServiceRecord | None:
    """A live (not rejected, not reversed) record of the volunteer overlapping [start, end)."""
    stmt = (
        select(ServiceRecord)
        .where(
            ServiceRecord.volunteer_id == volunteer_id,
            ServiceRecord.source != RecordSource.REVERSAL,
            ServiceRecord.status.in_(statuses),
            ServiceRecord.starts_at < end,
            ServiceRecord.ends_at > start,
            _not_reversed(),
        )
        .limit(1)
    )
    if exclude_ids:
        stmt = stmt.where(ServiceRecord.id.not_in(exclude_ids))
    return await session.scalar(stmt)


async def mark_totals_changed(sc: ServiceContext, volunteer_ids: set[int]) -> None:
    """Note that these volunteers' approved minutes changed, and recompute them soon.

    The marker is what the nightly reconciliation reads; the job does the work now.
    """
    if not volunteer_ids:
        return
    now = clock.now()
    insert = pg_insert if dialect_name(sc.session) == "postgresql" else sqlite_insert
    for volunteer_id in sorted(volunteer_ids):
        stmt = insert(VolunteerTotalChange).values(volunteer_id=volunteer_id, changed_at=now, seq=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=["volunteer_id"],
            set_={"changed_at": now, "seq": VolunteerTotalChange.seq + 1},
        )
        await sc.session.execute(stmt)
    await schedule(
        sc.session, "recompute_volunteer_totals", {"volunteer_ids": sorted(volunteer_ids)}
    )


async def _audit_record(
    sc: ServiceContext,
    record: ServiceRecord,
    action: str,
    before: dict[str, Any] | None = None,
) -> None:
    await audit.record(
        sc,
        action=action,
        subject_type="ServiceRecord",
        subject_id=record.id,
        before=before,
        after=audit.snapshot(record, RECORD_FIELDS),
        region_path=record.region_path,
    )


# --- records from attendance and manual submissions --------------------------------------------


async def record_from_attendance(
    sc: ServiceContext,
    attendance: Attendance,
    shift: Shift,
    activity: Activity,
    *,
    needs_review: bool,
) -> ServiceRecord | None:
    """A pending record for a closed attendance: check-in to check-out, clipped to the shift.

    Nothing when the clipped time is under a minute. An overlap with another live record does
    not lose the attendance: the record is kept and flagged for the organizer's review, and
    approval refuses it until the overlap is settled.
    """
    assert attendance.checked_out_at is not None
    start = max(attendance.checked_in_at, shift.starts_at)
    end = min(attendance.checked_out_at, shift.ends_at)
    minutes = minutes_between(start, end) if end > start else 0
    if minutes < 1:
        return None
    overlap = await overlapping_record(
        sc.session, volunteer_id=attendance.volunteer_id, start=start, end=end
    )
    record = ServiceRecord(
        volunteer_id=attendance.volunteer_id,
        activity_id=activity.id,
        shift_id=shift.id,
        attendance_id=attendance.id,
        region_path=activity.region_path,
        organization_id=activity.organization_id,
        starts_at=start,
        ends_at=end,
        minutes=minutes,
        source=RecordSource.ATTENDANCE,
        status=RecordStatus.PENDING,
        needs_review=needs_review or overlap is not None,
        decision_note="overlaps another record" if overlap is not None else None,
        submitted_by_account_id=sc.actor.account_id,
    )
    sc.session.add(record)
    await sc.session.flush()
    await _audit_record(sc, record, "service_record.create")
    return record


def _check_times(start: dt.datetime, end: dt.datetime, shift: Shift | None) -> int:
    if end <= start:
        raise invalid(
            "endsAt", "The record must end after it starts", ErrorCode.INVALID_RECORD_TIME
        )
    if end > clock.now():
        raise invalid("endsAt", "Hours can't be recorded in advance", ErrorCode.INVALID_RECORD_TIME)
    minutes = minutes_between(start, end)
    if minutes < 1:
        raise invalid("endsAt", "A record lasts at least a minute", ErrorCode.INVALID_RECORD_TIME)
    if minutes > MAX_MANUAL_MINUTES:
        raise invalid(
            "endsAt",
            f"A record lasts at most {MAX_MANUAL_MINUTES // 60} hours",
            ErrorCode.RECORD_TOO_LONG,
        )
    if shift is not None and (start < shift.starts_at or end > shift.ends_at):
        raise invalid(
            "endsAt", "A record can't be longer than its shift", ErrorCode.RECORD_TOO_LONG
        )
    return minutes


async def _covering_shift(
    session: AsyncSession, activity: Activity, start: dt.datetime, end: dt.datetime
) -> Shift:
    """The activity's shift that a manual record without one falls inside.

    Shifts start in the future when they are created, so a record inside one can't predate
    its activity: nobody back-dates hours to a time the activity didn't run.
    """
    shift = await session.scalar(
        select(Shift)
        .where(
            Shift.activity_id == activity.id,
            Shift.is_cancelled.is_(False),
            Shift.starts_at <= start,
            Shift.ends_at >= end,
        )
        .order_by(Shift.starts_at)
        .limit(1)
    )
    if shift is None:
        raise invalid(
            "startsAt",
            "A manual record falls within one of the activity's shifts",
            ErrorCode.INVALID_RECORD_TIME,
        )
    return shift


async def submit_manual_record(
    sc: ServiceContext,
    *,
    activity_id: int,
    shift_id: int | None,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    description: str,
    idempotency_key: str | None = None,
) -> ServiceRecord:
    """A volunteer reports hours the check-in missed; the organizer approves or rejects."""
    volunteer = await my_volunteer(sc, lock=True)
    key = idempotency_key.strip() if idempotency_key else None
    if key is not None:
        if not 8 <= len(key) <= 100:
            raise invalid("idempotencyKey", "An idempotency key has 8 to 100 characters")
        earlier = await sc.session.scalar(
            select(ServiceRecord).where(
                ServiceRecord.volunteer_id == volunteer.id, ServiceRecord.idempotency_key == key
            )
        )
        if earlier is not None:
            return earlier
    activity = await sc.session.get(Activity, activity_id)
    if activity is None:
        raise not_found("Activity")
    shift = None
    if shift_id is not None:
        shift = await sc.session.get(Shift, shift_id)
        if shift is None or shift.activity_id != activity.id:
            raise not_found("Shift")
    description = description.strip()
    if not 2 <= len(description) <= 1000:
        raise invalid("description", "Describe the service (2 to 1000 characters)")
    minutes = _check_times(starts_at, ends_at, shift)
    if shift is None:
        shift = await _covering_shift(sc.session, activity, starts_at, ends_at)
    if await overlapping_record(
        sc.session, volunteer_id=volunteer.id, start=starts_at, end=ends_at
    ):
        raise invalid("startsAt", "You have another record at that time", ErrorCode.RECORD_OVERLAP)
    record = ServiceRecord(
        volunteer_id=volunteer.id,
        activity_id=activity.id,
        shift_id=shift.id if shift else None,
        region_path=activity.region_path,
        organization_id=activity.organization_id,
        starts_at=starts_at,
        ends_at=ends_at,
        minutes=minutes,
        source=RecordSource.MANUAL,
        status=RecordStatus.PENDING,
        description=description,
        submitted_by_account_id=sc.actor.account_id,
        idempotency_key=key,
    )
    sc.session.add(record)
    await sc.session.flush()
    await _audit_record(sc, record, "service_record.submit")
    return record


async def update_manual_record(
    sc: ServiceContext,
    *,
    record_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    description: str,
    version: int,
) -> ServiceRecord:
    """The volunteer edits their own pending manual record. Decided records are immutable."""
    volunteer = await my_volunteer(sc, lock=True)
    record = await sc.session.scalar(
        select(ServiceRecord).where(
            ServiceRecord.id == record_id, ServiceRecord.volunteer_id == volunteer.id
        )
    )
    if record is None:
        raise not_found("Service record")
    if record.status is not RecordStatus.PENDING or record.source is not RecordSource.MANUAL:
        raise DomainError(
            ErrorCode.RECORD_IMMUTABLE,
            "Only a pending manual record can be edited; approved records are corrected by the "
            "organizer",
            "recordId",
        )
    if record.version != version:
        raise DomainError(ErrorCode.STALE_VERSION, "The record was changed", "version")
    shift = await sc.session.get(Shift, record.shift_id) if record.shift_id else None
    description = description.strip()
    if not 2 <= len(description) <= 1000:
        raise invalid("description", "Describe the service (2 to 1000 characters)")
    minutes = _check_times(starts_at, ends_at, shift)
    if shift is None:
        activity = await sc.session.get(Activity, record.activity_id)
        assert activity is not None
        shift = await _covering_shift(sc.session, activity, starts_at, ends_at)
    if await overlapping_record(
        sc.session,
        volunteer_id=volunteer.id,
        start=starts_at,
        end=ends_at,
        exclude_ids=(record.id,),
    ):
        raise invalid("startsAt", "You have another record at that time", ErrorCode.RECORD_OVERLAP)
    before = audit.snapshot(record, RECORD_FIELDS)
    record.starts_at, record.ends_at, record.minutes = starts_at, ends_at, minutes
    record.shift_id = shift.id
    record.description = description
    await sc.session.flush()
    await _audit_record(sc, record, "service_record.update", before)
    return record


# --- a volunteer's time on a micro-wish ---------------------------------------------------------


async def record_micro_wish_time(
    sc: ServiceContext,
    *,
    micro_wish_id: int,
    volunteer_id: int,
    region_path: str,
    starts_at: dt.datetime,
    minutes: int,
    description: str,
) -> ServiceRecord:
    """An approved entry for a volunteer's time on a micro-wish the caller confirms.

    The confirming community staff member is the organizer who certifies it (谁组织谁记录), so
    the entry is approved as it is written, under the ledger's rules: at most 12 hours, not in
    the future, nobody certifies their own time, no overlap with the volunteer's other live
    records. One entry per volunteer and wish: a retry returns the existing one
    (docs/micro_wishes.md, Hours).
    """
    require(sc.actor, Capability.HOURS_APPROVE)
    earlier = await sc.session.scalar(
        select(ServiceRecord).where(
            ServiceRecord.micro_wish_id == micro_wish_id,
            ServiceRecord.volunteer_id == volunteer_id,
            ServiceRecord.source == RecordSource.MICRO_WISH,
        )
    )
    if earlier is not None:
        return earlier
    stmt = select(Volunteer).where(Volunteer.id == volunteer_id)
    if dialect_name(sc.session) == "postgresql":
        # Serialises with the volunteer's own submissions, as they lock their profile.
        stmt = stmt.with_for_update()
    volunteer = await sc.session.scalar(stmt)
    if volunteer is None:
        raise not_found("Volunteer")
    if volunteer.account_id == sc.actor.account_id:
        raise DomainError(
            ErrorCode.SELF_CERTIFICATION, "Nobody certifies their own hours", "wishId"
        )
    ends_at = starts_at + dt.timedelta(minutes=minutes)
    _check_times(starts_at, ends_at, None)
    clash = await overlapping_record(
        sc.session, volunteer_id=volunteer_id, start=starts_at, end=ends_at
    )
    if clash is not None:
        raise DomainError(
            ErrorCode.RECORD_OVERLAP,
            f"The volunteer's time overlaps their record {clash.id}",
            "wishId",
        )
    now = clock.now()
    record = ServiceRecord(
        volunteer_id=volunteer_id,
        micro_wish_id=micro_wish_id,
        region_path=region_path,
        organization_id=None,
        starts_at=starts_at,
        ends_at=ends_at,
        minutes=minutes,
        source=RecordSource.MICRO_WISH,
        status=RecordStatus.APPROVED,
        description=description[:1000],
        submitted_by_account_id=volunteer.account_id,
        decided_by_account_id=sc.actor.account_id,
        decided_at=now,
    )
    sc.session.add(record)
    await sc.session.flush()
    await _audit_record(sc, record, "service_record.micro_wish")
    await notifications.notify(
        sc,
        await notifications.volunteer_account_ids(sc.session, volunteer_id),
        code="hours.approved",
        params={"hours": f"{minutes / 60:.1f}", "note": ""},
        text="服务时长已认证",
        body=f"{minutes / 60:.1f} 小时已认证。",
        subject_type="ServiceRecord",
        subject_id=record.id,
        dedupe=f"hours.decided:{record.id}",
    )
    await mark_totals_changed(sc, {volunteer_id})
    return record


# --- the organizer's decisions -----------------------------------------------------------------


def readable(sc: ServiceContext) -> Select[ServiceRecord]:
    """Records the caller may read: own, region subtree, organization (HOURS_READ)."""
    scope = require(sc.actor, Capability.HOURS_READ)
    return select(ServiceRecord).where(
        scope.any_of(
            region=ServiceRecord.region_path,
            organization=ServiceRecord.organization_id,
            volunteer=ServiceRecord.volunteer_id,
        )
    )


async def _organized_records(
    sc: ServiceContext, record_ids: list[int], *, field: str = "recordIds"
) -> list[tuple[ServiceRecord, Activity | None]]:
    """The records, all of them organized by the caller and none of them the caller's own —
    or a typed refusal for the batch. A micro-wish's entry (no activity) is organized by the
    staff of the wish's community (docs/micro_wishes.md, Hours)."""
    scope = require(sc.actor, Capability.HOURS_APPROVE)
    ids = list(dict.fromkeys(record_ids))
    if not 1 <= len(ids) <= MAX_BATCH:
        raise invalid("recordIds", f"Give 1 to {MAX_BATCH} records")
    rows = (
        await sc.session.execute(
            readable(sc)
            .add_columns(Activity)
            .outerjoin(Activity, Activity.id == ServiceRecord.activity_id)
            .where(ServiceRecord.id.in_(ids))
            .order_by(ServiceRecord.id)
            .execution_options(populate_existing=True)
        )
    ).all()
    found = {r.id: (r, a) for r, a in rows}
    if len(found) != len(ids):
        raise not_found("Service record")
    wish_staff = sc.actor.scope(Capability.MICRO_WISH_MANAGE)
    for record, activity in found.values():
        organizes = (
            is_organizer(scope, sc.actor, activity)
            if activity is not None
            else bool(wish_staff.region_paths) and wish_staff.covers_region(record.region_path)
        )
        if not organizes:
            raise DomainError(
                ErrorCode.NOT_ORGANIZER,
                "Only the activity's organizer certifies its hours",
                field,
            )
    # An organizer who also volunteers doesn't certify their own hours (submitted by hand or
    # from an attendance they marked): another organizer of the activity does.
    own = await sc.session.scalar(
        select(ServiceRecord.id)
        .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
        .where(ServiceRecord.id.in_(ids), Volunteer.account_id == sc.actor.account_id)
        .limit(1)
    )
    if own is not None:
        raise DomainError(
            ErrorCode.SELF_CERTIFICATION,
            f"Record {own} is your own: nobody certifies their own hours",
            field,
        )
    return [found[i] for i in ids]


async def decide_records(
    sc: ServiceContext, *, record_ids: list[int], approve: bool, note: str | None = None
) -> list[ServiceRecord]:
    """Approve or reject pending records, all or none."""
    pairs = await _organized_records(sc, record_ids)
    note = (note or "").strip() or None
    if not approve and (note is None or len(note) < 2):
        raise invalid("note", "Say why the hours are rejected")
    if note is not None and len(note) > 500:
        raise invalid("note", "The note is at most 500 characters")
    now = clock.now()
    changed: set[int] = set()
    for record, _activity in pairs:
        if record.status is not RecordStatus.PENDING:
            raise DomainError(
                ErrorCode.RECORD_IMMUTABLE
                if record.status is RecordStatus.APPROVED
                else ErrorCode.INVALID_STATE,
                f"Record {record.id} is {record.status.value}, not pending",
                "recordIds",
            )
        if approve:
            clash = await overlapping_record(
                sc.session,
                volunteer_id=record.volunteer_id,
                start=record.starts_at,
                end=record.ends_at,
                statuses=(RecordStatus.APPROVED,),
                exclude_ids=(record.id,),
            )
            if clash is None:
                # Two records of one batch may overlap each other, too.
                for other, _ in pairs:
                    if (
                        other.id != record.id
                        and other.volunteer_id == record.volunteer_id
                        and other.status is RecordStatus.APPROVED
                        and other.starts_at < record.ends_at
                        and other.ends_at > record.starts_at
                    ):
                        clash = other
            if clash is not None:
                raise DomainError(
                    ErrorCode.RECORD_OVERLAP,
                    f"Record {record.id} overlaps approved record {clash.id}",
                    "recordIds",
                )
        before = audit.snapshot(record, RECORD_FIELDS)
        record.status = RecordStatus.APPROVED if approve else RecordStatus.REJECTED
        record.decided_by_account_id = sc.actor.account_id
        record.decided_at = now
        record.decision_note = note
        await sc.session.flush()
        await _audit_record(
            sc, record, "service_record.approve" if approve else "service_record.reject", before
        )
        hrs = f"{record.minutes / 60:.1f}"
        await notifications.notify(
            sc,
            await notifications.volunteer_account_ids(sc.session, record.volunteer_id),
            code="hours.approved" if approve else "hours.rejected",
            params={"hours": hrs, "note": note or ""},
            text="服务时长已认证" if approve else "服务时长未通过",
            body=f"{hrs} 小时" + ("已认证。" if approve else f"未通过：{note}"),
            subject_type="ServiceRecord",
            subject_id=record.id,
            dedupe=f"hours.decided:{record.id}",
        )
        if approve:
            changed.add(record.volunteer_id)
    await mark_totals_changed(sc, changed)
    return [r for r, _ in pairs]


async def _reverse_and_replace(
    sc: ServiceContext,
    record: ServiceRecord,
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    note: str,
) -> tuple[ServiceRecord, ServiceRecord]:
    """Reverse an approved record and append its corrected replacement (both approved)."""
    shift = await sc.session.get(Shift, record.shift_id) if record.shift_id else None
    minutes = _check_times(starts_at, ends_at, shift)
    if await overlapping_record(
        sc.session,
        volunteer_id=record.volunteer_id,
        start=starts_at,
        end=ends_at,
        exclude_ids=(record.id,),
    ):
        raise invalid(
            "startsAt", "The corrected time overlaps another record", ErrorCode.RECORD_OVERLAP
        )
    now = clock.now()
    common: dict[str, Any] = {
        "volunteer_id": record.volunteer_id,
        "activity_id": record.activity_id,
        "micro_wish_id": record.micro_wish_id,
        "shift_id": record.shift_id,
        "region_path": record.region_path,
        "organization_id": record.organization_id,
        "status": RecordStatus.APPROVED,
        "description": record.description,
        "submitted_by_account_id": sc.actor.account_id,
        "decided_by_account_id": sc.actor.account_id,
        "decided_at": now,
        "decision_note": note,
    }
    reversal = ServiceRecord(
        **common,
        starts_at=record.starts_at,
        ends_at=record.ends_at,
        minutes=-record.minutes,
        source=RecordSource.REVERSAL,
        reverses_id=record.id,
    )
    sc.session.add(reversal)
    await sc.session.flush()
    correction = ServiceRecord(
        **common,
        starts_at=starts_at,
        ends_at=ends_at,
        minutes=minutes,
        source=RecordSource.CORRECTION,
        corrects_id=record.id,
    )
    sc.session.add(correction)
    await sc.session.flush()
    await _audit_record(sc, reversal, "service_record.reverse")
    await _audit_record(sc, correction, "service_record.correct")
    await mark_totals_changed(sc, {record.volunteer_id})
    return reversal, correction


async def correct_record(
    sc: ServiceContext,
    *,
    record_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
) -> tuple[ServiceRecord, ServiceRecord]:
    ((record, _),) = await _organized_records(sc, [record_id], field="recordId")
    if record.status is not RecordStatus.APPROVED or record.source is RecordSource.REVERSAL:
        raise DomainError(
            ErrorCode.INVALID_STATE, "Only an approved record is corrected", "recordId"
        )
    if await sc.session.scalar(
        select(ServiceRecord.id).where(ServiceRecord.reverses_id == record.id)
    ):
        raise DomainError(ErrorCode.INVALID_STATE, "The record was corrected already", "recordId")
    reason = reason.strip()
    if not 2 <= len(reason) <= 500:
        raise invalid("reason", "Give a reason (2 to 500 characters)")
    return await _reverse_and_replace(sc, record, starts_at=starts_at, ends_at=ends_at, note=reason)


# --- disputes ----------------------------------------------------------------------------------

DISPUTE_FIELDS = HoursDispute.AUDITED


async def dispute_record(sc: ServiceContext, *, record_id: int, reason: str) -> HoursDispute:
    volunteer = await my_volunteer(sc, lock=True)
    record = await sc.session.scalar(
        select(ServiceRecord).where(
            ServiceRecord.id == record_id, ServiceRecord.volunteer_id == volunteer.id
        )
    )
    if record is None:
        raise not_found("Service record")
    if record.source is RecordSource.REVERSAL or record.status not in (
        RecordStatus.APPROVED,
        RecordStatus.REJECTED,
    ):
        raise DomainError(
            ErrorCode.INVALID_STATE, "Only an approved or rejected record can be disputed"
        )
    reason = reason.strip()
    if not 5 <= len(reason) <= 1000:
        raise invalid("reason", "Explain the dispute (5 to 1000 characters)")
    if await sc.session.scalar(
        select(HoursDispute.id).where(
            HoursDispute.record_id == record.id, HoursDispute.status == DisputeStatus.OPEN
        )
    ):
        raise DomainError(ErrorCode.DISPUTE_OPEN, "This record is disputed already", "recordId")
    dispute = HoursDispute(
        record_id=record.id,
        volunteer_id=volunteer.id,
        activity_id=record.activity_id,
        region_path=record.region_path,
        organization_id=record.organization_id,
        reason=reason,
        status=DisputeStatus.OPEN,
        record_status_before=record.status,
    )
    sc.session.add(dispute)
    if record.status is RecordStatus.REJECTED:
        # Rejected hours come back into play; approved ones stay counted (immutable) until a
        # correction replaces them.
        before = audit.snapshot(record, RECORD_FIELDS)
        record.status = RecordStatus.DISPUTED
        await sc.session.flush()
        await _audit_record(sc, record, "service_record.disputed", before)
    await sc.session.flush()
    await audit.record(
        sc,
        action="hours_dispute.open",
        subject_type="HoursDispute",
        subject_id=dispute.id,
        after=audit.snapshot(dispute, DISPUTE_FIELDS),
        region_path=dispute.region_path,
    )
    return dispute


async def resolve_dispute(
    sc: ServiceContext,
    *,
    dispute_id: int,
    upheld: bool,
    note: str,
    corrected_starts_at: dt.datetime | None = None,
    corrected_ends_at: dt.datetime | None = None,
) -> HoursDispute:
    """The organizer upholds (approving rejected hours, or correcting approved ones) or
    dismisses a dispute."""
    require(sc.actor, Capability.HOURS_APPROVE)
    dispute = await sc.session.get(HoursDispute, dispute_id)
    if dispute is None:
        raise not_found("Dispute")
    ((record, _),) = await _organized_records(sc, [dispute.record_id], field="disputeId")
    if dispute.status is not DisputeStatus.OPEN:
        raise DomainError(ErrorCode.INVALID_STATE, "The dispute is resolved already")
    note = note.strip()
    if not 2 <= len(note) <= 1000:
        raise invalid("note", "Explain the resolution (2 to 1000 characters)")
    before = audit.snapshot(dispute, DISPUTE_FIELDS)
    if dispute.record_status_before is RecordStatus.REJECTED:
        rec_before = audit.snapshot(record, RECORD_FIELDS)
        if upheld:
            clash = await overlapping_record(
                sc.session,
                volunteer_id=record.volunteer_id,
                start=record.starts_at,
                end=record.ends_at,
                statuses=(RecordStatus.APPROVED,),
                exclude_ids=(record.id,),
            )
            if clash is not None:
                raise DomainError(
                    ErrorCode.RECORD_OVERLAP, f"The record overlaps approved record {clash.id}"
                )
            record.status = RecordStatus.APPROVED
            record.decided_by_account_id = sc.actor.account_id
            record.decided_at = clock.now()
            record.decision_note = note
        else:
            record.status = RecordStatus.REJECTED
        await sc.session.flush()
        await _audit_record(sc, record, "service_record.dispute_resolved", rec_before)
        if upheld:
            await mark_totals_changed(sc, {record.volunteer_id})
    elif upheld:
        if corrected_starts_at is None or corrected_ends_at is None:
            raise invalid(
                "correctedStartsAt", "Upholding a dispute of approved hours needs the right times"
            )
        await _reverse_and_replace(
            sc, record, starts_at=corrected_starts_at, ends_at=corrected_ends_at, note=note
        )
    dispute.status = DisputeStatus.UPHELD if upheld else DisputeStatus.DISMISSED
    dispute.resolution_note = note
    dispute.resolved_by_account_id = sc.actor.account_id
    dispute.resolved_at = clock.now()
    await sc.session.flush()
    await audit.record(
        sc,
        action="hours_dispute.resolve",
        subject_type="HoursDispute",
        subject_id=dispute.id,
        before=before,
        after=audit.snapshot(dispute, DISPUTE_FIELDS),
        region_path=dispute.region_path,
    )
    await notifications.notify(
        sc,
        await notifications.volunteer_account_ids(sc.session, dispute.volunteer_id),
        code="hours.dispute_upheld" if upheld else "hours.dispute_rejected",
        params={"note": note},
        text="时长申诉已处理",
        body=("申诉成立：" if upheld else "申诉未成立：") + note,
        subject_type="HoursDispute",
        subject_id=dispute.id,
        dedupe=f"hours.dispute_resolved:{dispute.id}",
    )
    return dispute


# --- reads -----------------------------------------------------------------------------------


def records_statement(
    sc: ServiceContext,
    *,
    volunteer_id: int | None = None,
    activity_id: int | None = None,
    status: RecordStatus | None = None,
    mine: bool = False,
    to_decide: bool = False,
) -> Select[Any]:
    stmt = readable(sc)
    if mine:
        stmt = stmt.where(
            ServiceRecord.volunteer_id.in_(
                select(Volunteer.id).where(Volunteer.account_id == sc.actor.account_id)
            )
        )
    if to_decide:
        scope = require(sc.actor, Capability.HOURS_APPROVE)
        stmt = stmt.where(
            ServiceRecord.activity_id.in_(
                select(Activity.id).where(organizer_clause(scope, sc.actor))
            )
        )
    if volunteer_id is not None:
        stmt = stmt.where(ServiceRecord.volunteer_id == volunteer_id)
    if activity_id is not None:
        stmt = stmt.where(ServiceRecord.activity_id == activity_id)
    if status is not None:
        stmt = stmt.where(ServiceRecord.status == status)
    return stmt


def disputes_statement(sc: ServiceContext, *, status: DisputeStatus | None = None) -> Select[Any]:
    scope = require(sc.actor, Capability.HOURS_READ)
    clause: ColumnElement[bool] = scope.region_clause(HoursDispute.region_path)
    if scope.organization_ids:
        clause = or_(clause, HoursDispute.organization_id.in_(scope.organization_ids))
    if scope.self_account_id is not None:
        clause = or_(
            clause,
            HoursDispute.volunteer_id.in_(
                select(Volunteer.id).where(Volunteer.account_id == scope.self_account_id)
            ),
        )
    stmt = select(HoursDispute).where(true() if scope.unrestricted else clause)
    if status is not None:
        stmt = stmt.where(HoursDispute.status == status)
    return stmt


async def get_record(sc: ServiceContext, record_id: int) -> ServiceRecord | None:
    return await sc.session.scalar(readable(sc).where(ServiceRecord.id == record_id))


async def get_dispute(sc: ServiceContext, dispute_id: int) -> HoursDispute | None:
    row: HoursDispute | None = await sc.session.scalar(
        disputes_statement(sc).where(HoursDispute.id == dispute_id)
    )
    return row


# --- totals and star levels ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TotalChange:
    volunteer_id: int
    minutes_before: int
    minutes_after: int
    stars_before: int
    stars_after: int


async def recompute_totals(session: AsyncSession, volunteer_ids: list[int]) -> list[TotalChange]:
    """Set each volunteer's total and star level from the ledger; returns what changed.

    Absolute, not incremental: running it twice (a redelivered job, a worker killed half-way)
    gives the same totals. Cost: one indexed aggregate over these volunteers' records.
    """
    ids = sorted(set(volunteer_ids))
    if not ids:
        return []
    sums = dict(
        (
            await session.execute(
                select(ServiceRecord.volunteer_id, func.sum(ServiceRecord.minutes))
                .where(
                    ServiceRecord.volunteer_id.in_(ids),
                    ServiceRecord.status == RecordStatus.APPROVED,
                )
                .group_by(ServiceRecord.volunteer_id)
            )
        ).all()
    )
    rows = (
        await session.execute(
            select(Volunteer.id, Volunteer.total_minutes, Volunteer.star_level).where(
                Volunteer.id.in_(ids)
            )
        )
    ).all()
    changes: list[TotalChange] = []
    for vid, minutes_before, stars_before in rows:
        minutes_after = max(0, int(sums.get(vid) or 0))
        stars_after = star_level(minutes_after)
        if minutes_after != minutes_before or stars_after != stars_before:
            changes.append(
                TotalChange(vid, minutes_before, minutes_after, stars_before, stars_after)
            )
    if changes:
        # One executemany, not a statement per volunteer. Totals are a cache of the ledger,
        # not an edit of the profile: the row's version stays.
        table = cast(Table, Volunteer.__table__)
        await session.execute(
            update(table)
            .where(table.c.id == bindparam("vid"))
            .values(total_minutes=bindparam("minutes"), star_level=bindparam("stars")),
            [
                {"vid": c.volunteer_id, "minutes": c.minutes_after, "stars": c.stars_after}
                for c in changes
            ],
        )
    return changes


async def notify_new_star_levels(session: AsyncSession, changes: list[TotalChange]) -> int:
    sent = 0
    for change in changes:
        if change.stars_after > change.stars_before:
            await notifications.notify(
                session,
                await notifications.volunteer_account_ids(session, change.volunteer_id),
                code="volunteer.star_level",
                params={"stars": change.stars_after, "hours": change.minutes_after // 60},
                text=f"恭喜成为{change.stars_after}星级志愿者",
                body=f"您的累计服务时长已达 {change.minutes_after // 60} 小时。",
                subject_type="Volunteer",
                subject_id=change.volunteer_id,
                dedupe=f"star:{change.volunteer_id}:{change.stars_after}",
            )
            sent += 1
    return sent


@dataclass(slots=True)
class ReconcileReport:
    checked: int = 0
    repaired: list[TotalChange] = field(default_factory=list)


async def reconcile_changed(session: AsyncSession, *, batch: int = 1000) -> ReconcileReport:
    """Recompute the volunteers marked as changed, repair drift, clear their markers.

    A marker is cleared only if it hasn't moved since it was read (``seq``), so a change that
    lands during the run is reconciled next time.
    """
    report = ReconcileReport()
    last = 0
    while True:
        markers = (
            await session.execute(
                select(VolunteerTotalChange.volunteer_id, VolunteerTotalChange.seq)
                .where(VolunteerTotalChange.volunteer_id > last)
                .order_by(VolunteerTotalChange.volunteer_id)
                .limit(batch)
            )
        ).all()
        if not markers:
            return report
        ids = [m[0] for m in markers]
        last = ids[-1]
        report.checked += len(ids)
        report.repaired.extend(await recompute_totals(session, ids))
        await session.execute(
            delete(VolunteerTotalChange).where(
                tuple_(VolunteerTotalChange.volunteer_id, VolunteerTotalChange.seq).in_(
                    [(volunteer_id, seq) for volunteer_id, seq in markers]
                )
            )
        )


async def reconcile_all(session: AsyncSession, *, batch: int = 5000) -> ReconcileReport:
    """Full pass over every volunteer (an operator's repair tool, not the nightly job)."""
    report = ReconcileReport()
    last = 0
    while True:
        ids = list(
            await session.scalars(
                select(Volunteer.id).where(Volunteer.id > last).order_by(Volunteer.id).limit(batch)
            )
        )
        if not ids:
            return report
        last = ids[-1]
        report.checked += len(ids)
        report.repaired.extend(await recompute_totals(session, ids))
