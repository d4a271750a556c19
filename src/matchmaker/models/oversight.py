"""Oversight: findings of the audit scan (docs/oversight.md).

One row per rule and subject: the nightly scan upserts it, so a finding keeps its first
sighting, its auditor's decision and its note however often the scan runs. A finding whose
condition no longer holds is kept with ``holds = false`` (the record of what was seen).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.db.base import Base, TimestampMixin, VersionedMixin
from matchmaker.db.types import BigIntPK, Money


class FindingStatus(StrEnum):
    OPEN = "OPEN"
    CONFIRMED = "CONFIRMED"
    DISMISSED = "DISMISSED"


class FindingSeverity(StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class Finding(TimestampMixin, VersionedMixin, Base):
    """What one rule found about one subject (a payment, a contract, a project, a record)."""

    __tablename__ = "findings"

    rule: Mapped[str] = mapped_column(String(40))
    severity: Mapped[FindingSeverity] = mapped_column(
        Enum(FindingSeverity, native_enum=False, length=16)
    )
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(BigIntPK)
    #: A short human label of the subject (project title, voucher number), for the queue.
    subject_label: Mapped[str] = mapped_column(String(255), default="")
    #: The community path of the subject: auditors see findings inside their region only.
    region_path: Mapped[str] = mapped_column(String(255))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The money at stake, in fen (0 when the rule is not about money).
    money_fen: Mapped[int] = mapped_column(Money, default=0)
    #: The queue order (docs/oversight.md, "Priority"): the priority in thousandths times 10^12
    #: plus the id, so one integer sorts by priority, then newest, and pages by keyset.
    queue_key: Mapped[int] = mapped_column(Money, default=0, index=True)
    first_seen_at: Mapped[dt.datetime]
    last_seen_at: Mapped[dt.datetime]
    #: False once a later scan no longer sees the condition; the finding is kept.
    holds: Mapped[bool] = mapped_column(default=True)
    status: Mapped[FindingStatus] = mapped_column(
        Enum(FindingStatus, native_enum=False, length=16), default=FindingStatus.OPEN
    )
    note: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    decided_at: Mapped[dt.datetime | None]

    __table_args__ = (
        UniqueConstraint("rule", "subject_type", "subject_id"),
        Index(
            "ix_findings_region_path",
            "region_path",
            postgresql_ops={"region_path": "text_pattern_ops"},
        ),
        Index("ix_findings_status", "status"),
    )


class OversightExport(TimestampMixin, Base):
    """An .xlsx export written by the ``oversight_export`` job for a scope too large to
    download at once (docs/oversight.md, "Exports"). Only its requester downloads it."""

    __tablename__ = "oversight_exports"

    account_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("accounts.id"), index=True)
    #: The outbox job that wrote it: a retried job finds its file instead of writing another.
    job_id: Mapped[int] = mapped_column(BigIntPK, unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    filename: Mapped[str] = mapped_column(String(255))
    rows: Mapped[int] = mapped_column(default=0)
    data: Mapped[bytes] = mapped_column(LargeBinary)


__all__ = ["Finding", "FindingSeverity", "FindingStatus", "OversightExport"]
