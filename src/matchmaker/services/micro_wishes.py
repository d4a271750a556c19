"""Micro-wishes (微心愿): small resident needs claimed and fulfilled without a procurement.

Life: ``OPEN → CLAIMED → FULFILLED → CONFIRMED``, plus ``EXPIRED``, ``WITHDRAWN`` and
``ESCALATED`` (linked to a project draft). Community staff of the wish's community record,
withdraw, confirm, return and escalate; a volunteer (for themself), a team's manager (for the
team) or an organization's admin (for the organization) claims, releases and reports. One
claimant at a time: the claim is a conditional ``UPDATE … WHERE status = 'OPEN'``, so of two
concurrent claims on PostgreSQL exactly one changes the row. Every other transition reads the
row under its lock (PostgreSQL ``FOR UPDATE``; SQLite serialises writers with BEGIN IMMEDIATE).
The beneficiary's name and address are encrypted and readable only by the community's staff
and the current claimant (docs/micro_wishes.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, update

from matchmaker import clock
from matchmaker.db.engine import dialect_name
from matchmaker.models import (
    EvidenceFile,
    MicroWish,
    Organization,
    Region,
    Volunteer,
    VolunteerTeam,
)
from matchmaker.models.enums import RegionLevel, Role, ServiceCategory
from matchmaker.models.micro_wishes import (
    ClaimantType,
    MicroWishKind,
    MicroWishNeed,
    MicroWishStatus,
)
from matchmaker.models.procurement import ProjectStatus
from matchmaker.services import audit, hours, notifications, procurement, reports
from matchmaker.services.authz import Capability, Scope, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.crypto import decrypt_pii, encrypt_pii
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.matching import micro_wishes as wish_matching
from matchmaker.services.matching.store import ENGAGED, SUCCEEDED
from matchmaker.services.validation import mask_name
from matchmaker.services.volunteer_teams import manageable_clause

WISH_FIELDS = MicroWish.AUDITED
MAX_TITLE = 200
MAX_TEXT = 2000
#: A volunteer's time for one wish: at most 12 hours, as a manual service record.
MAX_MINUTES = hours.MAX_MANUAL_MINUTES
#: A claim dropped at the deadline leaves the wish open this much longer for someone else.
REOPEN_GRACE = dt.timedelta(days=7)


def _illegal(wish: MicroWish, action: str) -> DomainError:
    return DomainError(
        ErrorCode.INVALID_STATE,
        f"A {wish.status.value.lower()} micro-wish can't be {action}",
        "wishId",
    )


# --- reading ------------------------------------------------------------------------------------


def wishes_statement(
    sc: ServiceContext,
    *,
    region_path: str | None = None,
    status: MicroWishStatus | None = None,
    category: ServiceCategory | None = None,
) -> Select[Any]:
    """The notice board: every wish is public (its masked fields), filtered as asked."""
    require(sc.actor, Capability.MICRO_WISH_READ)
    stmt = select(MicroWish)
    if region_path is not None:
        stmt = stmt.where(MicroWish.region_path.startswith(region_path, autoescape=True))
    if status is not None:
        stmt = stmt.where(MicroWish.status == status)
    if category is not None:
        stmt = stmt.where(MicroWish.category == category)
    return stmt


async def get_readable(sc: ServiceContext, wish_id: int) -> MicroWish | None:
    wish: MicroWish | None = await sc.session.scalar(
        wishes_statement(sc).where(MicroWish.id == wish_id)
    )
    return wish


async def my_volunteer_id(sc: ServiceContext) -> int | None:
    if sc.actor.account_id is None:
        return None
    vid: int | None = await sc.session.scalar(
        select(Volunteer.id).where(Volunteer.account_id == sc.actor.account_id)
    )
    return vid


def _claimant_clause(sc: ServiceContext, volunteer_id: int | None) -> ColumnElement[bool]:
    """Wishes whose current claimant the caller acts for."""
    clauses: list[ColumnElement[bool]] = []
    if volunteer_id is not None:
        clauses.append(
            and_(
                MicroWish.claimant_type == ClaimantType.VOLUNTEER,
                MicroWish.claimant_id == volunteer_id,
            )
        )
    admin_orgs = sorted(
        g.organization_id
        for g in sc.actor.grants
        if g.role is Role.ORG_ADMIN and g.organization_id is not None
    )
    if admin_orgs:
        clauses.append(
            and_(
                MicroWish.claimant_type == ClaimantType.ORGANIZATION,
                MicroWish.claimant_id.in_(admin_orgs),
            )
        )
    team_scope = sc.actor.scope(Capability.TEAM_MANAGE)
    if not team_scope.is_empty and not team_scope.unrestricted:
        clauses.append(
            and_(
                MicroWish.claimant_type == ClaimantType.TEAM,
                MicroWish.claimant_id.in_(
                    select(VolunteerTeam.id).where(manageable_clause(team_scope))
                ),
            )
        )
    return or_(*clauses) if clauses else false()


def my_claims_statement(sc: ServiceContext, *, volunteer_id: int | None) -> Select[Any]:
    """Wishes the caller holds: as the volunteer, a team's manager or an org's admin."""
    require(sc.actor, Capability.MICRO_WISH_CLAIM)
    return select(MicroWish).where(_claimant_clause(sc, volunteer_id))


async def is_claimant(sc: ServiceContext, wish: MicroWish) -> bool:
    if wish.claimant_type is None or sc.actor.account_id is None:
        return False
    found = await sc.session.scalar(
        select(MicroWish.id).where(
            MicroWish.id == wish.id, _claimant_clause(sc, await my_volunteer_id(sc))
        )
    )
    return found is not None


def _is_staff(scope: Scope, wish: MicroWish) -> bool:
    return bool(scope.region_paths) and scope.covers_region(wish.region_path)


#: While a claimant holds a wish they need the beneficiary's address to do it.
HELD = (MicroWishStatus.CLAIMED, MicroWishStatus.FULFILLED)


async def beneficiary_readable_ids(sc: ServiceContext, wish_ids: list[int]) -> set[int]:
    """Of these wishes, the ones whose beneficiary the caller may read, in one statement:
    community staff of the wish's community, and the current claimant."""
    if not wish_ids or sc.actor.account_id is None:
        return set()
    staff = sc.actor.scope(Capability.MICRO_WISH_MANAGE)
    held = and_(MicroWish.status.in_(HELD), _claimant_clause(sc, await my_volunteer_id(sc)))
    rows = await sc.session.scalars(
        select(MicroWish.id).where(
            MicroWish.id.in_(wish_ids),
            or_(staff.region_clause(MicroWish.region_path), held),
        )
    )
    return set(rows)


