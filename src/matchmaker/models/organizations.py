from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import (
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.db.base import Base, TimestampMixin, VersionedMixin
from matchmaker.db.types import BigIntPK, TagSet
from matchmaker.models.enums import OrganizationKind, WorkerLevel


class OrganizationGrade(StrEnum):
    """社会组织评估等级 as the API shows it; stored as the integer ``rank`` (0 = none, 5 = 5A)."""

    NONE = "NONE"
    A1 = "A1"
    A2 = "A2"
    A3 = "A3"
    A4 = "A4"
    A5 = "A5"

    @property
    def rank(self) -> int:
        return _GRADES.index(self)

    @classmethod
    def of(cls, rank: int) -> OrganizationGrade:
        return _GRADES[rank]


_GRADES = tuple(OrganizationGrade)


organization_service_regions = Table(
    "organization_service_regions",
    Base.metadata,
    Column("organization_id", BigIntPK, ForeignKey("organizations.id"), primary_key=True),
    Column("region_id", BigIntPK, ForeignKey("regions.id"), primary_key=True, index=True),
)


class Organization(TimestampMixin, VersionedMixin, Base):
    """A social organization (社会组织)."""

    __tablename__ = "organizations"
    #: The columns an audit event's before/after snapshot records (services/audit.snapshot);
    #: every other column is in NOT_AUDITED (ids, timestamps, secrets, derived values).
    AUDITED: ClassVar[tuple[str, ...]] = (
        "name",
        "credit_code",
        "kind",
        "grade",
        "region_id",
        "categories",
        "legal_representative",
        "contact_name",
        "address",
        "founded_on",
        "is_active",
    )
    NOT_AUDITED: ClassVar[frozenset[str]] = frozenset(
        {"contact_phone", "created_at", "description", "id", "updated_at", "version"}
    )

    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[OrganizationKind] = mapped_column(
        Enum(OrganizationKind, native_enum=False, length=16)
    )
    #: 社会组织评估等级: 0 = not graded, 1..5 = 1A..5A.
    grade: Mapped[int] = mapped_column(default=0, index=True)
    region_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("regions.id"), index=True)
    categories: Mapped[list[str]] = mapped_column(TagSet(), default=list)
    legal_representative: Mapped[str] = mapped_column(String(100))
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(20), index=True)
    address: Mapped[str] = mapped_column(String(255), default="")
    founded_on: Mapped[dt.date | None]
    description: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        Index("ix_organizations_legal_representative", "legal_representative"),
        CheckConstraint("grade BETWEEN 0 AND 5", name="grade_range"),
    )


class SocialWorker(TimestampMixin, VersionedMixin, Base):
    """A professional social worker (社工)."""

    __tablename__ = "social_workers"
    #: The columns an audit event's before/after snapshot records (services/audit.snapshot);
    #: every other column is in NOT_AUDITED (ids, timestamps, secrets, derived values).
    AUDITED: ClassVar[tuple[str, ...]] = (
        "account_id",
        "level",
        "certificate_number",
        "registration_expires_on",
        "specialties",
        "home_region_id",
        "is_active",
    )
    NOT_AUDITED: ClassVar[frozenset[str]] = frozenset(
        {"created_at", "id", "name", "updated_at", "version"}
    )

    account_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("accounts.id"), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[WorkerLevel] = mapped_column(
        Enum(WorkerLevel, native_enum=False, length=16), default=WorkerLevel.NONE
    )
    certificate_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    registration_expires_on: Mapped[dt.date | None]
    specialties: Mapped[list[str]] = mapped_column(TagSet(), default=list)
    home_region_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("regions.id"), index=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        CheckConstraint(
            "level = 'NONE' OR certificate_number IS NOT NULL", name="certified_has_number"
        ),
    )


class MembershipStatus(StrEnum):
    """An organization's invitation waits for the worker (``PENDING``); accepted, they are staff."""

    PENDING = "PENDING"
    ACTIVE = "ACTIVE"


class SocialWorkerMembership(TimestampMixin, Base):
    """A social worker's employment by an organization (the organization's staff).

    Only ``ACTIVE`` memberships count anywhere (staff lists and counts, bid teams, scopes); an
    organization that adds an existing worker creates a ``PENDING`` one, which the worker
    accepts or declines (docs/procurement.md).
    """

    __tablename__ = "social_worker_memberships"

    social_worker_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("social_workers.id"), index=True
    )
    organization_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("organizations.id"), index=True
    )
    status: Mapped[MembershipStatus] = mapped_column(
        Enum(MembershipStatus, native_enum=False, length=16),
        default=MembershipStatus.ACTIVE,
        server_default=MembershipStatus.ACTIVE.value,
    )
    invited_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    accepted_at: Mapped[dt.datetime | None]

    __table_args__ = (UniqueConstraint("social_worker_id", "organization_id"),)
