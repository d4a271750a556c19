"""Volunteering: activities, shifts, signups, attendance, the hours ledger, certificates.

docs/volunteering.md (Activity, Shift, Signup, Attendance, ServiceRecord, Star level, Certificate).
The hours ledger is append-mostly: an approved record is never updated; a correction is a
reversing record (negative minutes) plus a new one. Totals on ``volunteers`` are a cache of the
ledger, recomputed by jobs for the volunteers listed in ``volunteer_total_changes``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.db.base import Base, TimestampMixin, VersionedMixin
from matchmaker.db.types import BigIntPK, TagSet, UTCDateTime
from matchmaker.models.enums import ServiceCategory


class ActivityStatus(StrEnum):
    PUBLISHED = "PUBLISHED"
    CANCELLED = "CANCELLED"


class SignupStatus(StrEnum):
    CONFIRMED = "CONFIRMED"
    WAITLISTED = "WAITLISTED"
    #: Promoted from the waitlist; holds the place until it is accepted or the offer expires.
    OFFERED = "OFFERED"
    CANCELLED = "CANCELLED"
    #: The promotion offer was not accepted in time; the place passed on.
    EXPIRED = "EXPIRED"
    ATTENDED = "ATTENDED"
    NO_SHOW = "NO_SHOW"


#: Statuses that hold one of the shift's places (counted in ``shifts.confirmed_count``).
HOLDS_PLACE = (
    SignupStatus.CONFIRMED,
    SignupStatus.OFFERED,
    SignupStatus.ATTENDED,
    SignupStatus.NO_SHOW,
)


class CheckoutBy(StrEnum):
    VOLUNTEER = "VOLUNTEER"
    ORGANIZER = "ORGANIZER"
    #: Closed by the job at the shift's end: the volunteer forgot; the record needs review.
    SYSTEM = "SYSTEM"


class RecordSource(StrEnum):
    ATTENDANCE = "ATTENDANCE"
    MANUAL = "MANUAL"
    #: Reverses an approved record (negative minutes).
    REVERSAL = "REVERSAL"
    #: Replaces a reversed record.
    CORRECTION = "CORRECTION"
    #: A volunteer's time on a confirmed micro-wish, approved by the confirming community staff
    #: (docs/micro_wishes.md, Hours).
    MICRO_WISH = "MICRO_WISH"


class RecordStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    DISPUTED = "DISPUTED"


class DisputeStatus(StrEnum):
    OPEN = "OPEN"
    UPHELD = "UPHELD"
    DISMISSED = "DISMISSED"


class CertificateStatus(StrEnum):
    PENDING = "PENDING"
    READY = "READY"
    REVOKED = "REVOKED"


class Activity(TimestampMixin, VersionedMixin, Base):
    """A service activity (服务活动) of a project, or of a community directly."""

    __tablename__ = "activities"
    #: The columns an audit event's before/after snapshot records (services/audit.snapshot);
    #: every other column is in NOT_AUDITED (ids, timestamps, secrets, derived values).
    AUDITED: ClassVar[tuple[str, ...]] = (
        "title",
        "project_id",
        "organization_id",
        "region_id",
        "place_name",
        "latitude",
        "longitude",
        "checkin_radius_m",
        "category",
        "required_skills",
        "min_age",
        "status",
        "cancel_reason",
    )
    NOT_AUDITED: ClassVar[frozenset[str]] = frozenset(
        {
            "created_at",
            "created_by_account_id",
            "description",
            "id",
            "region_path",
            "updated_at",
            "version",
        }
    )

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: The project it serves (organized by the running organization's social workers), or None
    #: for a community activity (organized by the community staff member who created it).
    project_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("projects.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("organizations.id"), index=True
    )
    region_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("regions.id"), index=True)
    #: Copy of the region's materialized path: scope filters need no join.
    region_path: Mapped[str] = mapped_column(String(255))
    created_by_account_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    place_name: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    #: Check-in must happen within this many metres of the place, when set.
    checkin_radius_m: Mapped[int | None]
    category: Mapped[ServiceCategory] = mapped_column(
        Enum(ServiceCategory, native_enum=False, length=32)
    )
    required_skills: Mapped[list[str]] = mapped_column(TagSet(), default=list)
    min_age: Mapped[int] = mapped_column(default=0)
    status: Mapped[ActivityStatus] = mapped_column(
        Enum(ActivityStatus, native_enum=False, length=16), default=ActivityStatus.PUBLISHED
    )
    cancel_reason: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (
        Index(
            "ix_activities_region_path",
            "region_path",
            postgresql_ops={"region_path": "text_pattern_ops"},
        ),
        CheckConstraint("min_age >= 0 AND min_age <= 100", name="min_age_range"),
        CheckConstraint("checkin_radius_m IS NULL OR checkin_radius_m > 0", name="radius_positive"),
    )


class Shift(TimestampMixin, Base):
    """A time slot of an activity with a capacity. Places are counted under a row lock."""

    __tablename__ = "shifts"
    #: The columns an audit event's before/after snapshot records (services/audit.snapshot);
    #: every other column is in NOT_AUDITED (ids, timestamps, secrets, derived values).
    AUDITED: ClassVar[tuple[str, ...]] = ("activity_id", "starts_at", "ends_at", "capacity")
    NOT_AUDITED: ClassVar[frozenset[str]] = frozenset(
        {
            "checkouts_closed_at",
            "confirmed_count",
            "created_at",
            "id",
            "is_cancelled",
            "reminders_sent_at",
            "secret",
            "updated_at",
            "waitlist_seq",
        }
    )

    activity_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("activities.id"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    capacity: Mapped[int]
    #: Signups holding a place (CONFIRMED, OFFERED, ATTENDED, NO_SHOW).
    confirmed_count: Mapped[int] = mapped_column(default=0)
    #: Last waitlist position handed out: positions are strictly increasing per shift.
    waitlist_seq: Mapped[int] = mapped_column(default=0)
    #: Random TOTP secret of the rotating check-in code (never exposed; only codes are).
    secret: Mapped[bytes] = mapped_column(LargeBinary(32))
    reminders_sent_at: Mapped[dt.datetime | None]
    checkouts_closed_at: Mapped[dt.datetime | None]
    is_cancelled: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("confirmed_count >= 0", name="confirmed_nonnegative"),
        CheckConstraint("confirmed_count <= capacity", name="within_capacity"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )


class Signup(TimestampMixin, Base):
    """A volunteer's place (or waitlist position) on a shift. One row per volunteer and shift."""

    __tablename__ = "signups"
    #: The columns an audit event's before/after snapshot records (services/audit.snapshot);
    #: every other column is in NOT_AUDITED (ids, timestamps, secrets, derived values).
    AUDITED: ClassVar[tuple[str, ...]] = (
        "shift_id",
        "volunteer_id",
        "status",
        "waitlist_position",
        "offer_expires_at",
    )
    NOT_AUDITED: ClassVar[frozenset[str]] = frozenset(
        {"created_at", "ends_at", "id", "starts_at", "updated_at"}
    )

    shift_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("shifts.id"))
    volunteer_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("volunteers.id"), index=True)
    status: Mapped[SignupStatus] = mapped_column(Enum(SignupStatus, native_enum=False, length=16))
    waitlist_position: Mapped[int | None]
    offer_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: Denormalised from the shift, for the overlap check and "my shifts" lists.
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("shift_id", "volunteer_id"),
        Index("ix_signups_shift_status_position", "shift_id", "status", "waitlist_position"),
        Index("ix_signups_volunteer_time", "volunteer_id", "starts_at"),
    )


