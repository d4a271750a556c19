"""Activities and shifts (服务活动), their organizers, and the rotating check-in code.

Who organizes an activity (and alone manages it and certifies its hours):
- a community activity (no project): the community staff member who created it, while the
  activity's community is inside their grant;
- a project activity: the social workers of the organization running the project
  (``services.procurement.running_organization_id`` at creation, kept on the activity).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
import struct
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.db.engine import dialect_name
from matchmaker.models import Activity, Project, Region, Shift, Volunteer
from matchmaker.models.enums import RegionLevel, ServiceCategory
from matchmaker.models.volunteering import ActivityStatus
from matchmaker.queue.outbox import schedule
from matchmaker.services import audit
from matchmaker.services.authz import Actor, Capability, Scope, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.procurement import running_organization_id
from matchmaker.services.validation import check_text_filter

ACTIVITY_FIELDS = Activity.AUDITED
SHIFT_FIELDS = Shift.AUDITED
MAX_SHIFTS = 50
MAX_SHIFT_HOURS = 24
MAX_CAPACITY = 10_000

# --- rotating check-in code (RFC 6238 TOTP: HMAC-SHA1, 60-second step, 6 digits) -------------

CODE_STEP_SECONDS = 60
CODE_DIGITS = 6
#: Steps accepted either side of the current one (a code shown just before the minute turned).
CODE_TOLERANCE_STEPS = 1


def hotp(secret: bytes, counter: int, digits: int = CODE_DIGITS) -> str:
    """RFC 4226 HOTP value of ``counter``."""
    digest = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def code_counter(at: dt.datetime) -> int:
    return int(at.timestamp()) // CODE_STEP_SECONDS


def current_code(secret: bytes, at: dt.datetime) -> str:
    return hotp(secret, code_counter(at))


def code_is_valid(secret: bytes, code: str, at: dt.datetime) -> bool:
    code = code.strip()
    if len(code) != CODE_DIGITS or not code.isdigit():
        return False
    counter = code_counter(at)
    return any(
        hmac.compare_digest(hotp(secret, counter + step), code)
        for step in range(-CODE_TOLERANCE_STEPS, CODE_TOLERANCE_STEPS + 1)
    )


@dataclass(frozen=True, slots=True)
class CheckinCode:
    shift_id: int
    code: str
    valid_until: dt.datetime


# --- distance --------------------------------------------------------------------------------

EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


# --- who is who --------------------------------------------------------------------------------


async def my_volunteer(sc: ServiceContext, *, lock: bool = False) -> Volunteer:
    """The caller's volunteer profile (locked for update when asked)."""
    require(sc.actor, Capability.VOLUNTEERING_PARTICIPATE)
    stmt = select(Volunteer).where(Volunteer.account_id == sc.actor.account_id)
    if lock and dialect_name(sc.session) == "postgresql":
        stmt = stmt.with_for_update()
    volunteer = await sc.session.scalar(stmt)
    if volunteer is None:
        raise DomainError(ErrorCode.NOT_A_VOLUNTEER, "Register as a volunteer first")
    if not volunteer.is_active:
        raise DomainError(ErrorCode.FORBIDDEN, "Your volunteer profile is deactivated")
    return volunteer


def organizer_clause(scope: Scope, actor: Actor) -> ColumnElement[bool]:
    """SQL: activities the caller organizes (see the module docstring)."""
    if scope.is_empty:
        return false()
    community = and_(
        Activity.project_id.is_(None),
        Activity.created_by_account_id == actor.account_id,
        scope.region_clause(Activity.region_path),
    )
    if not scope.organization_ids:
        return community
    project = and_(
        Activity.project_id.is_not(None),
        Activity.organization_id.in_(scope.organization_ids),
    )
    return or_(community, project)


def is_organizer(scope: Scope, actor: Actor, activity: Activity) -> bool:
    if activity.project_id is None:
        return activity.created_by_account_id == actor.account_id and scope.covers_region(
            activity.region_path
        )
    return activity.organization_id is not None and (
        activity.organization_id in scope.organization_ids
    )


