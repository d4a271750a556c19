from __future__ import annotations

from typing import ClassVar

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.db.base import Base, TimestampMixin, VersionedMixin
from matchmaker.db.types import BigIntPK
from matchmaker.models.enums import RegionLevel


class Region(TimestampMixin, VersionedMixin, Base):
    """An administrative division. ``path`` is the materialized path of codes, ``/c1/c2/…/``."""

    __tablename__ = "regions"
    #: The columns an audit event's before/after snapshot records (services/audit.snapshot);
    #: every other column is in NOT_AUDITED (ids, timestamps, secrets, derived values).
    AUDITED: ClassVar[tuple[str, ...]] = ("code", "name", "level", "parent_id", "path")
    NOT_AUDITED: ClassVar[frozenset[str]] = frozenset(
        {"created_at", "id", "latitude", "longitude", "updated_at", "version"}
    )

    code: Mapped[str] = mapped_column(String(15), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[RegionLevel] = mapped_column(Enum(RegionLevel, native_enum=False, length=16))
    parent_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("regions.id"), index=True)
    path: Mapped[str] = mapped_column(String(255))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    __table_args__ = (
        Index("ix_regions_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
    )
