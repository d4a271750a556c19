from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.db.base import Base, TimestampMixin
from matchmaker.db.types import BigIntPK


class AuditEvent(TimestampMixin, Base):
    """Append-only record of a write. ``hash`` chains each row to the previous one."""

    __tablename__ = "audit_events"

    at: Mapped[dt.datetime]
    actor_account_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("accounts.id"), index=True
    )
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int | None] = mapped_column(BigIntPK)
    #: Region path of the subject, so auditors can be scoped without joining every domain.
    region_path: Mapped[str | None] = mapped_column(String(255))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