def in_manage_scope(scope: Scope, activity: Activity) -> bool:
    """Inside the caller's grant (their region, or their organization's project)."""
    if activity.project_id is None:
        return scope.covers_region(activity.region_path)
    return activity.organization_id is not None and scope.covers_organization(
        activity.organization_id
    )


async def organized_activity(
    sc: ServiceContext, activity_id: int, capability: Capability = Capability.ACTIVITY_MANAGE
) -> Activity:
    """The activity, if the caller organizes it: NOT_FOUND when out of sight, else NOT_ORGANIZER."""
    scope = require(sc.actor, capability)
    activity = await sc.session.get(Activity, activity_id)
    if activity is None or not in_manage_scope(scope, activity):
        raise not_found("Activity")
    if not is_organizer(scope, sc.actor, activity):
        raise DomainError(
            ErrorCode.NOT_ORGANIZER, "Only the activity's organizer may do this", "activityId"
        )
    return activity


async def lock_shift(session: AsyncSession, shift_id: int) -> Shift | None:
    """The shift row, locked until the end of the transaction (PostgreSQL).

    SQLite needs no lock: BEGIN IMMEDIATE serialises writing transactions already.
    """
    stmt = select(Shift).where(Shift.id == shift_id)
    if dialect_name(session) == "postgresql":
        stmt = stmt.with_for_update()
    stmt = stmt.execution_options(populate_existing=True)
    return await session.scalar(stmt)


# --- create, add shifts, cancel ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShiftSpec:
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int


def _check_shift(spec: ShiftSpec, index: int | None = None) -> None:
    field = "shifts" if index is None else f"shifts.{index}"
    if spec.ends_at <= spec.starts_at:
        raise invalid(field, "A shift ends after it starts")
    if spec.ends_at - spec.starts_at > dt.timedelta(hours=MAX_SHIFT_HOURS):
        raise invalid(field, f"A shift lasts at most {MAX_SHIFT_HOURS} hours")
    if spec.starts_at <= clock.now():
        raise invalid(field, "A shift must start in the future")
    if not 1 <= spec.capacity <= MAX_CAPACITY:
        raise invalid(field, f"Capacity is 1 to {MAX_CAPACITY}")


def _new_shift(activity_id: int, spec: ShiftSpec) -> Shift:
    return Shift(
        activity_id=activity_id,
        starts_at=spec.starts_at,
        ends_at=spec.ends_at,
        capacity=spec.capacity,
        confirmed_count=0,
        waitlist_seq=0,
        secret=secrets.token_bytes(20),
    )