async def evidence_readable_ids(sc: ServiceContext, wish_ids: list[int]) -> set[int]:
    """Of these wishes, the ones whose fulfilment photos the caller may see, in one statement:
    community staff of the wish's community, and whoever holds (or held to confirmation) the
    claim now. Never the public, other volunteers or staff of other communities."""
    if not wish_ids or sc.actor.account_id is None:
        return set()
    staff = sc.actor.scope(Capability.MICRO_WISH_MANAGE)
    rows = await sc.session.scalars(
        select(MicroWish.id).where(
            MicroWish.id.in_(wish_ids),
            or_(
                staff.region_clause(MicroWish.region_path),
                _claimant_clause(sc, await my_volunteer_id(sc)),
            ),
        )
    )
    return set(rows)


async def get_evidence(sc: ServiceContext, *, file_id: int) -> EvidenceFile:
    """A wish's fulfilment photo, if the caller may see the wish's photos; else NOT_FOUND."""
    f = await sc.session.scalar(
        select(EvidenceFile).where(
            EvidenceFile.id == file_id, EvidenceFile.micro_wish_id.is_not(None)
        )
    )
    if f is None or f.micro_wish_id is None:
        raise not_found("File")
    if f.micro_wish_id not in await evidence_readable_ids(sc, [f.micro_wish_id]):
        raise not_found("File")
    return f


@dataclass(frozen=True, slots=True)
class Beneficiary:
    name: str
    address: str
    description: str


def beneficiary(sc: ServiceContext, wish: MicroWish) -> Beneficiary:
    """The decrypted details; call only for a wish in :func:`beneficiary_readable_ids`."""
    key = sc.settings.secret_key
    return Beneficiary(
        name=decrypt_pii(key, wish.beneficiary_name_encrypted),
        address=decrypt_pii(key, wish.beneficiary_address_encrypted),
        description=wish.description,
    )


@dataclass(frozen=True, slots=True)
class ClaimantView:
    type: ClaimantType
    display_name: str


