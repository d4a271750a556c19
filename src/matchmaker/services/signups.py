"""Signups, the waitlist and promotion offers.

Capacity is protected three ways: every change to a signup's status takes the shift's row
lock first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers with BEGIN
IMMEDIATE) and re-reads the signup under it, so decisions and audit rows see the status the
signup really has; ``confirmed_count`` is then recounted from the signups that hold a place
(never incremented or decremented, so it can't drift); and the database refuses
``confirmed_count > capacity`` (CHECK constraint) as a backstop. Waitlist positions come from a
per-shift counter under the same lock, so arrival order is lock order.

Lock order is always volunteer row → shift row → audit chain, so two requests never wait on
each other in opposite orders (docs/volunteering.md, Signups and capacity).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.db.engine import dialect_name
from matchmaker.models import Activity, Shift, Signup, Volunteer
from matchmaker.models.volunteering import HOLDS_PLACE, ActivityStatus, SignupStatus
from matchmaker.services import audit, notifications
from matchmaker.services.activities import (
    lock_shift,
    my_volunteer,
    organized_activity,
    organizer_clause,
)
from matchmaker.services.authz import Capability, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, not_found
from matchmaker.services.matching import store as matching_store
from matchmaker.services.validation import age_on

SIGNUP_FIELDS = Signup.AUDITED
ACTIVE = (*HOLDS_PLACE, SignupStatus.WAITLISTED)
DEFAULT_OFFER_MINUTES = 120


def offer_window(settings: Settings) -> dt.timedelta:
    """How long a promoted volunteer has to accept (``MATCHMAKER_WAITLIST_OFFER_MINUTES``)."""
    minutes = getattr(settings, "waitlist_offer_minutes", None)
    if minutes is None:
        minutes = int(os.environ.get("MATCHMAKER_WAITLIST_OFFER_MINUTES", DEFAULT_OFFER_MINUTES))
    return dt.timedelta(minutes=int(minutes))


async def _overlapping_place(
    session: AsyncSession,
    volunteer_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    *,
    exclude_shift_id: int,
) -> Signup | None:
    return await session.scalar(
        select(Signup)
        .where(
            Signup.volunteer_id == volunteer_id,
            Signup.shift_id != exclude_shift_id,
            Signup.status.in_((SignupStatus.CONFIRMED, SignupStatus.OFFERED)),
            Signup.starts_at < ends_at,
            Signup.ends_at > starts_at,
        )
        .limit(1)
    )


async def recount_places(session: AsyncSession, shift: Shift) -> int:
    """Set ``shift.confirmed_count`` to the number of its signups holding a place.

    Call with the shift locked, after the status changes: the count is then exact, and the
    CHECK constraint refuses it if it is above the capacity.
    """
    await session.flush()
    held = await session.scalar(
        select(func.count())
        .select_from(Signup)
        .where(Signup.shift_id == shift.id, Signup.status.in_(HOLDS_PLACE))
    )
    shift.confirmed_count = int(held or 0)
    await session.flush()
    return shift.confirmed_count


async def lock_volunteer(session: AsyncSession, volunteer_id: int) -> None:
    """A volunteer's row, locked (PostgreSQL): the first lock of the volunteer → shift order."""
    stmt = select(Volunteer.id).where(Volunteer.id == volunteer_id)
    if dialect_name(session) == "postgresql":
        stmt = stmt.with_for_update()
    await session.scalar(stmt)


async def lock_signup(
    sc: ServiceContext, signup_id: int, *, volunteer_id: int | None = None
) -> tuple[Signup, Shift]:
    """The signup's shift, locked, then the signup read again under that lock.

    A signup's status changes only under its shift's lock, so what is read here stays true until
    the transaction ends. ``volunteer_id`` limits the lookup to that volunteer's signups.
    """
    stmt = select(Signup.shift_id).where(Signup.id == signup_id)
    if volunteer_id is not None:
        stmt = stmt.where(Signup.volunteer_id == volunteer_id)
    shift_id = await sc.session.scalar(stmt)  # never changes: safe to read before the lock
    if shift_id is None:
        raise not_found("Signup")
    shift = await lock_shift(sc.session, shift_id)
    signup = await sc.session.scalar(
        select(Signup).where(Signup.id == signup_id).execution_options(populate_existing=True)
    )
    assert shift is not None and signup is not None
    return signup, shift


