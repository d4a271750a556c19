"""Community projects and their procurement (docs/procurement.md: Need … PerformanceEvaluation).

Money is integer fen. Shares and scores are integers too: milestone shares in basis points
(10000 = 100%), evaluation scores in hundredths of a point, so sums and comparisons are exact.
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
)
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.db.base import Base, TimestampMixin, VersionedMixin
from matchmaker.db.types import BigIntPK, Money, TagSet
from matchmaker.models.enums import ServiceCategory


class ProjectStatus(StrEnum):
    DRAFT = "DRAFT"
    PENDING_APPROVAL = "PENDING_APPROVAL"
    OPEN_FOR_BIDS = "OPEN_FOR_BIDS"
    BIDS_OPENED = "BIDS_OPENED"
    AWARDED = "AWARDED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    EVALUATED = "EVALUATED"
    FAILED = "FAILED"  # 流标
    CANCELLED = "CANCELLED"


class FundingSource(StrEnum):
    GOVERNMENT_PURCHASE = "GOVERNMENT_PURCHASE"
    VENTURE_PHILANTHROPY = "VENTURE_PHILANTHROPY"  # 公益创投
    SUBSIDY = "SUBSIDY"
    COMMUNITY_FUND = "COMMUNITY_FUND"


class ProcurementMethod(StrEnum):
    OPEN_TENDER = "OPEN_TENDER"  # 公开招标
    INVITED_TENDER = "INVITED_TENDER"  # 邀请招标
    COMPETITIVE_NEGOTIATION = "COMPETITIVE_NEGOTIATION"  # 竞争性谈判
    COMPETITIVE_CONSULTATION = "COMPETITIVE_CONSULTATION"  # 竞争性磋商
    SINGLE_SOURCE = "SINGLE_SOURCE"  # 单一来源


class BidStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    WITHDRAWN = "WITHDRAWN"
    OPENED = "OPENED"
    DISQUALIFIED = "DISQUALIFIED"
    AWARDED = "AWARDED"
    LOST = "LOST"


class ContractStatus(StrEnum):
    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"


class MilestoneStatus(StrEnum):
    PENDING = "PENDING"
    REPORTED = "REPORTED"
    ACCEPTED = "ACCEPTED"
    PAID = "PAID"


class ReportStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    ACCEPTED = "ACCEPTED"
    RETURNED = "RETURNED"


def _enum(cls: type[StrEnum], length: int = 32) -> Enum:
    return Enum(cls, native_enum=False, length=length)


class Need(TimestampMixin, VersionedMixin, Base):
    """A residents' need (居民需求) recorded by community staff for their community."""

    __tablename__ = "needs"
    #: The columns an audit event's before/after snapshot records (services/audit.snapshot);
    #: every other column is in NOT_AUDITED (ids, timestamps, secrets, derived values).
    AUDITED: ClassVar[tuple[str, ...]] = (
        "region_id",
        "category",
        "target_group",
        "description",
        "people_affected",
    )
    NOT_AUDITED: ClassVar[frozenset[str]] = frozenset(
        {"created_at", "created_by_id", "id", "updated_at", "version"}
    )

    region_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("regions.id"), index=True)
    category: Mapped[ServiceCategory] = mapped_column(_enum(ServiceCategory))
    target_group: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    people_affected: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))

    __table_args__ = (CheckConstraint("people_affected > 0", name="people_positive"),)