async def claimant_names(sc: ServiceContext, wishes: list[MicroWish]) -> dict[int, ClaimantView]:
    """The claimant of each claimed wish: a team or an organization by name, a person masked."""
    ids: dict[ClaimantType, set[int]] = {t: set() for t in ClaimantType}
    for w in wishes:
        if w.claimant_type is not None and w.claimant_id is not None:
            ids[w.claimant_type].add(w.claimant_id)
    names: dict[tuple[ClaimantType, int], str] = {}
    if ids[ClaimantType.VOLUNTEER]:
        for vid, name in await sc.session.execute(
            select(Volunteer.id, Volunteer.real_name).where(
                Volunteer.id.in_(ids[ClaimantType.VOLUNTEER])
            )
        ):
            names[ClaimantType.VOLUNTEER, vid] = mask_name(name)
    if ids[ClaimantType.TEAM]:
        for tid, name in await sc.session.execute(
            select(VolunteerTeam.id, VolunteerTeam.name).where(
                VolunteerTeam.id.in_(ids[ClaimantType.TEAM])
            )
        ):
            names[ClaimantType.TEAM, tid] = name
    if ids[ClaimantType.ORGANIZATION]:
        for oid, name in await sc.session.execute(
            select(Organization.id, Organization.name).where(
                Organization.id.in_(ids[ClaimantType.ORGANIZATION])
            )
        ):
            names[ClaimantType.ORGANIZATION, oid] = name
    out: dict[int, ClaimantView] = {}
    for w in wishes:
        if w.claimant_type is not None and w.claimant_id is not None:
            out[w.id] = ClaimantView(
                w.claimant_type, names.get((w.claimant_type, w.claimant_id), "")
            )
    return out


# --- commands -----------------------------------------------------------------------------------


async def _lock(sc: ServiceContext, wish_id: int) -> MicroWish:
    """The wish, re-read under its row lock (PostgreSQL), or NOT_FOUND."""
    stmt = select(MicroWish).where(MicroWish.id == wish_id)
    if dialect_name(sc.session) == "postgresql":
        stmt = stmt.with_for_update()
    wish = await sc.session.scalar(stmt.execution_options(populate_existing=True))
    if wish is None:
        raise not_found("Micro-wish")
    return wish


async def _staff_wish(sc: ServiceContext, wish_id: int) -> MicroWish:
    """A wish of a community in the caller's grant (community staff), locked."""
    scope = require(sc.actor, Capability.MICRO_WISH_MANAGE)
    wish = await _lock(sc, wish_id)
    if not _is_staff(scope, wish):
        raise not_found("Micro-wish")
    return wish


async def _claimed_wish(sc: ServiceContext, wish_id: int) -> MicroWish:
    """A wish the caller holds as its claimant, locked."""
    require(sc.actor, Capability.MICRO_WISH_CLAIM)
    wish = await _lock(sc, wish_id)
    if not await is_claimant(sc, wish):
        raise DomainError(ErrorCode.FORBIDDEN, "Only the wish's claimant may do this", "wishId")
    return wish


async def _audit(
    sc: ServiceContext,
    wish: MicroWish,
    action: str,
    before: dict[str, Any] | None,
    extra: dict[str, Any] | None = None,
) -> None:
    await sc.session.flush()
    await audit.record(
        sc,
        action=action,
        subject_type="MicroWish",
        subject_id=wish.id,
        before=before,
        after=audit.snapshot(wish, WISH_FIELDS) | (extra or {}),
        region_path=wish.region_path,
    )


async def claimant_accounts(sc: ServiceContext, wish: MicroWish) -> list[int]:
    """Who hears about the claim: the volunteer, or the account that claimed for a team/org,
    plus the organization's admins."""
    accounts: set[int] = set()
    if wish.claimed_by_id is not None:
        accounts.add(wish.claimed_by_id)
    if wish.claimant_type is ClaimantType.VOLUNTEER and wish.claimant_id is not None:
        account = await sc.session.scalar(
            select(Volunteer.account_id).where(Volunteer.id == wish.claimant_id)
        )
        if account is not None:
            accounts.add(account)
    if wish.claimant_type is ClaimantType.ORGANIZATION and wish.claimant_id is not None:
        accounts.update(await notifications.org_admin_ids(sc.session, wish.claimant_id))
    return sorted(accounts)


