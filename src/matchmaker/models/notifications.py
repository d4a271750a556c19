from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.db.base import Base, TimestampMixin
from matchmaker.db.types import BigIntPK


class Notification(TimestampMixin, Base):
    """An in-app message to one account."""

    __tablename__ = "notifications"

    account_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    subject_type: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[int | None] = mapped_column(BigIntPK)
    #: Idempotency: a job that notifies twice for the same reason creates one message.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    read_at: Mapped[dt.datetime | None]

    __table_args__ = (Index("ix_notifications_account_read", "account_id", "read_at"),)