class Attendance(TimestampMixin, Base):
    """Check-in and check-out of one volunteer on one shift."""

    __tablename__ = "attendances"
    #: The columns an audit event's before/after snapshot records (services/audit.snapshot);
    #: every other column is in NOT_AUDITED (ids, timestamps, secrets, derived values).
    AUDITED: ClassVar[tuple[str, ...]] = (
        "shift_id",
        "volunteer_id",
        "checked_in_at",
        "checked_out_at",
        "checkout_by",
    )
    NOT_AUDITED: ClassVar[frozenset[str]] = frozenset(
        {
            "checkin_latitude",
            "checkin_longitude",
            "created_at",
            "id",
            "idempotency_key",
            "signup_id",
            "updated_at",
        }
    )

    shift_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("shifts.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("volunteers.id"))
    signup_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("signups.id"))
    checked_in_at: Mapped[dt.datetime]
    checked_out_at: Mapped[dt.datetime | None]
    checkout_by: Mapped[CheckoutBy | None] = mapped_column(
        Enum(CheckoutBy, native_enum=False, length=16)
    )
    checkin_latitude: Mapped[float | None]
    checkin_longitude: Mapped[float | None]
    #: Client-chosen key: a phone retrying the same check-in gets the same row.
    idempotency_key: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (
        UniqueConstraint("shift_id", "volunteer_id"),
        UniqueConstraint("volunteer_id", "idempotency_key"),
    )


