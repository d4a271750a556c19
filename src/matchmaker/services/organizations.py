"""Social organizations (社会组织): profile, grade, service area, staff (docs/domain.md).

Who reads what is decided here, in SQL: region roles see organizations based in their subtree,
organization admins and social workers see their own organizations, platform admins see all.
Registration facts (credit code, kind, grade, base region, legal representative) are kept by
the bureau: the grade is a bid requirement, so an organization must not be able to raise its
own, and the legal representative decides disqualification at the opening (docs/procurement.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.db.types import tag_pattern
from matchmaker.models import (
    Organization,
    Region,
    RoleGrant,
    SocialWorker,
    SocialWorkerMembership,
    organization_service_regions,
)
from matchmaker.models.enums import OrganizationKind, Role, ServiceCategory
from matchmaker.models.organizations import MembershipStatus, OrganizationGrade
from matchmaker.services import accounts, audit
from matchmaker.services.authz import Actor, Capability, Scope, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.validation import (
    check_text_filter,
    is_valid_credit_code,
    is_valid_phone,
    mask_phone,
)

MAX_SERVICE_REGIONS = 50
ORGANIZATION_FIELDS = Organization.AUDITED


def _snapshot(org: Organization, service_region_ids: Sequence[int] | None = None) -> dict[str, Any]:
    data = audit.snapshot(org, ORGANIZATION_FIELDS)
    data["contact_phone"] = mask_phone(org.contact_phone)  # PII stays out of the log
    if service_region_ids is not None:
        data["service_region_ids"] = sorted(service_region_ids)
    return data


# --- scope ------------------------------------------------------------------------------------


def scope_clause(scope: Scope) -> ColumnElement[bool]:
    """Organizations ``scope`` reaches: by base region or by organization id."""
    if scope.unrestricted:
        return true()
    clauses: list[ColumnElement[bool]] = []
    if scope.region_paths:
        clauses.append(
            Organization.region_id.in_(
                select(Region.id).where(scope.region_clause(Region.path)).scalar_subquery()
            )
        )
    if scope.organization_ids:
        clauses.append(scope.organization_clause(Organization.id))
    return or_(*clauses) if clauses else false()


def readable(sc: ServiceContext) -> Select[Organization]:
    """Every organization the caller may read (no filters); empty when they may read none."""
    scope = sc.actor.scope(Capability.ORGANIZATION_READ)
    if scope.is_empty:
        return select(Organization).where(false())
    return select(Organization).where(scope_clause(scope))


async def _region_path(session: AsyncSession, region_id: int) -> str | None:
    return await session.scalar(select(Region.path).where(Region.id == region_id))


def sees_contact(actor: Actor, organization_id: int, region_path: str | None) -> bool:
    """The contact phone is for the organization's admins, the bureau in scope and admins:
    exactly the callers who may update the organization."""
    scope = actor.scope(Capability.ORGANIZATION_UPDATE)
    return scope.covers_organization(organization_id) or (
        region_path is not None and scope.covers_region(region_path)
    )


async def get(sc: ServiceContext, *, organization_id: int) -> Organization:
    return await _get_for(sc, Capability.ORGANIZATION_READ, organization_id)


async def _get_for(
    sc: ServiceContext, capability: Capability, organization_id: int
) -> Organization:
    """The organization if ``capability`` reaches it; missing and out of scope look the same."""
    scope = require(sc.actor, capability)
    org = await sc.session.scalar(
        select(Organization).where(Organization.id == organization_id, scope_clause(scope))
    )
    if org is None:
        raise not_found("Organization")
    return org


def organizations_statement(
    sc: ServiceContext,
    *,
    under_path: str | None = None,
    category: ServiceCategory | None = None,
    min_grade: OrganizationGrade | None = None,
    kind: OrganizationKind | None = None,
    text: str | None = None,
    include_inactive: bool = False,
) -> Select[Organization]:
    """The caller's organizations, filtered; refused without ORGANIZATION_READ."""
    scope = require(sc.actor, Capability.ORGANIZATION_READ)
    stmt = select(Organization).where(scope_clause(scope))
    if under_path is not None:
        stmt = stmt.where(
            Organization.region_id.in_(
                select(Region.id)
                .where(Region.path.startswith(under_path, autoescape=True))
                .scalar_subquery()
            )
        )
    if category is not None:
        stmt = stmt.where(
            type_coerce(Organization.categories, String).like(tag_pattern(category.value))
        )
    if min_grade is not None and min_grade.rank > 0:
        stmt = stmt.where(Organization.grade >= min_grade.rank)
    if kind is not None:
        stmt = stmt.where(Organization.kind == kind)
    check_text_filter(text)
    if text and text.strip():
        needle = text.strip()
        stmt = stmt.where(
            or_(
                Organization.name.icontains(needle, autoescape=True),
                Organization.credit_code.contains(needle.upper(), autoescape=True),
            )
        )
    if not include_inactive:
        stmt = stmt.where(Organization.is_active.is_(True))
    return stmt


