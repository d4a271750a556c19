from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.db.base import Base, TimestampMixin, VersionedMixin
from matchmaker.db.types import BigIntPK
from matchmaker.models.enums import AccountStatus, Role


class Account(TimestampMixin, VersionedMixin, Base):
    __tablename__ = "accounts"
    #: The columns an audit event's before/after snapshot records (services/audit.snapshot);
    #: every other column is in NOT_AUDITED (ids, timestamps, secrets, derived values).
    AUDITED: ClassVar[tuple[str, ...]] = ("username", "phone", "display_name", "status")
    NOT_AUDITED: ClassVar[frozenset[str]] = frozenset(
        {"created_at", "id", "last_login_at", "locale", "password_hash", "updated_at", "version"}
    )

    username: Mapped[str | None] = mapped_column(String(64), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(100))
    status: Mapped[AccountStatus] = mapped_column(
        Enum(AccountStatus, native_enum=False, length=16), default=AccountStatus.ACTIVE
    )
    locale: Mapped[str] = mapped_column(String(10), default="zh-CN")
    last_login_at: Mapped[dt.datetime | None]


class RoleGrant(TimestampMixin, Base):
    """``(account, role, scope)``: scope is a region subtree, an organization, or nothing."""

    __tablename__ = "role_grants"
    #: The columns an audit event's before/after snapshot records (services/audit.snapshot);
    #: every other column is in NOT_AUDITED (ids, timestamps, secrets, derived values).
    AUDITED: ClassVar[tuple[str, ...]] = ("account_id", "role", "region_id", "organization_id")
    NOT_AUDITED: ClassVar[frozenset[str]] = frozenset(
        {"created_at", "granted_by_id", "id", "updated_at"}
    )

    account_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("accounts.id"), index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=32))
    region_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("regions.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("organizations.id"), index=True
    )
    granted_by_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("accounts.id"))

    __table_args__ = (UniqueConstraint("account_id", "role", "region_id", "organization_id"),)


class AuthSession(TimestampMixin, Base):
    """A login session; only the SHA-256 of the token is stored."""

    __tablename__ = "auth_sessions"

    account_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("accounts.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    user_agent: Mapped[str | None] = mapped_column(String(255))
    ip: Mapped[str | None] = mapped_column(String(64))


class LoginFailure(TimestampMixin, Base):
    """Failed login attempts, for rate limiting when no Redis is configured."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(128))
    at: Mapped[dt.datetime]

    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)
