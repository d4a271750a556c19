"""Column types shared by every model."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

#: Primary keys: BIGINT on PostgreSQL, INTEGER (the rowid alias) on SQLite.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC in and out, on every backend.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so values are normalised to
    UTC and tagged again on the way out. Naive datetimes are a bug and are refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


#: Money is integer fen (分); never a float.
Money = BigInteger


class TagSet(TypeDecorator[list[str]]):
    """A small set of codes stored as ``,A,B,`` text.

    Portable across SQLite and PostgreSQL, and filterable with ``LIKE '%,A,%'`` without
    dialect-specific JSON operators.
    """

    impl = String(2000)
    cache_ok = True

    def process_bind_param(self, value: list[str] | None, dialect: Dialect) -> Any:
        if value is None:
            return ","
        items = sorted({v.strip() for v in value if v and v.strip()})
        for item in items:
            if "," in item:
                raise ValueError(f"tag {item!r} contains a comma")
        return "," + ",".join(items) + ("," if items else "")

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        if not value:
            return []
        return [v for v in value.split(",") if v]


def tag_pattern(tag: str) -> str:
    """LIKE pattern matching one tag in a TagSet column."""
    return f"%,{tag},%"