async def sign_up(sc: ServiceContext, *, shift_id: int) -> Signup:
    volunteer = await my_volunteer(sc, lock=True)
    shift = await lock_shift(sc.session, shift_id)
    if shift is None:
        raise not_found("Shift")
    activity = await sc.session.get(Activity, shift.activity_id)
    assert activity is not None
    if activity.status is ActivityStatus.CANCELLED or shift.is_cancelled:
        raise DomainError(ErrorCode.ACTIVITY_CANCELLED, "The activity is cancelled", "shiftId")
    now = clock.now()
    if shift.starts_at <= now:
        raise DomainError(ErrorCode.SHIFT_STARTED, "The shift has started already", "shiftId")
    start_day = shift.starts_at.astimezone(clock.SHANGHAI).date()
    if activity.min_age and age_on(volunteer.birth_date, start_day) < activity.min_age:
        raise DomainError(
            ErrorCode.AGE_REQUIREMENT,
            f"Volunteers must be at least {activity.min_age} years old",
            "shiftId",
        )
    missing = set(activity.required_skills) - set(volunteer.skills)
    if missing:
        raise DomainError(
            ErrorCode.SKILLS_REQUIRED,
            f"This activity needs the skills: {', '.join(sorted(missing))}",
            "shiftId",
        )
    existing = await sc.session.scalar(
        select(Signup).where(Signup.shift_id == shift.id, Signup.volunteer_id == volunteer.id)
    )
    if existing is not None and existing.status in ACTIVE:
        raise DomainError(ErrorCode.ALREADY_SIGNED_UP, "You signed up for this shift already")
    before = audit.snapshot(existing, SIGNUP_FIELDS) if existing else None

    has_place = await recount_places(sc.session, shift) < shift.capacity
    if has_place and await _overlapping_place(
        sc.session, volunteer.id, shift.starts_at, shift.ends_at, exclude_shift_id=shift.id
    ):
        raise DomainError(
            ErrorCode.SHIFT_OVERLAP, "You have another shift at the same time", "shiftId"
        )
    signup = existing or Signup(
        shift_id=shift.id,
        volunteer_id=volunteer.id,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
    )
    signup.offer_expires_at = None
    if has_place:
        signup.status = SignupStatus.CONFIRMED
        signup.waitlist_position = None
    else:
        shift.waitlist_seq += 1
        signup.status = SignupStatus.WAITLISTED
        signup.waitlist_position = shift.waitlist_seq
    if existing is None:
        sc.session.add(signup)
    await recount_places(sc.session, shift)
    await audit.record(
        sc,
        action="signup.create",
        subject_type="Signup",
        subject_id=signup.id,
        before=before,
        after=audit.snapshot(signup, SIGNUP_FIELDS),
        region_path=activity.region_path,
    )
    # Shown this shift (or shown to its organizer) lately? That list led to a signup.
    await matching_store.record_volunteer_outcome(
        sc.session,
        sc.settings,
        volunteer_id=volunteer.id,
        shift_id=shift.id,
        stage=matching_store.ENGAGED,
    )
    if signup.status is SignupStatus.CONFIRMED:
        await notifications.notify(
            sc,
            [volunteer.account_id],
            code="signup.confirmed",
            params={"activity": activity.title},
            text="报名成功",
            body=f"您已报名「{activity.title}」，请按时参加。",
            subject_type="Signup",
            subject_id=signup.id,
            dedupe=f"signup.confirmed:{signup.id}:{signup.updated_at.isoformat()}",
        )
    return signup


async def promote_waitlist(sc: ServiceContext, shift: Shift, activity: Activity) -> list[Signup]:
    """Offer free places to the first waitlisted volunteers (the shift must be locked)."""
    promoted: list[Signup] = []
    now = clock.now()
    if shift.is_cancelled or shift.starts_at <= now:
        return promoted
    while await recount_places(sc.session, shift) < shift.capacity:
        nxt = await sc.session.scalar(
            select(Signup)
            .where(Signup.shift_id == shift.id, Signup.status == SignupStatus.WAITLISTED)
            .order_by(Signup.waitlist_position)
            .limit(1)
        )
        if nxt is None:
            break
        before = audit.snapshot(nxt, SIGNUP_FIELDS)
        nxt.status = SignupStatus.OFFERED
        nxt.offer_expires_at = min(now + offer_window(sc.settings), shift.starts_at)
        await recount_places(sc.session, shift)
        await audit.record(
            sc,
            action="signup.offer",
            subject_type="Signup",
            subject_id=nxt.id,
            before=before,
            after=audit.snapshot(nxt, SIGNUP_FIELDS),
            region_path=activity.region_path,
        )
        deadline = nxt.offer_expires_at.astimezone(clock.SHANGHAI).strftime("%m-%d %H:%M")
        await notifications.notify(
            sc,
            await notifications.volunteer_account_ids(sc.session, nxt.volunteer_id),
            code="signup.offer",
            params={"activity": activity.title, "deadline": nxt.offer_expires_at.isoformat()},
            text="候补转正机会",
            body=f"「{activity.title}」有空位了，请在 {deadline} 前确认。",
            subject_type="Signup",
            subject_id=nxt.id,
            dedupe=f"signup.offer:{nxt.id}:{nxt.offer_expires_at.isoformat()}",
        )
        promoted.append(nxt)
    return promoted


