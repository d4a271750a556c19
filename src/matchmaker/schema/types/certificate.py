from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from matchmaker import models
from matchmaker.models.volunteering import CertificateStatus as CertificateStatusRow
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Node, node_resolver
from matchmaker.schema.types.participant import Participant, load_participant
from matchmaker.schema.types.volunteering_enums import CertificateStatus
from matchmaker.services import certificates as certificate_service


@strawberry.type(description="Hours of one activity on a certificate.")
class CertificateLine:
    title: str
    minutes: int


@strawberry.type(description="A volunteer service certificate (志愿服务证明).")
class Certificate(Node):
    serial: str
    period_start: dt.date
    period_end: dt.date
    issuer: str
    status: CertificateStatus
    minutes: int
    issued_on: dt.date | None
    revoked_at: dt.datetime | None
    revoke_reason: str | None
    lines: list[CertificateLine]
    volunteer_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Certificate) -> Self:
        return cls(
            pk=row.id,
            serial=row.serial,
            period_start=row.period_start,
            period_end=row.period_end,
            issuer=row.issuer,
            status=row.status,
            minutes=row.minutes,
            issued_on=row.issued_on,
            revoked_at=row.revoked_at,
            revoke_reason=row.revoke_reason,
            lines=[
                CertificateLine(title=str(c["title"]), minutes=int(c["minutes"]))
                for c in row.content or []
            ],
            volunteer_pk=row.volunteer_id,
        )

    @strawberry.field(description="Where to download the PDF (with your session), once rendered.")
    def download_url(self) -> str | None:
        if self.status is CertificateStatusRow.PENDING:
            return None
        return f"/certificates/{self.pk}.pdf"

    @strawberry.field
    async def participant(self, info: Info) -> Participant | None:
        return await load_participant(info, self.volunteer_pk)


@node_resolver("Certificate")
async def resolve_certificate(info: Info, pk: int) -> Certificate | None:
    row = await certificate_service.get_readable(info.context.service, pk)
    return Certificate.from_row(row) if row else None


@strawberry.type(
    description="What the public verification page shows: masked details only. `valid` is "
    "false for an unknown serial, a wrong code, or a revoked certificate (then `status` is "
    "REVOKED)."
)
class CertificateVerification:
    valid: bool
    serial: str
    status: CertificateStatus | None
    name_masked: str | None
    volunteer_number_masked: str | None
    period_start: dt.date | None
    period_end: dt.date | None
    minutes: int | None
    issuer: str | None
    issued_on: dt.date | None
    revoked_at: dt.datetime | None

    @classmethod
    def from_result(cls, v: certificate_service.Verification) -> Self:
        return cls(
            valid=v.valid,
            serial=v.serial,
            status=v.status,
            name_masked=v.name_masked,
            volunteer_number_masked=v.volunteer_number,
            period_start=v.period_start,
            period_end=v.period_end,
            minutes=v.minutes,
            issuer=v.issuer,
            issued_on=v.issued_on,
            revoked_at=v.revoked_at,
        )