class Project(TimestampMixin, VersionedMixin, Base):
    """A community-designed project (项目) and its procurement state."""

    __tablename__ = "projects"
    #: The columns an audit event's before/after snapshot records (services/audit.snapshot);
    #: every other column is in NOT_AUDITED (ids, timestamps, secrets, derived values).
    AUDITED: ClassVar[tuple[str, ...]] = (
        "region_id",
        "title",
        "category",
        "funding_source",
        "budget_ceiling_fen",
        "procurement_method",
        "service_start",
        "service_end",
        "min_grade",
        "workers_assistant",
        "workers_social_worker",
        "workers_senior",
        "price_weight",
        "status",
        "bid_deadline",
    )
    NOT_AUDITED: ClassVar[frozenset[str]] = frozenset(
        {
            "approved_at",
            "approved_by_id",
            "awarded_at",
            "awarded_bid_id",
            "awarded_by_id",
            "beneficiary_target",
            "cancel_reason",
            "completed_at",
            "created_at",
            "created_by_id",
            "description",
            "id",
            "opened_at",
            "opened_by_id",
            "opened_by_job_id",
            "published_at",
            "return_reason",
            "submitted_at",
            "target_groups",
            "updated_at",
            "version",
            "volunteer_plan",
        }
    )

    region_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("regions.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[ServiceCategory] = mapped_column(_enum(ServiceCategory))
    target_groups: Mapped[list[str]] = mapped_column(TagSet(), default=list)
    beneficiary_target: Mapped[int] = mapped_column(default=0)
    funding_source: Mapped[FundingSource] = mapped_column(_enum(FundingSource))
    budget_ceiling_fen: Mapped[int] = mapped_column(Money)
    procurement_method: Mapped[ProcurementMethod] = mapped_column(_enum(ProcurementMethod))
    bid_deadline: Mapped[dt.datetime | None] = mapped_column(index=True)
    service_start: Mapped[dt.date]
    service_end: Mapped[dt.date]
    #: 社会组织评估等级 required: 0 = none, 1..5 = 1A..5A.
    min_grade: Mapped[int] = mapped_column(default=0)
    #: How many social workers at or above each certification level the project needs
    #: (columns rather than JSON, so "open projects an organization qualifies for" is SQL).
    workers_assistant: Mapped[int] = mapped_column(default=0)
    workers_social_worker: Mapped[int] = mapped_column(default=0)
    workers_senior: Mapped[int] = mapped_column(default=0)
    volunteer_plan: Mapped[str] = mapped_column(Text, default="")
    #: Weight of the price score; the technical criteria's weights make up the rest of 100.
    price_weight: Mapped[int] = mapped_column(default=30)
    status: Mapped[ProjectStatus] = mapped_column(
        _enum(ProjectStatus), default=ProjectStatus.DRAFT, index=True
    )
    return_reason: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    submitted_at: Mapped[dt.datetime | None]
    #: Set by the bureau's approval; the project stays PENDING_APPROVAL until it is published.
    approved_at: Mapped[dt.datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    published_at: Mapped[dt.datetime | None]
    opened_at: Mapped[dt.datetime | None]
    #: Who opened the bids: an account, or None with ``opened_by_job_id`` set (the deadline job).
    opened_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    opened_by_job_id: Mapped[int | None] = mapped_column(BigIntPK)
    awarded_bid_id: Mapped[int | None] = mapped_column(BigIntPK)
    awarded_at: Mapped[dt.datetime | None]
    awarded_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    completed_at: Mapped[dt.datetime | None]

    @property
    def worker_requirements(self) -> dict[str, int]:
        """``{"SOCIAL_WORKER": 2, "SENIOR": 1}``: only the levels that are required."""
        counts = {
            "ASSISTANT": self.workers_assistant or 0,
            "SOCIAL_WORKER": self.workers_social_worker or 0,
            "SENIOR": self.workers_senior or 0,
        }
        return {k: v for k, v in counts.items() if v}

    @worker_requirements.setter
    def worker_requirements(self, value: dict[str, int]) -> None:
        self.workers_assistant = int(value.get("ASSISTANT", 0))
        self.workers_social_worker = int(value.get("SOCIAL_WORKER", 0))
        self.workers_senior = int(value.get("SENIOR", 0))

    __table_args__ = (
        CheckConstraint("budget_ceiling_fen > 0", name="budget_positive"),
        CheckConstraint(
            "workers_assistant >= 0 AND workers_social_worker >= 0 AND workers_senior >= 0",
            name="workers_non_negative",
        ),
        CheckConstraint("price_weight >= 0 AND price_weight <= 100", name="price_weight_range"),
        CheckConstraint("service_end >= service_start", name="period_order"),
    )


class ProjectNeed(TimestampMixin, Base):
    """A need a project answers."""

    __tablename__ = "project_needs"

    project_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("projects.id"), index=True)
    need_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("needs.id"), index=True)

    __table_args__ = (UniqueConstraint("project_id", "need_id"),)


