from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Enum, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.db.base import Base, TimestampMixin
from matchmaker.models.enums import JobStatus


class OutboxJob(TimestampMixin, Base):
    """A job written in the same transaction as the change that causes it.

    The relay hands due rows to arq (or runs them in-process); the job's effect and its
    ``DONE`` status commit together, so a redelivered job is a no-op.
    """

    __tablename__ = "outbox_jobs"

    name: Mapped[str] = mapped_column(String(64))
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Idempotency key: scheduling the same key twice yields one job.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, native_enum=False, length=16), default=JobStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    run_at: Mapped[dt.datetime]
    enqueued_at: Mapped[dt.datetime | None]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_outbox_jobs_status_run_at", "status", "run_at"),)
