from matchmaker.db.base import Base, TimestampMixin, VersionedMixin
from matchmaker.db.engine import create_engine, create_session_factory

__all__ = ["Base", "TimestampMixin", "VersionedMixin", "create_engine", "create_session_factory"]