class ServiceRecord(TimestampMixin, VersionedMixin, Base):
    """The hours ledger (志愿服务记录). Totals count APPROVED rows' minutes."""

    __tablename__ = "service_records"
    #: The columns an audit event's before/after snapshot records (services/audit.snapshot);
    #: every other column is in NOT_AUDITED (ids, timestamps, secrets, derived values).
    AUDITED: ClassVar[tuple[str, ...]] = (
        "volunteer_id",
        "activity_id",
        "micro_wish_id",
        "shift_id",
        "starts_at",
        "ends_at",
        "minutes",
        "source",
        "status",
        "needs_review",
        "reverses_id",
        "corrects_id",
        "decision_note",
    )
    NOT_AUDITED: ClassVar[frozenset[str]] = frozenset(
        {
            "attendance_id",
            "created_at",
            "decided_at",
            "decided_by_account_id",
            "description",
            "id",
            "idempotency_key",
            "organization_id",
            "region_path",
            "submitted_by_account_id",
            "updated_at",
            "version",
        }
    )

    volunteer_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("volunteers.id"))
    #: What the time was given to: an activity, or a micro-wish (exactly one, see the CHECK).
    activity_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("activities.id"), index=True
    )
    micro_wish_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("micro_wishes.id"), index=True
    )
    shift_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("shifts.id"))
    attendance_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("attendances.id"), unique=True
    )
    #: Copied from the activity (or the wish's community): scope filters need no join.
    region_path: Mapped[str] = mapped_column(String(255))
    organization_id: Mapped[int | None] = mapped_column(BigIntPK, index=True)
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    #: Negative only for a REVERSAL.
    minutes: Mapped[int]
    source: Mapped[RecordSource] = mapped_column(Enum(RecordSource, native_enum=False, length=16))
    status: Mapped[RecordStatus] = mapped_column(
        Enum(RecordStatus, native_enum=False, length=16), default=RecordStatus.PENDING
    )
    description: Mapped[str] = mapped_column(String(1000), default="")
    #: Set when the check-out was closed by the job: the organizer should look before approving.
    needs_review: Mapped[bool] = mapped_column(default=False)
    #: A REVERSAL points at the record it reverses (once: unique); a CORRECTION at the same one.
    reverses_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("service_records.id"), unique=True
    )
    corrects_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("service_records.id"))
    submitted_by_account_id: Mapped[int | None] = mapped_column(BigIntPK)
    decided_by_account_id: Mapped[int | None] = mapped_column(BigIntPK)
    decided_at: Mapped[dt.datetime | None]
    decision_note: Mapped[str | None] = mapped_column(String(500))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (
        UniqueConstraint("volunteer_id", "idempotency_key"),
        # Covering (minutes included): totals and the reconciliation are index-only scans of
        # the changed volunteers' entries, whatever the size of the rest of the ledger.
        Index(
            "ix_service_records_volunteer_status",
            "volunteer_id",
            "status",
            postgresql_include=["minutes"],
        ),
        Index("ix_service_records_volunteer_time", "volunteer_id", "starts_at"),
        Index(
            "ix_service_records_region_path",
            "region_path",
            postgresql_ops={"region_path": "text_pattern_ops"},
        ),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(
            "(source = 'REVERSAL' AND minutes < 0) OR (source <> 'REVERSAL' AND minutes > 0)",
            name="minutes_sign",
        ),
        CheckConstraint("(activity_id IS NULL) <> (micro_wish_id IS NULL)", name="one_subject"),
        # One ledger entry per volunteer and confirmed wish; a correction of it (REVERSAL +
        # CORRECTION) carries the same wish under its own source.
        Index(
            "uq_service_records_micro_wish_volunteer",
            "micro_wish_id",
            "volunteer_id",
            unique=True,
            sqlite_where=text("source = 'MICRO_WISH'"),
            postgresql_where=text("source = 'MICRO_WISH'"),
        ),
    )


