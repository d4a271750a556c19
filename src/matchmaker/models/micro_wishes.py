"""Micro-wishes (微心愿): small resident needs claimed and fulfilled without a procurement.

Rules: docs/micro_wishes.md. The beneficiary's name and address are encrypted personal data
(``services/crypto.py``); everyone but the community's staff and the current claimant reads
only ``public_description``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.db.base import Base, TimestampMixin, VersionedMixin
from matchmaker.db.types import BigIntPK
from matchmaker.models.enums import ServiceCategory


class MicroWishKind(StrEnum):
    WISH = "WISH"  # 个体微心愿: one resident's small wish
    AFFAIR = "AFFAIR"  # 百姓微事务: an everyday matter of several households


class MicroWishNeed(StrEnum):
    TIME = "TIME"  # someone's time (a visit, a repair, a walk)
    GOODS = "GOODS"  # a thing given


class MicroWishStatus(StrEnum):
    OPEN = "OPEN"
    CLAIMED = "CLAIMED"
    FULFILLED = "FULFILLED"
    CONFIRMED = "CONFIRMED"
    EXPIRED = "EXPIRED"
    WITHDRAWN = "WITHDRAWN"
    ESCALATED = "ESCALATED"


class ClaimantType(StrEnum):
    VOLUNTEER = "VOLUNTEER"
    TEAM = "TEAM"
    ORGANIZATION = "ORGANIZATION"


def _enum(cls: type[StrEnum], length: int = 16) -> Enum:
    return Enum(cls, native_enum=False, length=length)


class MicroWish(TimestampMixin, VersionedMixin, Base):
    """One micro-wish of a community, from recording to the staff's confirmation."""

    __tablename__ = "micro_wishes"
    #: The columns an audit event's before/after snapshot records (services/audit.snapshot);
    #: every other column is in NOT_AUDITED (ids, timestamps, secrets, derived values).
    AUDITED: ClassVar[tuple[str, ...]] = (
        "region_id",
        "kind",
        "category",
        "title",
        "public_description",
        "needs",
        "deadline",
        "status",
        "claimant_type",
        "claimant_id",
        "claimed_at",
        "minutes_given",
        "started_at",
        "fulfilled_at",
        "confirmed_by_id",
        "confirmed_at",
        "project_id",
    )
    NOT_AUDITED: ClassVar[frozenset[str]] = frozenset(
        {
            "beneficiary_address_encrypted",
            "beneficiary_name_encrypted",
            "claimed_by_id",
            "created_at",
            "description",
            "fulfilment_report",
            "id",
            "recorded_by_id",
            "region_path",
            "updated_at",
            "version",
        }
    )

    region_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("regions.id"), index=True)
    #: Copied from the community: scope filters need no join.
    region_path: Mapped[str] = mapped_column(String(255))
    kind: Mapped[MicroWishKind] = mapped_column(_enum(MicroWishKind))
    category: Mapped[ServiceCategory] = mapped_column(_enum(ServiceCategory, 32))
    title: Mapped[str] = mapped_column(String(200))
    #: What the staff wrote, with the beneficiary's details: read by staff and the claimant.
    description: Mapped[str] = mapped_column(Text)
    #: What everyone else reads: no name, no address.
    public_description: Mapped[str] = mapped_column(Text)
    needs: Mapped[MicroWishNeed] = mapped_column(_enum(MicroWishNeed))
    deadline: Mapped[dt.datetime]
    beneficiary_name_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    beneficiary_address_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[MicroWishStatus] = mapped_column(
        _enum(MicroWishStatus), default=MicroWishStatus.OPEN
    )
    recorded_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    claimant_type: Mapped[ClaimantType | None] = mapped_column(_enum(ClaimantType))
    claimant_id: Mapped[int | None] = mapped_column(BigIntPK)
    #: The account that claimed (a volunteer, a team's manager, an organization's admin).
    claimed_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    claimed_at: Mapped[dt.datetime | None]
    fulfilment_report: Mapped[str | None] = mapped_column(Text)
    minutes_given: Mapped[int | None]
    #: When the volunteer's time began (the report's ``startedAt``, or the report's time less
    #: the minutes): the ledger entry runs from here for ``minutes_given``.
    started_at: Mapped[dt.datetime | None]
    fulfilled_at: Mapped[dt.datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    confirmed_at: Mapped[dt.datetime | None]
    #: Escalated to a project draft (实事微项目).
    project_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("projects.id"))

    __table_args__ = (
        Index(
            "ix_micro_wishes_region_path",
            "region_path",
            postgresql_ops={"region_path": "text_pattern_ops"},
        ),
        Index("ix_micro_wishes_status_deadline", "status", "deadline"),
        Index("ix_micro_wishes_claimant", "claimant_type", "claimant_id"),
        CheckConstraint(
            "(claimant_type IS NULL) = (claimant_id IS NULL)", name="claimant_complete"
        ),
        CheckConstraint("minutes_given IS NULL OR minutes_given > 0", name="minutes_positive"),
    )