async def my_organizations(sc: ServiceContext) -> list[Organization]:
    """Organizations where the caller is an admin or a social worker (none when anonymous)."""
    ids = {
        g.organization_id
        for g in sc.actor.grants
        if g.role in (Role.ORG_ADMIN, Role.SOCIAL_WORKER) and g.organization_id is not None
    }
    if not ids:
        return []
    rows = await sc.session.scalars(
        select(Organization).where(Organization.id.in_(ids)).order_by(Organization.id)
    )
    return list(rows)


# --- validation -------------------------------------------------------------------------------


def _text(value: str, field: str, label: str, *, low: int, high: int) -> str:
    value = value.strip()
    if not low <= len(value) <= high:
        raise invalid(field, f"{label} must be {low} to {high} characters")
    return value


async def _credit_code(session: AsyncSession, code: str, *, own_id: int | None = None) -> str:
    code = code.strip().upper()
    if not is_valid_credit_code(code):
        raise invalid(
            "creditCode",
            "Not a valid unified social credit code (GB 32100-2015)",
            ErrorCode.INVALID_CREDIT_CODE,
        )
    taken = await session.scalar(
        select(Organization.id).where(
            Organization.credit_code == code,
            Organization.id != own_id if own_id is not None else true(),
        )
    )
    if taken is not None:
        raise _credit_code_taken()
    return code


async def flush_unique(session: AsyncSession, column: str, error: DomainError) -> None:
    """Flush; a unique index on ``column`` that fires turns into ``error``.

    Two writers with the same value at once both pass the duplicate check; the index decides,
    and the loser gets the answer it would have got had it come second.
    """
    try:
        await session.flush()
    except IntegrityError as exc:
        if column in str(exc.orig):
            raise error from None
        raise


def _credit_code_taken() -> DomainError:
    return invalid(
        "creditCode",
        "An organization with this credit code exists already",
        ErrorCode.CREDIT_CODE_TAKEN,
    )


def _phone(phone: str) -> str:
    phone = phone.strip()
    if not is_valid_phone(phone):
        raise invalid("contactPhone", "Not a mainland mobile number", ErrorCode.INVALID_PHONE)
    return phone


def _founded(day: dt.date | None) -> dt.date | None:
    if day is not None and day > clock.today_shanghai():
        raise invalid("foundedOn", "The founding date can't be in the future")
    return day


async def _base_region(sc: ServiceContext, region_id: int, scope: Scope) -> Region:
    region = await sc.session.get(Region, region_id)
    if region is None:
        raise invalid("regionId", "Region not found", ErrorCode.NOT_FOUND)
    if not scope.covers_region(region.path):
        raise DomainError(ErrorCode.FORBIDDEN, "The base region is outside your scope", "regionId")
    return region


async def _service_regions(session: AsyncSession, region_ids: Sequence[int]) -> list[int]:
    ids = sorted(set(region_ids))
    if len(ids) > MAX_SERVICE_REGIONS:
        raise invalid("serviceRegionIds", f"At most {MAX_SERVICE_REGIONS} service regions")
    if ids:
        found = set(await session.scalars(select(Region.id).where(Region.id.in_(ids))))
        if found != set(ids):
            raise invalid("serviceRegionIds", "Service region not found", ErrorCode.NOT_FOUND)
    return ids


async def _set_service_regions(session: AsyncSession, org_id: int, region_ids: list[int]) -> None:
    await session.execute(
        delete(organization_service_regions).where(
            organization_service_regions.c.organization_id == org_id
        )
    )
    if region_ids:
        await session.execute(
            insert(organization_service_regions),
            [{"organization_id": org_id, "region_id": r} for r in region_ids],
        )