async def _notify(
    sc: ServiceContext,
    account_ids: list[int],
    wish: MicroWish,
    code: str,
    text: str,
    body: str,
    reason: str = "",
) -> None:
    await notifications.notify(
        sc,
        account_ids,
        code=code,
        params={"wish": wish.title, "reason": reason},
        text=text,
        body=body,
        subject_type="MicroWish",
        subject_id=wish.id,
        dedupe=f"{code}:{wish.id}:{wish.version}",
    )


def _text(value: str, field: str, limit: int, what: str) -> str:
    value = value.strip()
    if not 1 <= len(value) <= limit:
        raise invalid(field, f"{what} is 1 to {limit} characters")
    return value


async def record(
    sc: ServiceContext,
    *,
    region_id: int,
    kind: MicroWishKind,
    category: ServiceCategory,
    title: str,
    description: str,
    public_description: str,
    needs: MicroWishNeed,
    deadline: dt.datetime,
    beneficiary_name: str,
    beneficiary_address: str,
) -> MicroWish:
    """Record a wish for a community in the caller's grant (community staff)."""
    scope = require(sc.actor, Capability.MICRO_WISH_MANAGE)
    region = await sc.session.scalar(
        select(Region).where(Region.id == region_id, scope.region_clause(Region.path))
    )
    if region is None:
        raise invalid("regionId", "Community not found in your scope", ErrorCode.NOT_FOUND)
    if region.level is not RegionLevel.COMMUNITY:
        raise invalid("regionId", "Micro-wishes are recorded for a community")
    title = _text(title, "title", MAX_TITLE, "The title")
    description = _text(description, "description", MAX_TEXT, "The description")
    public_description = _text(
        public_description, "publicDescription", MAX_TEXT, "The public description"
    )
    name = _text(beneficiary_name, "beneficiaryName", 100, "The beneficiary's name")
    address = _text(beneficiary_address, "beneficiaryAddress", 300, "The address")
    if name in public_description or address in public_description:
        raise invalid("publicDescription", "The public description must not name the beneficiary")
    if name in title or address in title:
        raise invalid("title", "The title is public: it must not name the beneficiary")
    if deadline <= clock.now():
        raise invalid("deadline", "The deadline must be in the future")
    key = sc.settings.secret_key
    wish = MicroWish(
        region_id=region.id,
        region_path=region.path,
        kind=kind,
        category=category,
        title=title,
        description=description,
        public_description=public_description,
        needs=needs,
        deadline=deadline,
        beneficiary_name_encrypted=encrypt_pii(key, name),
        beneficiary_address_encrypted=encrypt_pii(key, address),
        status=MicroWishStatus.OPEN,
        recorded_by_id=sc.actor.account_id,
    )
    sc.session.add(wish)
    await _audit(sc, wish, "micro_wish.record", None)
    return wish


async def withdraw(sc: ServiceContext, *, wish_id: int, reason: str) -> MicroWish:
    """Staff take an open (unclaimed) wish off the board."""
    wish = await _staff_wish(sc, wish_id)
    if wish.status is not MicroWishStatus.OPEN:
        raise _illegal(wish, "withdrawn")
    _text(reason, "reason", 500, "The reason")
    before = audit.snapshot(wish, WISH_FIELDS)
    wish.status = MicroWishStatus.WITHDRAWN
    await _audit(sc, wish, "micro_wish.withdraw", before)
    return wish


@dataclass(frozen=True, slots=True)
class Claimant:
    type: ClaimantType
    id: int


async def _resolve_claimant(
    sc: ServiceContext, *, team_id: int | None, organization_id: int | None
) -> Claimant:
    scope = require(sc.actor, Capability.MICRO_WISH_CLAIM)
    if team_id is not None and organization_id is not None:
        raise invalid("teamId", "Claim for a team or for an organization, not both")
    if team_id is not None:
        team_scope = require(sc.actor, Capability.TEAM_MANAGE)
        found = await sc.session.scalar(
            select(VolunteerTeam.id).where(
                VolunteerTeam.id == team_id,
                VolunteerTeam.is_active,
                manageable_clause(team_scope),
            )
        )
        if found is None:
            raise invalid(
                "teamId", "Team not found among the teams you manage", ErrorCode.NOT_FOUND
            )
        return Claimant(ClaimantType.TEAM, team_id)
    if organization_id is not None:
        admin_of = {g.organization_id for g in sc.actor.grants if g.role is Role.ORG_ADMIN}
        if organization_id not in admin_of:
            raise invalid("organizationId", "Organization not found", ErrorCode.NOT_FOUND)
        return Claimant(ClaimantType.ORGANIZATION, organization_id)
    if scope.self_account_id is None:
        raise invalid("teamId", "Say which team or organization claims the wish")
    volunteer_id = await my_volunteer_id(sc)
    if volunteer_id is None:
        raise DomainError(ErrorCode.NOT_FOUND, "Register as a volunteer first")
    return Claimant(ClaimantType.VOLUNTEER, volunteer_id)