class EvaluationCriterion(TimestampMixin, Base):
    """A technical evaluation criterion of a project, with its weight (points out of 100)."""

    __tablename__ = "evaluation_criteria"

    project_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("projects.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int]

    __table_args__ = (
        UniqueConstraint("project_id", "position"),
        CheckConstraint("weight > 0 AND weight <= 100", name="weight_range"),
    )


class Bid(TimestampMixin, VersionedMixin, Base):
    """A sealed bid (投标). One row per organization and project: resubmission replaces it.

    ``price_fen``, ``technical_proposal``, ``volunteer_plan`` and the team are sealed until
    ``opened_at``: only :func:`matchmaker.services.bids.may_read_sealed` decides who reads them.
    """

    __tablename__ = "bids"

    project_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("projects.id"), index=True)
    organization_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("organizations.id"), index=True
    )
    price_fen: Mapped[int] = mapped_column(Money)
    technical_proposal: Mapped[str] = mapped_column(Text)
    volunteer_plan: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[BidStatus] = mapped_column(_enum(BidStatus), default=BidStatus.SUBMITTED)
    submitted_at: Mapped[dt.datetime]
    submitted_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    withdrawn_at: Mapped[dt.datetime | None]
    opened_at: Mapped[dt.datetime | None]
    disqualified_reason: Mapped[str | None] = mapped_column(Text)
    #: Filled at award: price score, technical score (mean over evaluators), total, rank.
    price_score_centi: Mapped[int | None]
    technical_score_centi: Mapped[int | None]
    total_score_centi: Mapped[int | None]
    rank: Mapped[int | None]

    __table_args__ = (
        UniqueConstraint("project_id", "organization_id"),
        CheckConstraint("price_fen > 0", name="price_positive"),
    )


class BidTeamMember(TimestampMixin, Base):
    """A social worker of the bidding organization proposed for the project, with a role."""

    __tablename__ = "bid_team_members"

    bid_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("bids.id"), index=True)
    social_worker_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("social_workers.id"))
    role: Mapped[str] = mapped_column(String(100))

    __table_args__ = (UniqueConstraint("bid_id", "social_worker_id"),)


class Evaluator(TimestampMixin, Base):
    """An account assigned to evaluate a project's bids (评标委员会成员)."""

    __tablename__ = "evaluators"

    project_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("projects.id"), index=True)
    account_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("accounts.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))

    __table_args__ = (UniqueConstraint("project_id", "account_id"),)


class Score(TimestampMixin, Base):
    """One evaluator's technical score of one bid on one criterion, in hundredths of a point."""

    __tablename__ = "scores"

    evaluator_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("evaluators.id"), index=True)
    bid_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("bids.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("evaluation_criteria.id"))
    score_centi: Mapped[int]

    __table_args__ = (
        UniqueConstraint("evaluator_id", "bid_id", "criterion_id"),
        CheckConstraint("score_centi >= 0", name="score_non_negative"),
    )


class Contract(TimestampMixin, VersionedMixin, Base):
    """The service contract created from the award."""

    __tablename__ = "contracts"

    project_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("projects.id"), unique=True)
    organization_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("organizations.id"), index=True
    )
    bid_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("bids.id"))
    amount_fen: Mapped[int] = mapped_column(Money)
    paid_fen: Mapped[int] = mapped_column(Money, default=0)
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    status: Mapped[ContractStatus] = mapped_column(
        _enum(ContractStatus), default=ContractStatus.ACTIVE
    )
    signed_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))

    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("paid_fen >= 0 AND paid_fen <= amount_fen", name="paid_within_amount"),
        CheckConstraint("end_date >= start_date", name="period_order"),
    )


class Milestone(TimestampMixin, VersionedMixin, Base):
    """A contract milestone: deliverables, a due date and a share of the amount."""

    __tablename__ = "milestones"

    contract_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("contracts.id"), index=True)
    sequence: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    #: Share of the contract amount in basis points (10000 = 100%).
    share_bp: Mapped[int]
    amount_fen: Mapped[int] = mapped_column(Money)
    paid_fen: Mapped[int] = mapped_column(Money, default=0)
    due_date: Mapped[dt.date] = mapped_column(index=True)
    planned_activities: Mapped[int] = mapped_column(default=0)
    planned_service_hours: Mapped[int] = mapped_column(default=0)
    planned_beneficiaries: Mapped[int] = mapped_column(default=0)
    status: Mapped[MilestoneStatus] = mapped_column(
        _enum(MilestoneStatus), default=MilestoneStatus.PENDING
    )
    accepted_at: Mapped[dt.datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))

    __table_args__ = (
        UniqueConstraint("contract_id", "sequence"),
        CheckConstraint("share_bp > 0 AND share_bp <= 10000", name="share_range"),
        CheckConstraint("paid_fen >= 0 AND paid_fen <= amount_fen", name="paid_within_share"),
    )