async def current_service_region_ids(session: AsyncSession, org_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(organization_service_regions.c.region_id)
            .where(organization_service_regions.c.organization_id == org_id)
            .order_by(organization_service_regions.c.region_id)
        )
    )


def _categories(categories: Sequence[ServiceCategory]) -> list[str]:
    return sorted({ServiceCategory(c).value for c in categories})


# --- writes -----------------------------------------------------------------------------------


async def create_organization(
    sc: ServiceContext,
    *,
    name: str,
    credit_code: str,
    kind: OrganizationKind,
    grade: OrganizationGrade = OrganizationGrade.NONE,
    region_id: int,
    service_region_ids: Sequence[int] = (),
    categories: Sequence[ServiceCategory] = (),
    legal_representative: str,
    contact_name: str,
    contact_phone: str,
    address: str = "",
    founded_on: dt.date | None = None,
    description: str = "",
) -> Organization:
    scope = require(sc.actor, Capability.ORGANIZATION_CREATE)
    region = await _base_region(sc, region_id, scope)
    org = Organization(
        name=_text(name, "name", "Name", low=1, high=200),
        credit_code=await _credit_code(sc.session, credit_code),
        kind=kind,
        grade=grade.rank,
        region_id=region.id,
        categories=_categories(categories),
        legal_representative=_text(
            legal_representative, "legalRepresentative", "Legal representative", low=1, high=100
        ),
        contact_name=_text(contact_name, "contactName", "Contact name", low=1, high=100),
        contact_phone=_phone(contact_phone),
        address=_text(address, "address", "Address", low=0, high=255),
        founded_on=_founded(founded_on),
        description=_text(description, "description", "Description", low=0, high=5000),
        is_active=True,
    )
    regions = await _service_regions(sc.session, service_region_ids)
    sc.session.add(org)
    await flush_unique(sc.session, "credit_code", _credit_code_taken())
    await _set_service_regions(sc.session, org.id, regions)
    await audit.record(
        sc,
        action="organization.create",
        subject_type="Organization",
        subject_id=org.id,
        after=_snapshot(org, regions),
        region_path=region.path,
    )
    return org


async def update_organization(
    sc: ServiceContext,
    *,
    organization_id: int,
    version: int,
    name: str | None = None,
    credit_code: str | None = None,
    kind: OrganizationKind | None = None,
    grade: OrganizationGrade | None = None,
    region_id: int | None = None,
    service_region_ids: Sequence[int] | None = None,
    categories: Sequence[ServiceCategory] | None = None,
    legal_representative: str | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    address: str | None = None,
    founded_on: dt.date | None = None,
    description: str | None = None,
) -> Organization:
    """Change the given fields (``None`` leaves a field as it is)."""
    scope = require(sc.actor, Capability.ORGANIZATION_UPDATE)
    org = await _get_for(sc, Capability.ORGANIZATION_UPDATE, organization_id)  # scoped lookup
    if org.version != version:
        raise DomainError(
            ErrorCode.STALE_VERSION, "The organization was changed by someone else", "version"
        )
    old_path = await _region_path(sc.session, org.region_id)
    # Registration facts: only a caller whose scope reaches the organization by region (the
    # bureau) or globally; an organization admin's scope is the organization itself.
    registrar = scope.covers_region(old_path)
    changes_registration = {
        "creditCode": credit_code is not None and credit_code.strip().upper() != org.credit_code,
        "kind": kind is not None and kind is not org.kind,
        "grade": grade is not None and grade.rank != org.grade,
        "regionId": region_id is not None and region_id != org.region_id,
        # Bids sharing a legal representative are disqualified at the opening: an admin who
        # could copy a competitor's would learn, and steer, who is disqualified.
        "legalRepresentative": legal_representative is not None
        and legal_representative.strip() != org.legal_representative,
    }
    for field, changed in changes_registration.items():
        if changed and not registrar:
            raise DomainError(
                ErrorCode.FORBIDDEN, "Only the civil-affairs bureau changes this field", field
            )
    old_regions = await current_service_region_ids(sc.session, org.id)
    before = _snapshot(org, old_regions)
    new_path = old_path
    if region_id is not None and region_id != org.region_id:
        region = await _base_region(sc, region_id, scope)
        org.region_id = region.id
        new_path = region.path
    if name is not None:
        org.name = _text(name, "name", "Name", low=1, high=200)
    if credit_code is not None:
        org.credit_code = await _credit_code(sc.session, credit_code, own_id=org.id)
    if kind is not None:
        org.kind = kind
    if grade is not None:
        org.grade = grade.rank
    if categories is not None:
        org.categories = _categories(categories)
    if legal_representative is not None:
        org.legal_representative = _text(
            legal_representative, "legalRepresentative", "Legal representative", low=1, high=100
        )
    if contact_name is not None:
        org.contact_name = _text(contact_name, "contactName", "Contact name", low=1, high=100)
    if contact_phone is not None:
        org.contact_phone = _phone(contact_phone)
    if address is not None:
        org.address = _text(address, "address", "Address", low=0, high=255)
    if founded_on is not None:
        org.founded_on = _founded(founded_on)
    if description is not None:
        org.description = _text(description, "description", "Description", low=0, high=5000)
    await flush_unique(sc.session, "credit_code", _credit_code_taken())
    regions = old_regions
    if service_region_ids is not None:
        regions = await _service_regions(sc.session, service_region_ids)
        await _set_service_regions(sc.session, org.id, regions)
        # The join table carries no version: bump the organization's so the change is a change.
        org.updated_at = clock.now()
        await sc.session.flush()
    await audit.record(
        sc,
        action="organization.update",
        subject_type="Organization",
        subject_id=org.id,
        before=before,
        after=_snapshot(org, regions),
        region_path=new_path,
    )
    return org