async def claim(
    sc: ServiceContext,
    *,
    wish_id: int,
    team_id: int | None = None,
    organization_id: int | None = None,
) -> MicroWish:
    """Claim an open wish before its deadline: for yourself, a team you manage, or your org.

    The row changes only if it is still OPEN at the moment of the UPDATE, so two concurrent
    claims leave one claimant and the other gets ``CONFLICT``.
    """
    claimant = await _resolve_claimant(sc, team_id=team_id, organization_id=organization_id)
    wish = await get_readable(sc, wish_id)
    if wish is None:
        raise not_found("Micro-wish")
    now = clock.now()
    if wish.status is MicroWishStatus.OPEN and wish.deadline <= now:
        raise DomainError(ErrorCode.INVALID_STATE, "The wish's deadline has passed", "wishId")
    if wish.status is MicroWishStatus.CLAIMED:
        raise DomainError(ErrorCode.CONFLICT, "Someone has claimed this wish already", "wishId")
    if wish.status is not MicroWishStatus.OPEN:
        raise _illegal(wish, "claimed")
    before = audit.snapshot(wish, WISH_FIELDS)
    result = await sc.session.execute(
        update(MicroWish)
        .where(
            MicroWish.id == wish_id,
            MicroWish.status == MicroWishStatus.OPEN,
            MicroWish.deadline > now,
        )
        .values(
            status=MicroWishStatus.CLAIMED,
            claimant_type=claimant.type,
            claimant_id=claimant.id,
            claimed_by_id=sc.actor.account_id,
            claimed_at=now,
            version=MicroWish.version + 1,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise DomainError(ErrorCode.CONFLICT, "Someone has claimed this wish already", "wishId")
    wish = await _lock(sc, wish_id)
    await _audit(sc, wish, "micro_wish.claim", before)
    await wish_matching.record_wish_outcome(
        sc.session,
        sc.settings,
        wish_id=wish.id,
        claimant_type=claimant.type,
        claimant_id=claimant.id,
        stage=ENGAGED,
    )
    if wish.recorded_by_id is not None:
        await _notify(
            sc,
            [wish.recorded_by_id],
            wish,
            "micro_wish.claimed",
            "微心愿已被认领",
            f"「{wish.title}」已被认领。",
        )
    return wish


def _clear_claim(wish: MicroWish) -> None:
    wish.status = MicroWishStatus.OPEN
    wish.claimant_type = None
    wish.claimant_id = None
    wish.claimed_by_id = None
    wish.claimed_at = None
    wish.fulfilment_report = None
    wish.minutes_given = None
    wish.started_at = None
    wish.fulfilled_at = None


async def release(sc: ServiceContext, *, wish_id: int) -> MicroWish:
    """The claimant gives a claimed wish back before reporting it fulfilled."""
    wish = await _claimed_wish(sc, wish_id)
    if wish.status is not MicroWishStatus.CLAIMED:
        raise _illegal(wish, "released")
    before = audit.snapshot(wish, WISH_FIELDS)
    _clear_claim(wish)
    await _audit(sc, wish, "micro_wish.release", before)
    return wish


async def report_fulfilment(
    sc: ServiceContext,
    *,
    wish_id: int,
    report: str,
    minutes: int | None = None,
    started_at: dt.datetime | None = None,
    files: list[reports.FileSpec] | None = None,
) -> MicroWish:
    """The claimant says what was done; a volunteer giving time says for how long and, if
    not just now, when it began (by default it ended at the report: ``now - minutes``). The
    time may not overlap the volunteer's other live ledger entries (docs/micro_wishes.md).
    Optional photos (JPEG, PNG) are checked like a progress report's evidence files and kept
    with the wish; a report made again after a return adds to those already kept."""
    wish = await _claimed_wish(sc, wish_id)
    if wish.status is not MicroWishStatus.CLAIMED:
        raise _illegal(wish, "reported fulfilled")
    report = _text(report, "report", MAX_TEXT, "The report")
    files = files or []
    kept = 0
    if files:
        kept = len(
            list(
                await sc.session.scalars(
                    select(EvidenceFile.id).where(EvidenceFile.micro_wish_id == wish.id)
                )
            )
        )
    checked = reports.check_files(files, allowed=reports.PHOTO_TYPES, already=kept)
    now = clock.now()
    if started_at is not None and minutes is None:
        raise invalid("startedAt", "A start is given with the minutes")
    if minutes is not None:
        if wish.claimant_type is not ClaimantType.VOLUNTEER or wish.needs is not MicroWishNeed.TIME:
            raise invalid("minutes", "Minutes are given for a volunteer's time only")
        if not 1 <= minutes <= MAX_MINUTES:
            raise invalid("minutes", f"Give 1 to {MAX_MINUTES} minutes")
        if started_at is None:
            started_at = now - dt.timedelta(minutes=minutes)
        elif started_at + dt.timedelta(minutes=minutes) > now:
            raise invalid(
                "startedAt", "The time given can't end in the future", ErrorCode.INVALID_RECORD_TIME
            )
        assert wish.claimant_id is not None
        clash = await hours.overlapping_record(
            sc.session,
            volunteer_id=wish.claimant_id,
            start=started_at,
            end=started_at + dt.timedelta(minutes=minutes),
        )
        if clash is not None:
            raise invalid(
                "startedAt",
                "You have another service record at that time",
                ErrorCode.RECORD_OVERLAP,
            )
    before = audit.snapshot(wish, WISH_FIELDS)
    wish.status = MicroWishStatus.FULFILLED
    wish.fulfilment_report = report
    wish.minutes_given = minutes
    wish.started_at = started_at
    wish.fulfilled_at = now
    sc.session.add_all(
        reports.evidence_rows(checked, uploaded_by_id=sc.actor.account_id, micro_wish_id=wish.id)
    )
    await _audit(sc, wish, "micro_wish.report", before, {"files": reports.audited_files(files)})
    if wish.recorded_by_id is not None:
        await _notify(
            sc,
            [wish.recorded_by_id],
            wish,
            "micro_wish.fulfilled",
            "微心愿待确认",
            f"「{wish.title}」已报告完成，请确认。",
        )
    return wish


async def confirm(sc: ServiceContext, *, wish_id: int) -> MicroWish:
    """Staff of the community confirm a reported fulfilment; the claimant is told. A
    volunteer's minutes become an approved ledger entry certified by the confirming staff
    member (``hours.record_micro_wish_time``): refused there (an overlap, their own time),
    nothing is written and the wish stays FULFILLED."""
    wish = await _staff_wish(sc, wish_id)
    if wish.status is not MicroWishStatus.FULFILLED:
        raise _illegal(wish, "confirmed")
    if wish.claimed_by_id == sc.actor.account_id:
        raise DomainError(
            ErrorCode.SELF_CERTIFICATION, "Nobody confirms their own fulfilment", "wishId"
        )
    before = audit.snapshot(wish, WISH_FIELDS)
    if (
        wish.claimant_type is ClaimantType.VOLUNTEER
        and wish.claimant_id is not None
        and wish.minutes_given is not None
    ):
        await hours.record_micro_wish_time(
            sc,
            micro_wish_id=wish.id,
            volunteer_id=wish.claimant_id,
            region_path=wish.region_path,
            starts_at=wish.started_at
            or (wish.fulfilled_at or clock.now()) - dt.timedelta(minutes=wish.minutes_given),
            minutes=wish.minutes_given,
            description=f"微心愿：{wish.title}",
        )
    wish.status = MicroWishStatus.CONFIRMED
    wish.confirmed_by_id = sc.actor.account_id
    wish.confirmed_at = clock.now()
    await _audit(sc, wish, "micro_wish.confirm", before)
    if wish.claimant_type is not None and wish.claimant_id is not None:
        await wish_matching.record_wish_outcome(
            sc.session,
            sc.settings,
            wish_id=wish.id,
            claimant_type=wish.claimant_type,
            claimant_id=wish.claimant_id,
            stage=SUCCEEDED,
        )
    await _notify(
        sc,
        await claimant_accounts(sc, wish),
        wish,
        "micro_wish.confirmed",
        "微心愿已确认",
        f"感谢您完成「{wish.title}」。",
    )
    return wish


async def return_fulfilment(sc: ServiceContext, *, wish_id: int, reason: str) -> MicroWish:
    """Staff send a report back: the wish is CLAIMED again, the claimant is told why."""
    wish = await _staff_wish(sc, wish_id)
    if wish.status is not MicroWishStatus.FULFILLED:
        raise _illegal(wish, "returned")
    reason = _text(reason, "reason", 500, "The reason")
    before = audit.snapshot(wish, WISH_FIELDS)
    wish.status = MicroWishStatus.CLAIMED
    wish.fulfilled_at = None
    wish.minutes_given = None
    wish.started_at = None
    await _audit(sc, wish, "micro_wish.return", before)
    await _notify(
        sc,
        await claimant_accounts(sc, wish),
        wish,
        "micro_wish.returned",
        "微心愿被退回",
        f"「{wish.title}」未通过确认：{reason}",
        reason,
    )
    return wish


async def escalate(sc: ServiceContext, *, wish_id: int, project_id: int) -> MicroWish:
    """Too big for a wish: link it to a project draft of the same community (实事微项目)."""
    wish = await _staff_wish(sc, wish_id)
    if wish.status is not MicroWishStatus.OPEN:
        raise _illegal(wish, "escalated")
    project_scope = require(sc.actor, Capability.PROJECT_MANAGE)
    project, _path = await procurement.load_in_scope(sc.session, project_id, project_scope)
    if project.region_id != wish.region_id:
        raise invalid("projectId", "The project belongs to another community")
    if project.status is not ProjectStatus.DRAFT:
        raise invalid("projectId", "Escalate to a project draft", ErrorCode.INVALID_STATE)
    before = audit.snapshot(wish, WISH_FIELDS)
    wish.status = MicroWishStatus.ESCALATED
    wish.project_id = project.id
    await _audit(sc, wish, "micro_wish.escalate", before)
    return wish


# --- the nightly sweep --------------------------------------------------------------------------


@dataclass(slots=True)
class SweepReport:
    reopened: int = 0
    expired: int = 0


async def sweep_deadlines(sc: ServiceContext) -> SweepReport:
    """Claims not fulfilled by the deadline are dropped (the wish reopens for ``REOPEN_GRACE``,
    claimant and recorder told); open wishes past the deadline expire (recorder told)."""
    now = clock.now()
    report = SweepReport()
    claimed = (
        await sc.session.scalars(
            select(MicroWish.id)
            .where(MicroWish.status == MicroWishStatus.CLAIMED, MicroWish.deadline <= now)
            .order_by(MicroWish.id)
        )
    ).all()
    for wish_id in claimed:
        wish = await _lock(sc, wish_id)
        if wish.status is not MicroWishStatus.CLAIMED or wish.deadline > now:
            continue
        told = await claimant_accounts(sc, wish)
        before = audit.snapshot(wish, WISH_FIELDS)
        _clear_claim(wish)
        wish.deadline = now + REOPEN_GRACE
        await _audit(sc, wish, "micro_wish.reopen", before)
        if wish.recorded_by_id is not None:
            told.append(wish.recorded_by_id)
        await _notify(
            sc,
            told,
            wish,
            "micro_wish.reopened",
            "微心愿认领已过期",
            f"「{wish.title}」未在期限内完成，已重新开放认领。",
        )
        report.reopened += 1
    open_ids = (
        await sc.session.scalars(
            select(MicroWish.id)
            .where(MicroWish.status == MicroWishStatus.OPEN, MicroWish.deadline <= now)
            .order_by(MicroWish.id)
        )
    ).all()
    for wish_id in open_ids:
        wish = await _lock(sc, wish_id)
        if wish.status is not MicroWishStatus.OPEN or wish.deadline > now:
            continue
        before = audit.snapshot(wish, WISH_FIELDS)
        wish.status = MicroWishStatus.EXPIRED
        await _audit(sc, wish, "micro_wish.expire", before)
        if wish.recorded_by_id is not None:
            await _notify(
                sc,
                [wish.recorded_by_id],
                wish,
                "micro_wish.expired",
                "微心愿已过期",
                f"「{wish.title}」到期无人认领。",
            )
        report.expired += 1
    return report
