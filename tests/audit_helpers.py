"""Simulating an attacker who can change the audit table despite its append-only triggers.

The triggers stop the application and anyone with ordinary write rights; a table owner can
lift them. These helpers do exactly that (and put the guard back) so tests can check that
verification still catches what such an attacker does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from matchmaker.models.audit import SQLITE_GUARD_DROP, SQLITE_GUARD_TRIGGERS


async def tamper(session_factory: async_sessionmaker[AsyncSession], *statements: Any) -> None:
    """Run UPDATE/DELETE statements on ``audit_events`` with the guard lifted."""
    async with session_factory() as s, s.begin():
        postgres = s.get_bind().dialect.name == "postgresql"
        if postgres:
            await s.execute(
                text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
            )
        else:
            for statement in SQLITE_GUARD_DROP:
                await s.execute(text(statement))
        for statement in statements:
            await s.execute(statement)
        if postgres:
            await s.execute(
                text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
            )
        else:
            for statement in SQLITE_GUARD_TRIGGERS:
                await s.execute(text(statement))
