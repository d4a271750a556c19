"""Matching: the impression log, outcomes, model versions and invitations (docs/matching.md).

Every ranked list shown to somebody is logged as one ``match_impressions`` row and one
``match_impression_items`` row per candidate in the order shown, with the feature row the model
saw. Outcomes (a volunteer shown a shift signs up, then attends) are written onto the latest
item, so a training set is a plain read of this log: no feature is ever recomputed after the
fact, which keeps later knowledge out of the training rows.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.db.base import Base, TimestampMixin
from matchmaker.db.types import BigIntPK, UTCDateTime


class MatchingDirection(StrEnum):
    ORGANIZATIONS_FOR_PROJECT = "ORGANIZATIONS_FOR_PROJECT"
    PROJECTS_FOR_ORGANIZATION = "PROJECTS_FOR_ORGANIZATION"
    SOCIAL_WORKERS_FOR_PROJECT = "SOCIAL_WORKERS_FOR_PROJECT"
    VOLUNTEERS_FOR_SHIFT = "VOLUNTEERS_FOR_SHIFT"
    SHIFTS_FOR_VOLUNTEER = "SHIFTS_FOR_VOLUNTEER"
    #: Micro-wishes (docs/micro_wishes.md): whom to ask about a wish; wishes near a volunteer.
    CLAIMERS_FOR_WISH = "CLAIMERS_FOR_WISH"
    WISHES_FOR_VOLUNTEER = "WISHES_FOR_VOLUNTEER"


class MatchingModelStatus(StrEnum):
    #: Trained and stored, not (yet) used.
    CANDIDATE = "CANDIDATE"
    #: The one version of its direction that ranks requests.
    ACTIVE = "ACTIVE"
    #: Was active, replaced by a later promotion or rolled back.
    RETIRED = "RETIRED"
    #: Lost against the active model or the best baseline on the validation window, or was
    #: rolled back by a platform admin.
    REJECTED = "REJECTED"


class VolunteerInvitationStatus(StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    #: The shift started (or was cancelled) before the volunteer answered.
    EXPIRED = "EXPIRED"


class MatchImpression(TimestampMixin, Base):
    """One ranked list shown to somebody."""

    __tablename__ = "match_impressions"

    direction: Mapped[str] = mapped_column(String(40))
    requested_by_account_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    #: What the question was about: "shift", "volunteer", "project", "organization".
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(BigIntPK)
    #: None for a cold start or a non-personalized list.
    model_version: Mapped[str | None] = mapped_column(String(60))
    cold_start: Mapped[bool] = mapped_column(default=False)
    #: Whether the list was ranked on personal features (False: the volunteer opted out).
    personalized: Mapped[bool] = mapped_column(default=True)
    size: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        Index("ix_match_impressions_direction_created", "direction", "created_at"),
        Index("ix_match_impressions_subject", "subject_type", "subject_id"),
    )


class MatchImpressionItem(Base):
    """One candidate of an impression, at its rank, with the feature row the model scored."""

    __tablename__ = "match_impression_items"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    impression_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("match_impressions.id", ondelete="CASCADE")
    )
    rank: Mapped[int]
    candidate_type: Mapped[str] = mapped_column(String(20))
    candidate_id: Mapped[int] = mapped_column(BigIntPK)
    score: Mapped[float]
    #: The X row in the direction's feature order (matchmaker.matching.directions).
    features: Mapped[list[float]] = mapped_column(JSON)
    #: Denormalised from the impression, so the outcome join needs no join.
    direction: Mapped[str] = mapped_column(String(40))
    #: The other side of the pair (the shift when the candidate is a volunteer, and so on).
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(BigIntPK)
    shown_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    #: First stage reached (volunteers: signed up; organizations: bid).
    engaged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: Second stage reached (volunteers: attended; organizations: awarded).
    succeeded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: Optional graded outcome (e.g. a performance score), when the direction has one.
    outcome_value: Mapped[float | None]

    __table_args__ = (
        UniqueConstraint("impression_id", "rank"),
        Index(
            "ix_match_impression_items_pair",
            "candidate_type",
            "candidate_id",
            "subject_type",
            "subject_id",
            "shown_at",
        ),
    )


class MatchingModel(TimestampMixin, Base):
    """One trained model version of a direction (artifact as JSON, never a pickle)."""

    __tablename__ = "matching_models"

    direction: Mapped[str] = mapped_column(String(40))
    #: ``f"{direction}-v{n}"``.
    version: Mapped[str] = mapped_column(String(60), unique=True)
    #: "logistic" or "gradient_boosting" (the core's artifact kind).
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[MatchingModelStatus] = mapped_column(
        Enum(MatchingModelStatus, native_enum=False, length=16),
        default=MatchingModelStatus.CANDIDATE,
    )
    artifact: Mapped[dict[str, Any]] = mapped_column(JSON)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Hash of the training rows: the job does not train the same data twice.
    fingerprint: Mapped[str] = mapped_column(String(64))
    train_from: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    train_to: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    valid_from: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    valid_to: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    n_rows: Mapped[int] = mapped_column(default=0)
    n_groups: Mapped[int] = mapped_column(default=0)
    trained_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    promoted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    promoted_by_account_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))

    __table_args__ = (
        Index("ix_matching_models_direction_status", "direction", "status"),
        Index("ix_matching_models_direction_fingerprint", "direction", "fingerprint"),
    )


class VolunteerInvitation(TimestampMixin, Base):
    """An organizer's invitation of a volunteer to a shift (docs/matching.md, Invitations)."""

    __tablename__ = "volunteer_invitations"

    shift_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("shifts.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("volunteers.id"))
    invited_by_account_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    #: The recommendation it came from, when it came from one.
    impression_item_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("match_impression_items.id", ondelete="SET NULL")
    )
    status: Mapped[VolunteerInvitationStatus] = mapped_column(
        Enum(VolunteerInvitationStatus, native_enum=False, length=16),
        default=VolunteerInvitationStatus.PENDING,
    )
    signup_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("signups.id"))
    responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("shift_id", "volunteer_id"),
        Index("ix_volunteer_invitations_volunteer_created", "volunteer_id", "created_at"),
    )


# --- Procurement (PROC's directions; declared here so there is one migration) ---------------


class OrganizationInvitation(TimestampMixin, Base):
    """An invitation of an organization to bid on a project (docs/matching.md)."""

    __tablename__ = "organization_invitations"

    project_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("projects.id"), index=True)
    organization_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("organizations.id"))
    invited_by_account_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    impression_item_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("match_impression_items.id", ondelete="SET NULL")
    )

    __table_args__ = (
        UniqueConstraint("project_id", "organization_id"),
        Index("ix_organization_invitations_organization_created", "organization_id", "created_at"),
    )
