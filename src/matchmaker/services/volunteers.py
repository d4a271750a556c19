"""Volunteers (志愿者): registration, profiles, and who may see which personal data.

The resident ID number is stored only encrypted, with a keyed hash for uniqueness and a
precomputed mask for display; it is never decrypted for lists. :func:`disclosure` is the one
place that decides which personal fields a viewer sees (PIPL: only to those whose role needs it).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Select, String, or_, select, true, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from matchmaker import clock
from matchmaker.models import Account, Region, RoleGrant, Volunteer
from matchmaker.models.enums import DaySlot, RegionLevel, Role, ServiceCategory
from matchmaker.services import accounts, audit
from matchmaker.services.authz import Actor, Capability, Scope, require, require_authenticated
from matchmaker.services.context import ServiceContext
from matchmaker.services.crypto import encrypt_pii, keyed_hash
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.ratelimit import registration_key
from matchmaker.services.validation import (
    age_on,
    check_text_filter,
    mask_id_number,
    mask_name,
    parse_id_number,
)

ADULT_AGE = 18
MAX_SKILLS = 20
MAX_SKILL_LENGTH = 20
MAX_DISTANCE_KM = 100
DAYS = 7
HOME_LEVELS = (RegionLevel.COMMUNITY, RegionLevel.GRID)
#: What the audit log keeps of a volunteer: no name, ID, phone or coordinates.
AUDIT_FIELDS = Volunteer.AUDITED


class _Keep(Enum):
    KEEP = "KEEP"


#: "Leave this field as it is" in partial updates (``None`` can be a real value).
KEEP = _Keep.KEEP


# --- weekly availability ------------------------------------------------------------------------


def encode_availability(slots: Iterable[tuple[int, DaySlot]]) -> int:
    """``(day, slot)`` pairs (day 0 = Monday … 6 = Sunday) → the 21-bit mask."""
    slots = list(slots)
    if len(slots) > 5 * DAYS * len(DaySlot):
        raise invalid("availability", "Too many availability slots")
    bits = 0
    for day, slot in slots:
        if not 0 <= day < DAYS:
            raise invalid("availability", "Day must be 0 (Monday) to 6 (Sunday)")
        bits |= 1 << (day * len(DaySlot) + slot.position)
    return bits


def decode_availability(bits: int) -> list[tuple[int, DaySlot]]:
    slots = list(DaySlot)
    return [
        (day, slot)
        for day in range(DAYS)
        for slot in slots
        if bits & (1 << (day * len(slots) + slot.position))
    ]


# --- who sees what ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Disclosure:
    """Which personal fields of one volunteer one viewer may see in full."""

    is_self: bool
    real_name: bool
    id_number: bool
    phone: bool
    coordinates: bool
    birth_details: bool


def disclosure(actor: Actor, *, account_id: int, home_region_path: str | None) -> Disclosure:
    """The PIPL policy, in one place.

    - the volunteer: everything (the full ID number is decrypted only for them);
    - platform admins, and community staff / bureau officers / auditors whose region subtree
      holds the home region: the real name and age, but the ID number and phone masked;
    - everyone else (an org admin or a fellow member seeing a team roster): the masked name and
      the public volunteer number only.
    """
    is_self = actor.account_id is not None and actor.account_id == account_id
    official = actor.scope(Capability.VOLUNTEER_READ).covers_region(home_region_path)
    return Disclosure(
        is_self=is_self,
        real_name=is_self or official,
        id_number=is_self,
        phone=is_self,
        coordinates=is_self,
        birth_details=is_self or official,
    )


def shown_name(real_name: str, rule: Disclosure) -> str:
    return real_name if rule.real_name else mask_name(real_name)


# --- input rules ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Identity:
    number: str
    birth_date: dt.date
    gender: str


def parse_identity(id_number: str) -> Identity:
    parsed = parse_id_number(id_number)
    if parsed is None or parsed[1] > clock.today_shanghai():
        raise invalid("idNumber", "Not a valid resident ID number", ErrorCode.INVALID_ID_NUMBER)
    number, birth, gender = parsed
    return Identity(number=number, birth_date=birth, gender=gender)


def age(birth_date: dt.date) -> int:
    """Age in full years on today's date in China."""
    return age_on(birth_date, clock.today_shanghai())


