"""Progress reports per milestone, their evidence files, and their review by the community.

Volunteer hours in a report come from the hours ledger (``services.hours``) at submission,
never from the form. Evidence files live in the database, at most 10 MB each, and their type
is decided by their bytes (magic numbers, and the inner layout of Office files), not by the
name or the declared type alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.models import (
    Contract,
    EvidenceFile,
    Milestone,
    ProgressReport,
    Project,
    ReportBeneficiary,
)
from matchmaker.models.procurement import MilestoneStatus, ProjectStatus, ReportStatus
from matchmaker.services import audit, contracts, hours
from matchmaker.services.authz import Capability, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.crypto import keyed_hash
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.notifications import notify
from matchmaker.services.procurement import expect_state, load_in_scope, region_path_of
from matchmaker.services.validation import is_valid_phone, parse_id_number

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 10
PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALLOWED_TYPES = (PDF, JPEG, PNG, DOCX, XLSX)


def sniff_content_type(data: bytes) -> str | None:
    """The allowed type the bytes really are, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


#: Most beneficiaries one report may list (a milestone's service rarely reaches more people).
MAX_BENEFICIARIES = 5000
#: Purpose of the keyed hash of a listed beneficiary (services/crypto.py).
BENEFICIARY_HASH_PURPOSE = "report-beneficiary-v1"


@dataclass(frozen=True, slots=True)
class BeneficiarySpec:
    """A person the report says was served: a name with an ID number or a phone."""

    name: str
    id_number: str | None = None
    phone: str | None = None


def _normalised_identity(person: BeneficiarySpec, index: int) -> str:
    """``name|id:NUMBER`` or ``name|phone:DIGITS`` (full-width forms and spaces folded), or a
    typed error naming the row. The ID number wins when both are given."""
    field = f"beneficiaries.{index}"
    name = "".join(unicodedata.normalize("NFKC", person.name or "").split())
    if not 1 <= len(name) <= 50:
        raise invalid(f"{field}.name", "A beneficiary's name is 1 to 50 characters")
    id_number = unicodedata.normalize("NFKC", person.id_number or "").strip()
    phone = "".join(unicodedata.normalize("NFKC", person.phone or "").split())
    if id_number:
        parsed = parse_id_number(id_number)
        if parsed is None:
            raise invalid(f"{field}.idNumber", "Not a valid resident ID number")
        return f"{name}|id:{parsed[0]}"
    if phone:
        if not is_valid_phone(phone):
            raise invalid(f"{field}.phone", "Not a valid mobile phone number")
        return f"{name}|phone:{phone}"
    raise invalid(f"{field}.idNumber", "Give the beneficiary's ID number or phone")


def beneficiary_hashes(secret_key: str, people: list[BeneficiarySpec]) -> list[str]:
    """The keyed hashes of the listed people (docs/oversight.md): equal people hash equally
    under one installation's key; the plain identity is never kept. A person listed twice, or
    a bad row, is a typed error naming the row."""
    if len(people) > MAX_BENEFICIARIES:
        raise invalid("beneficiaries", f"At most {MAX_BENEFICIARIES} beneficiaries per report")
    hashes: list[str] = []
    seen: set[str] = set()
    for i, person in enumerate(people):
        digest = keyed_hash(
            secret_key, _normalised_identity(person, i), purpose=BENEFICIARY_HASH_PURPOSE
        )
        if digest in seen:
            raise invalid(f"beneficiaries.{i}", "This person is listed twice")
        seen.add(digest)
        hashes.append(digest)
    return hashes


@dataclass(frozen=True, slots=True)
class FileSpec:
    filename: str
    content_type: str
    data: bytes


#: What a photo may be (a micro-wish's fulfilment evidence, docs/micro_wishes.md).
PHOTO_TYPES = (JPEG, PNG)


def check_file(f: FileSpec, allowed: tuple[str, ...] = ALLOWED_TYPES) -> str:
    """The file's sniffed type, or a typed error on ``files`` (empty, over 10 MB, a bad name,
    bytes that are not one of ``allowed`` or not the declared type)."""
    if len(f.data) == 0:
        raise invalid("files", f"{f.filename} is empty", ErrorCode.FILE_TYPE_NOT_ALLOWED)
    if len(f.data) > MAX_FILE_BYTES:
        raise invalid("files", f"{f.filename} is larger than 10 MB", ErrorCode.FILE_TOO_LARGE)
    name = f.filename.strip()
    if not 1 <= len(name) <= 255 or "/" in name or "\\" in name:
        raise invalid("files", "A file name is 1 to 255 characters without slashes")
    sniffed = sniff_content_type(f.data)
    if sniffed is None or sniffed != f.content_type or sniffed not in allowed:
        kinds = "JPEG and PNG" if allowed == PHOTO_TYPES else "PDF, JPEG, PNG, DOCX and XLSX"
        raise invalid(
            "files",
            f"{name}: only {kinds} files whose content matches their type",
            ErrorCode.FILE_TYPE_NOT_ALLOWED,
        )
    return sniffed


