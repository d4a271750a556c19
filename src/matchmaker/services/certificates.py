"""Volunteer service certificates (志愿服务证明): request, render (job), verify, revoke.

The verification code is printed on the PDF and stored only as a keyed hash, so a database
reader can't forge a valid (serial, code) pair. Public verification shows masked details only.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.models import (
    Activity,
    Certificate,
    MicroWish,
    Organization,
    Region,
    ServiceRecord,
    Volunteer,
)
from matchmaker.models.volunteering import CertificateStatus, RecordStatus
from matchmaker.queue.outbox import schedule
from matchmaker.services import audit, notifications
from matchmaker.services.activities import my_volunteer
from matchmaker.services.authz import Capability, require
from matchmaker.services.certificate_pdf import render_pdf
from matchmaker.services.context import ServiceContext
from matchmaker.services.crypto import keyed_hash
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.validation import mask_name

PLATFORM_ISSUER = "四社联动志愿服务平台"
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10
MAX_PERIOD_DAYS = 366 * 5
CERT_FIELDS = Certificate.AUDITED


def _code_hash(settings: Settings, serial: str, code: str) -> str:
    return keyed_hash(
        settings.secret_key, f"{serial}:{code.strip().upper()}", "certificate-code-v1"
    )


def _new_serial() -> str:
    return (
        "ZYFW" + clock.today_shanghai().strftime("%Y%m%d") + str(secrets.randbelow(10**8)).zfill(8)
    )


def verify_url(settings: Settings, serial: str, code: str) -> str:
    return f"{settings.public_base_url}/verify?serial={serial}&code={code}"


async def request_certificate(
    sc: ServiceContext,
    *,
    volunteer_id: int | None,
    period_start: dt.date,
    period_end: dt.date,
) -> Certificate:
    """A volunteer asks for their own certificate, or an organizer for a volunteer: then it
    covers only the activities the organizer's grant reaches (their community or organization)."""
    scope = require(sc.actor, Capability.CERTIFICATE_REQUEST)
    if period_end < period_start:
        raise invalid("periodEnd", "The period ends before it starts", ErrorCode.INVALID_PERIOD)
    if period_end > clock.today_shanghai():
        raise invalid("periodEnd", "The period can't end in the future", ErrorCode.INVALID_PERIOD)
    if (period_end - period_start).days > MAX_PERIOD_DAYS:
        raise invalid(
            "periodStart", "A certificate covers at most 5 years", ErrorCode.INVALID_PERIOD
        )
    organization_id: int | None = None
    scope_region_path: str | None = None
    if volunteer_id is None:
        volunteer = await my_volunteer(sc)
        issuer = PLATFORM_ISSUER
        home = (
            await sc.session.get(Region, volunteer.home_region_id)
            if volunteer.home_region_id
            else None
        )
        region_path = home.path if home else "/"
    else:
        volunteer_row = await sc.session.get(Volunteer, volunteer_id)
        if volunteer_row is None:
            raise not_found("Volunteer")
        volunteer = volunteer_row
        # The organizer's reach: an organization of theirs, else a region of theirs where the
        # volunteer served.
        served = select(ServiceRecord.id).where(
            ServiceRecord.volunteer_id == volunteer.id,
            ServiceRecord.status == RecordStatus.APPROVED,
        )
        if scope.organization_ids:
            org_id = await sc.session.scalar(
                served.with_only_columns(ServiceRecord.organization_id)
                .where(ServiceRecord.organization_id.in_(scope.organization_ids))
                .limit(1)
            )
            if org_id is not None:
                organization_id = org_id
        if organization_id is None and scope.region_paths:
            for path in scope.region_paths:
                if await sc.session.scalar(
                    served.where(ServiceRecord.region_path.startswith(path, autoescape=True)).limit(
                        1
                    )
                ):
                    scope_region_path = path
                    break
        if organization_id is None and scope_region_path is None:
            raise not_found("Volunteer")
        if organization_id is not None:
            org = await sc.session.get(Organization, organization_id)
            issuer = org.name if org else PLATFORM_ISSUER
            # Scoped to where the service happened, not to the organization's base: the regional
            # roles of the communities served read it, those of the base's region don't.
            region_path = await _served_region_path(
                sc.session,
                volunteer_id=volunteer.id,
                organization_id=organization_id,
                period_start=period_start,
                period_end=period_end,
            )
        else:
            assert scope_region_path is not None
            region = await sc.session.scalar(select(Region).where(Region.path == scope_region_path))
            issuer = (region.name if region else "") + "志愿服务站"
            region_path = scope_region_path
    cert = Certificate(
        serial=_new_serial(),
        volunteer_id=volunteer.id,
        requested_by_account_id=sc.actor.account_id,
        region_path=region_path,
        organization_id=organization_id,
        scope_region_path=scope_region_path,
        period_start=period_start,
        period_end=period_end,
        issuer=issuer,
        status=CertificateStatus.PENDING,
        content=[],
    )
    sc.session.add(cert)
    await sc.session.flush()
    await audit.record(
        sc,
        action="certificate.request",
        subject_type="Certificate",
        subject_id=cert.id,
        after=audit.snapshot(cert, CERT_FIELDS),
        region_path=cert.region_path,
    )
    await schedule(
        sc.session, "render_certificate", {"certificate_id": cert.id}, key=f"certificate:{cert.id}"
    )
    return cert