async def create_activity(
    sc: ServiceContext,
    *,
    title: str,
    description: str = "",
    region_id: int | None = None,
    project_id: int | None = None,
    place_name: str,
    latitude: float | None = None,
    longitude: float | None = None,
    checkin_radius_m: int | None = None,
    category: ServiceCategory,
    required_skills: list[str] | None = None,
    min_age: int = 0,
    shifts: list[ShiftSpec],
) -> Activity:
    """A community activity (``region_id`` = a community in the caller's grant) or a project
    activity (``project_id`` of a project the caller's organization runs)."""
    scope = require(sc.actor, Capability.ACTIVITY_MANAGE)
    title, place_name = title.strip(), place_name.strip()
    if not 1 <= len(title) <= 200:
        raise invalid("title", "Title must be 1 to 200 characters")
    if not 1 <= len(place_name) <= 200:
        raise invalid("placeName", "Place must be 1 to 200 characters")
    if len(description) > 5000:
        raise invalid("description", "Description is at most 5000 characters")
    if (latitude is None) != (longitude is None):
        raise invalid("latitude", "Give both latitude and longitude, or neither")
    if (
        latitude is not None
        and longitude is not None
        and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
    ):
        raise invalid("latitude", "Coordinates out of range")
    if checkin_radius_m is not None:
        if latitude is None:
            raise invalid("checkinRadiusM", "A check-in radius needs the place's coordinates")
        if not 10 <= checkin_radius_m <= 50_000:
            raise invalid("checkinRadiusM", "The radius is 10 to 50,000 metres")
    if not 0 <= min_age <= 100:
        raise invalid("minAge", "Minimum age is 0 to 100")
    skills = sorted({s.strip() for s in required_skills or [] if s.strip()})
    if len(skills) > 20 or any(len(s) > 20 or "," in s for s in skills):
        raise invalid("requiredSkills", "At most 20 skills of up to 20 characters, no commas")
    if not 1 <= len(shifts) <= MAX_SHIFTS:
        raise invalid("shifts", f"An activity has 1 to {MAX_SHIFTS} shifts")
    for i, spec in enumerate(shifts):
        _check_shift(spec, i)

    organization_id: int | None = None
    if (region_id is None) == (project_id is None):
        raise invalid("regionId", "Give a community (regionId) or a project (projectId)")
    if project_id is not None:
        project = await sc.session.get(Project, project_id)
        if project is None:
            raise not_found("Project")
        organization_id = await running_organization_id(sc.session, project_id)
        if organization_id is None or organization_id not in scope.organization_ids:
            # Only the running organization's social workers organize a project's activities;
            # to anyone else the project is out of reach.
            raise not_found("Project")
        region = await sc.session.get(Region, project.region_id)
    else:
        region = await sc.session.get(Region, region_id)
        if region is None or not scope.covers_region(region.path):
            raise not_found("Community")
    if region is None:
        raise not_found("Community")
    if project_id is None and region.level not in (RegionLevel.COMMUNITY, RegionLevel.GRID):
        raise invalid("regionId", "A community activity belongs to a community")

    activity = Activity(
        title=title,
        description=description,
        project_id=project_id,
        organization_id=organization_id,
        region_id=region.id,
        region_path=region.path,
        created_by_account_id=sc.actor.account_id,
        place_name=place_name,
        latitude=latitude,
        longitude=longitude,
        checkin_radius_m=checkin_radius_m,
        category=category,
        required_skills=skills,
        min_age=min_age,
        status=ActivityStatus.PUBLISHED,
    )
    sc.session.add(activity)
    await sc.session.flush()
    rows = [_new_shift(activity.id, spec) for spec in shifts]
    sc.session.add_all(rows)
    await sc.session.flush()
    await audit.record(
        sc,
        action="activity.create",
        subject_type="Activity",
        subject_id=activity.id,
        after={
            **audit.snapshot(activity, ACTIVITY_FIELDS),
            "shifts": [audit.snapshot(s, SHIFT_FIELDS) for s in rows],
        },
        region_path=activity.region_path,
    )
    for row in rows:
        await schedule_shift_jobs(sc.session, row)
    return activity


async def schedule_shift_jobs(session: AsyncSession, shift: Shift) -> None:
    """The shift's own timed jobs: the 24-hour reminder and closing check-outs at its end.

    The cron sweeps (jobs/volunteering.py) catch anything these miss; both are idempotent.
    """
    remind_at = max(clock.now(), shift.starts_at - dt.timedelta(hours=24))
    await schedule(
        session,
        "send_shift_reminders",
        {"shift_id": shift.id},
        key=f"shift_reminder:{shift.id}",
        run_at=remind_at,
    )
    await schedule(
        session,
        "close_forgotten_checkouts",
        {"shift_id": shift.id},
        key=f"close_checkouts:{shift.id}",
        run_at=shift.ends_at,
    )


async def add_shift(sc: ServiceContext, *, activity_id: int, spec: ShiftSpec) -> Shift:
    activity = await organized_activity(sc, activity_id)
    if activity.status is ActivityStatus.CANCELLED:
        raise DomainError(ErrorCode.ACTIVITY_CANCELLED, "The activity is cancelled")
    _check_shift(spec)
    shift = _new_shift(activity.id, spec)
    sc.session.add(shift)
    await sc.session.flush()
    await audit.record(
        sc,
        action="shift.create",
        subject_type="Shift",
        subject_id=shift.id,
        after=audit.snapshot(shift, SHIFT_FIELDS),
        region_path=activity.region_path,
    )
    await schedule_shift_jobs(sc.session, shift)
    return shift


