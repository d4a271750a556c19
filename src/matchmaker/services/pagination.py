"""Keyset pagination for Relay connections: cursors are opaque, pages are capped."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from matchmaker.services.errors import DomainError, ErrorCode

MAX_PAGE = 100
DEFAULT_PAGE = 20
T = TypeVar("T")


def encode_cursor(key: int) -> str:
    return base64.urlsafe_b64encode(f"k:{key}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        prefix, value = raw.split(":", 1)
        if prefix != "k":
            raise ValueError(prefix)
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise DomainError(ErrorCode.INVALID_CURSOR, "Invalid cursor", "after") from None


def check_page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if first < 0:
        raise DomainError(ErrorCode.INVALID_INPUT, "first must not be negative", "first")
    if first > MAX_PAGE:
        raise DomainError(ErrorCode.PAGE_TOO_LARGE, f"first must be at most {MAX_PAGE}", "first")
    return first


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    keys: list[int]
    has_next_page: bool
    has_previous_page: bool

    @property
    def end_cursor(self) -> str | None:
        return encode_cursor(self.keys[-1]) if self.keys else None

    @property
    def start_cursor(self) -> str | None:
        return encode_cursor(self.keys[0]) if self.keys else None


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    key: InstrumentedAttribute[int],
    *,
    first: int | None,
    after: str | None,
    descending: bool = False,
) -> Page[Any]:
    """One query: ``first + 1`` rows after the cursor, ordered by ``key``."""
    size = check_page_size(first)
    if after is not None:
        boundary = decode_cursor(after)
        stmt = stmt.where(key < boundary if descending else key > boundary)
    stmt = stmt.order_by(key.desc() if descending else key.asc()).limit(size + 1)
    rows = list((await session.scalars(stmt)).all())
    has_next = len(rows) > size
    rows = rows[:size]
    return Page(
        items=rows,
        keys=[getattr(r, key.key) for r in rows],
        has_next_page=has_next,
        has_previous_page=after is not None,
    )