def check_files(
    files: list[FileSpec], *, allowed: tuple[str, ...] = ALLOWED_TYPES, already: int = 0
) -> list[tuple[FileSpec, str]]:
    """Each file with its sniffed type; at most :data:`MAX_FILES` with the ``already`` kept."""
    if already + len(files) > MAX_FILES:
        raise invalid("files", f"At most {MAX_FILES} files per report")
    return [(f, check_file(f, allowed)) for f in files]


def evidence_rows(
    checked: list[tuple[FileSpec, str]],
    *,
    uploaded_by_id: int | None,
    report_id: int | None = None,
    micro_wish_id: int | None = None,
) -> list[EvidenceFile]:
    """The rows to store for checked files, of a progress report or of a micro-wish."""
    return [
        EvidenceFile(
            report_id=report_id,
            micro_wish_id=micro_wish_id,
            filename=f.filename.strip(),
            content_type=content_type,
            size=len(f.data),
            sha256=hashlib.sha256(f.data).hexdigest(),
            data=f.data,
            uploaded_by_id=uploaded_by_id,
        )
        for f, content_type in checked
    ]


def audited_files(files: list[FileSpec]) -> list[dict[str, str]]:
    """What the audit trail keeps of uploaded files: names and digests, never the bytes."""
    return [{"name": f.filename, "sha256": hashlib.sha256(f.data).hexdigest()} for f in files]


async def _milestone_period(
    session: AsyncSession, contract: Contract, milestone: Milestone
) -> tuple[dt.datetime, dt.datetime]:
    """From the day after the previous milestone's due date (or the contract start) to the end
    of this one's due date, in Beijing time."""
    previous_due = await session.scalar(
        select(Milestone.due_date)
        .where(Milestone.contract_id == contract.id, Milestone.sequence < milestone.sequence)
        .order_by(Milestone.sequence.desc())
        .limit(1)
    )
    start_day = previous_due + dt.timedelta(days=1) if previous_due else contract.start_date
    end_day = milestone.due_date + dt.timedelta(days=1)

    def midnight(d: dt.date) -> dt.datetime:
        return dt.datetime.combine(d, dt.time(), tzinfo=clock.SHANGHAI).astimezone(dt.UTC)

    return midnight(start_day), midnight(end_day)


async def submit_report(
    sc: ServiceContext,
    *,
    milestone_id: int,
    narrative: str,
    activities_held: int,
    beneficiaries_served: int,
    files: list[FileSpec],
    beneficiaries: list[BeneficiarySpec] | None = None,
) -> ProgressReport:
    """The organization reports on a milestone (organization admin or social worker).

    ``beneficiaries`` optionally lists the people served; they are stored as keyed hashes only
    (:func:`beneficiary_hashes`) and can't outnumber ``beneficiaries_served``."""
    scope = require(sc.actor, Capability.REPORT_SUBMIT)
    session = sc.session
    row = (
        await session.execute(
            select(Milestone, Contract)
            .join(Contract, Contract.id == Milestone.contract_id)
            .where(
                Milestone.id == milestone_id,
                scope.organization_clause(Contract.organization_id),
            )
        )
    ).first()
    if row is None:
        raise not_found("Milestone")
    milestone, contract = row
    project = await session.get(Project, contract.project_id)
    assert project is not None
    expect_state(project, ProjectStatus.IN_PROGRESS)
    if milestone.status is not MilestoneStatus.PENDING:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "This milestone's report is under review or accepted already",
            "milestoneId",
        )
    narrative = narrative.strip()
    if not 1 <= len(narrative) <= 20000:
        raise invalid("narrative", "The narrative is 1 to 20000 characters")
    if activities_held < 0 or activities_held > 100000:
        raise invalid("activitiesHeld", "Activities held is 0 to 100000")
    if beneficiaries_served < 0 or beneficiaries_served > 10_000_000:
        raise invalid("beneficiariesServed", "Beneficiaries served can't be negative")
    checked = check_files(files)
    people = beneficiary_hashes(sc.settings.secret_key, beneficiaries or [])
    if len(people) > beneficiaries_served:
        raise invalid(
            "beneficiaries",
            f"{len(people)} people listed but {beneficiaries_served} beneficiaries reported",
        )
    start, end = await _milestone_period(session, contract, milestone)
    minutes = await hours.approved_minutes_for_project(
        session, project_id=project.id, start=start, end=end
    )
    report = ProgressReport(
        milestone_id=milestone.id,
        organization_id=contract.organization_id,
        narrative=narrative,
        activities_held=activities_held,
        beneficiaries_served=beneficiaries_served,
        volunteer_minutes=minutes,
        status=ReportStatus.SUBMITTED,
        submitted_by_id=sc.actor.account_id,
        submitted_at=clock.now(),
    )
    session.add(report)
    await session.flush()
    session.add_all(evidence_rows(checked, uploaded_by_id=sc.actor.account_id, report_id=report.id))
    for digest in people:
        session.add(ReportBeneficiary(report_id=report.id, identity_hash=digest))
    milestone.status = MilestoneStatus.REPORTED
    await session.flush()
    await audit.record(
        sc,
        action="report.submit",
        subject_type="ProgressReport",
        subject_id=report.id,
        after={
            "milestone_id": milestone.id,
            "activities_held": activities_held,
            "beneficiaries_served": beneficiaries_served,
            "volunteer_minutes": minutes,
            "listed_beneficiaries": len(people),
            "files": audited_files(files),
        },
        region_path=await region_path_of(session, project),
    )
    return report


