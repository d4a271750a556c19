from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.db.base import Base, TimestampMixin
from matchmaker.db.types import BigIntPK


class Notification(TimestampMixin, Base):
    """An in-app message to one account."""

    __tablename__ = "notifications"

    account_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("accounts.id"))
    #: The message's code (``bids.opened``…): the front end renders ``notifications.<code>``
    #: from its catalogue with :attr:`params`, in the reader's language (docs/architecture.md,
    #: "Notifications").
    kind: Mapped[str] = mapped_column(String(64))
    #: The values the code is rendered with (strings and numbers only).
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    #: The Chinese text, kept for exports, logs and codes a client does not know.
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    subject_type: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[int | None] = mapped_column(BigIntPK)
    #: Idempotency: a job that notifies twice for the same reason creates one message.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    read_at: Mapped[dt.datetime | None]

    __table_args__ = (Index("ix_notifications_account_read", "account_id", "read_at"),)
