from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import (
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.db.base import Base, TimestampMixin, VersionedMixin
from matchmaker.db.types import BigIntPK, TagSet


class Volunteer(TimestampMixin, VersionedMixin, Base):
    """A registered volunteer (志愿者). The resident ID is never stored in clear."""

    __tablename__ = "volunteers"
    #: The columns an audit event's before/after snapshot records (services/audit.snapshot);
    #: every other column is in NOT_AUDITED (ids, timestamps, secrets, derived values).
    AUDITED: ClassVar[tuple[str, ...]] = (
        "volunteer_number",
        "skills",
        "interests",
        "availability",
        "home_region_id",
        "max_distance_km",
        "guardian_consent",
        "is_active",
        "personalized_feed",
        "recommendable",
    )
    NOT_AUDITED: ClassVar[frozenset[str]] = frozenset(
        {
            "account_id",
            "birth_date",
            "created_at",
            "gender",
            "id",
            "id_number_encrypted",
            "id_number_hash",
            "id_number_masked",
            "latitude",
            "longitude",
            "real_name",
            "star_level",
            "total_minutes",
            "updated_at",
            "version",
        }
    )

    account_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("accounts.id"), unique=True)
    real_name: Mapped[str] = mapped_column(String(100))
    #: Fernet ciphertext of the resident ID number.
    id_number_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    #: HMAC-SHA256 of the normalised ID number under the secret key: uniqueness without plaintext.
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Precomputed mask (``3701**********123X``) so lists never touch the ciphertext.
    id_number_masked: Mapped[str] = mapped_column(String(18))
    birth_date: Mapped[dt.date]
    gender: Mapped[str] = mapped_column(String(1))
    #: Public volunteer number (志愿者编号), unrelated to the ID number.
    volunteer_number: Mapped[str] = mapped_column(String(20), unique=True)
    skills: Mapped[list[str]] = mapped_column(TagSet(), default=list)
    interests: Mapped[list[str]] = mapped_column(TagSet(), default=list)
    #: Weekly availability: bit (day * 3 + slot), day 0 = Monday, slots morning/afternoon/evening.
    availability: Mapped[int] = mapped_column(default=0)
    home_region_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("regions.id"), index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    max_distance_km: Mapped[int] = mapped_column(default=5)
    guardian_consent: Mapped[bool] = mapped_column(default=False)
    total_minutes: Mapped[int] = mapped_column(default=0)
    star_level: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    #: False: the feed is not ranked on personal characteristics (docs/matching.md, People's
    #: rights; PIPL art. 24).
    personalized_feed: Mapped[bool] = mapped_column(default=True, server_default=true())
    #: False: never recommended to organizers and never invitable.
    recommendable: Mapped[bool] = mapped_column(default=True, server_default=true())

    __table_args__ = (
        CheckConstraint("availability >= 0 AND availability < 2097152", name="availability_bits"),
        CheckConstraint("max_distance_km >= 0", name="max_distance_nonnegative"),
        CheckConstraint("total_minutes >= 0", name="total_minutes_nonnegative"),
        CheckConstraint("star_level BETWEEN 0 AND 5", name="star_level_range"),
        # "Nearby" retrieval for matching: a coordinate box (docs/matching.md).
        Index("ix_volunteers_latitude_longitude", "latitude", "longitude"),
    )


class VolunteerTeam(TimestampMixin, VersionedMixin, Base):
    """A volunteer service team (志愿服务队) of a community or an organization."""

    __tablename__ = "volunteer_teams"
    #: The columns an audit event's before/after snapshot records (services/audit.snapshot);
    #: every other column is in NOT_AUDITED (ids, timestamps, secrets, derived values).
    AUDITED: ClassVar[tuple[str, ...]] = (
        "name",
        "region_id",
        "organization_id",
        "description",
        "is_active",
    )
    NOT_AUDITED: ClassVar[frozenset[str]] = frozenset(
        {"created_at", "id", "join_code", "updated_at", "version"}
    )

    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("regions.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("organizations.id"), index=True
    )
    description: Mapped[str] = mapped_column(String(2000), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    #: The code a volunteer types to join (shown to the team's managers only); null: none yet.
    join_code: Mapped[str | None] = mapped_column(String(16), unique=True, index=True)

    __table_args__ = (UniqueConstraint("region_id", "name"),)


class TeamMembershipStatus(StrEnum):
    """A membership is an invitation the volunteer accepts, or a join by the team's code."""

    INVITED = "INVITED"
    ACTIVE = "ACTIVE"
    DECLINED = "DECLINED"
    LEFT = "LEFT"


class TeamMembership(TimestampMixin, Base):
    """A volunteer in a team. Only ACTIVE members are shown to the team's readers; until then
    the team's managers see the public volunteer number they typed (docs/volunteering.md)."""

    __tablename__ = "team_memberships"

    team_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("volunteer_teams.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("volunteers.id"), index=True)
    #: The service always sets it; ACTIVE is for rows created outside it (seed data), which are
    #: established memberships, as the rows before invitations existed were.
    status: Mapped[TeamMembershipStatus] = mapped_column(
        Enum(TeamMembershipStatus, native_enum=False, length=16),
        default=TeamMembershipStatus.ACTIVE,
    )
    invited_by_account_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    responded_at: Mapped[dt.datetime | None]

    __table_args__ = (UniqueConstraint("team_id", "volunteer_id"),)