async def set_organization_active(
    sc: ServiceContext, *, organization_id: int, active: bool
) -> Organization:
    org = await _get_for(sc, Capability.ORGANIZATION_DEACTIVATE, organization_id)
    if org.is_active is active:
        return org
    before = _snapshot(org)
    org.is_active = active
    await sc.session.flush()
    await audit.record(
        sc,
        action="organization.activate" if active else "organization.deactivate",
        subject_type="Organization",
        subject_id=org.id,
        before=before,
        after=_snapshot(org),
        region_path=await _region_path(sc.session, org.region_id),
    )
    return org


# --- staff ------------------------------------------------------------------------------------


async def staff_organization(sc: ServiceContext, organization_id: int) -> Organization:
    """The organization whose staff the caller manages (its admins, platform admins)."""
    return await _get_for(sc, Capability.ORGANIZATION_STAFF_MANAGE, organization_id)


async def attach_worker(
    sc: ServiceContext,
    *,
    org: Organization,
    worker: SocialWorker,
    region_path: str | None,
    status: MembershipStatus = MembershipStatus.ACTIVE,
) -> SocialWorkerMembership:
    """A membership, audited: ``ACTIVE`` (with the SOCIAL_WORKER grant scoped to the
    organization) for a worker the organization has just created, ``PENDING`` (no grant, no
    access either way) for an invitation the worker has yet to accept."""
    already = await sc.session.scalar(
        select(SocialWorkerMembership.id).where(
            SocialWorkerMembership.organization_id == org.id,
            SocialWorkerMembership.social_worker_id == worker.id,
        )
    )
    if already is not None:
        raise DomainError(
            ErrorCode.ALREADY_MEMBER,
            "The social worker is already on the staff or invited",
            "socialWorkerId",
        )
    membership = SocialWorkerMembership(
        social_worker_id=worker.id,
        organization_id=org.id,
        status=status,
        invited_by_id=sc.actor.account_id,
        accepted_at=clock.now() if status is MembershipStatus.ACTIVE else None,
    )
    sc.session.add(membership)
    await sc.session.flush()
    if status is MembershipStatus.PENDING:
        await audit.record(
            sc,
            action="organization.staff.invite",
            subject_type="Organization",
            subject_id=org.id,
            after={"social_worker_id": worker.id, "membership_id": membership.id},
            region_path=region_path,
        )
        return membership
    await grant_staff_role(sc, org_id=org.id, account_id=worker.account_id)
    await audit.record(
        sc,
        action="organization.staff.add",
        subject_type="Organization",
        subject_id=org.id,
        after={"social_worker_id": worker.id},
        region_path=region_path,
    )
    return membership