async def _release(
    sc: ServiceContext, signup: Signup, shift: Shift, status: SignupStatus, action: str
) -> None:
    """Move a signup out of the shift (cancel/expire) and pass its place on.

    The shift must be locked and the signup read under that lock (``lock_signup``).
    """
    activity = await sc.session.get(Activity, shift.activity_id)
    assert activity is not None
    before = audit.snapshot(signup, SIGNUP_FIELDS)
    held = signup.status in HOLDS_PLACE
    signup.status = status
    signup.offer_expires_at = None
    await recount_places(sc.session, shift)
    await audit.record(
        sc,
        action=action,
        subject_type="Signup",
        subject_id=signup.id,
        before=before,
        after=audit.snapshot(signup, SIGNUP_FIELDS),
        region_path=activity.region_path,
    )
    if held:
        await promote_waitlist(sc, shift, activity)


async def _own_signup(sc: ServiceContext, signup_id: int) -> tuple[Volunteer, Signup, Shift]:
    """The caller's signup: volunteer row locked, then the shift, then the signup re-read."""
    volunteer = await my_volunteer(sc, lock=True)
    signup, shift = await lock_signup(sc, signup_id, volunteer_id=volunteer.id)
    return volunteer, signup, shift


async def cancel_signup(sc: ServiceContext, *, signup_id: int) -> Signup:
    """The volunteer leaves a shift (or the waitlist, or declines an offer) before it starts."""
    _, signup, shift = await _own_signup(sc, signup_id)
    if signup.status not in (
        SignupStatus.CONFIRMED,
        SignupStatus.WAITLISTED,
        SignupStatus.OFFERED,
    ):
        raise DomainError(
            ErrorCode.INVALID_STATE, f"A {signup.status.value} signup can't be cancelled"
        )
    if signup.starts_at <= clock.now():
        raise DomainError(ErrorCode.SHIFT_STARTED, "The shift has started already")
    await _release(sc, signup, shift, SignupStatus.CANCELLED, "signup.cancel")
    return signup


async def accept_offer(sc: ServiceContext, *, signup_id: int) -> Signup:
    volunteer, signup, shift = await _own_signup(sc, signup_id)
    if signup.status is not SignupStatus.OFFERED:
        raise DomainError(ErrorCode.INVALID_STATE, "There is no open offer for this signup")
    if signup.offer_expires_at is None or signup.offer_expires_at <= clock.now():
        raise DomainError(ErrorCode.OFFER_EXPIRED, "The offer has expired")
    if await _overlapping_place(
        sc.session, volunteer.id, signup.starts_at, signup.ends_at, exclude_shift_id=shift.id
    ):
        raise DomainError(ErrorCode.SHIFT_OVERLAP, "You have another shift at the same time")
    activity = await sc.session.get(Activity, shift.activity_id)
    assert activity is not None
    before = audit.snapshot(signup, SIGNUP_FIELDS)
    signup.status = SignupStatus.CONFIRMED
    signup.waitlist_position = None
    signup.offer_expires_at = None
    await sc.session.flush()
    await audit.record(
        sc,
        action="signup.accept_offer",
        subject_type="Signup",
        subject_id=signup.id,
        before=before,
        after=audit.snapshot(signup, SIGNUP_FIELDS),
        region_path=activity.region_path,
    )
    await notifications.notify(
        sc,
        [volunteer.account_id],
        code="signup.confirmed",
        params={"activity": activity.title},
        text="报名成功",
        body=f"您已确认参加「{activity.title}」。",
        subject_type="Signup",
        subject_id=signup.id,
        dedupe=f"signup.confirmed:{signup.id}:{signup.updated_at.isoformat()}",
    )
    return signup