def common_region_path(paths: list[str]) -> str:
    """The deepest region holding every path: ``/a/b/c/`` and ``/a/b/d/`` → ``/a/b/``."""
    if not paths:
        return "/"
    parts = [[p for p in path.split("/") if p] for path in paths]
    common: list[str] = []
    for segments in zip(*parts, strict=False):
        if len(set(segments)) != 1:
            break
        common.append(segments[0])
    return "/" + "".join(s + "/" for s in common)


async def _served_region_path(
    session: AsyncSession,
    *,
    volunteer_id: int,
    organization_id: int,
    period_start: dt.date,
    period_end: dt.date,
) -> str:
    """Where the volunteer served with the organization: the deepest region holding every
    approved record of the period (of any period when the period holds none)."""
    served = select(ServiceRecord.region_path).where(
        ServiceRecord.volunteer_id == volunteer_id,
        ServiceRecord.organization_id == organization_id,
        ServiceRecord.status == RecordStatus.APPROVED,
    )
    start, end = _period_bounds(period_start, period_end)
    in_period = list(
        await session.scalars(
            served.where(ServiceRecord.starts_at >= start, ServiceRecord.starts_at < end).distinct()
        )
    )
    paths = in_period or list(await session.scalars(served.distinct()))
    return common_region_path(paths)


