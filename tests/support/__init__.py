"""What tests share: one ``gid``, one ``count``, the statement log (``statements.py``).

Builders of domain objects live in ``tests/factories.py`` (accounts, regions, organizations,
volunteers), ``tests/procurement_support.py`` (a procurement world) and
``tests/volunteering_helpers.py`` (activities, shifts, sign-ups).
"""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession


def gid(type_name: str, pk: int) -> str:
    """The Relay global id (as ``schema.relay.to_global_id``, without importing the schema)."""
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode()


async def count(session: AsyncSession, model: Any, *where: ColumnElement[bool]) -> int:
    """How many rows of ``model`` (a mapped class or table) match ``where``."""
    stmt = select(func.count()).select_from(model)
    if where:
        stmt = stmt.where(*where)
    return int(await session.scalar(stmt) or 0)