async def expire_offers(sc: ServiceContext, *, limit: int = 200) -> list[int]:
    """Expire offers past their deadline and pass each place on (job). Returns signup ids."""
    due = list(
        await sc.session.scalars(
            select(Signup.id)
            .where(Signup.status == SignupStatus.OFFERED, Signup.offer_expires_at <= clock.now())
            .order_by(Signup.offer_expires_at)
            .limit(limit)
        )
    )
    expired: list[int] = []
    for signup_id in due:
        signup, shift = await lock_signup(sc, signup_id)
        # Accepted, declined or expired by someone else since the unlocked read above?
        if signup.status is not SignupStatus.OFFERED or (
            signup.offer_expires_at is None or signup.offer_expires_at > clock.now()
        ):
            continue
        await _release(sc, signup, shift, SignupStatus.EXPIRED, "signup.offer_expired")
        expired.append(signup.id)
    return expired


async def set_no_show(sc: ServiceContext, *, signup_id: int, no_show: bool) -> Signup:
    """The organizer marks a no-show after the shift starts, or corrects one."""
    volunteer_id = await sc.session.scalar(
        select(Signup.volunteer_id).where(Signup.id == signup_id)
    )
    if volunteer_id is None:
        raise not_found("Signup")
    # Lock order volunteer → shift, as check-in (which turns the signup ATTENDED) takes it.
    await lock_volunteer(sc.session, volunteer_id)
    signup, shift = await lock_signup(sc, signup_id)
    activity = await organized_activity(sc, shift.activity_id)
    if shift.starts_at > clock.now():
        raise DomainError(ErrorCode.INVALID_STATE, "No-shows are marked once the shift starts")
    wanted_from = SignupStatus.CONFIRMED if no_show else SignupStatus.NO_SHOW
    if signup.status is not wanted_from:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"A {signup.status.value} signup can't be {'marked' if no_show else 'un-marked'} "
            "as a no-show",
        )
    before = audit.snapshot(signup, SIGNUP_FIELDS)
    signup.status = SignupStatus.NO_SHOW if no_show else SignupStatus.CONFIRMED
    await recount_places(sc.session, shift)
    await audit.record(
        sc,
        action="signup.no_show" if no_show else "signup.no_show_corrected",
        subject_type="Signup",
        subject_id=signup.id,
        before=before,
        after=audit.snapshot(signup, SIGNUP_FIELDS),
        region_path=activity.region_path,
    )
    return signup


# --- reads -----------------------------------------------------------------------------------


def my_signups_statement(
    sc: ServiceContext, *, status: SignupStatus | None = None, upcoming: bool = False
) -> Select[Any]:
    require(sc.actor, Capability.VOLUNTEERING_PARTICIPATE)
    stmt = select(Signup).join(Volunteer, Volunteer.id == Signup.volunteer_id)
    stmt = stmt.where(Volunteer.account_id == sc.actor.account_id)
    if status is not None:
        stmt = stmt.where(Signup.status == status)
    if upcoming:
        stmt = stmt.where(Signup.ends_at > clock.now())
    return stmt


def roster_statement(
    sc: ServiceContext, *, shift_id: int, status: SignupStatus | None = None
) -> Select[Any]:
    """A shift's signups: its organizer, and readers of hours in its scope (auditors…)."""
    manage = sc.actor.scope(Capability.ACTIVITY_MANAGE)
    read = require(sc.actor, Capability.HOURS_READ)
    visible = organizer_clause(manage, sc.actor) | read.region_clause(Activity.region_path)
    if read.organization_ids:
        visible = visible | Activity.organization_id.in_(read.organization_ids)
    if read.self_account_id is not None:
        # A volunteer sees their own line of the roster, nobody else's.
        visible = visible | Signup.volunteer_id.in_(
            select(Volunteer.id).where(Volunteer.account_id == read.self_account_id)
        )
    stmt = (
        select(Signup)
        .join(Shift, Shift.id == Signup.shift_id)
        .join(Activity, Activity.id == Shift.activity_id)
        .where(Signup.shift_id == shift_id, visible)
    )
    if status is not None:
        stmt = stmt.where(Signup.status == status)
    return stmt


def my_signup_for_shifts_statement(account_id: int, shift_ids: list[int]) -> Select[Any]:
    return (
        select(Signup)
        .join(Volunteer, Volunteer.id == Signup.volunteer_id)
        .where(and_(Volunteer.account_id == account_id, Signup.shift_id.in_(shift_ids)))
    )