class Payment(TimestampMixin, Base):
    """Money paid by the bureau against an accepted milestone."""

    __tablename__ = "payments"

    contract_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("contracts.id"), index=True)
    milestone_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("milestones.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(Money)
    paid_on: Mapped[dt.date]
    voucher_number: Mapped[str] = mapped_column(String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))

    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        UniqueConstraint("contract_id", "voucher_number"),
    )


class ProgressReport(TimestampMixin, VersionedMixin, Base):
    """The organization's report on one milestone; community staff accept or return it."""

    __tablename__ = "progress_reports"

    milestone_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("milestones.id"), index=True)
    organization_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("organizations.id"), index=True
    )
    narrative: Mapped[str] = mapped_column(Text)
    activities_held: Mapped[int]
    beneficiaries_served: Mapped[int]
    #: Computed from the hours ledger when the report is submitted; never typed in.
    volunteer_minutes: Mapped[int] = mapped_column(default=0)
    status: Mapped[ReportStatus] = mapped_column(
        _enum(ReportStatus), default=ReportStatus.SUBMITTED
    )
    submitted_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    submitted_at: Mapped[dt.datetime]
    reviewed_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    reviewed_at: Mapped[dt.datetime | None]
    return_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(
            "activities_held >= 0 AND beneficiaries_served >= 0", name="counts_non_negative"
        ),
    )


class ReportBeneficiary(TimestampMixin, Base):
    """One person a progress report lists as served, as a keyed hash only (docs/oversight.md).

    ``identity_hash`` is the HMAC, under the installation's secret key, of the person's
    normalised name and ID number or phone (``services.reports.beneficiary_hash``): equal
    people match across reports, and the plain identity is never stored.
    """

    __tablename__ = "report_beneficiaries"

    report_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("progress_reports.id"), index=True)
    identity_hash: Mapped[str] = mapped_column(String(64), index=True)

    __table_args__ = (UniqueConstraint("report_id", "identity_hash"),)


class EvidenceFile(TimestampMixin, Base):
    """A file attached to a progress report or to a micro-wish's fulfilment report (exactly
    one of the two), stored in the database (docs/micro_wishes.md, Photo evidence)."""

    __tablename__ = "evidence_files"

    report_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("progress_reports.id"), index=True
    )
    micro_wish_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("micro_wishes.id"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))

    __table_args__ = (
        CheckConstraint("(report_id IS NULL) <> (micro_wish_id IS NULL)", name="one_subject"),
    )


class PerformanceEvaluation(TimestampMixin, Base):
    """The bureau's final performance evaluation (绩效评价) of a completed project."""

    __tablename__ = "performance_evaluations"

    project_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("projects.id"), unique=True)
    contract_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("contracts.id"))
    organization_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("organizations.id"), index=True
    )
    score: Mapped[int]
    #: ``[{"name": "服务成效", "score": 38, "max": 40}, …]``
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    comments: Mapped[str] = mapped_column(Text, default="")
    evaluated_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))

    __table_args__ = (CheckConstraint("score >= 0 AND score <= 100", name="score_range"),)


Index("ix_projects_status_deadline", Project.status, Project.bid_deadline)

__all__ = [
    "Bid",
    "BidStatus",
    "BidTeamMember",
    "Contract",
    "ContractStatus",
    "EvaluationCriterion",
    "Evaluator",
    "EvidenceFile",
    "FundingSource",
    "Milestone",
    "MilestoneStatus",
    "Need",
    "Payment",
    "PerformanceEvaluation",
    "ProcurementMethod",
    "ProgressReport",
    "Project",
    "ProjectNeed",
    "ProjectStatus",
    "ReportBeneficiary",
    "ReportStatus",
    "Score",
]