async def grant_staff_role(sc: ServiceContext, *, org_id: int, account_id: int) -> None:
    """The SOCIAL_WORKER grant of an active member, unless they hold it already."""
    has_grant = await sc.session.scalar(
        select(RoleGrant.id).where(
            RoleGrant.account_id == account_id,
            RoleGrant.role == Role.SOCIAL_WORKER,
            RoleGrant.organization_id == org_id,
        )
    )
    if has_grant is None:
        await accounts.add_grant(
            sc, account_id=account_id, role=Role.SOCIAL_WORKER, organization_id=org_id
        )


# --- batch reads for the API ------------------------------------------------------------------


#: Timestamps a listing doesn't show (and a page would otherwise parse for every row).
_BOOKKEEPING = frozenset({"created_at", "updated_at"})
BASE_REGION_PREFIX = "base_region_"
# The pieces of a page statement, built once (they are immutable and the same every request).
_PAGE_COLUMNS = [c for c in Organization.__table__.c if c.key not in _BOOKKEEPING]


def _active_memberships(*columns: Any) -> Select[Any]:
    """``columns`` over the memberships of active social workers: what "staff" counts."""
    return (
        select(*columns)
        .select_from(SocialWorkerMembership)
        .join(SocialWorker, SocialWorker.id == SocialWorkerMembership.social_worker_id)
        .where(
            SocialWorker.is_active.is_(True),
            SocialWorkerMembership.status == MembershipStatus.ACTIVE,
        )
    )


_ACTIVE_STAFF_COUNT = (
    _active_memberships(func.count())
    .where(SocialWorkerMembership.organization_id == Organization.id)
    .correlate(Organization)
    .scalar_subquery()
    .label("staff_count")
)
_BASE_REGION = Region.__table__.alias("base_region")
_BASE_REGION_COLUMNS = [
    c.label(BASE_REGION_PREFIX + c.key) for c in _BASE_REGION.c if c.key not in _BOOKKEEPING
]
_BASE_REGION_JOIN = _BASE_REGION.c.id == Organization.region_id


def page_rows(stmt: Select[Organization], *, staff_count: bool, base_region: bool) -> Select[Any]:
    """``stmt``'s organizations as plain rows for a read-only page, in one statement.

    Each row has the organization's columns except the timestamps; with ``staff_count``, its
    active staff (a correlated count) as ``staff_count``; with ``base_region``, the base
    region's columns as ``base_region_<column>``. Rows skip the ORM's instance building and
    identity map, which is most of a page's cost.
    """
    columns: list[Any] = list(_PAGE_COLUMNS)
    if staff_count:
        columns.append(_ACTIVE_STAFF_COUNT)
    if base_region:
        columns += _BASE_REGION_COLUMNS
    rows = stmt.with_only_columns(*columns)
    if base_region:
        rows = rows.join(_BASE_REGION, _BASE_REGION_JOIN)
    return rows


async def staff_counts(session: AsyncSession, org_ids: Sequence[int]) -> dict[int, int]:
    """Active staff per organization, in one grouped query."""
    rows = await session.execute(
        _active_memberships(SocialWorkerMembership.organization_id, func.count())
        .where(SocialWorkerMembership.organization_id.in_(set(org_ids)))
        .group_by(SocialWorkerMembership.organization_id)
    )
    return {org_id: count for org_id, count in rows}


async def service_regions_of(
    session: AsyncSession, org_ids: Sequence[int]
) -> dict[int, list[Region]]:
    rows = await session.execute(
        select(organization_service_regions.c.organization_id, Region)
        .join(Region, Region.id == organization_service_regions.c.region_id)
        .where(organization_service_regions.c.organization_id.in_(set(org_ids)))
        .order_by(Region.code)
    )
    result: dict[int, list[Region]] = {}
    for org_id, region in rows:
        result.setdefault(org_id, []).append(region)
    return result


async def readable_by_ids(sc: ServiceContext, ids: Sequence[int]) -> dict[int, Organization]:
    rows = await sc.session.scalars(readable(sc).where(Organization.id.in_(set(ids))))
    return {r.id: r for r in rows}