def is_minor(birth_date: dt.date) -> bool:
    return age(birth_date) < ADULT_AGE


def clean_real_name(real_name: str) -> str:
    name = real_name.strip()
    if not 1 <= len(name) <= 50:
        raise invalid("realName", "Real name must be 1 to 50 characters")
    return name


def clean_skills(skills: Sequence[str]) -> list[str]:
    if len(skills) > 5 * MAX_SKILLS:
        raise invalid("skills", f"At most {MAX_SKILLS} skills")
    cleaned: list[str] = []
    for raw in skills:
        skill = raw.strip()
        if not skill:
            continue
        if len(skill) > MAX_SKILL_LENGTH:
            raise invalid("skills", f"A skill is at most {MAX_SKILL_LENGTH} characters")
        if "," in skill or "，" in skill:
            raise invalid("skills", "A skill can't contain a comma")
        if skill not in cleaned:
            cleaned.append(skill)
    if len(cleaned) > MAX_SKILLS:
        raise invalid("skills", f"At most {MAX_SKILLS} skills")
    return sorted(cleaned)


def clean_interests(interests: Sequence[ServiceCategory]) -> list[str]:
    if len(interests) > 5 * len(ServiceCategory):
        raise invalid("interests", "Too many interests")
    return sorted({ServiceCategory(i).value for i in interests})