class HoursDispute(TimestampMixin, VersionedMixin, Base):
    """A volunteer's objection to a record; the activity's organizer resolves it."""

    __tablename__ = "hours_disputes"
    #: The columns an audit event's before/after snapshot records (services/audit.snapshot);
    #: every other column is in NOT_AUDITED (ids, timestamps, secrets, derived values).
    AUDITED: ClassVar[tuple[str, ...]] = (
        "record_id",
        "status",
        "reason",
        "record_status_before",
        "resolution_note",
    )
    NOT_AUDITED: ClassVar[frozenset[str]] = frozenset(
        {
            "activity_id",
            "created_at",
            "id",
            "organization_id",
            "region_path",
            "resolved_at",
            "resolved_by_account_id",
            "updated_at",
            "version",
            "volunteer_id",
        }
    )

    record_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("service_records.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("volunteers.id"), index=True)
    #: The record's activity; none for a micro-wish's record (its community's staff resolve).
    activity_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("activities.id"), index=True
    )
    region_path: Mapped[str] = mapped_column(String(255))
    organization_id: Mapped[int | None] = mapped_column(BigIntPK)
    reason: Mapped[str] = mapped_column(String(1000))
    status: Mapped[DisputeStatus] = mapped_column(
        Enum(DisputeStatus, native_enum=False, length=16), default=DisputeStatus.OPEN
    )
    #: The record's status when the dispute was opened (restored on dismissal).
    record_status_before: Mapped[RecordStatus] = mapped_column(
        Enum(RecordStatus, native_enum=False, length=16)
    )
    resolution_note: Mapped[str | None] = mapped_column(String(1000))
    resolved_by_account_id: Mapped[int | None] = mapped_column(BigIntPK)
    resolved_at: Mapped[dt.datetime | None]


class VolunteerTotalChange(Base):
    """A volunteer whose approved ledger changed since the last reconciliation.

    The nightly reconciliation reads only these rows, so its cost follows the number of changed
    volunteers, not the size of the ledger. ``seq`` grows with every change; the reconciliation
    deletes a marker only if it is unchanged since it was read.
    """

    __tablename__ = "volunteer_total_changes"

    volunteer_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("volunteers.id"), primary_key=True
    )
    changed_at: Mapped[dt.datetime]
    seq: Mapped[int] = mapped_column(default=1)


class Certificate(TimestampMixin, Base):
    """A volunteer service certificate (志愿服务证明) for a period, rendered to PDF by a job."""

    __tablename__ = "certificates"
    #: The columns an audit event's before/after snapshot records (services/audit.snapshot);
    #: every other column is in NOT_AUDITED (ids, timestamps, secrets, derived values).
    AUDITED: ClassVar[tuple[str, ...]] = (
        "serial",
        "volunteer_id",
        "period_start",
        "period_end",
        "issuer",
        "status",
    )
    NOT_AUDITED: ClassVar[frozenset[str]] = frozenset(
        {
            "code_hash",
            "content",
            "created_at",
            "id",
            "issued_on",
            "minutes",
            "organization_id",
            "pdf",
            "region_path",
            "requested_by_account_id",
            "revoke_reason",
            "revoked_at",
            "scope_region_path",
            "updated_at",
        }
    )

    serial: Mapped[str] = mapped_column(String(32), unique=True)
    volunteer_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("volunteers.id"), index=True)
    requested_by_account_id: Mapped[int | None] = mapped_column(BigIntPK)
    #: Region of the issuer's scope (organizer's activities) or the volunteer's home.
    region_path: Mapped[str] = mapped_column(String(255), default="/")
    #: When an organizer requests it, only the activities in their scope count.
    organization_id: Mapped[int | None] = mapped_column(BigIntPK)
    scope_region_path: Mapped[str | None] = mapped_column(String(255))
    period_start: Mapped[dt.date]
    period_end: Mapped[dt.date]
    issuer: Mapped[str] = mapped_column(String(200))
    status: Mapped[CertificateStatus] = mapped_column(
        Enum(CertificateStatus, native_enum=False, length=16), default=CertificateStatus.PENDING
    )
    #: Keyed hash of the verification code printed on the PDF (the code itself is not stored).
    code_hash: Mapped[str | None] = mapped_column(String(64))
    minutes: Mapped[int] = mapped_column(default=0)
    #: Activities and minutes as rendered: [{"title": ..., "minutes": ...}].
    content: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    issued_on: Mapped[dt.date | None]
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    revoked_at: Mapped[dt.datetime | None]
    revoke_reason: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (CheckConstraint("period_end >= period_start", name="period_order"),)