async def cancel_activity(
    sc: ServiceContext, *, activity_id: int, reason: str, version: int
) -> Activity:
    """Cancel the activity and its future shifts; a job notifies everyone signed up."""
    activity = await organized_activity(sc, activity_id)
    if activity.version != version:
        raise DomainError(
            ErrorCode.STALE_VERSION, "The activity was changed by someone else", "version"
        )
    if activity.status is ActivityStatus.CANCELLED:
        raise DomainError(ErrorCode.INVALID_STATE, "The activity is cancelled already")
    reason = reason.strip()
    if not 2 <= len(reason) <= 500:
        raise invalid("reason", "Give a reason (2 to 500 characters)")
    before = audit.snapshot(activity, ACTIVITY_FIELDS)
    activity.status = ActivityStatus.CANCELLED
    activity.cancel_reason = reason
    # Each shift locked (in id order) like every other change to its places, so a signup
    # racing the cancellation either lands before it or sees the shift cancelled.
    stmt = (
        select(Shift)
        .where(Shift.activity_id == activity.id, Shift.ends_at > clock.now())
        .order_by(Shift.id)
    )
    if dialect_name(sc.session) == "postgresql":
        stmt = stmt.with_for_update()
    shifts = await sc.session.scalars(stmt)
    for shift in shifts:
        shift.is_cancelled = True
    await sc.session.flush()
    await audit.record(
        sc,
        action="activity.cancel",
        subject_type="Activity",
        subject_id=activity.id,
        before=before,
        after=audit.snapshot(activity, ACTIVITY_FIELDS),
        region_path=activity.region_path,
    )
    await schedule(
        sc.session,
        "notify_activity_cancelled",
        {"activity_id": activity.id},
        key=f"activity_cancelled:{activity.id}",
    )
    return activity


async def checkin_code(sc: ServiceContext, *, shift_id: int) -> CheckinCode:
    """The code to show on the organizer's screen now (and how long it stays current)."""
    shift = await sc.session.get(Shift, shift_id)
    if shift is None:
        raise not_found("Shift")
    await organized_activity(sc, shift.activity_id)
    now = clock.now()
    counter = code_counter(now)
    valid_until = dt.datetime.fromtimestamp((counter + 1) * CODE_STEP_SECONDS, dt.UTC)
    return CheckinCode(
        shift_id=shift.id, code=current_code(shift.secret, now), valid_until=valid_until
    )


# --- reads -----------------------------------------------------------------------------------


def activities_statement(
    sc: ServiceContext,
    *,
    region_path: str | None = None,
    project_id: int | None = None,
    status: ActivityStatus | None = None,
    category: ServiceCategory | None = None,
    text: str | None = None,
    organized_by_me: bool = False,
) -> Select[Any]:
    """Activities are public notices (place, time, needs); rosters and hours are not."""
    require(sc.actor, Capability.ACTIVITY_READ)
    stmt = select(Activity)
    if organized_by_me:
        scope = require(sc.actor, Capability.ACTIVITY_MANAGE)
        stmt = stmt.where(organizer_clause(scope, sc.actor))
    if region_path is not None:
        stmt = stmt.where(Activity.region_path.startswith(region_path, autoescape=True))
    if project_id is not None:
        stmt = stmt.where(Activity.project_id == project_id)
    if status is not None:
        stmt = stmt.where(Activity.status == status)
    if category is not None:
        stmt = stmt.where(Activity.category == category)
    check_text_filter(text)
    if text:
        stmt = stmt.where(Activity.title.contains(text.strip(), autoescape=True))
    return stmt


async def get_activity(sc: ServiceContext, activity_id: int) -> Activity | None:
    require(sc.actor, Capability.ACTIVITY_READ)
    return await sc.session.get(Activity, activity_id)


async def get_shift(sc: ServiceContext, shift_id: int) -> Shift | None:
    require(sc.actor, Capability.ACTIVITY_READ)
    return await sc.session.get(Shift, shift_id)