async def _review(
    sc: ServiceContext, *, report_id: int, accept: bool, reason: str | None
) -> ProgressReport:
    scope = require(sc.actor, Capability.REPORT_REVIEW)
    session = sc.session
    # Scoped in the lookup itself: a report of another region gets exactly the answer of a
    # missing one (same code, field and message).
    report = await session.scalar(
        select(ProgressReport)
        .join(Milestone, Milestone.id == ProgressReport.milestone_id)
        .join(Contract, Contract.id == Milestone.contract_id)
        .where(ProgressReport.id == report_id, contracts.scope_clause(scope))
    )
    if report is None:
        raise not_found("Progress report")
    milestone = await session.get(Milestone, report.milestone_id)
    assert milestone is not None
    contract = await session.get(Contract, milestone.contract_id)
    assert contract is not None
    project, path = await load_in_scope(session, contract.project_id, scope, for_update=True)
    if report.status is not ReportStatus.SUBMITTED:
        raise DomainError(ErrorCode.INVALID_STATE, "The report is reviewed already", "reportId")
    if not accept:
        reason = (reason or "").strip()
        if not 1 <= len(reason) <= 2000:
            raise invalid("reason", "Say why the report is returned (1–2000 characters)")
    now = clock.now()
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    report.reviewed_at = now
    report.reviewed_by_id = sc.actor.account_id
    report.return_reason = None if accept else reason
    if accept:
        milestone.status = MilestoneStatus.ACCEPTED
        milestone.accepted_at = now
        milestone.accepted_by_id = sc.actor.account_id
    else:
        milestone.status = MilestoneStatus.PENDING
    await session.flush()
    await audit.record(
        sc,
        action="report.accept" if accept else "report.return",
        subject_type="ProgressReport",
        subject_id=report.id,
        before={"status": ReportStatus.SUBMITTED.value},
        after={
            "status": report.status.value,
            "milestone_id": milestone.id,
            "milestone_status": milestone.status.value,
            "reason": report.return_reason,
        },
        region_path=path,
    )
    await notify(
        session,
        [report.submitted_by_id],
        code="report.accepted" if accept else "report.returned",
        params={"project": project.title, "sequence": milestone.sequence, "reason": reason or ""},
        text="进度报告已验收" if accept else "进度报告被退回",
        body=f"「{project.title}」第 {milestone.sequence} 期报告"
        + ("已验收。" if accept else f"被退回：{reason}"),
        subject_type="ProgressReport",
        subject_id=report.id,
        dedupe=f"report.reviewed:{report.id}",
    )
    return report


async def accept_report(sc: ServiceContext, *, report_id: int) -> ProgressReport:
    """Accept a report; the milestone becomes payable (community staff)."""
    return await _review(sc, report_id=report_id, accept=True, reason=None)


async def return_report(sc: ServiceContext, *, report_id: int, reason: str) -> ProgressReport:
    """Return a report with a reason; the organization reports again (community staff)."""
    return await _review(sc, report_id=report_id, accept=False, reason=reason)


def reports_statement(sc: ServiceContext, *, milestone_id: int | None = None) -> Select[Any]:
    scope = require(sc.actor, Capability.CONTRACT_READ)
    stmt = select(ProgressReport).where(
        ProgressReport.milestone_id.in_(
            select(Milestone.id)
            .join(Contract, Contract.id == Milestone.contract_id)
            .where(contracts.scope_clause(scope))
        )
    )
    if milestone_id is not None:
        stmt = stmt.where(ProgressReport.milestone_id == milestone_id)
    return stmt


async def get_evidence(sc: ServiceContext, *, file_id: int) -> EvidenceFile:
    """An evidence file, if the caller may read its contract."""
    if sc.actor.scope(Capability.CONTRACT_READ).is_empty:
        raise not_found("File")
    f = await sc.session.scalar(
        select(EvidenceFile).where(
            EvidenceFile.id == file_id,
            EvidenceFile.report_id.in_(reports_statement(sc).with_only_columns(ProgressReport.id)),
        )
    )
    if f is None:
        raise not_found("File")
    return f


async def get_report(sc: ServiceContext, report_id: int) -> ProgressReport | None:
    if sc.actor.scope(Capability.CONTRACT_READ).is_empty:
        return None
    row: ProgressReport | None = await sc.session.scalar(
        reports_statement(sc).where(ProgressReport.id == report_id)
    )
    return row