def check_coordinates(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise invalid("latitude", "Give both latitude and longitude, or neither")
    if latitude is not None and not -90 <= latitude <= 90:
        raise invalid("latitude", "Latitude must be between -90 and 90")
    if longitude is not None and not -180 <= longitude <= 180:
        raise invalid("longitude", "Longitude must be between -180 and 180")


def check_max_distance(km: int) -> None:
    if not 1 <= km <= MAX_DISTANCE_KM:
        raise invalid("maxDistanceKm", f"Travel distance must be 1 to {MAX_DISTANCE_KM} km")


async def home_region(session: AsyncSession, region_id: int) -> Region:
    region = await session.get(Region, region_id)
    if region is None:
        raise invalid("homeRegionId", "Region not found")
    if region.level not in HOME_LEVELS:
        raise invalid("homeRegionId", "The home region must be a community or a grid")
    return region


async def _new_volunteer_number(session: AsyncSession) -> str:
    """``V`` + 10 random digits: public, and unrelated to the ID number or the row id."""
    for _ in range(10):
        number = f"V{secrets.randbelow(10**10):010d}"
        if await session.scalar(select(Volunteer.id).where(Volunteer.volunteer_number == number)):
            continue
        return number
    raise DomainError(ErrorCode.CONFLICT, "Could not allocate a volunteer number; try again")


@dataclass(frozen=True, slots=True)
class ProfileInput:
    """What a volunteer tells about themself at registration."""

    real_name: str
    id_number: str
    home_region_id: int
    skills: Sequence[str] = ()
    interests: Sequence[ServiceCategory] = ()
    availability: Sequence[tuple[int, DaySlot]] = ()
    latitude: float | None = None
    longitude: float | None = None
    max_distance_km: int = 5
    guardian_consent: bool = False


async def _create_profile(sc: ServiceContext, *, account_id: int, data: ProfileInput) -> Volunteer:
    """Validate and insert the profile for ``account_id``; the caller checks who may."""
    real_name = clean_real_name(data.real_name)
    identity = parse_identity(data.id_number)
    id_hash = keyed_hash(sc.settings.secret_key, identity.number)
    if await sc.session.scalar(select(Volunteer.id).where(Volunteer.id_number_hash == id_hash)):
        raise invalid("idNumber", "This ID number is already registered", ErrorCode.ID_NUMBER_TAKEN)
    if is_minor(identity.birth_date) and not data.guardian_consent:
        raise invalid(
            "guardianConsent",
            "Volunteers under 18 need their guardian's consent",
            ErrorCode.GUARDIAN_CONSENT_REQUIRED,
        )
    region = await home_region(sc.session, data.home_region_id)
    check_coordinates(data.latitude, data.longitude)
    check_max_distance(data.max_distance_km)
    volunteer = Volunteer(
        account_id=account_id,
        real_name=real_name,
        id_number_encrypted=encrypt_pii(sc.settings.secret_key, identity.number),
        id_number_hash=id_hash,
        id_number_masked=mask_id_number(identity.number),
        birth_date=identity.birth_date,
        gender=identity.gender,
        volunteer_number=await _new_volunteer_number(sc.session),
        skills=clean_skills(data.skills),
        interests=clean_interests(data.interests),
        availability=encode_availability(data.availability),
        home_region_id=region.id,
        latitude=data.latitude,
        longitude=data.longitude,
        max_distance_km=data.max_distance_km,
        guardian_consent=data.guardian_consent,
        total_minutes=0,
        star_level=0,
        is_active=True,
    )
    sc.session.add(volunteer)
    try:
        await sc.session.flush()
    except IntegrityError as exc:
        # Two registrations of one ID number at once: the unique index decides, and the loser
        # gets the same answer as if it had come second.
        if "id_number_hash" in str(exc.orig):
            raise invalid(
                "idNumber", "This ID number is already registered", ErrorCode.ID_NUMBER_TAKEN
            ) from None
        raise
    has_grant = await sc.session.scalar(
        select(RoleGrant.id).where(
            RoleGrant.account_id == account_id, RoleGrant.role == Role.VOLUNTEER
        )
    )
    if not has_grant:
        await accounts.add_grant(sc, account_id=account_id, role=Role.VOLUNTEER)
    await audit.record(
        sc,
        action="volunteer.register",
        subject_type="Volunteer",
        subject_id=volunteer.id,
        after=audit.snapshot(volunteer, AUDIT_FIELDS),
        region_path=region.path,
    )
    return volunteer


@dataclass(frozen=True, slots=True)
class Registration:
    volunteer: Volunteer
    session: accounts.LoginResult


async def register(
    sc: ServiceContext,
    *,
    phone: str,
    password: str,
    profile: ProfileInput,
    user_agent: str | None = None,
) -> Registration:
    """Self-registration (public): a new account whose login is the phone, and a session.

    Registrations are limited per client address (``registration_max_per_address`` in
    ``registration_window_seconds``); the slot is taken first, so a refused request does no
    work and writes nothing, and a registration that fails gives its slot back. The ID number
    is checked before the account is created, so a bad number writes nothing even outside a
    savepoint.
    """
    slot = None
    if sc.registration_limiter is not None:
        slot = await sc.registration_limiter.take(registration_key(sc.client_ip), sc.session)
        if slot is None:
            settings = sc.settings
            raise DomainError(
                ErrorCode.RATE_LIMITED,
                f"Too many registrations from this network (at most "
                f"{settings.registration_max_per_address} in "
                f"{-(-settings.registration_window_seconds // 60)} minutes); try again later",
            )
    try:
        real_name = clean_real_name(profile.real_name)
        parse_identity(profile.id_number)
        account = await accounts.new_account(
            sc,
            username=None,
            phone=phone.strip(),
            password=password,
            # Others see the display name: the real name stays masked there.
            display_name=mask_name(real_name),
        )
        volunteer = await _create_profile(sc, account_id=account.id, data=profile)
        result = await accounts.open_session(sc, account, user_agent=user_agent)
    except BaseException:
        if slot is not None:
            sc.defer(slot.give_back)
        raise
    return Registration(volunteer=volunteer, session=result)


async def become_volunteer(sc: ServiceContext, *, profile: ProfileInput) -> Volunteer:
    """A logged-in account without a volunteer profile (a social worker, say) registers."""
    account_id = require_authenticated(sc.actor)
    if await sc.session.scalar(select(Volunteer.id).where(Volunteer.account_id == account_id)):
        raise DomainError(ErrorCode.ALREADY_REGISTERED, "You are registered as a volunteer already")
    return await _create_profile(sc, account_id=account_id, data=profile)


# --- reads ----------------------------------------------------------------------------------------


def scope_clause(scope: Scope) -> ColumnElement[bool]:
    """Volunteers inside ``scope``: the home region's subtree, or the caller's own profile."""
    if scope.unrestricted:
        return true()
    region = aliased(Region)
    home = (
        select(region.path)
        .where(region.id == Volunteer.home_region_id)
        .correlate(Volunteer)
        .scalar_subquery()
    )
    return or_(scope.region_clause(home), scope.self_clause(Volunteer.account_id))


def readable(sc: ServiceContext) -> Select[Volunteer]:
    """Every volunteer the caller may read (VOLUNTEER_READ), unfiltered."""
    return select(Volunteer).where(scope_clause(require(sc.actor, Capability.VOLUNTEER_READ)))


def _tags(column: Any) -> Any:
    """A TagSet column as plain text, so a LIKE pattern isn't parsed as a tag list."""
    return type_coerce(column, String)


def volunteers_statement(
    sc: ServiceContext,
    *,
    under_path: str | None = None,
    skill: str | None = None,
    interest: ServiceCategory | None = None,
    min_star_level: int | None = None,
    text: str | None = None,
    is_active: bool | None = None,
) -> Select[Any]:
    stmt: Select[Any] = readable(sc)
    if under_path is not None:
        stmt = stmt.where(
            Volunteer.home_region_id.in_(
                select(Region.id).where(Region.path.startswith(under_path, autoescape=True))
            )
        )
    check_text_filter(skill, "skill")
    check_text_filter(text)
    if skill:
        stmt = stmt.where(_tags(Volunteer.skills).contains(f",{skill.strip()},", autoescape=True))
    if interest is not None:
        stmt = stmt.where(
            _tags(Volunteer.interests).contains(f",{interest.value},", autoescape=True)
        )
    if min_star_level is not None:
        stmt = stmt.where(Volunteer.star_level >= min_star_level)
    if is_active is not None:
        stmt = stmt.where(Volunteer.is_active.is_(is_active))
    if text and text.strip():
        needle = text.strip()
        stmt = stmt.where(
            or_(
                Volunteer.real_name.contains(needle, autoescape=True),
                Volunteer.volunteer_number == needle.upper(),
            )
        )
    return stmt


async def get_readable(sc: ServiceContext, volunteer_id: int) -> Volunteer | None:
    """One volunteer the caller may read, or None (missing and out of scope look the same)."""
    row: Volunteer | None = await sc.session.scalar(
        readable(sc).where(Volunteer.id == volunteer_id)
    )
    return row


async def of_account(session: AsyncSession, account_id: int | None) -> Volunteer | None:
    if account_id is None:
        return None
    return await session.scalar(select(Volunteer).where(Volunteer.account_id == account_id))


async def my_profile(sc: ServiceContext) -> Volunteer | None:
    return await of_account(sc.session, sc.actor.account_id)


async def phones_of(session: AsyncSession, account_ids: Sequence[int]) -> dict[int, str | None]:
    rows = await session.execute(
        select(Account.id, Account.phone).where(Account.id.in_(set(account_ids)))
    )
    return {r.id: r.phone for r in rows}


async def region_path(session: AsyncSession, region_id: int) -> str | None:
    return await session.scalar(select(Region.path).where(Region.id == region_id))


# --- writes ---------------------------------------------------------------------------------------


async def _in_scope(sc: ServiceContext, scope: Scope, volunteer_id: int) -> Volunteer:
    row: Volunteer | None = await sc.session.scalar(
        select(Volunteer).where(Volunteer.id == volunteer_id, scope_clause(scope))
    )
    if row is None:
        raise not_found("Volunteer")
    return row


def _check_version(volunteer: Volunteer, version: int) -> None:
    if volunteer.version != version:
        raise DomainError(
            ErrorCode.STALE_VERSION, "The profile was changed by someone else", "version"
        )


async def update_profile(
    sc: ServiceContext,
    *,
    volunteer_id: int,
    version: int,
    skills: Sequence[str] | _Keep = KEEP,
    interests: Sequence[ServiceCategory] | _Keep = KEEP,
    availability: Sequence[tuple[int, DaySlot]] | _Keep = KEEP,
    home_region_id: int | _Keep = KEEP,
    coordinates: tuple[float | None, float | None] | _Keep = KEEP,
    max_distance_km: int | _Keep = KEEP,
    guardian_consent: bool | _Keep = KEEP,
    personalized_feed: bool | _Keep = KEEP,
    recommendable: bool | _Keep = KEEP,
) -> Volunteer:
    """The volunteer themself or a platform admin; real name and ID number are not editable.

    ``personalized_feed`` and ``recommendable`` are the volunteer's own choices (docs/matching.md,
    People's rights): nobody else sets them, and they take effect on the next request.
    """
    scope = require(sc.actor, Capability.VOLUNTEER_UPDATE)
    volunteer = await _in_scope(sc, scope, volunteer_id)
    _check_version(volunteer, version)
    own_choice = {"personalizedFeed": personalized_feed, "recommendable": recommendable}
    for field_name, value in own_choice.items():
        if not isinstance(value, _Keep) and sc.actor.account_id != volunteer.account_id:
            raise DomainError(ErrorCode.FORBIDDEN, "Only the volunteer decides this", field_name)
    before = audit.snapshot(volunteer, AUDIT_FIELDS)
    if not isinstance(skills, _Keep):
        volunteer.skills = clean_skills(skills)
    if not isinstance(interests, _Keep):
        volunteer.interests = clean_interests(interests)
    if not isinstance(availability, _Keep):
        volunteer.availability = encode_availability(availability)
    if not isinstance(home_region_id, _Keep):
        volunteer.home_region_id = (await home_region(sc.session, home_region_id)).id
    if not isinstance(coordinates, _Keep):
        latitude, longitude = coordinates
        check_coordinates(latitude, longitude)
        volunteer.latitude, volunteer.longitude = latitude, longitude
    if not isinstance(max_distance_km, _Keep):
        check_max_distance(max_distance_km)
        volunteer.max_distance_km = max_distance_km
    if not isinstance(guardian_consent, _Keep):
        volunteer.guardian_consent = guardian_consent
    if not isinstance(personalized_feed, _Keep):
        volunteer.personalized_feed = personalized_feed
    if not isinstance(recommendable, _Keep):
        volunteer.recommendable = recommendable
    if is_minor(volunteer.birth_date) and not volunteer.guardian_consent:
        raise invalid(
            "guardianConsent",
            "Volunteers under 18 need their guardian's consent",
            ErrorCode.GUARDIAN_CONSENT_REQUIRED,
        )
    await sc.session.flush()
    await audit.record(
        sc,
        action="volunteer.update",
        subject_type="Volunteer",
        subject_id=volunteer.id,
        before=before,
        after=audit.snapshot(volunteer, AUDIT_FIELDS),
        region_path=await region_path(sc.session, volunteer.home_region_id),
    )
    return volunteer


async def set_active(
    sc: ServiceContext, *, volunteer_id: int, active: bool, version: int | None = None
) -> Volunteer:
    """Deactivate: the volunteer, community staff of the home region, platform admins.

    A volunteer may withdraw themself, but coming back after a deactivation goes through the
    community (or an admin), so a volunteer can't undo a deactivation by their community.
    """
    scope = require(sc.actor, Capability.VOLUNTEER_DEACTIVATE)
    volunteer = await _in_scope(sc, scope, volunteer_id)
    if version is not None:
        _check_version(volunteer, version)
    path = await region_path(sc.session, volunteer.home_region_id)
    if active and not volunteer.is_active and not scope.covers_region(path):
        raise DomainError(
            ErrorCode.FORBIDDEN, "Ask your community to reactivate your profile", "active"
        )
    if volunteer.is_active is active:
        return volunteer
    before = audit.snapshot(volunteer, AUDIT_FIELDS)
    volunteer.is_active = active
    await sc.session.flush()
    await audit.record(
        sc,
        action="volunteer.activate" if active else "volunteer.deactivate",
        subject_type="Volunteer",
        subject_id=volunteer.id,
        before=before,
        after=audit.snapshot(volunteer, AUDIT_FIELDS),
        region_path=path,
    )
    return volunteer
