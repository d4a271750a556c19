"""Professional social workers (社工): profile, certification, registration, employment.

Reads are scoped in SQL: region roles see workers employed by an organization based in their
subtree or living in it; organization admins see their staff; a social worker sees themself.
Hiring belongs to the organization's admins: they create a new worker's account (staff at
once), or invite an existing worker, who becomes staff only by accepting. Level, certificate
number and registration are bid qualifications, recorded by the bureau
(``set_qualification``), never by the worker or their employer (docs/procurement.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, String, exists, false, or_, select, true, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from matchmaker import clock
from matchmaker.db.types import tag_pattern
from matchmaker.models import (
    Account,
    Organization,
    Region,
    RoleGrant,
    SocialWorker,
    SocialWorkerMembership,
)
from matchmaker.models.enums import Role, ServiceCategory, WorkerLevel
from matchmaker.models.organizations import MembershipStatus
from matchmaker.services import accounts, audit, notifications
from matchmaker.services import organizations as org_service
from matchmaker.services.authz import Actor, Capability, Scope, require, require_authenticated
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.validation import check_text_filter

#: Registration (注册) of a certified social worker is valid for three years.
REGISTRATION_YEARS = 3
CERTIFICATE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,63}$")
#: Audited fields; the person's name stays out of the log.
WORKER_FIELDS = SocialWorker.AUDITED


def registration_expiry(registered_on: dt.date) -> dt.date:
    """The last day a registration made on ``registered_on`` is valid."""
    try:
        anniversary = registered_on.replace(year=registered_on.year + REGISTRATION_YEARS)
    except ValueError:  # 29 February
        anniversary = registered_on.replace(year=registered_on.year + REGISTRATION_YEARS, day=28)
    return anniversary - dt.timedelta(days=1)


def registration_valid(expires_on: dt.date | None, today: dt.date | None = None) -> bool:
    if expires_on is None:
        return False
    return (today or clock.today_shanghai()) <= expires_on


# --- scope ------------------------------------------------------------------------------------


def _member_of(org_clause: ColumnElement[bool]) -> ColumnElement[bool]:
    """Workers employed (an accepted membership) by an organization matching ``org_clause``.

    The membership table is aliased so the EXISTS correlates only to the outer SocialWorker,
    even inside queries that join memberships themselves (an organization's staff). A pending
    invitation gives the inviting organization no access to the worker.
    """
    membership = aliased(SocialWorkerMembership)
    return exists().where(
        membership.social_worker_id == SocialWorker.id,
        membership.status == MembershipStatus.ACTIVE,
        membership.organization_id.in_(select(Organization.id).where(org_clause).scalar_subquery()),
    )


def scope_clause(scope: Scope) -> ColumnElement[bool]:
    """Workers a SOCIAL_WORKER_READ scope reaches."""
    if scope.unrestricted:
        return true()
    clauses: list[ColumnElement[bool]] = []
    if scope.region_paths:
        in_region = select(Region.id).where(scope.region_clause(Region.path)).scalar_subquery()
        clauses.append(SocialWorker.home_region_id.in_(in_region))
        clauses.append(_member_of(Organization.region_id.in_(in_region)))
    if scope.organization_ids:
        clauses.append(_member_of(scope.organization_clause(Organization.id)))
    if scope.self_account_id is not None:
        clauses.append(scope.self_clause(SocialWorker.account_id))
    return or_(*clauses) if clauses else false()


def manageable_clause(scope: Scope) -> ColumnElement[bool]:
    """Workers a SOCIAL_WORKER_MANAGE scope reaches: staff of the caller's organizations, self."""
    if scope.unrestricted:
        return true()
    clauses: list[ColumnElement[bool]] = []
    if scope.organization_ids:
        clauses.append(_member_of(scope.organization_clause(Organization.id)))
    if scope.self_account_id is not None:
        clauses.append(scope.self_clause(SocialWorker.account_id))
    return or_(*clauses) if clauses else false()


async def get(sc: ServiceContext, *, social_worker_id: int) -> SocialWorker:
    scope = require(sc.actor, Capability.SOCIAL_WORKER_READ)
    worker = await sc.session.scalar(
        select(SocialWorker).where(SocialWorker.id == social_worker_id, scope_clause(scope))
    )
    if worker is None:
        raise not_found("Social worker")
    return worker


async def _get_manageable(sc: ServiceContext, social_worker_id: int) -> SocialWorker:
    scope = require(sc.actor, Capability.SOCIAL_WORKER_MANAGE)
    worker = await sc.session.scalar(
        select(SocialWorker).where(SocialWorker.id == social_worker_id, manageable_clause(scope))
    )
    if worker is None:
        raise not_found("Social worker")
    return worker


def social_workers_statement(
    sc: ServiceContext,
    *,
    under_path: str | None = None,
    min_level: WorkerLevel | None = None,
    specialty: ServiceCategory | None = None,
    organization_id: int | None = None,
    text: str | None = None,
    include_inactive: bool = False,
) -> Select[SocialWorker]:
    scope = require(sc.actor, Capability.SOCIAL_WORKER_READ)
    stmt = select(SocialWorker).where(scope_clause(scope))
    if under_path is not None:
        under = (
            select(Region.id)
            .where(Region.path.startswith(under_path, autoescape=True))
            .scalar_subquery()
        )
        stmt = stmt.where(
            or_(
                SocialWorker.home_region_id.in_(under),
                _member_of(Organization.region_id.in_(under)),
            )
        )
    if min_level is not None and min_level is not WorkerLevel.NONE:
        stmt = stmt.where(
            SocialWorker.level.in_([w for w in WorkerLevel if w.rank >= min_level.rank])
        )
    if specialty is not None:
        stmt = stmt.where(
            type_coerce(SocialWorker.specialties, String).like(tag_pattern(specialty.value))
        )
    if organization_id is not None:
        stmt = stmt.where(_member_of(Organization.id == organization_id))
    check_text_filter(text)
    if text and text.strip():
        needle = text.strip()
        stmt = stmt.where(
            or_(
                SocialWorker.name.icontains(needle, autoescape=True),
                SocialWorker.certificate_number.contains(needle.upper(), autoescape=True),
            )
        )
    if not include_inactive:
        stmt = stmt.where(SocialWorker.is_active.is_(True))
    return stmt


# --- validation -------------------------------------------------------------------------------


def _name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= 50:
        raise invalid("name", "Name must be 1 to 50 characters")
    return name


async def _certificate(
    session: AsyncSession, number: str | None, *, own_id: int | None = None
) -> str | None:
    if number is None or not number.strip():
        return None
    number = number.strip().upper()
    if not CERTIFICATE_RE.match(number):
        raise invalid("certificateNumber", "Certificate number: 4–64 letters, digits or -")
    taken = await session.scalar(
        select(SocialWorker.id).where(
            SocialWorker.certificate_number == number,
            SocialWorker.id != own_id if own_id is not None else true(),
        )
    )
    if taken is not None:
        raise _certificate_taken()
    return number


def _certificate_taken() -> DomainError:
    return invalid(
        "certificateNumber",
        "Another social worker has this certificate number",
        ErrorCode.CERTIFICATE_NUMBER_TAKEN,
    )


def _check_certified(level: WorkerLevel, certificate: str | None) -> None:
    if level is not WorkerLevel.NONE and certificate is None:
        raise invalid("certificateNumber", "A certified social worker needs a certificate number")


def _expiry(registered_on: dt.date, level: WorkerLevel) -> dt.date:
    if level is WorkerLevel.NONE:
        raise invalid("registeredOn", "Only a certified social worker is registered")
    if registered_on > clock.today_shanghai():
        raise invalid("registeredOn", "The registration date can't be in the future")
    return registration_expiry(registered_on)


async def _home_region(session: AsyncSession, region_id: int | None) -> int | None:
    if region_id is None:
        return None
    if await session.get(Region, region_id) is None:
        raise invalid("homeRegionId", "Region not found", ErrorCode.NOT_FOUND)
    return region_id


def _specialties(values: Sequence[ServiceCategory]) -> list[str]:
    return sorted({ServiceCategory(v).value for v in values})


async def region_path_of(session: AsyncSession, worker: SocialWorker) -> str | None:
    """Where the worker's audit events belong: their first employer's region (the bureau that
    oversees the organization), else their home region."""
    employer = await session.scalar(
        select(Region.path)
        .join(Organization, Organization.region_id == Region.id)
        .join(SocialWorkerMembership, SocialWorkerMembership.organization_id == Organization.id)
        .where(
            SocialWorkerMembership.social_worker_id == worker.id,
            SocialWorkerMembership.status == MembershipStatus.ACTIVE,
        )
        .order_by(SocialWorkerMembership.id)
        .limit(1)
    )
    if employer is not None or worker.home_region_id is None:
        return employer
    return await session.scalar(select(Region.path).where(Region.id == worker.home_region_id))


async def _org_path(session: AsyncSession, org: Organization) -> str | None:
    return await session.scalar(select(Region.path).where(Region.id == org.region_id))


def _snapshot(worker: SocialWorker) -> dict[str, Any]:
    return audit.snapshot(worker, WORKER_FIELDS)


# --- writes -----------------------------------------------------------------------------------


async def create_social_worker(
    sc: ServiceContext,
    *,
    organization_id: int,
    name: str,
    password: str,
    phone: str | None = None,
    username: str | None = None,
    specialties: Sequence[ServiceCategory] = (),
    home_region_id: int | None = None,
) -> SocialWorker:
    """A new account, its social-worker profile, and employment by the organization.

    The worker starts uncertified: the bureau records level, certificate and registration.
    """
    org = await org_service.staff_organization(sc, organization_id)
    if not org.is_active:
        raise invalid("organizationId", "The organization is inactive", ErrorCode.CONFLICT)
    name = _name(name)
    home = await _home_region(sc.session, home_region_id)
    account = await accounts.new_account(
        sc,
        username=username.strip() if username else None,
        phone=phone.strip() if phone else None,
        password=password,
        display_name=name,
    )
    worker = SocialWorker(
        account_id=account.id,
        name=name,
        level=WorkerLevel.NONE,
        certificate_number=None,
        registration_expires_on=None,
        specialties=_specialties(specialties),
        home_region_id=home,
        is_active=True,
    )
    sc.session.add(worker)
    await sc.session.flush()
    org_path = await _org_path(sc.session, org)
    await audit.record(
        sc,
        action="social_worker.create",
        subject_type="SocialWorker",
        subject_id=worker.id,
        after=_snapshot(worker),
        region_path=org_path,
    )
    await org_service.attach_worker(sc, org=org, worker=worker, region_path=org_path)
    return worker


async def update_social_worker(
    sc: ServiceContext,
    *,
    social_worker_id: int,
    version: int,
    name: str | None = None,
    specialties: Sequence[ServiceCategory] | None = None,
    home_region_id: int | None = None,
) -> SocialWorker:
    """Change the given profile fields (``None`` leaves a field); qualifications are the
    bureau's (:func:`set_qualification`)."""
    worker = await _get_manageable(sc, social_worker_id)
    if worker.version != version:
        raise DomainError(
            ErrorCode.STALE_VERSION, "The profile was changed by someone else", "version"
        )
    before = _snapshot(worker)
    # Every read before the first assignment: a query would autoflush the changed row early.
    home = await _home_region(sc.session, home_region_id)
    if name is not None:
        worker.name = _name(name)
    if specialties is not None:
        worker.specialties = _specialties(specialties)
    if home is not None:
        worker.home_region_id = home
    await sc.session.flush()
    await audit.record(
        sc,
        action="social_worker.update",
        subject_type="SocialWorker",
        subject_id=worker.id,
        before=before,
        after=_snapshot(worker),
        region_path=await region_path_of(sc.session, worker),
    )
    return worker


async def set_qualification(
    sc: ServiceContext,
    *,
    social_worker_id: int,
    version: int,
    level: WorkerLevel,
    certificate_number: str | None,
    registered_on: dt.date | None,
) -> SocialWorker:
    """Record a worker's certification as the bureau has verified it (replaces all three).

    A certified level needs a certificate number; a registration date sets the expiry (3
    years). A worker outside the officer's region (home, or an employer based there) is
    ``NOT_FOUND``, like a missing one.
    """
    scope = require(sc.actor, Capability.SOCIAL_WORKER_QUALIFY)
    worker = await sc.session.scalar(
        select(SocialWorker).where(SocialWorker.id == social_worker_id, scope_clause(scope))
    )
    if worker is None:
        raise not_found("Social worker")
    if worker.version != version:
        raise DomainError(
            ErrorCode.STALE_VERSION, "The profile was changed by someone else", "version"
        )
    before = _snapshot(worker)
    certificate = await _certificate(sc.session, certificate_number, own_id=worker.id)
    _check_certified(level, certificate)
    expires = _expiry(registered_on, level) if registered_on is not None else None
    worker.level = level
    worker.certificate_number = certificate
    worker.registration_expires_on = expires
    await org_service.flush_unique(sc.session, "certificate_number", _certificate_taken())
    await audit.record(
        sc,
        action="social_worker.qualify",
        subject_type="SocialWorker",
        subject_id=worker.id,
        before=before,
        after=_snapshot(worker),
        region_path=await region_path_of(sc.session, worker),
    )
    return worker


async def set_social_worker_active(
    sc: ServiceContext, *, social_worker_id: int, active: bool
) -> SocialWorker:
    worker = await _get_manageable(sc, social_worker_id)
    if worker.is_active is active:
        return worker
    before = _snapshot(worker)
    worker.is_active = active
    await sc.session.flush()
    await audit.record(
        sc,
        action="social_worker.activate" if active else "social_worker.deactivate",
        subject_type="SocialWorker",
        subject_id=worker.id,
        before=before,
        after=_snapshot(worker),
        region_path=await region_path_of(sc.session, worker),
    )
    return worker


async def find_worker_to_add(
    sc: ServiceContext,
    *,
    social_worker_id: int | None,
    phone: str | None,
    name: str | None,
) -> SocialWorker:
    """The worker to hire: one the caller can already see, or one identified by login phone
    and name together (what an employer learns from the person themself).

    Looking workers up by id alone would let any organization admin attach, and then read,
    every social worker on the platform.
    """
    stmt = select(SocialWorker).where(SocialWorker.is_active.is_(True))
    if social_worker_id is not None:
        scope = sc.actor.scope(Capability.SOCIAL_WORKER_READ)
        worker = await sc.session.scalar(
            stmt.where(SocialWorker.id == social_worker_id, scope_clause(scope))
        )
    elif phone and name:
        worker = await sc.session.scalar(
            stmt.join(Account, Account.id == SocialWorker.account_id).where(
                Account.phone == phone.strip(), SocialWorker.name == name.strip()
            )
        )
    else:
        raise invalid("socialWorkerId", "Give the social worker's id, or their phone and name")
    if worker is None:
        raise not_found("Social worker")
    return worker


@dataclass(frozen=True, slots=True)
class Invitation:
    """A pending (or just answered) membership, with what both sides may know of it."""

    membership: SocialWorkerMembership
    organization: Organization
    worker_name: str


async def add_staff_member(
    sc: ServiceContext,
    *,
    organization_id: int,
    social_worker_id: int | None = None,
    phone: str | None = None,
    name: str | None = None,
) -> Invitation:
    """Invite an existing worker to the staff: a ``PENDING`` membership that counts for nothing
    and opens nothing until the worker accepts it (:func:`accept_invitation`)."""
    org = await org_service.staff_organization(sc, organization_id)
    if not org.is_active:
        raise invalid("organizationId", "The organization is inactive", ErrorCode.CONFLICT)
    worker = await find_worker_to_add(sc, social_worker_id=social_worker_id, phone=phone, name=name)
    membership = await org_service.attach_worker(
        sc,
        org=org,
        worker=worker,
        region_path=await _org_path(sc.session, org),
        status=MembershipStatus.PENDING,
    )
    await notifications.notify(
        sc,
        [worker.account_id],
        code="organization.staff_invited",
        params={"organization": org.name},
        text=f"「{org.name}」邀请您加入其社工团队",
        body="请在“我的社工资料”中接受或拒绝邀请。",
        subject_type="Organization",
        subject_id=org.id,
        dedupe=f"organization.staff_invited:{membership.id}",
    )
    return Invitation(membership=membership, organization=org, worker_name=worker.name)


async def remove_staff_member(
    sc: ServiceContext, *, organization_id: int, social_worker_id: int
) -> tuple[Organization, SocialWorker | None]:
    """End a membership, or withdraw an invitation; the worker comes back only if they were
    staff (a worker who never accepted stays unreadable to the organization)."""
    org = await org_service.staff_organization(sc, organization_id)
    membership = await sc.session.scalar(
        select(SocialWorkerMembership).where(
            SocialWorkerMembership.organization_id == org.id,
            SocialWorkerMembership.social_worker_id == social_worker_id,
        )
    )
    if membership is None:
        raise not_found("Staff member")
    worker = await sc.session.get(SocialWorker, social_worker_id)
    assert worker is not None
    org_path = await _org_path(sc.session, org)
    was_staff = membership.status is MembershipStatus.ACTIVE
    await sc.session.delete(membership)
    # The grant only existed because of the membership: it would keep the org readable.
    grants = await sc.session.scalars(
        select(RoleGrant).where(
            RoleGrant.account_id == worker.account_id,
            RoleGrant.role == Role.SOCIAL_WORKER,
            RoleGrant.organization_id == org.id,
        )
    )
    for grant in grants:
        await sc.session.delete(grant)
        await audit.record(
            sc,
            action="role_grant.revoke",
            subject_type="RoleGrant",
            subject_id=grant.id,
            before={"account_id": worker.account_id, "role": Role.SOCIAL_WORKER.value},
            region_path=org_path,
        )
    await sc.session.flush()
    await audit.record(
        sc,
        action="organization.staff.remove",
        subject_type="Organization",
        subject_id=org.id,
        before={"social_worker_id": worker.id},
        region_path=org_path,
    )
    await notifications.notify(
        sc,
        [worker.account_id],
        code="organization.staff_removed" if was_staff else "organization.invitation_withdrawn",
        params={"organization": org.name},
        text=f"您已不再是「{org.name}」的社工团队成员"
        if was_staff
        else f"「{org.name}」已撤回社工团队邀请",
        subject_type="Organization",
        subject_id=org.id,
    )
    return org, worker if was_staff else None


# --- batch reads for the API ------------------------------------------------------------------


async def readable_by_ids(
    actor: Actor, session: AsyncSession, ids: Sequence[int]
) -> dict[int, SocialWorker]:
    scope = actor.scope(Capability.SOCIAL_WORKER_READ)
    if scope.is_empty:
        return {}
    rows = await session.scalars(
        select(SocialWorker).where(SocialWorker.id.in_(set(ids)), scope_clause(scope))
    )
    return {r.id: r for r in rows}


async def readable_staff(
    actor: Actor, session: AsyncSession, org_ids: Sequence[int], *, include_inactive: bool
) -> dict[int, list[SocialWorker]]:
    """Each organization's staff that the caller may read, in one query."""
    scope = actor.scope(Capability.SOCIAL_WORKER_READ)
    if scope.is_empty:
        return {}
    stmt = (
        select(SocialWorkerMembership.organization_id, SocialWorker)
        .join(SocialWorker, SocialWorker.id == SocialWorkerMembership.social_worker_id)
        .where(
            SocialWorkerMembership.organization_id.in_(set(org_ids)),
            SocialWorkerMembership.status == MembershipStatus.ACTIVE,
            scope_clause(scope),
        )
        .order_by(SocialWorker.id)
    )
    if not include_inactive:
        stmt = stmt.where(SocialWorker.is_active.is_(True))
    result: dict[int, list[SocialWorker]] = {}
    for org_id, worker in await session.execute(stmt):
        result.setdefault(org_id, []).append(worker)
    return result


async def organization_ids_of(
    session: AsyncSession, worker_ids: Sequence[int]
) -> dict[int, list[int]]:
    rows = await session.execute(
        select(SocialWorkerMembership.social_worker_id, SocialWorkerMembership.organization_id)
        .where(
            SocialWorkerMembership.social_worker_id.in_(set(worker_ids)),
            SocialWorkerMembership.status == MembershipStatus.ACTIVE,
        )
        .order_by(SocialWorkerMembership.organization_id)
    )
    result: dict[int, list[int]] = {}
    for worker_id, org_id in rows:
        result.setdefault(worker_id, []).append(org_id)
    return result


# --- invitations ------------------------------------------------------------------------------


async def _own_pending(
    sc: ServiceContext, invitation_id: int
) -> tuple[SocialWorkerMembership, SocialWorker, Organization]:
    """The caller's own pending invitation; anyone else's, or an answered one, is NOT_FOUND."""
    account_id = require_authenticated(sc.actor)
    row = (
        await sc.session.execute(
            select(SocialWorkerMembership, SocialWorker, Organization)
            .join(SocialWorker, SocialWorker.id == SocialWorkerMembership.social_worker_id)
            .join(Organization, Organization.id == SocialWorkerMembership.organization_id)
            .where(
                SocialWorkerMembership.id == invitation_id,
                SocialWorkerMembership.status == MembershipStatus.PENDING,
                SocialWorker.account_id == account_id,
            )
        )
    ).first()
    if row is None:
        raise not_found("Invitation")
    return row[0], row[1], row[2]


async def accept_invitation(sc: ServiceContext, *, invitation_id: int) -> Invitation:
    """The worker joins the staff: the membership becomes ACTIVE, with its role grant."""
    membership, worker, org = await _own_pending(sc, invitation_id)
    if not org.is_active:
        raise invalid("invitationId", "The organization is inactive", ErrorCode.CONFLICT)
    membership.status = MembershipStatus.ACTIVE
    membership.accepted_at = clock.now()
    await sc.session.flush()
    await org_service.grant_staff_role(sc, org_id=org.id, account_id=worker.account_id)
    await audit.record(
        sc,
        action="organization.staff.accept",
        subject_type="Organization",
        subject_id=org.id,
        after={"social_worker_id": worker.id, "membership_id": membership.id},
        region_path=await _org_path(sc.session, org),
    )
    return Invitation(membership=membership, organization=org, worker_name=worker.name)


async def decline_invitation(sc: ServiceContext, *, invitation_id: int) -> Invitation:
    """The worker says no: the invitation is deleted (the organization may invite again)."""
    membership, worker, org = await _own_pending(sc, invitation_id)
    await sc.session.delete(membership)
    await sc.session.flush()
    await audit.record(
        sc,
        action="organization.staff.decline",
        subject_type="Organization",
        subject_id=org.id,
        before={"social_worker_id": worker.id, "membership_id": invitation_id},
        region_path=await _org_path(sc.session, org),
    )
    return Invitation(membership=membership, organization=org, worker_name=worker.name)


async def my_invitations(sc: ServiceContext) -> list[Invitation]:
    """The caller's pending invitations, oldest first (none for a caller without a profile)."""
    if sc.actor.account_id is None:
        return []
    rows = await sc.session.execute(
        select(SocialWorkerMembership, Organization, SocialWorker.name)
        .join(SocialWorker, SocialWorker.id == SocialWorkerMembership.social_worker_id)
        .join(Organization, Organization.id == SocialWorkerMembership.organization_id)
        .where(
            SocialWorker.account_id == sc.actor.account_id,
            SocialWorkerMembership.status == MembershipStatus.PENDING,
        )
        .order_by(SocialWorkerMembership.id)
    )
    return [Invitation(membership=m, organization=o, worker_name=n) for m, o, n in rows]


async def pending_invitations_by_organization(
    actor: Actor, session: AsyncSession, org_ids: Sequence[int]
) -> dict[int, list[Invitation]]:
    """Each organization's open invitations, for those who manage its staff (else none)."""
    scope = actor.scope(Capability.ORGANIZATION_STAFF_MANAGE)
    if scope.is_empty:
        return {}
    rows = await session.execute(
        select(SocialWorkerMembership, Organization, SocialWorker.name)
        .join(SocialWorker, SocialWorker.id == SocialWorkerMembership.social_worker_id)
        .join(Organization, Organization.id == SocialWorkerMembership.organization_id)
        .where(
            SocialWorkerMembership.organization_id.in_(set(org_ids)),
            SocialWorkerMembership.status == MembershipStatus.PENDING,
            org_service.scope_clause(scope),
        )
        .order_by(SocialWorkerMembership.id)
    )
    result: dict[int, list[Invitation]] = {}
    for m, o, n in rows:
        result.setdefault(o.id, []).append(Invitation(membership=m, organization=o, worker_name=n))
    return result