def _period_bounds(period_start: dt.date, period_end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period's Beijing dates as [start, end) instants."""
    start = dt.datetime.combine(period_start, dt.time(), clock.SHANGHAI)
    end = dt.datetime.combine(period_end + dt.timedelta(days=1), dt.time(), clock.SHANGHAI)
    return start, end


async def certificate_content(
    session: AsyncSession, cert: Certificate
) -> tuple[int, list[dict[str, Any]]]:
    """Approved minutes in the period (Beijing dates), by activity or micro-wish; reversals
    included. A micro-wish's line is titled 微心愿：<its public title>."""
    start, end = _period_bounds(cert.period_start, cert.period_end)
    stmt = (
        select(
            Activity.id,
            Activity.title,
            MicroWish.id,
            MicroWish.title,
            func.sum(ServiceRecord.minutes),
        )
        .outerjoin(Activity, Activity.id == ServiceRecord.activity_id)
        .outerjoin(MicroWish, MicroWish.id == ServiceRecord.micro_wish_id)
        .where(
            ServiceRecord.volunteer_id == cert.volunteer_id,
            ServiceRecord.status == RecordStatus.APPROVED,
            ServiceRecord.starts_at >= start,
            ServiceRecord.starts_at < end,
        )
        .group_by(Activity.id, Activity.title, MicroWish.id, MicroWish.title)
        .order_by(Activity.id, MicroWish.id)
    )
    if cert.organization_id is not None:
        stmt = stmt.where(ServiceRecord.organization_id == cert.organization_id)
    if cert.scope_region_path is not None:
        stmt = stmt.where(
            ServiceRecord.region_path.startswith(cert.scope_region_path, autoescape=True)
        )
    content: list[dict[str, Any]] = []
    total = 0
    for aid, title, wish_id, wish_title, minutes in (await session.execute(stmt)).all():
        if not minutes or int(minutes) <= 0:
            continue
        if aid is not None:
            content.append({"activity_id": aid, "title": title, "minutes": int(minutes)})
        else:
            content.append(
                {
                    "micro_wish_id": wish_id,
                    "title": f"微心愿：{wish_title}",
                    "minutes": int(minutes),
                }
            )
        total += int(minutes)
    return total, content


async def render(session: AsyncSession, settings: Settings, certificate_id: int) -> bool:
    """The job: compute the content, mint the code, render and store the PDF. Idempotent."""
    cert = await session.scalar(
        select(Certificate)
        .where(Certificate.id == certificate_id)
        .options(undefer(Certificate.pdf))
        .execution_options(populate_existing=True)
    )
    if cert is None or cert.status is not CertificateStatus.PENDING:
        return False
    volunteer = await session.get(Volunteer, cert.volunteer_id)
    assert volunteer is not None
    minutes, content = await certificate_content(session, cert)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    issued_on = clock.today_shanghai()
    cert.pdf = render_pdf(
        serial=cert.serial,
        code=code,
        name=printed_name(cert, volunteer),
        volunteer_number=volunteer.volunteer_number,
        id_masked=volunteer.id_number_masked,
        period_start=cert.period_start,
        period_end=cert.period_end,
        minutes=minutes,
        content=content,
        issuer=cert.issuer,
        issued_on=issued_on,
        verify_url=verify_url(settings, cert.serial, code),
    )
    cert.code_hash = _code_hash(settings, cert.serial, code)
    cert.minutes = minutes
    cert.content = content
    cert.issued_on = issued_on
    cert.status = CertificateStatus.READY
    await session.flush()
    await notifications.notify(
        session,
        [volunteer.account_id],
        code="certificate.ready",
        params={"serial": cert.serial},
        text="志愿服务证明已生成",
        body=f"证明编号 {cert.serial}，可下载 PDF。",
        subject_type="Certificate",
        subject_id=cert.id,
        dedupe=f"certificate.ready:{cert.id}",
    )
    return True


def printed_name(cert: Certificate, volunteer: Volunteer) -> str:
    """The name on the PDF: in full only on a certificate the volunteer asked for themself.

    A certificate is one document for all its readers — the organization or the regional roles
    where the service happened, who see the masked name (张*) everywhere else in the app
    (``services.volunteers.disclosure``) — so one an organizer requests prints the masked name;
    the volunteer gets their full name by requesting their own (docs/volunteering.md).
    """
    if cert.requested_by_account_id == volunteer.account_id:
        return volunteer.real_name
    return mask_name(volunteer.real_name)


@dataclass(frozen=True, slots=True)
class Verification:
    valid: bool
    serial: str
    status: CertificateStatus | None = None
    name_masked: str | None = None
    volunteer_number: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    minutes: int | None = None
    issuer: str | None = None
    issued_on: dt.date | None = None
    revoked_at: dt.datetime | None = None


async def verify(
    session: AsyncSession, settings: Settings, *, serial: str, code: str
) -> Verification:
    """Public: a wrong serial and a wrong code look the same (nothing to enumerate)."""
    serial = serial.strip().upper()
    cert = await session.scalar(select(Certificate).where(Certificate.serial == serial))
    if (
        cert is None
        or cert.code_hash is None
        or not secrets.compare_digest(cert.code_hash, _code_hash(settings, serial, code))
    ):
        return Verification(valid=False, serial=serial)
    volunteer = await session.get(Volunteer, cert.volunteer_id)
    assert volunteer is not None
    number = volunteer.volunteer_number
    return Verification(
        valid=cert.status is CertificateStatus.READY,
        serial=cert.serial,
        status=cert.status,
        name_masked=mask_name(volunteer.real_name),
        volunteer_number=number[:3] + "*" * max(0, len(number) - 6) + number[-3:],
        period_start=cert.period_start,
        period_end=cert.period_end,
        minutes=cert.minutes,
        issuer=cert.issuer,
        issued_on=cert.issued_on,
        revoked_at=cert.revoked_at,
    )


async def revoke(sc: ServiceContext, *, certificate_id: int, reason: str) -> Certificate:
    scope = require(sc.actor, Capability.CERTIFICATE_REVOKE)
    cert = await sc.session.scalar(
        select(Certificate).where(
            Certificate.id == certificate_id, scope.region_clause(Certificate.region_path)
        )
    )
    if cert is None:
        raise not_found("Certificate")
    if cert.status is CertificateStatus.REVOKED:
        raise DomainError(ErrorCode.INVALID_STATE, "The certificate is revoked already")
    reason = reason.strip()
    if not 2 <= len(reason) <= 500:
        raise invalid("reason", "Give a reason (2 to 500 characters)")
    before = audit.snapshot(cert, CERT_FIELDS)
    cert.status = CertificateStatus.REVOKED
    cert.revoked_at = clock.now()
    cert.revoke_reason = reason
    await sc.session.flush()
    await audit.record(
        sc,
        action="certificate.revoke",
        subject_type="Certificate",
        subject_id=cert.id,
        before=before,
        after={**audit.snapshot(cert, CERT_FIELDS), "reason": reason},
        region_path=cert.region_path,
    )
    return cert


def readable(sc: ServiceContext) -> Select[Certificate]:
    """Certificates the caller may read: own, region subtree, organization (CERTIFICATE_READ)."""
    scope = require(sc.actor, Capability.CERTIFICATE_READ)
    return select(Certificate).where(
        scope.any_of(
            region=Certificate.region_path,
            organization=Certificate.organization_id,
            volunteer=Certificate.volunteer_id,
        )
    )


def certificates_statement(
    sc: ServiceContext, *, volunteer_id: int | None = None, mine: bool = False
) -> Select[Any]:
    stmt: Select[Any] = readable(sc)
    if volunteer_id is not None:
        stmt = stmt.where(Certificate.volunteer_id == volunteer_id)
    if mine:
        stmt = stmt.where(
            Certificate.volunteer_id.in_(
                select(Volunteer.id).where(Volunteer.account_id == sc.actor.account_id)
            )
        )
    return stmt


async def get_readable(sc: ServiceContext, certificate_id: int) -> Certificate | None:
    row: Certificate | None = await sc.session.scalar(
        readable(sc).where(Certificate.id == certificate_id)
    )
    return row


async def certificate_pdf(sc: ServiceContext, certificate_id: int) -> tuple[str, bytes] | None:
    """(serial, PDF bytes) for a reader in scope, once rendered."""
    row = await sc.session.execute(
        readable(sc)
        .with_only_columns(Certificate.serial, Certificate.pdf)
        .where(
            Certificate.id == certificate_id,
            Certificate.status != CertificateStatus.PENDING,
        )
    )
    found = row.first()
    if found is None or found[1] is None:
        return None
    return str(found[0]), bytes(found[1])
